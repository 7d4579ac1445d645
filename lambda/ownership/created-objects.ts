import { CreateTagsCommand, DeleteTagsCommand } from '@aws-sdk/client-workspaces';
import { Owner, ownershipFrom, OwnershipFacts, ownerTags } from './ownership';
import { claimWorkspacesResource, workspacesTagsOf } from './workspaces-tags';
import { UNFINISHED_REPLACEMENT_TAG } from '../../src/contract/ownership-tags';
import { follows, Rule } from '../../src/contract/rules';
import { workspacesOf } from '../clients/workspaces';
import { isErrorCode, messageOf, PreconditionError, TimeShortError } from '../runtime/errors';
import { logger } from '../runtime/logger';
import type { ResourceContext } from '../runtime/resource';

/**
 * What the receiving side creates (an image copy, a bundle) carries the ownership tags of the
 * resource that created it, from the create request on. Names are unique in an account and
 * Region, so a Create finds by its name what it made before: a Create that runs again (after a
 * lost answer, or a rollback to it) recognizes its own copy or bundle instead of making a second
 * one, and a rename takes over the copy or bundle its old logical ID made (the ownership table's
 * rows, as for shares). The function's IAM policy lets it delete only what carries its stack's tag.
 */

/** A WorkSpaces tag as the SDK gives it. */
export type WorkspacesTag = { Key?: string; Value?: string };

/** The tags of an image or bundle, or undefined when it does not exist. */
export const tagsOf = workspacesTagsOf;

/** Whether tags name `me` as the owner. */
export function ownedBy(tags: readonly WorkspacesTag[] | undefined, me: Owner): boolean {
  const { owner } = ownershipFrom(tags ?? []);
  return owner?.stackId === me.stackId && owner.logicalId === me.logicalId;
}

/** The value of one tag. */
export function tagValue(tags: readonly WorkspacesTag[] | undefined, key: string): string | undefined {
  return tags?.find(t => t.Key === key)?.Value;
}

/** What a Create found under its name, as it may use it. */
export interface FoundObject {
  readonly id: string;
  readonly tags: readonly WorkspacesTag[];
  /** `made`: this resource made it (a Create run again, a rollback to it); `taken`: it took it over (a rename, a dead owner's). */
  readonly how: 'made' | 'taken';
}

/**
 * Use the copy or bundle a Create found under its name, if it is the one declared (`same`: its
 * source and settings): this resource's own is used as it is; one of another logical ID of this
 * stack (a rename) or of an owner CloudFormation no longer knows is claimed (claim.ts), and one of
 * another live stack fails, changing nothing. `conflict` is the error for one that is not the same.
 * `physicalId` is an Update's: see goesBackTo.
 */
export async function useFound(
  what: string, id: string, tags: readonly WorkspacesTag[], same: boolean, me: Owner, facts: OwnershipFacts, ctx: ResourceContext,
  conflict: () => Error, physicalId?: string,
): Promise<FoundObject> {
  if (!same && await goesBackTo(id, tags, me, facts, physicalId)) return { id, tags, how: 'made' };
  if (!same) throw conflict();
  if (ownedBy(tags, me)) return { id, tags, how: 'made' };
  const claimed = await claimWorkspacesResource(what, id, me, facts, ctx);
  if (claimed === 'missing') throw new PreconditionError(`${what} ${id} disappeared while it was being taken over: deploy again`);
  return { id, tags, how: claimed === 'owned' ? 'made' : 'taken' };
}

/**
 * Whether an Update that found `id` under its name is a rollback going back to the copy or bundle
 * it stands on: `id` is the request's physical ID, this resource owns it, and the stack is rolling
 * back. Then there is nothing to do, whatever its source or settings say now (a copy made before
 * the source tag, a bundle moved to another image by hand): refusing it would leave the stack
 * UPDATE_ROLLBACK_FAILED. A forward Update (another source under the same name) still fails.
 */
async function goesBackTo(
  id: string, tags: readonly WorkspacesTag[], me: Owner, facts: OwnershipFacts, physicalId: string | undefined,
): Promise<boolean> {
  return id === physicalId && ownedBy(tags, me) && await facts.phase() === 'rollback';
}

/**
 * The Reason of a replacement's new copy or bundle that cannot be deleted yet: what is left,
 * where, and the command that removes it.
 */
export function leftBehind(what: string, id: string, ctx: ResourceContext, command: string): string {
  return `${what} ${id} is left in account ${ctx.accountId} in ${process.env.AWS_REGION ?? 'this Region'}, and CloudFormation will never delete it `
    + '(a failed update keeps the old physical ID): the rollback deletes it once WorkSpaces has finished it, or else the next update or delete of this resource does; '
    + `to remove it yourself once it is no longer PENDING: ${command}`;
}

/**
 * Record on `onId` (the copy or bundle a failed replacement was to supersede) that `leftoverId`
 * is left for a later request to delete. With the owner tags, which the IAM policy asks of every
 * tag write. Best effort: the Reason says what is left either way.
 */
export async function recordLeftover(onId: string, leftoverId: string, me: Owner, ctx: ResourceContext): Promise<void> {
  try {
    await workspacesOf(ctx).send(new CreateTagsCommand({
      ResourceId: onId,
      Tags: [...ownerTags(me), { Key: UNFINISHED_REPLACEMENT_TAG, Value: leftoverId }],
    }));
  } catch (error) {
    logger.warn('The leftover of a failed replacement could not be recorded', { on: onId, leftover: leftoverId, error: messageOf(error) });
  }
}

