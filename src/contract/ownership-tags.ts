/**
 * The tag keys with which a resource records its owner (lambda/ownership/ownership.ts writes them;
 * the receiving side's IAM statements test the stack tag in their conditions). Part of the
 * contract with every image, alias and bundle already deployed: never rename them.
 */

/** What every tag key of this library begins with. */
export const OWNERSHIP_TAG_PREFIX = 'cdk-cross-account-sharing:';

/** The owning stack's ID. */
export const OWNER_STACK_TAG = 'cdk-cross-account-sharing:owner-stack';

/** The owning resource's logical ID (a stack ID and a logical ID do not fit in one 255-character value). */
export const OWNER_RESOURCE_TAG = 'cdk-cross-account-sharing:owner-resource';

/** Set by a rename's takeover: the logical ID, in the same stack, that owned the resource before. */
export const PREVIOUS_OWNER_TAG = 'cdk-cross-account-sharing:previous-owner-resource';

/** On an image copy: its source, `<region>/<imageId>`, so that a Create that finds a copy by its name knows whether it is the same copy. */
export const SOURCE_IMAGE_TAG = 'cdk-cross-account-sharing:source-image';

/**
 * On a bundle: written by the request that creates it (CreateWorkspaceBundle), never after. With
 * the copy's `SOURCE_IMAGE_TAG`, it marks what this library created, which the receiving side's
 * IAM lets a stack take over once nobody owns it (src/private/share-grants.ts): an object without
 * the mark (one the account made by other means) can never be tagged, and so never deleted.
 */
export const CREATED_BUNDLE_TAG = 'cdk-cross-account-sharing:created-bundle';

/** The keys of one ownership record: the owner's stack, its logical ID, and a rename's note. */
export interface OwnershipTagKeys {
  readonly stack: string;
  readonly resource: string;
  readonly previous: string;
}

/** The keys with which an image, an alias, a copy, a bundle or a catalog's preferences records its owner. */
export const OWNERSHIP_TAG_KEYS: OwnershipTagKeys = { stack: OWNER_STACK_TAG, resource: OWNER_RESOURCE_TAG, previous: PREVIOUS_OWNER_TAG };

/**
 * The keys with which a directory records the owner of its association with one connection alias
 * (the alias belongs to the account that shares it, so the receiving side tags its own directory,
 * one record per alias). The longest, with an alias ID of the model's 68 characters, has 124 of
 * the 127 a WorkSpaces tag key may have.
 */
export function associationTagKeys(aliasId: string): OwnershipTagKeys {
  const prefix = `${OWNERSHIP_TAG_PREFIX}${aliasId}:`;
  return { stack: `${prefix}owner-stack`, resource: `${prefix}owner-resource`, previous: `${prefix}previous-owner-resource` };
}

/**
 * On a copy or a bundle that a replacement was to supersede: the ID of the replacement's new copy
 * or bundle that was still PENDING when its request failed. CloudFormation never names it (a
 * failed Update keeps the old physical ID), so the next request on the old one (the rollback, an
 * update, the stack's delete) deletes it.
 */
export const UNFINISHED_REPLACEMENT_TAG = 'cdk-cross-account-sharing:unfinished-replacement';

/**
 * On an image, alias or catalog's preferences whose resource has a drift check: the digest of the
 * declaration its last successful Create or Update deployed (lambda/drift/declaration.ts). A check
 * whose input has another digest is stale and changes nothing.
 */
export const DECLARATION_TAG = 'cdk-cross-account-sharing:declaration';
