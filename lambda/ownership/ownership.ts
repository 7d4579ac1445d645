import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { StackPhase } from './stacks';
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

/** What tells a claim or a Delete whether a recorded owner still exists, and what the request's stack is doing (stacks.ts). */
export interface OwnershipFacts {
  phase(): Promise<StackPhase>;
  isAlive(owner: Owner): Promise<boolean>;
  /** The logical ID `cdk refactor` moved a recorded owner that is not alive to: its stack's custom resource of physical ID `physicalId`. */
  movedTo(owner: Owner, physicalId: string): Promise<string | undefined>;
}

/**
 * The live resource a recorded owner stands for: itself while CloudFormation knows it; else, when
 * the object's physical ID is known, the logical ID `cdk refactor` moved it to (the move keeps the
 * physical ID and tells no handler); else none (it was removed). CloudFormation is read only for
 * an owner that is not alive.
 */
async function liveOwner(owner: Owner, facts: OwnershipFacts, physicalId: string | undefined): Promise<Owner | undefined> {
  if (await facts.isAlive(owner)) return owner;
  const moved = physicalId === undefined ? undefined : await facts.movedTo(owner, physicalId);
  return moved === undefined ? undefined : { stackId: owner.stackId, logicalId: moved };
}

/**
 * The tags with which `me` claims a resource, or none when it owns it already (see the README's
 * ownership table). Another stack's live owner is an error that changes nothing. The same stack
 * under another logical ID is a rename (two live owners in one stack are a synth error): `me`
 * takes over and notes the logical ID it took over from, so that the rollback of the rename can
 * hand it back. An owner CloudFormation no longer knows is no owner, unless `cdk refactor` moved it
 * (`physicalId`, the object's, finds it under its new logical ID): then it is that resource.
 */
export async function claimTags(what: string, ownership: Ownership, me: Owner, facts: OwnershipFacts, physicalId?: string): Promise<Tag[]> {
  const { owner } = ownership;
  if (same(owner, me)) return [];
  const live = owner && await liveOwner(owner, facts, physicalId);
  // A note left by a dead owner's rename is emptied (tag values may be empty; an empty note is none).
  // The owner `cdk refactor` moved to this resource's logical ID is this resource: it records itself.
  if (!live || same(live, me)) return [...ownerTags(me), ...(ownership.previous ? [{ Key: PREVIOUS_OWNER_TAG, Value: '' }] : [])];
  if (live.stackId !== me.stackId) {
    throw new PreconditionError(
      `Resource ${live.logicalId} of stack ${live.stackId} already owns ${what}; nothing was changed. `
      + 'Use one construct for it: list all its accounts there, or remove it from that stack first',
    );
  }
  return [...ownerTags(me), { Key: PREVIOUS_OWNER_TAG, Value: live.logicalId }];
}

/** What a Delete does with a shared resource, by its ownership. */
export type DeleteAction =
  /**
   * Undo its share: it owns the resource (a rename's note that CloudFormation does not confirm is
   * stale), its recorded owner no longer exists, or no ownership was ever recorded (a release
   * before ownership). `recorded`: there are ownership tags to remove.
   */
  | { readonly kind: 'unshare'; readonly recorded: boolean; readonly note: boolean }
  /** Undo nothing: another live resource owns it. */
  | { readonly kind: 'leave'; readonly owner: Owner }
  /**
   * The rollback of a rename: undo what this resource shared beyond what the logical ID it took
   * the resource over from declares, and hand ownership back to it.
   */
  | { readonly kind: 'hand-back'; readonly to: string }
  /**
   * The old resource of a rename that succeeded: undo what it declared and the new owner does
   * not, and forget the rename.
   */
  | { readonly kind: 'renamed'; readonly owner: Owner }
  /** Nothing at all: the resource does not exist. */
  | { readonly kind: 'gone' };

/**
 * Decide what the Delete of `me` does with a resource whose ownership is `ownership` (null: the
 * resource does not exist): the README's ownership table. CloudFormation's facts are read only
 * for the rows that need them, so the Delete of a plain owner costs no extra call. `physicalId`
 * (the object's) finds an owner that `cdk refactor` moved (see claimTags).
 */
export async function deleteAction(ownership: Ownership | null, me: Owner, facts: OwnershipFacts, physicalId?: string): Promise<DeleteAction> {
  if (ownership === null) return { kind: 'gone' };
  const { owner, previous } = ownership;
  if (!owner) return { kind: 'unshare', recorded: false, note: previous !== undefined };
  if (same(owner, me)) {
    // A rename's note is trusted only while CloudFormation says the rename is being rolled back
    // and the logical ID it names still exists: a cleanup that failed leaves the note behind.
    if (previous && (await facts.phase()) === 'rollback' && (await facts.isAlive({ stackId: me.stackId, logicalId: previous }))) {
      return { kind: 'hand-back', to: previous };
    }
    return { kind: 'unshare', recorded: true, note: previous !== undefined };
  }
  const live = await liveOwner(owner, facts, physicalId);
  if (!live || same(live, me)) return { kind: 'unshare', recorded: true, note: previous !== undefined };
  if (live.stackId === me.stackId && previous === me.logicalId) return { kind: 'renamed', owner: live };
  return { kind: 'leave', owner: live };
}

/** The tag changes that settle a Delete's action, after any undoing. */
export function settlingChanges(action: DeleteAction, me: Owner): { readonly set: Tag[]; readonly remove: string[] } {
  switch (action.kind) {
    case 'unshare':
      return { set: [], remove: [...(action.recorded ? [OWNER_STACK_TAG, OWNER_RESOURCE_TAG] : []), ...(action.note ? [PREVIOUS_OWNER_TAG] : [])] };
    case 'hand-back':
      return { set: ownerTags({ stackId: me.stackId, logicalId: action.to }), remove: [PREVIOUS_OWNER_TAG] };
    case 'renamed':
      return { set: [], remove: [PREVIOUS_OWNER_TAG] };
    default:
      return { set: [], remove: [] };
  }
}
