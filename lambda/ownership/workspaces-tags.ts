import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand } from '@aws-sdk/client-workspaces';
import { claimExclusively, ClaimResult, TagStore } from './claim';
import { deleteAction, DeleteAction, Owner, Ownership, OwnershipFacts, ownershipFrom, settlingChanges } from './ownership';
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

/** The WorkSpaces tags of an image or alias, as a claim reads and writes them. */
function tagStore(resourceId: string, ctx: ResourceContext): TagStore {
  return {
    read: () => readOwnership(resourceId, ctx),
    write: async (tags, abortSignal) => {
      await workspacesOf(ctx).send(new CreateTagsCommand({ ResourceId: resourceId, Tags: tags }), { abortSignal });
    },
  };
}

/**
 * Record `me` as the owner of an image or alias before its first share (see ownership.ts and
 * claim.ts): one read and, unless it owns it already, a write, a settle and a read. Fails,
 * changing nothing, when another live stack owns it or claims it at the same time.
 */
export async function claimWorkspacesResource(
  what: string, resourceId: string, me: Owner, facts: OwnershipFacts, ctx: ResourceContext,
): Promise<ClaimResult> {
  // A missing resource is for the share that follows to report.
  return claimExclusively(`${what} ${resourceId}`, tagStore(resourceId, ctx), me, facts, ctx);
}

/** Decide what the Delete of `me` does with an image or alias: one read of its tags, and CloudFormation's facts where a row needs them. */
export async function workspacesDeleteAction(resourceId: string, me: Owner, facts: OwnershipFacts, ctx: ResourceContext): Promise<DeleteAction> {
  return deleteAction(await readOwnership(resourceId, ctx), me, facts);
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
export async function releaseWorkspacesResource(resourceId: string, me: Owner, facts: OwnershipFacts, ctx: ResourceContext): Promise<DeleteAction> {
  const action = await workspacesDeleteAction(resourceId, me, facts, ctx);
  await settleWorkspacesResource(resourceId, action, me, ctx);
  return action;
}
