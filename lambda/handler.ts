import type { Context } from 'aws-lambda';
import { isDriftCheckEvent, runDriftCheck } from './drift/check';
import type { DriftSubjectOf } from './drift/subject';
import { handleConnectionAliasAssociation } from './resources/connection-alias-association';
import { handlePartnerConnectionPreferences, partnerConnectionPreferencesDrift } from './resources/partner-connection-preferences';
import { handleSharedConnectionAlias, sharedConnectionAliasDrift } from './resources/shared-connection-alias';
import { handleSharedWorkspaceImage, sharedWorkspaceImageDrift } from './resources/shared-workspace-image';
import { handleWorkspaceBundle } from './resources/workspace-bundle';
import { handleWorkspaceImageCopy } from './resources/workspace-image-copy';
import { Outcome, sendResponse } from './runtime/cfn-response';
import { handOverPayload, InvocationEvent } from './runtime/continuation';
import { DetachError, isErrorCode, messageOf } from './runtime/errors';
import { CheckInvocation, Invocation, WorkOutcome } from './runtime/invocation';
import { logger } from './runtime/logger';
import type { ResourceHandler, ResourceHandlers } from './runtime/resource';
import type { DriftCheckedType } from '../src/contract/drift';
import { RESOURCE_TYPES, ResourceType } from '../src/contract/resources';

/** The handler of each resource type: one for every type of the wire contract, or this fails to compile. */
const RESOURCE_HANDLERS: ResourceHandlers = {
  [RESOURCE_TYPES.sharedWorkspaceImage]: handleSharedWorkspaceImage,
  [RESOURCE_TYPES.sharedConnectionAlias]: handleSharedConnectionAlias,
  [RESOURCE_TYPES.partnerConnectionPreferences]: handlePartnerConnectionPreferences,
  [RESOURCE_TYPES.workspaceImageCopy]: handleWorkspaceImageCopy,
  [RESOURCE_TYPES.workspaceBundle]: handleWorkspaceBundle,
  [RESOURCE_TYPES.connectionAliasAssociation]: handleConnectionAliasAssociation,
};

/** The drift check of each resource type that has one: one for every type the contract lists, or this fails to compile. */
const DRIFT_SUBJECTS: { readonly [T in DriftCheckedType]: DriftSubjectOf } = {
  [RESOURCE_TYPES.sharedWorkspaceImage]: sharedWorkspaceImageDrift,
  [RESOURCE_TYPES.sharedConnectionAlias]: sharedConnectionAliasDrift,
  [RESOURCE_TYPES.partnerConnectionPreferences]: partnerConnectionPreferencesDrift,
};

/**
 * The hand-over module (the SDK's Lambda client) is bundled apart, in
 * assets/lambda/handler/on-demand/, and required only when a request hands over: it would add
 * about 80 KB and a third to every cold start, for a call that most requests never make.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const handOverModule = (): typeof import('./on-demand/hand-over') => require('./on-demand/hand-over');
/** Likewise the source-map reader, required only to log a failure's stack trace. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stackTracesModule = (): typeof import('./on-demand/stack-traces') => require('./on-demand/stack-traces');

/**
 * Entry point of every share custom resource. Each request gets exactly one answer: from the
 * invocation that finishes the work, or a FAILED that says what was done and what was not when
 * the request's time budget runs out. When the work outlasts one invocation but not the budget,
 * the invocation hands the rest over to a new one and does not answer.
 */
export async function handler(event: InvocationEvent, lambdaContext: Context): Promise<void> {
  // A schedule's drift check (see lambda/drift/check.ts): no CloudFormation request, no answer.
  if (isDriftCheckEvent(event)) return runDriftCheck(new CheckInvocation(event, lambdaContext), DRIFT_SUBJECTS);
  const invocation = new Invocation(event, lambdaContext);
  if (invocation.isLate) {
    invocation.stopCalls();
    logger.warn('Hand-over arrived after the request\'s time budget; ignored', invocation.logFields);
    return;
  }
  if (invocation.continues && !(await fenced(invocation))) {
    invocation.stopCalls();
    return;
  }
  const outcome = await withWatchdog(invocation, doWork(invocation));
  invocation.stopCalls();
  if (outcome.status === 'SUPERSEDED') {
    logger.warn('A newer request holds the resource\'s object: this delivery of a hand-over neither writes nor answers', { ...invocation.logFields, reason: outcome.reason });
    return;
  }
  if (invocation.detached) return endDetached(invocation, outcome);
  const answer = await answerOf(invocation, outcome);
  if (!answer) return;
  logOutcome(invocation, answer);
  await sendResponse(event, answer);
  if (invocation.continues) await releaseFences(invocation);
}

