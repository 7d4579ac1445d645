import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand } from '@aws-sdk/client-workspaces';
import { claimTags, deleteAction, DeleteAction, Owner, Ownership, ownershipFrom, settlingChanges } from './ownership';
import { workspacesOf } from '../clients/workspaces';
import { isErrorCode } from '../runtime/errors';
import type { ResourceContext } from '../runtime/resource';

/** The ownership an image or alias records in its WorkSpaces tags, or null when it does not exist. */
async function readOwnership(resourceId: string, ctx: ResourceContext): Promise<Ownership | null> {
  try {
    const { TagList } = await workspacesOf(ctx).send(new DescribeTagsCommand({ ResourceId: resourceId }));
    return ownershipFrom(TagList ?? []);
  } catch (error) {
    if (isErrorCode(error, 'ResourceNotFoundException')) return null;
    throw error;
  }
}

/**
 * Record `me` as the owner of an image or alias before its first share (see ownership.ts): one
 * read and, unless it owns it already, one write. Fails, changing nothing, when another stack owns it.
 */
export async function claimWorkspacesResource(what: string, resourceId: string, me: Owner, ctx: ResourceContext): Promise<void> {
  const ownership = await readOwnership(resourceId, ctx);
  if (ownership === null) return; // The share that follows reports the missing resource.
  const tags = claimTags(`${what} ${resourceId}`, ownership, me);
  if (tags.length > 0) await workspacesOf(ctx).send(new CreateTagsCommand({ ResourceId: resourceId, Tags: tags }));
}

/** Decide what the Delete of `me` does with an image or alias: one read of its tags. */
export async function workspacesDeleteAction(resourceId: string, me: Owner, ctx: ResourceContext): Promise<DeleteAction> {
  return deleteAction(await readOwnership(resourceId, ctx), me);
}

/** Settle the ownership of an image or alias after a Delete's action: at most two tag writes. */
export async function settleWorkspacesResource(resourceId: string, action: DeleteAction, me: Owner, ctx: ResourceContext): Promise<void> {
  const { set, remove } = settlingChanges(action, me);
  const ws = workspacesOf(ctx);
  try {
    if (set.length > 0) await ws.send(new CreateTagsCommand({ ResourceId: resourceId, Tags: set }));
    if (remove.length > 0) await ws.send(new DeleteTagsCommand({ ResourceId: resourceId, TagKeys: remove }));
  } catch (error) {
    // A resource deleted meanwhile has no ownership left to settle.
    if (!isErrorCode(error, 'ResourceNotFoundException')) throw error;
  }
}

/**
 * The Delete of a RETAIN share: keep the shares, and release the image or alias if this resource
 * owns it (settled as if it had unshared), so that another stack can take it over.
 */
export async function releaseWorkspacesResource(resourceId: string, me: Owner, ctx: ResourceContext): Promise<DeleteAction> {
  const action = await workspacesDeleteAction(resourceId, me, ctx);
  await settleWorkspacesResource(resourceId, action, me, ctx);
  return action;
}
