import { DescribeStackResourceCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { driftLogLine, DriftStatus, writeDriftLogLine } from './report';
import { DriftFindings, DriftSkipped, DriftSubjects } from './subject';
import { declarationOf, DRIFT_ACTIONS, DRIFT_CHECK_KEY, DRIFT_CHECKED_TYPES, DriftCheckEvent, isDriftAction, isDriftCheckedType } from '../../src/contract/drift';
import { cloudFormationIn } from '../clients/cloudformation';
import { findStackResource, regionOf } from '../ownership/stacks';
import { isErrorCode, messageOf } from '../runtime/errors';
import type { CheckInvocation } from '../runtime/invocation';
import type { ResourceContext } from '../runtime/resource';

/** Whether an invocation's event is a schedule's drift check rather than a CloudFormation request. */
export function isDriftCheckEvent(event: unknown): event is DriftCheckEvent {
  return typeof event === 'object' && event !== null && DRIFT_CHECK_KEY in event;
}

/**
 * The stack statuses in which the last deploy is over and stands. ROLLBACK_COMPLETE (a failed
 * creation) and DELETE_COMPLETE are not among them: their resources are gone.
 */
const SETTLED = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);

/** The statuses of a custom resource whose last request succeeded. */
const RESOURCE_SETTLED = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);

/** The stack's status, or undefined when CloudFormation does not know the stack. */
async function stackStatus(stackId: string, ctx: ResourceContext): Promise<string | undefined> {
  try {
    const { Stacks } = await cloudFormationIn(regionOf(stackId), ctx).send(new DescribeStacksCommand({ StackName: stackId }));
    return Stacks?.[0]?.StackStatus;
  } catch (error) {
    if (isErrorCode(error, 'ValidationError')) return undefined;
    throw error;
  }
}

/** Throws DriftSkipped unless the stack is settled: no deploy of it is in flight, and its last one stands. */
async function requireSettledStack(stackId: string, ctx: ResourceContext, when: string): Promise<void> {
  const status = await stackStatus(stackId, ctx);
  if (status === undefined) throw new DriftSkipped(`the stack does not exist ${when}`);
  if (!SETTLED.has(status)) throw new DriftSkipped(`a deploy of the stack is in flight or failed (stack status ${status}) ${when}`);
}

/** A resource of the check's stack, as CloudFormation answers it. */
interface StackResource {
  readonly LogicalResourceId?: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceType?: string;
  readonly ResourceStatus?: string;
}

/** One resource of the stack by its logical ID, or undefined when the stack has none of that ID. */
async function stackResource(stackId: string, logicalId: string, ctx: ResourceContext): Promise<StackResource | undefined> {
  try {
    const { StackResourceDetail } = await cloudFormationIn(regionOf(stackId), ctx)
      .send(new DescribeStackResourceCommand({ StackName: stackId, LogicalResourceId: logicalId }));
    return StackResourceDetail;
  } catch (error) {
    if (isErrorCode(error, 'ValidationError')) return undefined;
    throw error;
  }
}

/**
 * The logical ID of the resource the check is about, once CloudFormation shows it settled with
 * the declared physical ID; else DriftSkipped. It is the ledger's owner (`ownerId`): the input
 * names no logical ID (an older release's input does, and must name the owner). An owner the
 * stack no longer has was moved by `cdk refactor` if a resource of the check's type has its
 * physical ID: the check acts for it (the moved resource's next Update records it as the owner).
 */
async function currentResource(event: DriftCheckEvent, ownerId: string, physicalId: string, ctx: ResourceContext): Promise<string> {
  if (event.LogicalResourceId !== undefined && event.LogicalResourceId !== ownerId) {
    throw new DriftSkipped(`this resource does not own it (the ledger names ${ownerId}, the input ${event.LogicalResourceId})`);
  }
  let detail = await stackResource(event.StackId, ownerId, ctx);
  if (!detail) {
    detail = await findStackResource(event.StackId, r => r.ResourceType === event.ResourceType && r.PhysicalResourceId === physicalId, ctx);
    if (!detail) throw new DriftSkipped(`the stack has no resource ${ownerId}, nor a ${event.ResourceType} of ${physicalId} (removed)`);
  }
  const logicalId = detail.LogicalResourceId ?? ownerId;
  const status = detail.ResourceStatus;
  if (!status || !RESOURCE_SETTLED.has(status)) throw new DriftSkipped(`resource ${logicalId} is in status ${status ?? 'unknown'}`);
  if (detail.PhysicalResourceId !== physicalId) {
    throw new DriftSkipped(`resource ${logicalId} is ${detail.PhysicalResourceId ?? 'unnamed'}, not ${physicalId}: the input is older than the resource`);
  }
  return logicalId;
}