/**
 * Lambda delivers an asynchronous invocation at least once: the first delivery of a hand-over
 * puts the hop's fence in Parameter Store (a conditional write) and goes on; another delivery of
 * it finds the fence and neither works nor answers. When Parameter Store cannot be reached the
 * invocation goes on unfenced (a duplicate then repeats writes already in effect, as without a fence).
 */
async function fenced(invocation: Invocation): Promise<boolean> {
  const { event, lambdaContext, continuation } = invocation;
  const module = handOverModule();
  const name = module.fenceName(event.RequestId, continuation!.hop);
  try {
    const value = {
      hop: continuation!.hop,
      logicalResourceId: event.LogicalResourceId,
      handedOverBy: continuation!.handedOverBy,
      receivedBy: lambdaContext.awsRequestId,
      at: Date.now(),
    };
    if (!(await module.putFence(name, value, invocation.settings))) {
      logger.warn('Duplicate delivery of a hand-over: another invocation goes on with this request; this one neither works nor answers', { ...invocation.logFields, fence: name });
      return false;
    }
    if (!(await module.wasAnswered(event.RequestId, invocation.settings))) return true;
    logger.warn('Late delivery of a hand-over of a request already answered: it neither works nor answers', { ...invocation.logFields, fence: name });
    await module.deleteFences([name], invocation.settings).catch(() => undefined);
    return false;
  } catch (error) {
    logger.warn('The hand-over could not be fenced; going on unfenced', { ...invocation.logFields, fence: name, error: messageOf(error) });
    return true;
  }
}

/**
 * Once answered, leave the request's answered marker and delete the fences of its hops, best-effort:
 * a failure is logged and leaves a parameter per hop. A late delivery of any hop finds the marker
 * (or, if the marker could not be put, the answering hop's own fence, which then stays): one
 * parameter per request that handed over.
 */
async function releaseFences(invocation: Invocation): Promise<void> {
  const module = handOverModule();
  const { event, continuation, lambdaContext } = invocation;
  let marked = true;
  try {
    const marker = { hops: continuation!.hop, answeredBy: lambdaContext.awsRequestId, at: Date.now() };
    await module.markAnswered(event.RequestId, marker, invocation.settings);
  } catch (error) {
    marked = false;
    logger.warn('The request\'s answered marker could not be put; its last hand-over\'s fence stays', { ...invocation.logFields, error: messageOf(error) });
  }
  const hops = marked ? continuation!.hop : continuation!.hop - 1;
  const names = Array.from({ length: hops }, (_, i) => module.fenceName(event.RequestId, i + 1));
  if (names.length === 0) return;
  try {
    await module.deleteFences(names, invocation.settings);
  } catch (error) {
    const fields = { ...invocation.logFields, fences: names, error: messageOf(error) };
    logger.warn('The fences of the request\'s hand-overs could not be deleted; they are left in Parameter Store', fields);
  }
}

/** The resource handler of the event's type, or an error that names the types this provider serves. */
function resourceHandlerOf(resourceType: string): ResourceHandler<ResourceType> {
  // Own properties only: a type such as "toString" must not find Object.prototype's.
  const resourceHandler = Object.hasOwn(RESOURCE_HANDLERS, resourceType)
    ? (RESOURCE_HANDLERS as Record<string, ResourceHandler<ResourceType>>)[resourceType] : undefined;
  if (!resourceHandler) {
    throw new Error(`This provider does not serve resource type ${resourceType}; it serves ${Object.keys(RESOURCE_HANDLERS).join(', ')}`);
  }
  return resourceHandler;
}

/** Run the resource handler: its result, its failure, or a hand-over when the invocation's time runs short but the budget's does not. */
async function doWork(invocation: Invocation): Promise<WorkOutcome> {
  const { event, context, deadline } = invocation;
  try {
    const result = await resourceHandlerOf(event.ResourceType)(event, context);
    return { status: 'SUCCESS', physicalResourceId: result.physicalResourceId, data: result.data, log: result.log };
  } catch (error) {
    invocation.failure = error;
    // Only a continuation can be superseded and stay silent: CloudFormation's own delivery answers.
    if (invocation.continues && isErrorCode(error, 'SupersededError')) return { status: 'SUPERSEDED', reason: messageOf(error) };
    // A second delivery of CloudFormation's own invocation: the first one works and answers.
    if (isErrorCode(error, 'DuplicateDeliveryError')) return { status: 'SUPERSEDED', reason: messageOf(error) };
    if (error instanceof DetachError) return { status: 'DETACH', answer: { status: 'SUCCESS', ...error.result } as WorkOutcome & Outcome };
    const timeShort = isErrorCode(error, 'TimeShortError');
    if (timeShort && deadline.canHandOver) return { status: 'HAND_OVER' };
    const budget = timeShort ? ` The resource's time budget of ${invocation.budgetSeconds} s ran out in invocation ${invocation.number} of the request.` : '';
    return invocation.failed(`${messageOf(error)}.${budget}`);
  }
}

