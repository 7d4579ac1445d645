import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { OWNER_RESOURCE_TAG, OWNER_STACK_TAG, PREVIOUS_OWNER_TAG } from '../../src/contract/ownership-tags';
import { PreconditionError } from '../runtime/errors';

/**
 * Which share resource owns an image, an alias or a catalog's connection preferences: the one that
 * shares it records itself as its owner in two tags (a stack ID and a logical ID do not fit in one
 * 255-character value), the way aws-cdk-lib's BucketDeployment marks the buckets it owns. A
 * resource that finds it is not the owner when it is deleted undoes nothing: a rename or a second
 * stack cannot unshare (or reset) what another resource declares. The tags are read and written
 * through each service's own tag API (workspaces-tags.ts, resources/partner-connection-preferences.ts);
 * this module holds the decisions. The tag keys are part of the wire contract (src/contract/ownership-tags.ts).
 */

/** A share resource: its stack and logical ID. */
export interface Owner {
  readonly stackId: string;
  readonly logicalId: string;
}

/** What the tags of a shared resource say. */
export interface Ownership {
  readonly owner?: Owner;
  /** The logical ID that owned it before a rename took it over, in the owner's stack. */
  readonly previous?: string;
}

/** A tag to write. */
export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

/** The resource a request is about, as its owner identity. */
export function ownerOf(event: CloudFormationCustomResourceEvent): Owner {
  return { stackId: event.StackId, logicalId: event.LogicalResourceId };
}

/** The ownership that tags record. */
export function ownershipFrom(tags: readonly { Key?: string; Value?: string }[]): Ownership {
  const byKey = Object.fromEntries(tags.map(t => [t.Key, t.Value]));
  const stackId = byKey[OWNER_STACK_TAG];
  const logicalId = byKey[OWNER_RESOURCE_TAG];
  return {
    owner: stackId && logicalId ? { stackId, logicalId } : undefined,
    previous: byKey[PREVIOUS_OWNER_TAG] || undefined,
  };
}

const same = (a: Owner | undefined, b: Owner) => a?.stackId === b.stackId && a.logicalId === b.logicalId;

/** The tags that record `owner`. */
export function ownerTags(owner: Owner): Tag[] {
  return [{ Key: OWNER_STACK_TAG, Value: owner.stackId }, { Key: OWNER_RESOURCE_TAG, Value: owner.logicalId }];
}

/**
 * The tags with which `me` claims a resource, or none when it owns it already. Another stack's
 * ownership is an error that changes nothing. The same stack under another logical ID is a rename
 * (two live owners in one stack are a synth error): `me` takes over and notes the logical ID it
 * took over from, so that the rollback of the rename can hand it back.
 */
export function claimTags(what: string, ownership: Ownership, me: Owner): Tag[] {
  const { owner } = ownership;
  if (same(owner, me)) return [];
  if (owner && owner.stackId !== me.stackId) {
    throw new PreconditionError(
      `Resource ${owner.logicalId} of stack ${owner.stackId} already owns ${what}; nothing was changed. `
      + 'Use one construct for it: list all its accounts there, or remove it from that stack first',
    );
  }
  return [...ownerTags(me), ...(owner ? [{ Key: PREVIOUS_OWNER_TAG, Value: owner.logicalId }] : [])];
}

/** What a Delete does with a shared resource, by its ownership. */
export type DeleteAction =
  /** Undo its share: it owns the resource (or no ownership was ever recorded, by a release before ownership). */
  | { readonly kind: 'unshare'; readonly recorded: boolean }
  /** Undo nothing: another resource owns it. */
  | { readonly kind: 'leave'; readonly owner: Owner }
  /** Undo nothing and hand ownership back to the logical ID a rename took it from: the rename is rolled back. */
  | { readonly kind: 'hand-back'; readonly to: string }
  /** Undo nothing and forget the rename: this is the old resource of a rename that succeeded. */
  | { readonly kind: 'renamed'; readonly owner: Owner }
  /** Nothing at all: the resource does not exist. */
  | { readonly kind: 'gone' };

/** Decide what the Delete of `me` does with a resource whose ownership is `ownership` (null: the resource does not exist). */
export function deleteAction(ownership: Ownership | null, me: Owner): DeleteAction {
  if (ownership === null) return { kind: 'gone' };
  const { owner, previous } = ownership;
  if (!owner) return { kind: 'unshare', recorded: false };
  if (same(owner, me)) return previous ? { kind: 'hand-back', to: previous } : { kind: 'unshare', recorded: true };
  if (owner.stackId === me.stackId && previous === me.logicalId) return { kind: 'renamed', owner };
  return { kind: 'leave', owner };
}

/** The tag changes that settle a Delete's action, after any undoing. */
export function settlingChanges(action: DeleteAction, me: Owner): { readonly set: Tag[]; readonly remove: string[] } {
  switch (action.kind) {
    case 'unshare':
      return { set: [], remove: action.recorded ? [OWNER_STACK_TAG, OWNER_RESOURCE_TAG] : [] };
    case 'hand-back':
      return { set: ownerTags({ stackId: me.stackId, logicalId: action.to }), remove: [PREVIOUS_OWNER_TAG] };
    case 'renamed':
      return { set: [], remove: [PREVIOUS_OWNER_TAG] };
    default:
      return { set: [], remove: [] };
  }
}
