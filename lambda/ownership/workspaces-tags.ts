import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand } from '@aws-sdk/client-workspaces';
import { claimExclusively, ClaimResult, TagStore } from './claim';
import { deleteAction, DeleteAction, Owner, Ownership, OwnershipFacts, ownershipFrom, settlingChanges, Tag } from './ownership';
import { OWNERSHIP_TAG_KEYS, OwnershipTagKeys } from '../../src/contract/ownership-tags';
import { workspacesOf } from '../clients/workspaces';
import { isErrorCode } from '../runtime/errors';
import type { ResourceContext } from '../runtime/resource';

/**
 * A WorkSpaces resource whose tags record an owner: an image or alias that is shared, a copy or
 * bundle that the receiving side made, or a directory, whose tags record the owner of its
 * association with one alias (`keys`: associationTagKeys). ownership.ts decides in the standard
 * keys; this module maps them to the resource's own.
 */
export interface TaggedResource {
  readonly resourceId: string;
  /** @default OWNERSHIP_TAG_KEYS */
  readonly keys?: OwnershipTagKeys;
}

const resourceOf = (target: string | TaggedResource): Required<TaggedResource> =>
  (typeof target === 'string' ? { resourceId: target, keys: OWNERSHIP_TAG_KEYS } : { keys: OWNERSHIP_TAG_KEYS, ...target });

/** A key of ownership.ts (the standard one) as the resource spells it. */
function keyOf(standard: string, keys: OwnershipTagKeys): string {
  if (standard === OWNERSHIP_TAG_KEYS.stack) return keys.stack;
  if (standard === OWNERSHIP_TAG_KEYS.resource) return keys.resource;
  if (standard === OWNERSHIP_TAG_KEYS.previous) return keys.previous;
  return standard;
}

/** The resource's ownership tags in the standard keys. */
function standardTags(tags: readonly { Key?: string; Value?: string }[], keys: OwnershipTagKeys): { Key?: string; Value?: string }[] {
  const standard = new Map<string | undefined, string>([
    [keys.stack, OWNERSHIP_TAG_KEYS.stack], [keys.resource, OWNERSHIP_TAG_KEYS.resource], [keys.previous, OWNERSHIP_TAG_KEYS.previous],
  ]);
  return tags.filter(t => standard.has(t.Key)).map(t => ({ Key: standard.get(t.Key), Value: t.Value }));
}

/** The tags of a WorkSpaces resource, or undefined when it does not exist. */
export async function workspacesTagsOf(resourceId: string, ctx: ResourceContext): Promise<{ Key?: string; Value?: string }[] | undefined> {
  try {
    const { TagList } = await workspacesOf(ctx).send(new DescribeTagsCommand({ ResourceId: resourceId }));
    return TagList ?? [];
  } catch (error) {
    if (isErrorCode(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

/** The ownership a resource records in its WorkSpaces tags, or null when it does not exist. */
async function readOwnership(target: Required<TaggedResource>, ctx: ResourceContext): Promise<Ownership | null> {
  const tags = await workspacesTagsOf(target.resourceId, ctx);
  return tags === undefined ? null : ownershipFrom(standardTags(tags, target.keys));
}

/** Write tags (given in the standard keys) on a resource. */
async function writeTags(target: Required<TaggedResource>, tags: Tag[], ctx: ResourceContext, abortSignal?: AbortSignal): Promise<void> {
  const own = tags.map(t => ({ Key: keyOf(t.Key, target.keys), Value: t.Value }));
  await workspacesOf(ctx).send(new CreateTagsCommand({ ResourceId: target.resourceId, Tags: own }), { abortSignal });
}

/** The WorkSpaces tags of a resource, as a claim reads and writes them. */
function tagStore(target: Required<TaggedResource>, ctx: ResourceContext): TagStore {
  return {
    read: () => readOwnership(target, ctx),
    write: (tags, abortSignal) => writeTags(target, tags, ctx, abortSignal),
  };
}

/**
 * Record `me` as the owner of a WorkSpaces resource before its first change (see ownership.ts and
 * claim.ts): one read and, unless it owns it already, a write, a settle and a read. Fails,
 * changing nothing, when another live stack owns it or claims it at the same time.
 */
export async function claimWorkspacesResource(
  what: string, target: string | TaggedResource, me: Owner, facts: OwnershipFacts, ctx: ResourceContext,
): Promise<ClaimResult> {
  const resource = resourceOf(target);
  // A missing resource is for the step that follows to report.
  // A resource named by its ID is the object a custom resource names as its physical ID (an image, an alias, a copy, a bundle).
  const physicalId = typeof target === 'string' ? target : undefined;
  return claimExclusively(typeof target === 'string' ? `${what} ${resource.resourceId}` : what, tagStore(resource, ctx), me, facts, ctx, physicalId);
}

/** Decide what the Delete of `me` does with a WorkSpaces resource: one read of its tags, and CloudFormation's facts where a row needs them. */
export async function workspacesDeleteAction(
  target: string | TaggedResource, me: Owner, facts: OwnershipFacts, ctx: ResourceContext,
): Promise<DeleteAction> {
  return deleteAction(await readOwnership(resourceOf(target), ctx), me, facts, typeof target === 'string' ? target : undefined);
}

/** The same decision from tags already read (undefined: the resource does not exist) of the object of physical ID `physicalId`. */
export function deleteActionFrom(
  tags: readonly { Key?: string; Value?: string }[] | undefined, me: Owner, facts: OwnershipFacts,
  physicalId?: string, keys: OwnershipTagKeys = OWNERSHIP_TAG_KEYS,
): Promise<DeleteAction> {
  return deleteAction(tags === undefined ? null : ownershipFrom(standardTags(tags, keys)), me, facts, physicalId);
}

/** Settle the ownership of a WorkSpaces resource after a Delete's action: at most two tag writes. */
export async function settleWorkspacesResource(
  target: string | TaggedResource, action: DeleteAction, me: Owner, ctx: ResourceContext,
): Promise<void> {
  const resource = resourceOf(target);
  const { set, remove } = settlingChanges(action, me);
  try {
    if (set.length > 0) await writeTags(resource, set, ctx);
    if (remove.length > 0) {
      await workspacesOf(ctx).send(new DeleteTagsCommand({ ResourceId: resource.resourceId, TagKeys: remove.map(k => keyOf(k, resource.keys)) }));
    }
  } catch (error) {
    // A resource deleted meanwhile has no ownership left to settle.
    if (!isErrorCode(error, 'ResourceNotFoundException')) throw error;
  }
}

