import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { assertUpdateFits } from './budget';
import { EngineCheckpoint, note, resumed } from './checkpoint';
import { accountsOf, execute, settleFences } from './engine';
import { Holder, Ledger, LedgerChange, LedgerEntry, ledgerKey, SupersededError } from './ledger';
import { decodePlan, deployPlan, encodePlan, Step } from './plan';
import type { SetShareType, Share } from './subject';
import { REMOVAL_POLICY } from '../../src/contract/values';
import { declarationDigest } from '../drift/declaration';
import { failedCreateIdOf } from '../ownership/failed-create';
import { Owner, ownerOf } from '../ownership/ownership';
import { StackFacts } from '../ownership/stacks';
import { claimWorkspacesResource } from '../ownership/workspaces-tags';
import { DetachError, isErrorCode, messageOf } from '../runtime/errors';
import { logger } from '../runtime/logger';
import type { ResourceContext, ResourceResult } from '../runtime/resource';

/**
 * Deploy requests of a set share (an image, an alias) through the engine: a Create or Update
 * holds the object's ledger version, claims the object where it must, settles what an older
 * writer left, plans from the ledger and what is declared, and runs the plan; its answer bumps the
 * version again. The Delete's side is in undo.ts.
 */

export type DeployEvent = CloudFormationCustomResourceEvent & { RequestType: 'Create' | 'Update' };

/** How the ledger names a resource as an owner. */
export const ownerKey = (owner: Owner) => `${owner.stackId}|${owner.logicalId}`;

/** The owner a ledger key names (a stack ID holds no '|'; the logical ID follows the last one). */
export function ownerFromKey(key: string): Owner {
  const at = key.lastIndexOf('|');
  return { stackId: key.slice(0, at), logicalId: key.slice(at + 1) };
}

/** The holder of a request: its ID. */
export const holderOf = (event: CloudFormationCustomResourceEvent): Holder => ({ requestId: event.RequestId });

/** When the request's budget ends (epoch ms): the ledger holds it no longer. */
const requestEnd = (ctx: ResourceContext) => Date.now() + Math.max(0, ctx.deadline.requestRemainingMs);

/** Take the object's ledger version for a request (every deploy supersedes older writers). */
export const beginRequest = (ledger: Ledger, event: CloudFormationCustomResourceEvent, ctx: ResourceContext) =>
  ledger.begin(event.RequestId, requestEnd(ctx), ctx.continues === true);

/** An invocation that goes on with a request: the ledger must still be held by it, or a newer request superseded it. */
export async function assertHeld(ledger: Ledger, checkpoint: EngineCheckpoint, event: CloudFormationCustomResourceEvent): Promise<void> {
  const entry = await ledger.read();
  if (entry.version !== checkpoint.version || entry.requestId !== event.RequestId) {
    throw new SupersededError(`A newer request holds ${ledger.key} (version ${entry.version}, not ${checkpoint.version}): this delivery of request ${event.RequestId} makes no write`);
  }
}

/**
 * Accounts an older writer may have shared without the ledger knowing for sure: the dirty ones
 * (a write whose outcome was not recorded) and, on an item no engine wrote, what an older release
 * shared for `legacy`'s declaration. One read of the object settles them.
 */
export async function adopt<S extends Share>(
  type: SetShareType<S>, objectId: string, ledger: Ledger, entry: LedgerEntry, legacy: string[], holder: Holder, ctx: ResourceContext,
): Promise<LedgerEntry> {
  const candidates = new Set([...entry.dirty, ...(entry.owner === undefined ? legacy : [])]);
  if (candidates.size === 0) return entry;
  const effect = (await type.readEffect(objectId, ctx)) ?? new Set<string>();
  return ledger.recover(entry.version, holder, candidates, effect);
}

/**
 * Run a planned request to its end and answer in the ledger; a failure that does not hand over
 * also ends the hold. `beforeEnd` (an undo's release of the tags) runs after the last step and
 * before the answer, still holding the object: a hand-over from it goes on where it stopped.
 */
