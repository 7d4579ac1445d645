/**
 * What can happen during one deploy or delete, at a given call of the local endpoint (its
 * `onCall` hook, so at a moment of the work rather than of the clock): a write that fails (only
 * while the stack deploys: the rollback then runs clean), a burst of throttling, a scheduled
 * check that fires or an Organizations change (also while a walk of the units is in progress),
 * a check already running when the deploy starts, and duplicate deliveries of every invocation.
 */
import { applyOrg, describeOrg, OrgChange } from './organization';
import { applySource, describeSource, SourceAction } from './source';
import type { ModelState, Member } from './state';
import { snapshot } from './state';
import type { World } from './world';
import { AwsError } from '../support/local-service';

export type MidEvent =
  | { readonly kind: 'check'; readonly schedule: number }
  | { readonly kind: 'org'; readonly change: OrgChange }
  | { readonly kind: 'source'; readonly source: number; readonly action: SourceAction };

export interface StepFaults {
  /** Fail the write after this many (of the deploy phase). */
  readonly failAtWrite?: number;
  readonly throttle?: { readonly at: number; readonly count: number };
  readonly at?: { readonly call: number; readonly event: MidEvent };
  /** A check that is already running when the step starts, the step starting after its n-th call. */
  readonly concurrentCheck?: { readonly schedule: number; readonly afterCalls: number };
  /** Every asynchronous invocation (hand-overs, checks) delivered twice. */
  readonly twice?: boolean;
  /** Slow calls and short invocations: the step's requests are handed over from invocation to invocation. */
  readonly slow?: boolean;
}

const WRITES = new Set([
  'UpdateWorkspaceImagePermission', 'CreateTags', 'DeleteTags', 'UpdateConnectionAliasPermission', 'UpdateConnectionPreferences', 'TagResource', 'UntagResource',
  'CopyWorkspaceImage', 'DeleteWorkspaceImage', 'CreateWorkspaceBundle', 'DeleteWorkspaceBundle', 'AssociateConnectionAlias', 'DisassociateConnectionAlias',
]);
export const DEPLOYING = new Set(['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS']);

export function describeFaults(f: StepFaults): string {
  const parts = [
    f.failAtWrite !== undefined ? `failing at write ${f.failAtWrite + 1}` : '',
    f.throttle ? `throttled ${f.throttle.count} calls from call ${f.throttle.at}` : '',
    f.at?.event.kind === 'check' ? `check #${f.at.event.schedule} fired at call ${f.at.call}` : '',
    f.at?.event.kind === 'org' ? `at call ${f.at.call}: ${describeOrg(f.at.event.change)}` : '',
    f.at?.event.kind === 'source' ? `at call ${f.at.call}: ${describeSource(f.at.event.source, f.at.event.action)}` : '',
    f.concurrentCheck ? `check #${f.concurrentCheck.schedule} in flight (from its call ${f.concurrentCheck.afterCalls})` : '',
    f.twice ? 'every invocation delivered twice' : '',
    f.slow ? 'slow, handed over' : '',
  ].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/** Fire the i-th schedule there is now (modulo), without waiting; false when there is none. */
export function enqueueCheck(world: World, index: number): boolean {
  const schedules = world.endpoint.scheduler.list();
  if (schedules.length === 0) return false;
  const s = schedules[index % schedules.length];
  world.endpoint.lambda.enqueue(s.target.arn, JSON.parse(s.target.input));
  return true;
}

/** The hook of one step: counts calls and writes and does what `faults` says at each. Returns the organization snapshots seen. */
export function armStep(
  world: World, model: ModelState, faults: StepFaults, onCount: (calls: number) => void, deploying = () => DEPLOYING.has(world.status ?? ''),
): Map<string, Member>[] {
  const snapshots = [snapshot(model.org)];
  let calls = 0;
  let writes = 0;
  world.endpoint.lambda.delivery = faults.twice ? 'twice' : 'once';
  world.slowDown(faults.slow === true);
  world.endpoint.onCall = operation => {
    calls += 1;
    onCount(calls);
    if (faults.at && calls === faults.at.call) {
      const event = faults.at.event;
      if (event.kind === 'check') {enqueueCheck(world, event.schedule);} else if (event.kind === 'source') {applySource(world, model, event.source, event.action);} else {
        applyOrg(event.change, world, model);
        snapshots.push(snapshot(model.org));
      }
    }
    if (faults.throttle && calls >= faults.throttle.at && calls < faults.throttle.at + faults.throttle.count) {
      throw new AwsError('ThrottlingException', 'Rate exceeded (a burst the model injected)');
    }
    if (!WRITES.has(operation) || !deploying()) return;
    writes += 1;
    if (faults.failAtWrite !== undefined && writes === faults.failAtWrite + 1) {
      throw new AwsError('ResourceLimitExceededException', `The model failed write ${writes} of the deploy (${operation})`);
    }
  };
  return snapshots;
}

export function disarmStep(world: World): void {
  world.endpoint.onCall = undefined;
  world.endpoint.lambda.delivery = 'once';
  world.slowDown(false);
}

/** Start a check before the step when asked, and resolve once it made its n-th call (or ended). */
export async function startConcurrentCheck(world: World, faults: StepFaults, reached: Promise<void>): Promise<void> {
  if (!faults.concurrentCheck || !enqueueCheck(world, faults.concurrentCheck.schedule)) return;
  await Promise.race([reached, world.settled()]);
}
