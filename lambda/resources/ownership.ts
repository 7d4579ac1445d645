import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand } from '@aws-sdk/client-workspaces';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { workspacesOf } from '../clients/workspaces';
import { isErrorCode, PreconditionError } from '../runtime/errors';
import type { ResourceContext } from '../runtime/resource';

/**
 * Which share resource owns an image or alias: the one that shares it records itself as its owner
 * in two WorkSpaces tags (a stack ID and a logical ID do not fit in one 255-character value), the
 * way aws-cdk-lib's BucketDeployment marks the buckets it owns. A resource that finds it is not the
 * owner when it is deleted unshares nothing: a rename or a second stack cannot unshare what another
 * resource declares.
 */
export const OWNER_STACK_TAG = 'cdk-cross-account-sharing:owner-stack';
export const OWNER_RESOURCE_TAG = 'cdk-cross-account-sharing:owner-resource';
/** Set by a rename's takeover: the logical ID, in the same stack, that owned the resource before. */
export const PREVIOUS_OWNER_TAG = 'cdk-cross-account-sharing:previous-owner-resource';

/** A share resource: its stack and logical ID. */
export interface Owner {
  readonly stackId: string;
  readonly logicalId: string;
}

/** What the tags of an image or alias say. */
export interface Ownership {
  readonly owner?: Owner;
  /** The logical ID that owned it before a rename took it over, in the owner's stack. */
  readonly previous?: string;
}

/** The resource a request is about, as its owner identity. */
export function ownerOf(event: CloudFormationCustomResourceEvent): Owner {
  return { stackId: event.StackId, logicalId: event.LogicalResourceId };
}

const same = (a: Owner | undefined, b: Owner) => a?.stackId === b.stackId && a.logicalId === b.logicalId;

/** The ownership an image or alias records, or null when it does not exist. */
export async function readOwnership(resourceId: string, ctx: ResourceContext): Promise<Ownership | null> {
  let tags: Record<string, string | undefined>;
  try {
    const { TagList } = await workspacesOf(ctx).send(new DescribeTagsCommand({ ResourceId: resourceId }));
    tags = Object.fromEntries((TagList ?? []).map(t => [t.Key, t.Value]));
  } catch (error) {
    if (isErrorCode(error, 'ResourceNotFoundException')) return null;
    throw error;
  }
  const stackId = tags[OWNER_STACK_TAG];
  const logicalId = tags[OWNER_RESOURCE_TAG];
  return {
    owner: stackId && logicalId ? { stackId, logicalId } : undefined,
    previous: tags[PREVIOUS_OWNER_TAG] || undefined,
  };
}

/**
 * Record `me` as the owner before the first share, changing nothing if another stack owns it.
 * The same stack under another logical ID is a rename (two live owners in one stack are a synth
 * error): `me` takes over and notes the logical ID it took over from, so that the rollback of the
 * rename can hand it back.
 */
export async function claimOwnership(kind: string, resourceId: string, me: Owner, ctx: ResourceContext): Promise<void> {
  const ownership = await readOwnership(resourceId, ctx);
  if (ownership === null) return; // The share that follows reports the missing resource.
  const { owner } = ownership;
  if (same(owner, me)) return;
  if (owner && owner.stackId !== me.stackId) {
    throw new PreconditionError(
      `${kind} ${resourceId} is already shared by resource ${owner.logicalId} of stack ${owner.stackId}, which owns it; nothing was changed. `
      + `Use one construct per ${kind.toLowerCase()}: list all its accounts there, or remove it from that stack first`,
    );
  }
  const tags = [
    { Key: OWNER_STACK_TAG, Value: me.stackId },
    { Key: OWNER_RESOURCE_TAG, Value: me.logicalId },
    ...(owner ? [{ Key: PREVIOUS_OWNER_TAG, Value: owner.logicalId }] : []),
  ];
  await workspacesOf(ctx).send(new CreateTagsCommand({ ResourceId: resourceId, Tags: tags }));
}

/** What a Delete does with an image or alias, by its ownership. */
export type DeleteAction =
  /** Unshare its accounts: it owns the resource (or no ownership was ever recorded, by a release before ownership). */
  | { readonly kind: 'unshare'; readonly recorded: boolean }
  /** Unshare nothing: another resource owns it. */
  | { readonly kind: 'leave'; readonly owner: Owner }
  /** Unshare nothing and hand ownership back to the logical ID a rename took it from: the rename is rolled back. */
  | { readonly kind: 'hand-back'; readonly to: string }
  /** Unshare nothing and forget the rename: this is the old resource of a rename that succeeded. */
  | { readonly kind: 'renamed'; readonly owner: Owner }
  /** Nothing at all: the resource does not exist. */
  | { readonly kind: 'gone' };

/** Decide what the Delete of `me` does with an image or alias. */
export async function deleteAction(resourceId: string, me: Owner, ctx: ResourceContext): Promise<DeleteAction> {
  const ownership = await readOwnership(resourceId, ctx);
  if (ownership === null) return { kind: 'gone' };
  const { owner, previous } = ownership;
  if (!owner) return { kind: 'unshare', recorded: false };
  if (same(owner, me)) return previous ? { kind: 'hand-back', to: previous } : { kind: 'unshare', recorded: true };
  if (owner.stackId === me.stackId && previous === me.logicalId) return { kind: 'renamed', owner };
  return { kind: 'leave', owner };
}

/** Carry out the ownership part of a Delete's action, after any unsharing. */
export async function settleOwnership(resourceId: string, action: DeleteAction, me: Owner, ctx: ResourceContext): Promise<void> {
  const ws = workspacesOf(ctx);
  const untag = (keys: string[]) => ws.send(new DeleteTagsCommand({ ResourceId: resourceId, TagKeys: keys }));
  try {
    if (action.kind === 'unshare' && action.recorded) {
      await untag([OWNER_STACK_TAG, OWNER_RESOURCE_TAG]);
    } else if (action.kind === 'hand-back') {
      const owner = [{ Key: OWNER_STACK_TAG, Value: me.stackId }, { Key: OWNER_RESOURCE_TAG, Value: action.to }];
      await ws.send(new CreateTagsCommand({ ResourceId: resourceId, Tags: owner }));
      await untag([PREVIOUS_OWNER_TAG]);
    } else if (action.kind === 'renamed') {
      await untag([PREVIOUS_OWNER_TAG]);
    }
  } catch (error) {
    // A resource deleted meanwhile has no ownership left to settle.
    if (!isErrorCode(error, 'ResourceNotFoundException')) throw error;
  }
}
