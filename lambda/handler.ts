import type { Context } from 'aws-lambda';
import { handleAliasAssociation } from './resources/connection-alias-association';
import { handleBundle } from './resources/workspace-bundle';
import { handleConnectionAlias } from './resources/shared-connection-alias';
import { handleImageCopy } from './resources/workspace-image-copy';
import { handlePartnerConnectionPreferences } from './resources/partner-connection-preferences';
import { handleWorkspaceImage } from './resources/shared-workspace-image';
import { Outcome, sendResponse } from './runtime/cfn-response';
import { continuationOf, handOverPayload, InvocationEvent } from './runtime/continuation';
import { Deadline } from './runtime/deadline';
import { isErrorCode, messageOf } from './runtime/errors';
import { CallLog } from './runtime/call-guard';
import { logger } from './runtime/logger';
import { Progress } from './runtime/progress';
import type { ResourceContext, ResourceHandler } from './runtime/resource';
import { loadSettings } from './runtime/settings';
import { RESOURCE_TYPES } from '../src/private/patterns';
import { LEGACY_TIME_BUDGET_SECONDS, MAX_TIME_BUDGET_SECONDS, TIME_BUDGET_PROPERTY } from '../src/private/time-budget';

/** The handler of each resource type. */
const RESOURCE_HANDLERS: Record<string, ResourceHandler> = {
  [RESOURCE_TYPES.workspaceImage]: handleWorkspaceImage,
  [RESOURCE_TYPES.connectionAlias]: handleConnectionAlias,
  [RESOURCE_TYPES.partnerConnectionPreferences]: handlePartnerConnectionPreferences,
  [RESOURCE_TYPES.workspaceImageCopy]: handleImageCopy,
  [RESOURCE_TYPES.workspaceBundle]: handleBundle,
  [RESOURCE_TYPES.connectionAliasAssociation]: handleAliasAssociation,
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

/**
 * The resource's time budget in seconds: the `ServiceTimeout` the construct set, which it also
 * sends as a property. Resources deployed by a release that sent none had 16 minutes.
 */
function timeBudgetSeconds(event: InvocationEvent): number {
  const value = Number((event.ResourceProperties as Record<string, unknown>)[TIME_BUDGET_PROPERTY]);
  return Number.isInteger(value) && value >= 1 && value <= MAX_TIME_BUDGET_SECONDS ? value : LEGACY_TIME_BUDGET_SECONDS;
}

/** The physical ID a failure reports: the one CloudFormation sent, or for a Create the real one if known. */
function failurePhysicalId(event: InvocationEvent, context: ResourceContext): string {
  if (event.RequestType !== 'Create') return event.PhysicalResourceId;
  return context.physicalResourceIdOnFailure ?? `${event.LogicalResourceId}-create-failed`;
}

/** What the work of one invocation ends with: an answer for CloudFormation, or the rest of the work for a new invocation. */
type WorkOutcome = (Outcome & { log?: Record<string, unknown> }) | { readonly status: 'HAND_OVER' };

/**
 * Entry point of every share custom resource. Each request gets exactly one answer: from the
 * invocation that finishes the work, or a FAILED that says what was done and what was not when
 * the request's time budget runs out. When the work outlasts one invocation but not the budget,
 * the invocation hands the rest over to a new one and does not answer.
 */
export async function handler(event: InvocationEvent, lambdaContext: Context): Promise<void> {
  const startedAt = Date.now();
  const settings = loadSettings(lambdaContext.getRemainingTimeInMillis());
  const continuation = continuationOf(event);
  const requestStartedAt = Math.min(continuation?.startedAt ?? startedAt, startedAt);
  const budgetSeconds = timeBudgetSeconds(event);
  const deadline = new Deadline(lambdaContext, settings, requestStartedAt + budgetSeconds * 1000 - settings.answerMarginMs);
  const log = new CallLog();
  const progress = new Progress();
  const invocation = (continuation?.hop ?? 0) + 1;
  const context: ResourceContext = {
    deadline,
    settings,
    log,
    propagation: { succeeded: false, startedAt },
    abort: new AbortController(),
    progress,
    accountId: lambdaContext.invokedFunctionArn.split(':')[4],
    resumeFrom: continuation?.checkpoint,
  };
  const logFields = {
    requestType: event.RequestType,
    resourceType: event.ResourceType,
    logicalResourceId: event.LogicalResourceId,
    requestId: event.RequestId,
    invocation,
  };

  if (continuation && deadline.remainingMs <= 0) {
    // A hand-over delivered after its request's budget ran out (a late duplicate, say):
    // CloudFormation stopped waiting long ago, so it neither works nor answers.
    logger.warn('Hand-over arrived after the request\'s time budget; ignored', logFields);
    return;
  }

  let failure: unknown;
  const work = (async (): Promise<WorkOutcome> => {
    try {
      const resourceHandler = RESOURCE_HANDLERS[event.ResourceType];
      if (!resourceHandler) {
        throw new Error(`This provider does not serve resource type ${event.ResourceType}; it serves ${Object.keys(RESOURCE_HANDLERS).join(', ')}`);
      }
      const result = await resourceHandler(event, context);
      return { status: 'SUCCESS', physicalResourceId: result.physicalResourceId, data: result.data, log: result.log };
    } catch (error) {
      failure = error;
      const timeShort = isErrorCode(error, 'TimeShortError');
      if (timeShort && deadline.canHandOver) return { status: 'HAND_OVER' };
      const budget = timeShort ? ` The resource's time budget of ${budgetSeconds} s ran out in invocation ${invocation} of the request.` : '';
      return {
        status: 'FAILED',
        physicalResourceId: failurePhysicalId(event, context),
        reason: `${messageOf(error)}.${budget} ${progress.summary()}`,
      };
    }
  })();

  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<Outcome>(resolve => {
    timer = setTimeout(() => resolve({
      status: 'FAILED',
      physicalResourceId: failurePhysicalId(event, context),
      reason: `The work was still running close to the end of the invocation's time and was stopped. ${progress.summary()}`,
    }), deadline.watchdogMs);
  });

  let outcome: WorkOutcome = await Promise.race([work, watchdog]);
  clearTimeout(timer);
  // Nothing of this invocation may reach AWS once it has an outcome: no new call, no request in flight, no retry.
  deadline.expire();
  context.abort.abort();

  if (outcome.status === 'HAND_OVER') {
    try {
      const payload = handOverPayload(event, { hop: invocation, startedAt: requestStartedAt, checkpoint: context.checkpoint });
      await handOverModule().invokeAsync(lambdaContext.invokedFunctionArn, payload, settings);
      logger.info(`${event.RequestType} ${event.ResourceType} HANDED_OVER`, {
        ...logFields, checkpoint: context.checkpoint, ...progress.changes, calls: log.calls, durationMs: Date.now() - startedAt,
      });
      return;
    } catch (error) {
      outcome = {
        status: 'FAILED',
        physicalResourceId: failurePhysicalId(event, context),
        reason: `The work needs another invocation, and handing it over failed: ${messageOf(error)}. ${progress.summary()}`,
      };
    }
  }

  // A failure is an error line: a function logging at ERROR still shows every request that failed.
  const logOutcome = outcome.status === 'FAILED' ? logger.error.bind(logger) : logger.info.bind(logger);
  logOutcome(`${event.RequestType} ${event.ResourceType} ${outcome.status}`, {
    ...logFields,
    physicalResourceId: outcome.physicalResourceId,
    status: outcome.status,
    ...('log' in outcome ? outcome.log : {}),
    ...progress.changes,
    reason: outcome.reason,
    ...(outcome.status === 'FAILED' ? { error: errorForLog(failure) } : {}),
    calls: log.calls,
    httpAttempts: log.attempts,
    durationMs: Date.now() - startedAt,
  });

  await sendResponse(event, outcome);
}
