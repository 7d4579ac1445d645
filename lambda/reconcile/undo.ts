import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { EngineCheckpoint, resumed } from './checkpoint';
import { adopt, assertHeld, beginRequest, endAfterFailure, holderOf, ownerKey, runRequest } from './deploy';
import { settleFences } from './engine';
import { Ledger, LedgerChange, LedgerEntry, ledgerKey } from './ledger';
import { deployPlan, encodePlan } from './plan';
import type { SetShareType, Share } from './subject';
import { nothingDoneIdOf } from '../ownership/failed-create';
import { NOTHING_DONE } from '../ownership/nothing-done';
import { DeleteAction, Owner, ownerOf } from '../ownership/ownership';
import { keepsShares } from '../ownership/removal-policy';
import { StackFacts } from '../ownership/stacks';
import { settleWorkspacesResource, workspacesDeleteAction } from '../ownership/workspaces-tags';
import { logger } from '../runtime/logger';
import { NOTHING_TO_UNDO, validForDelete } from '../runtime/resource';
import type { ResourceContext, ResourceResult } from '../runtime/resource';

/**
 * The undoing side of the engine: a Delete, and the rollback of a move to another object. What the
 * ownership tags say decides how far it undoes (lambda/ownership/ownership.ts); the ledger says
 * what was shared: everything it holds beyond what another owner of the object declares is unshared.
 */

/**
 * What the ledger keeps after an undo, by the ownership decision: nothing when this resource
 * owns the object; the new owner's declaration after a rename; the old owner's on the rollback of
 * one. The declaration of an item an older release wrote is read from the template; when it
 * cannot be read, everything is kept (a share left behind is logged, never one taken).
 */
async function keptBy<S extends Share>(type: SetShareType<S>, action: DeleteAction, entry: LedgerEntry, facts: StackFacts): Promise<Set<string>> {
  if (action.kind === 'unshare') return new Set();
  const recorded = action.kind === 'renamed' ? entry.declared : entry.previousDeclared;
  if (recorded) return new Set(recorded);
  const other = action.kind === 'renamed' ? action.owner.logicalId : (action as { to: string }).to;
  const declared = await facts.declaredList(other, type.listProperty);
  if (declared) return new Set(declared);
  logger.warn('The other declaration of a rename could not be read: nothing is unshared', { logicalResourceId: other });
  return new Set(entry.shared);
}

/** What the ledger records at the end of an undo, by the ownership decision. */
function endChange(action: DeleteAction, entry: LedgerEntry, me: Owner): LedgerChange {
  if (action.kind === 'hand-back') {
    return { owner: ownerKey({ stackId: me.stackId, logicalId: action.to }), declared: [...(entry.previousDeclared ?? [])], previous: null };
  }
  if (action.kind === 'renamed') return { previous: null };
  return { owner: '', declared: [], digest: '', previous: null };
}

/** Plan the undo of `share`'s object: hold its version, settle older writers and adopt what an older release shared. */
async function planUndo<S extends Share>(
  type: SetShareType<S>, share: S, action: DeleteAction, ledger: Ledger, event: CloudFormationCustomResourceEvent, ctx: ResourceContext,
): Promise<EngineCheckpoint> {
  const holder = holderOf(event);
  let entry = await beginRequest(ledger, event, ctx);
  try {
    await settleFences(entry, ctx);
    entry = await adopt(type, share.objectId, ledger, entry, await type.legacy(share, event.StackId, event.LogicalResourceId, ctx), holder, ctx);
    const keep = await keptBy(type, action, entry, new StackFacts(event.StackId, ctx));
    const steps = deployPlan({ kind: 'delete', keep }, new Set(), entry.shared);
    const end = endChange(action, entry, ownerOf(event));
    return {
      version: entry.version,
      plan: encodePlan(steps),
      done: 0,
      declaredCount: 0,
      objectId: share.objectId,
      action: JSON.stringify(action),
      end: JSON.stringify(end),
    };
  } catch (error) {
    await endAfterFailure(ledger, entry, [], holder, error, ctx);
    throw error;
  }
}

/** Keep the shares and forget them (RETAIN): release the object for another stack, and empty its ledger item. */
async function retain<S extends Share>(
  share: S, action: DeleteAction, ledger: Ledger, event: CloudFormationCustomResourceEvent, ctx: ResourceContext,
) {
  const entry = await beginRequest(ledger, event, ctx);
  await settleWorkspacesResource(share.objectId, action, ownerOf(event), ctx);
  const kept = action.kind === 'unshare' ? [...entry.shared] : [];
  await ledger.record(entry.version, holderOf(event), { ...endChange(action, entry, ownerOf(event)), unshared: kept, answer: true });
  return { retained: true, ownership: action.kind };
}

/**
 * Undo what this resource shared on `share`'s object, as far as the ownership tags allow, then
 * settle them. `keep`: RETAIN, where the shares stay and only the ownership is released.
 */
export async function undoOn<S extends Share>(
  type: SetShareType<S>, share: S, keepShares: boolean, event: CloudFormationCustomResourceEvent, ctx: ResourceContext,
): Promise<Record<string, unknown>> {
  const me = ownerOf(event);
  const ledger = new Ledger(ledgerKey(type.kind, share.objectId), ctx);
  let checkpoint = resumed(ctx);
  if (checkpoint?.action) {
    await assertHeld(ledger, checkpoint, event);
  } else {
    const action = await workspacesDeleteAction(share.objectId, me, new StackFacts(event.StackId, ctx), ctx);
    // Another live stack's object, or none: nothing of it is this resource's to undo.
    if (action.kind === 'leave' || action.kind === 'gone') return { ownership: action.kind };
    if (keepShares) return retain(share, action, ledger, event, ctx);
    checkpoint = await planUndo(type, share, action, ledger, event, ctx);
  }
  const action = JSON.parse(checkpoint.action!) as DeleteAction;
  // The tags are released before the ledger answers: an invocation that runs out of time there
  // hands over still holding the object, and the next one releases them and answers.
  await runRequest(type, ledger, checkpoint, event, ctx, JSON.parse(checkpoint.end!) as LedgerChange, undefined,
    () => settleWorkspacesResource(share.objectId, action, me, ctx));
  return { ownership: action.kind };
}

/** The Delete of a set share. */
export async function removeSetShare<S extends Share>(
  type: SetShareType<S>, event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }, ctx: ResourceContext,
): Promise<ResourceResult<never>> {
  const physicalResourceId = event.PhysicalResourceId;
  if (physicalResourceId === nothingDoneIdOf(event.LogicalResourceId)) return { physicalResourceId, log: NOTHING_DONE };
  const share = validForDelete(() => type.validate(event.ResourceProperties, ctx.accountId));
  if (!share) return { physicalResourceId, log: NOTHING_TO_UNDO };
  const log = await undoOn(type, share, keepsShares(share.removalPolicy, share.objectId, event), event, ctx);
  return { physicalResourceId, log: { objectId: share.objectId, ...log } };
}