export async function runRequest<S extends Share>(
  type: SetShareType<S>, ledger: Ledger, checkpoint: EngineCheckpoint, event: CloudFormationCustomResourceEvent,
  ctx: ResourceContext, end: LedgerChange = {}, detachable?: ResourceResult<any>, beforeEnd?: () => Promise<void>,
): Promise<void> {
  const steps = decodePlan(checkpoint.plan);
  const holder = holderOf(event);
  note(ctx, checkpoint);
  let done = checkpoint.done;
  const write = (step: Parameters<SetShareType<S>['write']>[1], signal: AbortSignal) => type.write(checkpoint.objectId, step, ctx, signal);
  try {
    done = await execute({ ledger, version: checkpoint.version, holder, steps, write, pace: () => type.pace(ctx) }, checkpoint.done, ctx, n => {
      done = n;
      note(ctx, { ...checkpoint, done: n });
    });
    await beforeEnd?.();
  } catch (error) {
    if (detachable && mayDetach(error, steps.slice(done), ctx)) {
      throw new DetachError(`The budget ran out with ${steps.length - done} revokes left: they go on after the answer`, detachable);
    }
    await endAfterFailure(ledger, checkpoint, steps.slice(0, done), holder, error, ctx);
    throw error;
  }
  const { revoked } = accountsOf(steps);
  await ledger.record(checkpoint.version, holder, { ...end, settled: true, unshared: [...revoked, ...(end.unshared ?? [])], answer: true });
}

/**
 * Whether a request whose budget ran out may answer SUCCESS and finish after the answer: only
 * revokes are left (every declared account is shared), so what CloudFormation is told holds for
 * the declaration, and the ledger holds what is still to unshare. Path 9 of docs/engine.md: the
 * rollback of an Update that grew a list runs under the old, smaller budget.
 */
function mayDetach(error: unknown, left: readonly Step[], ctx: ResourceContext): boolean {
  return isErrorCode(error, 'TimeShortError') && !ctx.deadline.canHandOver && left.length > 0 && left.every(s => !s.grant);
}

/** After a failure: record the writes done and release the hold, unless the request hands over or was superseded. */
export async function endAfterFailure(
  ledger: Ledger, checkpoint: Pick<EngineCheckpoint, 'version'>, done: ReturnType<typeof decodePlan>, holder: Holder, error: unknown, ctx: ResourceContext,
): Promise<void> {
  if (error instanceof SupersededError) return;
  if (isErrorCode(error, 'TimeShortError') && ctx.deadline.canHandOver) return;
  const { revoked } = accountsOf(done);
  try {
    // The write that failed stays in flight: the next request settles it with one read.
    await ledger.record(checkpoint.version, holder, { unshared: revoked, answer: true });
  } catch (recordError) {
    // The next request settles the dirty accounts with one read; the hold ends with the budget.
    logger.warn('The ledger could not record the end of a failed request', { key: ledger.key, error: messageOf(recordError) });
  }
}

/** The digest of a declaration (see lambda/drift/declaration.ts). */
export const digestOf = <S extends Share>(type: SetShareType<S>, share: S) => declarationDigest(type.resourceType, type.digestValues(share));

/**
 * What a resource that did not own the object takes it over from: the live resource of the same
 * stack that the ledger names (a rename's takeover, remembered so that its rollback hands back),
 * or the one `cdk refactor` moved it to, the physical ID being the object's; null (nothing to
 * remember) when that is this resource itself (its first request since the move) or no resource
 * of the stack (it left, its Delete did not release the object). The claim read the same facts
 * (they keep what they read): no further call.
 */
async function takeoverOf(entry: LedgerEntry, me: Owner, objectId: string, facts: StackFacts): Promise<LedgerChange['previous']> {
  const old = entry.owner ? ownerFromKey(entry.owner) : undefined;
  if (!old || old.stackId !== me.stackId || !entry.declared) return null;
  const live = (await facts.isAlive(old)) ? old.logicalId : await facts.movedTo(old, objectId);
  if (live === undefined || live === me.logicalId) return null;
  return { owner: ownerKey({ stackId: me.stackId, logicalId: live }), declared: [...entry.declared] };
}