/**
 * The work's outcome, or, if it is still running close to the end of the invocation's time, a
 * hand-over when the budget allows one (the caller stops the invocation's calls first) and a
 * FAILED answer when it does not.
 */
async function withWatchdog(invocation: Invocation, work: Promise<WorkOutcome>): Promise<WorkOutcome> {
  return invocation.raceWatchdog<WorkOutcome>(work, () => (invocation.deadline.canHandOver ? { status: 'HAND_OVER' } : invocation.failed(
    'The work was still running close to the end of the invocation\'s time and was stopped.',
  )));
}

/** The answer to send: the outcome's, after a hand-over where it asks for one (none when the work went on elsewhere). */
async function answerOf(invocation: Invocation, outcome: WorkOutcome): Promise<(Outcome & { log?: Record<string, unknown> }) | undefined> {
  if (outcome.status === 'HAND_OVER') return handOver(invocation);
  if (outcome.status === 'DETACH') return (await handOver(invocation, true)) ?? outcome.answer;
  if (outcome.status === 'SUPERSEDED') return undefined;
  return outcome;
}

/**
 * The end of an invocation of a detached chain: it never answers (CloudFormation has its answer);
 * it hands over while revokes are left, and logs how it ended.
 */
async function endDetached(invocation: Invocation, outcome: WorkOutcome): Promise<void> {
  if (outcome.status === 'HAND_OVER' && !(await handOver(invocation, true))) return;
  const failed = outcome.status !== 'SUCCESS' && outcome.status !== 'SUPERSEDED';
  (failed ? logger.error.bind(logger) : logger.info.bind(logger))('Detached revokes of an answered request ended', {
    ...invocation.logFields, status: outcome.status, reason: (outcome as { reason?: string }).reason, ...invocation.context.progress.changes,
  });
  if (invocation.continues) await releaseFences(invocation);
}

/** Hand the rest of the request, with its checkpoint, to a new invocation (`detached`: after the answer); a FAILED answer if that fails. */
async function handOver(invocation: Invocation, detached = false): Promise<Outcome | undefined> {
  const { event, lambdaContext, context } = invocation;
  try {
    const payload = handOverPayload(event, {
      hop: invocation.number,
      startedAt: invocation.requestStartedAt,
      ...(detached || invocation.detached ? { detached: true } : {}),
      checkpoint: context.checkpoint,
      handedOverBy: { awsRequestId: lambdaContext.awsRequestId, at: Date.now() },
    });
    await handOverModule().invokeAsync(lambdaContext.invokedFunctionArn, payload, invocation.settings);
    logger.info(`${event.RequestType} ${event.ResourceType} HANDED_OVER`, {
      ...invocation.logFields,
      checkpoint: context.checkpoint,
      ...context.progress.changes,
      calls: context.log.calls,
      durationMs: Date.now() - invocation.startedAt,
    });
    return undefined;
  } catch (error) {
    return invocation.failed(`The work needs another invocation, and handing it over failed: ${messageOf(error)}.`);
  }
}

/** A failure's error for the log line, its stack trace mapped back to the source files; never throws. */
function errorForLog(error: unknown): Record<string, string> | undefined {
  if (!(error instanceof Error)) return undefined;
  let stack = error.stack ?? '';
  try {
    stack = stackTracesModule().originalStack(stack);
  } catch {
    // The stack as it is: a log line must not cost the answer.
  }
  return { name: error.name, stack };
}

/** One log line per answer; a failure is an error line, so a function logging at ERROR still shows every request that failed. */
function logOutcome(invocation: Invocation, outcome: Outcome & { log?: Record<string, unknown> }): void {
  const { event, context } = invocation;
  const log = outcome.status === 'FAILED' ? logger.error.bind(logger) : logger.info.bind(logger);
  log(`${event.RequestType} ${event.ResourceType} ${outcome.status}`, {
    ...invocation.logFields,
    physicalResourceId: outcome.physicalResourceId,
    status: outcome.status,
    ...outcome.log,
    ...context.progress.changes,
    reason: outcome.reason,
    ...(outcome.status === 'FAILED' ? { error: errorForLog(invocation.failure) } : {}),
    calls: context.log.calls,
    httpAttempts: context.log.attempts,
    durationMs: Date.now() - invocation.startedAt,
  });
}
