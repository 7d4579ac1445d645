import type { Context } from 'aws-lambda';
import { handleConnectionAliasAssociation } from './resources/connection-alias-association';
import { handlePartnerConnectionPreferences } from './resources/partner-connection-preferences';
import { handleSharedConnectionAlias } from './resources/shared-connection-alias';
import { handleSharedWorkspaceImage } from './resources/shared-workspace-image';
import { handleWorkspaceBundle } from './resources/workspace-bundle';
import { handleWorkspaceImageCopy } from './resources/workspace-image-copy';
import { Outcome, sendResponse } from './runtime/cfn-response';
import { handOverPayload, InvocationEvent } from './runtime/continuation';
import { isErrorCode, messageOf } from './runtime/errors';
import { Invocation, WorkOutcome } from './runtime/invocation';
import { logger } from './runtime/logger';
import type { ResourceHandler, ResourceHandlers } from './runtime/resource';
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
  const invocation = new Invocation(event, lambdaContext);
  if (invocation.isLate) {
    logger.warn('Hand-over arrived after the request\'s time budget; ignored', invocation.logFields);
    return;
  }
  let outcome = await withWatchdog(invocation, doWork(invocation));
  invocation.stopCalls();
  if (outcome.status === 'HAND_OVER') {
    const failure = await handOver(invocation);
    if (!failure) return;
    outcome = failure;
  }
  logOutcome(invocation, outcome);
  await sendResponse(event, outcome);
}

/** The resource handler of the event's type, or an error that names the types this provider serves. */
function resourceHandlerOf(resourceType: string): ResourceHandler<ResourceType> {
  const resourceHandler = (RESOURCE_HANDLERS as Record<string, ResourceHandler<ResourceType>>)[resourceType];
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
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<WorkOutcome>(resolve => {
    timer = setTimeout(() => resolve(invocation.deadline.canHandOver ? { status: 'HAND_OVER' } : invocation.failed(
      'The work was still running close to the end of the invocation\'s time and was stopped.',
    )), invocation.deadline.watchdogMs);
  });
  try {
    return await Promise.race([work, watchdog]);
  } finally {
    clearTimeout(timer);
  }
}

/** Hand the rest of the request, with its checkpoint, to a new invocation; a FAILED answer if that fails. */
async function handOver(invocation: Invocation): Promise<Outcome | undefined> {
  const { event, lambdaContext, context } = invocation;
  try {
    const payload = handOverPayload(event, { hop: invocation.number, startedAt: invocation.requestStartedAt, checkpoint: context.checkpoint });
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