/**
 * Take the object for a Create or Update: hold its version, claim it (a Create, or an object the
 * ledger does not record as this resource's), settle older writers, adopt what an older release
 * shared, and record this resource, its declaration and a rename's takeover.
 */
async function startDeploy<S extends Share>(
  type: SetShareType<S>, share: S, legacy: S | undefined, declared: string[], event: DeployEvent, ctx: ResourceContext,
): Promise<{ entry: LedgerEntry; prepared: boolean }> {
  const me = ownerOf(event);
  const ledger = new Ledger(ledgerKey(type.kind, share.objectId), ctx);
  const holder = holderOf(event);
  const facts = new StackFacts(event.StackId, ctx);
  let entry = await beginRequest(ledger, event, ctx);
  try {
    const owned = entry.owner === ownerKey(me);
    // The object is checked before it is claimed, and only then (or before a share): an Update
    // that changes nothing on an object this resource owns makes no call to the service.
    const prepared = !owned || event.RequestType === 'Create';
    if (prepared) {
      await type.prepare(share, ctx);
      await claimWorkspacesResource(type.noun, share.objectId, me, facts, ctx);
    }
    await settleFences(entry, ctx);
    const legacyAccounts = legacy ? await type.legacy(legacy, event.StackId, event.LogicalResourceId, ctx) : [];
    entry = await adopt(type, share.objectId, ledger, entry, legacyAccounts, holder, ctx);
    const previous = owned ? {} : { previous: await takeoverOf(entry, me, share.objectId, facts) };
    const change = { owner: ownerKey(me), declared, digest: digestOf(type, share), ...previous };
    return { entry: await ledger.record(entry.version, holder, change), prepared };
  } catch (error) {
    await endAfterFailure(ledger, entry, [], holder, error, ctx);
    throw error;
  }
}

/** Run a check of the held object; its failure ends the hold before it is thrown. */
async function failingHeld(ledger: Ledger, entry: LedgerEntry, event: DeployEvent, ctx: ResourceContext, check: () => void): Promise<void> {
  try {
    check();
  } catch (error) {
    await endAfterFailure(ledger, entry, [], holderOf(event), error, ctx);
    throw error;
  }
}

/**
 * A Create (`create`: shares only) or Update (`update`: moves from what the ledger holds to the
 * declaration) on the properties' object. `legacy`: the declaration an older release may have
 * deployed on it (an Update's old properties).
 */
export async function deployOn<S extends Share>(
  type: SetShareType<S>, share: S, intent: 'create' | 'update', legacy: S | undefined, event: DeployEvent, ctx: ResourceContext,
): Promise<ResourceResult<any>> {
  const ledger = new Ledger(ledgerKey(type.kind, share.objectId), ctx);
  // Until the claim is recorded a failed Create answers the physical ID of nothing done; from then on the object's.
  const claimed = () => {
    if (intent === 'create') ctx.physicalResourceIdOnFailure = share.removalPolicy === REMOVAL_POLICY.retain ? failedCreateIdOf(share.objectId) : share.objectId;
  };
  let checkpoint = resumed(ctx);
  if (checkpoint) {
    claimed();
    await assertHeld(ledger, checkpoint, event);
  } else {
    // The declared set first (units resolve here): a missing unit or a refusal changes nothing.
    const declared = await type.declared(share, ctx);
    // An object this resource owns was checked when it was claimed; a write to one deleted since says so itself.
    const { entry } = await startDeploy(type, share, legacy, declared, event, ctx);
    claimed();
    const steps = deployPlan({ kind: intent }, new Set(declared), entry.shared);
    if (intent === 'update') await failingHeld(ledger, entry, event, ctx, () => assertUpdateFits(steps, declared.length, ctx));
    checkpoint = { version: entry.version, plan: encodePlan(steps), done: 0, declaredCount: declared.length, objectId: share.objectId };
  }
  const result = type.result(event.RequestType === 'Update' && intent === 'update' ? event.PhysicalResourceId : share.objectId, share, checkpoint.declaredCount);
  // An Update's unshares may finish after its answer (a Delete's may not: a stack's delete removes the function).
  await runRequest(type, ledger, checkpoint, event, ctx, {}, event.RequestType === 'Update' ? result : undefined);
  return result;
}