/** Deletes a copy or bundle, waiting while it is PENDING if `wait`, else answering 'pending' for one that is. */
export type Remover = (id: string, ctx: ResourceContext, wait: boolean) => Promise<'deleted' | 'pending'>;

/** How a leftover's deletion ended. */
export type LeftoverOutcome = 'deleted' | 'pending' | 'none';

/**
 * Delete a replacement's leftover copy or bundle if this resource made it (its tags say so):
 * `remove` deletes it, waiting while it is PENDING if `wait`; without waiting, one still PENDING
 * is 'pending'. Anything not made by this resource is left alone.
 */
export async function deleteLeftover(
  leftoverId: string, me: Owner, ctx: ResourceContext, remove: Remover, wait: boolean,
): Promise<LeftoverOutcome> {
  const tags = await tagsOf(leftoverId, ctx);
  if (tags === undefined || !ownedBy(tags, me)) return 'none';
  return remove(leftoverId, ctx, wait);
}

/**
 * Settle the leftover that `tags` (of `onId`) record: delete it (waiting while it is PENDING if
 * `wait`), then remove the record. A leftover that cannot be deleted yet stays recorded.
 */
export async function settleRecordedLeftover(
  onId: string, tags: readonly WorkspacesTag[] | undefined, me: Owner, ctx: ResourceContext,
  remove: Remover, wait: boolean,
): Promise<LeftoverOutcome> {
  const leftoverId = tagValue(tags, UNFINISHED_REPLACEMENT_TAG);
  if (!leftoverId) return 'none';
  const outcome = await deleteLeftover(leftoverId, me, ctx, remove, wait);
  if (outcome === 'pending') return outcome;
  try {
    await workspacesOf(ctx).send(new DeleteTagsCommand({ ResourceId: onId, TagKeys: [UNFINISHED_REPLACEMENT_TAG] }));
  } catch (error) {
    if (!isErrorCode(error, 'ResourceNotFoundException')) throw error;
  }
  return outcome === 'none' ? 'none' : 'deleted';
}

/** Whether an error is one that ends the request for good: a hand-over (time left in the budget) is not. */
export function endsRequest(error: unknown, ctx: ResourceContext): boolean {
  return !(error instanceof TimeShortError && ctx.deadline.canHandOver);
}

/** Whether a create call was refused by the service (a client error): then it made nothing. A server error or a lost answer leaves it in doubt. */
export function refused(error: unknown): boolean {
  return (error as { $fault?: string } | null)?.$fault === 'client';
}

/** What the receiving side's shared steps need to know of a kind of object it makes (copies, bundles). */
export interface CreatedKind {
  /** How a Reason names one ("Image copy", "Bundle"). */
  readonly what: string;
  /** The rule of its IDs. */
  readonly idRule: Rule;
  /** Delete one (see Remover). */
  readonly remove: Remover;
  /** The CLI command that deletes one by hand. */
  readonly deleteCommand: (id: string) => string;
  /** The ID of the account's object of that name in this Region, if any. */
  readonly findByName: (name: string, ctx: ResourceContext) => Promise<string | undefined>;
}

/**
 * The new object of a replacement that failed: deleted now if WorkSpaces has finished it (ERROR),
 * otherwise recorded on the one it was to replace, `replacing`; the error, with what is left,
 * for the Reason.
 */
export async function abandonReplacement(
  kind: CreatedKind, newId: string, replacing: string, me: Owner, ctx: ResourceContext, error: unknown,
): Promise<unknown> {
  const outcome = await kind.remove(newId, ctx, false).catch(() => 'pending' as const);
  if (outcome === 'deleted') return error;
  if (follows(kind.idRule, replacing)) await recordLeftover(replacing, newId, me, ctx);
  const left = leftBehind(kind.what, newId, ctx, kind.deleteCommand(newId));
  return error instanceof TimeShortError ? ctx.deadline.outOfTime(`${messageOf(error)}. ${left}`) : new PreconditionError(`${messageOf(error)}. ${left}`);
}

/**
 * After an Update found its object by the new properties (RC4) rather than making one, which is
 * what the rollback of a failed replacement does: delete the leftover recorded on it, and the
 * object of the old properties' name that this resource made (not the physical ID, which
 * CloudFormation itself deletes after a replacement that succeeded); one still PENDING is
 * recorded on the object used.
 */
export async function cleanUpReplaced(
  kind: CreatedKind, used: { readonly id: string; readonly tags?: readonly WorkspacesTag[] }, oldName: string | undefined, newName: string,
  physicalId: string, me: Owner, ctx: ResourceContext,
): Promise<void> {
  await settleRecordedLeftover(used.id, used.tags, me, ctx, kind.remove, false);
  if (!oldName || oldName === newName) return;
  const abandonedId = await kind.findByName(oldName, ctx);
  if (!abandonedId || abandonedId === physicalId || abandonedId === used.id) return;
  if (await deleteLeftover(abandonedId, me, ctx, kind.remove, false) === 'pending') await recordLeftover(used.id, abandonedId, me, ctx);
}
