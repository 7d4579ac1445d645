/**
 * The tag keys with which a resource records its owner (lambda/ownership/ownership.ts writes them;
 * the receiving side's IAM statements test the stack tag in their conditions). Part of the
 * contract with every image, alias and bundle already deployed: never rename them.
 */

/** The owning stack's ID. */
export const OWNER_STACK_TAG = 'cdk-cross-account-sharing:owner-stack';

/** The owning resource's logical ID (a stack ID and a logical ID do not fit in one 255-character value). */
export const OWNER_RESOURCE_TAG = 'cdk-cross-account-sharing:owner-resource';

/** Set by a rename's takeover: the logical ID, in the same stack, that owned the resource before. */
export const PREVIOUS_OWNER_TAG = 'cdk-cross-account-sharing:previous-owner-resource';

/** On an image copy: its source, `<region>/<imageId>`, so that a Create that finds a copy by its name knows whether it is the same copy. */
export const SOURCE_IMAGE_TAG = 'cdk-cross-account-sharing:source-image';
