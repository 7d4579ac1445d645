import { Holder, Ledger, LedgerEntry, SupersededError } from './ledger';
import type { Step } from './plan';
import { sleep } from '../runtime/deadline';
import { isErrorCode } from '../runtime/errors';
import type { ResourceContext } from '../runtime/resource';

/**
 * The executor of the engine: each write passes its fence (a conditional write on the ledger's
 * version, which also records it write-ahead), then goes to the service within the fence window.
 * A newer request's fence settles after that window, so at most a write already in flight when
 * it began can land after, and the newer request's plan (read after its settle) undoes it.
 */

/** The writes of one run, on one object, under one version. */
export interface Run {
  readonly ledger: Ledger;
  readonly version: number;
  readonly holder: Holder;
  readonly steps: readonly Step[];
  /** One write to the service, aborted by `signal`. */
  readonly write: (step: Step, signal: AbortSignal) => Promise<void>;
  /** Wait for the service's pace before the fence, so that the write goes right after it. */
  readonly pace: () => Promise<void>;
}

/** How long a write may take from passing its fence to its answer: the claim's gap (see settings.ts), for the same reason. */
export const fenceWindowMs = (ctx: ResourceContext) => ctx.settings.claimGapMs;

/** Attempts of one write whose window lapsed (a slow answer, throttling) before the run fails. */
const WINDOW_ATTEMPTS = 3;

/**
 * One fenced write: fence, then the write within the window; a write whose window lapsed passes a
 * new fence first. `unshared`: revokes done since the last fence, which a revoke's fence records.
 */
export async function fencedWrite(run: Run, step: Step, ctx: ResourceContext, unshared: readonly string[] = []): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await run.pace();
    await run.ledger.fence(run.version, run.holder, step, attempt === 1 ? unshared : []);
    const window = AbortSignal.timeout(fenceWindowMs(ctx));
    try {
      await run.write(step, AbortSignal.any([ctx.abort.signal, window]));
      return;
    } catch (error) {
      const lapsed = window.aborted && !ctx.abort.signal.aborted && isErrorCode(error, 'AbortError');
      if (!lapsed || attempt >= WINDOW_ATTEMPTS) throw error;
    }
  }
}

/** Run the steps from `from` on; `onDone` after each one (the checkpoint, the progress). Returns how many are done. */
export async function execute(run: Run, from: number, ctx: ResourceContext, onDone: (done: number, step: Step) => void): Promise<number> {
  const action = (step: Step) => (step.grant ? 'shared' : 'unshared');
  for (const step of run.steps.slice(from)) ctx.progress.plan(action(step), [step.accountId]);
  let done = from;
  // Revokes done whose removal from the ledger's Shared is not written yet: the next fence writes it.
  let unrecorded: string[] = [];
  for (const step of run.steps.slice(from)) {
    if (step.grant && unrecorded.length > 0) await run.ledger.record(run.version, run.holder, { unshared: unrecorded });
    await fencedWrite(run, step, ctx, step.grant ? [] : unrecorded);
    unrecorded = step.grant ? [] : [step.accountId];
    done += 1;
    ctx.progress.record(action(step), step.accountId);
    onDone(done, step);
  }
  return done;
}

/**
 * Wait until no write of an older holder can still be in flight: the last fence passed plus its
 * window. Called right after a deploy took the version, before it reads anything it plans from.
 */
export async function settleFences(entry: LedgerEntry, ctx: ResourceContext): Promise<void> {
  if (entry.fenceAt === undefined) return;
  const wait = entry.fenceAt + fenceWindowMs(ctx) + 1_000 - Date.now();
  if (wait <= 0) return;
  if (!ctx.deadline.canWait(wait)) throw ctx.deadline.outOfTime('Waiting for a drift check\'s last write to land: no time was left');
  await sleep(wait);
}

/** Whether a deploy holds the object now (a request past its budget holds nothing). */
export function deployInFlight(entry: LedgerEntry): boolean {
  return entry.requestId !== undefined && (entry.requestUntil ?? 0) >= Date.now();
}

/** The accounts of a plan's steps, and those it unshares. */
export function accountsOf(steps: readonly Step[]): { all: string[]; revoked: string[] } {
  return { all: steps.map(s => s.accountId), revoked: steps.filter(s => !s.grant).map(s => s.accountId) };
}

export { SupersededError };