/**
 * The check of one subject: it acts only on the declaration of the last deploy that succeeded
 * (the stack is settled, the ledger names a resource of this stack as the owner, CloudFormation
 * shows that resource, or the one `cdk refactor` moved it to, settled with the declared image,
 * alias or catalog as its physical ID, and the digest the ledger records is the input's); otherwise it throws DriftSkipped, having changed nothing. The subject's log fields go
 * into `record` as soon as they are known, so that a check that stops later still logs them.
 */
async function checkSubject(
  event: DriftCheckEvent, subjects: DriftSubjects, ctx: ResourceContext, findings: DriftFindings, record: CheckRecord,
): Promise<void> {
  if (!isDriftCheckedType(event.ResourceType)) throw new Error(`drift checks serve ${DRIFT_CHECKED_TYPES.join(', ')}, not ${event.ResourceType}`);
  if (!isDriftAction(event.Action)) throw new Error(`Action ${JSON.stringify(event.Action)} is not one of ${DRIFT_ACTIONS.join(', ')}`);
  const subject = subjects[event.ResourceType](declarationOf(event), ctx);
  record.fields = subject.logFields;
  await requireSettledStack(event.StackId, ctx, 'when the check started');
  const marks = await subject.marks();
  if (marks === null) throw new DriftSkipped(`${subject.physicalId} does not exist`);
  const owner = marks.ownership.owner;
  if (owner?.stackId !== event.StackId) {
    throw new DriftSkipped(`this stack does not own it (the ledger names ${owner ? `${owner.logicalId} of ${owner.stackId}` : 'no owner'})`);
  }
  record.logicalId = await currentResource(event, owner.logicalId, subject.physicalId, ctx);
  if (record.logicalId !== owner.logicalId) record.fields = { ...record.fields, movedFrom: owner.logicalId };
  if (marks.digest !== subject.digest) {
    throw new DriftSkipped(marks.digest === undefined
      ? 'no deployed declaration is recorded (deploy once with the drift check)'
      : 'the input is not the declaration last deployed (stale input)');
  }
  // No re-read of the stack's status before the writes: each write passes the ledger's fence
  // (lambda/reconcile/), which a deploy request of this object, whatever the stack does, fails.
  await subject.reconcile(event.Action, findings);
}

/** What a check learns as it goes, for its log line: the subject's fields, and the resource's logical ID once found. */
interface CheckRecord {
  fields: Record<string, unknown>;
  logicalId?: string;
}

/** How a check ended, for its log line. */
interface Outcome {
  readonly status: DriftStatus;
  readonly skipped?: string;
  readonly error?: string;
}

/** A check the watchdog stopped: it fails with its log line rather than being cut off by the Lambda timeout. */
const LATE: Outcome = { status: 'FAILED', error: 'the check was still running close to the end of the invocation\'s time and was stopped' };

/** How the check's work ended, against the invocation's watchdog; whatever the end, every call of the check still in flight stops. */
async function outcomeOf(invocation: CheckInvocation, work: Promise<void>, findings: DriftFindings): Promise<Outcome> {
  const statusOf = (): Outcome => {
    const differs = findings.missing.length + findings.unexpected.length > 0;
    const written = findings.repaired.length + findings.unshared.length > 0;
    return { status: !differs ? 'IN_SYNC' : written ? 'REPAIRED' : 'DRIFTED' };
  };
  try {
    return await invocation.raceWatchdog(work.then(statusOf), () => LATE);
  } catch (caught) {
    if (caught instanceof DriftSkipped) return { status: 'SKIPPED', skipped: caught.message };
    return { status: 'FAILED', error: messageOf(caught) };
  } finally {
    invocation.stopCalls();
  }
}

/**
 * Run one drift check and write its one log line; never throws (a check that fails logs and
 * publishes that, and the next one tries again). It acts only on the declaration of the last
 * deploy that succeeded: the stack is settled, the ledger's owner is its resource (or the one
 * `cdk refactor` moved it to), settled with the declared image, alias or catalog, and the digest
 * the ledger records is the input's. Otherwise it changes nothing and says why. Its time is the
 * invocation's (CheckInvocation: the same deadline, stop timer and watchdog as a request's).
 */
export async function runDriftCheck(invocation: CheckInvocation, subjects: DriftSubjects): Promise<void> {
  const { event, context: ctx } = invocation;
  const findings: DriftFindings = { missing: [], unexpected: [], repaired: [], unshared: [], notes: {} };
  const record: CheckRecord = { fields: {}, logicalId: event.LogicalResourceId };
  const { status, skipped, error } = await outcomeOf(invocation, checkSubject(event, subjects, ctx, findings, record), findings);
  writeDriftLogLine(driftLogLine({
    status,
    resourceType: String(event.ResourceType),
    stackId: String(event.StackId),
    logicalResourceId: record.logicalId,
    physicalResourceId: String(event.PhysicalResourceId ?? event.LogicalResourceId),
    action: String(event.Action),
    findings,
    skipped,
    error,
    fields: { ...record.fields, calls: ctx.log.calls, httpAttempts: ctx.log.attempts, durationMs: Date.now() - invocation.startedAt },
  }));
}
