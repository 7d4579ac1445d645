import { digestOf, ownerFromKey } from './deploy';
import { deployInFlight, execute } from './engine';
import { Holder, Ledger, LedgerEntry, ledgerKey, SupersededError } from './ledger';
import { checkPlan, Step } from './plan';
import type { SetShareType, Share } from './subject';
import type { DriftActionValue } from '../../src/contract/drift';
import { DriftFindings, DriftSkipped, DriftSubject, DriftSubjectOf } from '../drift/subject';
import { isErrorCode, messageOf } from '../runtime/errors';
import type { ResourceContext } from '../runtime/resource';

/**
 * A scheduled check of a set share through the engine: it holds the ledger's version as a check
 * (only while no deploy is in flight), reads what is in effect, plans by its action (plan.ts
 * checkPlan) and runs the plan through the same fenced writes as a deploy, so a deploy that
 * starts meanwhile stops it before its next write.
 */

/** A check's hold on the ledger. */
export const CHECK: Holder = { check: true };


/** Run a check's steps; a deploy that starts or the check's time running out stops it, noted as incomplete. */
async function runCheck<S extends Share>(
  type: SetShareType<S>, share: S, ledger: Ledger, version: number, steps: Step[], findings: DriftFindings, ctx: ResourceContext,
): Promise<void> {
  const done: Step[] = [];
  const write = (step: Step, signal: AbortSignal) => type.write(share.objectId, step, ctx, signal);
  try {
    await execute({ ledger, version, holder: CHECK, steps, write, pace: () => type.pace(ctx) }, 0, ctx, (_n, step) => {
      done.push(step);
      (step.grant ? findings.repaired : findings.unshared).push(step.accountId);
    });
  } catch (error) {
    const stopped = error instanceof SupersededError || isErrorCode(error, 'TimeShortError');
    if (!stopped) throw error;
    findings.incomplete = `${messageOf(error)}: ${steps.length - done.length} write(s) left for the next check`;
  } finally {
    if (done.length > 0) {
      const change = { settled: done.length === steps.length, unshared: done.filter(s => !s.grant).map(s => s.accountId), quiet: true };
      await ledger.record(version, CHECK, change).catch(error => { findings.notes.unrecorded = messageOf(error); });
    }
  }
}

/** Compare, plan and write by the action. */
async function reconcile<S extends Share>(
  type: SetShareType<S>, share: S, ledger: Ledger, read: LedgerEntry, action: DriftActionValue, findings: DriftFindings, ctx: ResourceContext,
): Promise<void> {
  if (deployInFlight(read)) throw new DriftSkipped(`a deploy of ${type.noun} ${share.objectId} is in flight (request ${read.requestId})`);
  const effect = await type.readEffect(share.objectId, ctx);
  if (!effect) throw new DriftSkipped(`${type.noun} ${share.objectId} does not exist`);
  const entry = read.dirty.size > 0 ? await ledger.recover(read.version, CHECK, read.dirty, effect) : read;
  const declared = new Set(await type.declared(share, ctx));
  const planned = checkPlan(action, declared, entry.shared, effect, type.kind === 'alias');
  findings.missing.push(...planned.findings.missing);
  findings.unexpected.push(...planned.findings.unexpected);
  Object.assign(findings.notes, {
    declaredCount: declared.size,
    leftUnits: planned.findings.ours.length,
    sharedOutside: planned.findings.unexpected.length - planned.findings.ours.length,
  });
  if (planned.heldBy) {
    findings.notes.notRepaired = `the alias's one share is held by ${planned.heldBy.join(', ')}, which nobody declared: REPAIR leaves it, ENFORCE would unshare it first`;
  }
  await runCheck(type, share, ledger, entry.version, planned.steps, findings, ctx);
}

/** The drift check of a set-share type: its subject, from the declaration in the check's input. */
export function setShareDrift<S extends Share>(type: SetShareType<S>, logFields: (share: S) => Record<string, unknown>): DriftSubjectOf {
  return (declaration, ctx): DriftSubject => {
    const share = type.validate(declaration, ctx.accountId);
    const ledger = new Ledger(ledgerKey(type.kind, share.objectId), ctx);
    let entry: LedgerEntry | undefined;
    return {
      physicalId: share.objectId,
      digest: digestOf(type, share),
      logFields: logFields(share),
      marks: async () => {
        entry = await ledger.read();
        return { ownership: { owner: entry.owner ? ownerFromKey(entry.owner) : undefined }, digest: entry.digest };
      },
      reconcile: (action, findings) => reconcile(type, share, ledger, entry!, action, findings, ctx),
    };
  };
}
