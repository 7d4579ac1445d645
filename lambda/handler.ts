import { Logger } from '@aws-lambda-powertools/logger';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { Outcome, sendResponse } from './cfn-response';
import { CallLog, Clients } from './clients';
import { handleConnectionAlias } from './connection-alias';
import { Deadline } from './deadline';
import { messageOf } from './errors';
import { handlePartnerConnectionPreferences } from './partner-preferences';
import { Progress } from './progress';
import type { ResourceContext, ResourceHandler } from './resource';
import { loadSettings } from './settings';
import { handleWorkspaceImage } from './workspace-image';
import { RESOURCE_TYPES } from '../src/private/patterns';

const logger = new Logger({ serviceName: 'cdk-cross-account-sharing' });

const HANDLERS: Record<string, ResourceHandler> = {
  [RESOURCE_TYPES.workspaceImage]: handleWorkspaceImage,
  [RESOURCE_TYPES.partnerConnectionPreferences]: handlePartnerConnectionPreferences,
  [RESOURCE_TYPES.connectionAlias]: handleConnectionAlias,
};

/** The physical ID a failure reports: the one CloudFormation sent, or for a Create the real one if known. */
function failurePhysicalId(event: CloudFormationCustomResourceEvent, context: ResourceContext): string {
  if (event.RequestType !== 'Create') return event.PhysicalResourceId;
  return context.physicalResourceIdOnFailure ?? `${event.LogicalResourceId}-create-failed`;
}

/**
 * Entry point of every share custom resource. It always answers CloudFormation: with the outcome
 * of the work, or, when the work is still running close to the Lambda timeout, with a FAILED that
 * says what was done and what was not.
 */
export async function handler(event: CloudFormationCustomResourceEvent, lambdaContext: Context): Promise<void> {
  const startedAt = Date.now();
  const settings = loadSettings();
  const deadline = new Deadline(lambdaContext, settings);
  const log = new CallLog();
  const progress = new Progress();
  const context: ResourceContext = {
    clients: new Clients({ deadline, settings, log }),
    deadline,
    settings,
    progress,
    accountId: lambdaContext.invokedFunctionArn.split(':')[4],
  };

  const work = (async (): Promise<Outcome & { log?: Record<string, unknown> }> => {
    const resourceHandler = HANDLERS[event.ResourceType];
    try {
      if (!resourceHandler) {
        throw new Error(`This provider does not serve resource type ${event.ResourceType}; it serves ${Object.keys(HANDLERS).join(', ')}`);
      }
      const result = await resourceHandler(event, context);
      return { status: 'SUCCESS', physicalResourceId: result.physicalResourceId, data: result.data, log: result.log };
    } catch (error) {
      return {
        status: 'FAILED',
        physicalResourceId: failurePhysicalId(event, context),
        reason: `${messageOf(error)}. ${progress.summary()}`,
      };
    }
  })();

  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<Outcome>(resolve => {
    timer = setTimeout(() => resolve({
      status: 'FAILED',
      physicalResourceId: failurePhysicalId(event, context),
      reason: `The work was still running close to the Lambda timeout and was stopped. ${progress.summary()}`,
    }), deadline.watchdogMs);
  });

  const outcome = await Promise.race([work, watchdog]);
  clearTimeout(timer);
  deadline.expire();

  logger.info(`${event.RequestType} ${event.ResourceType} ${outcome.status}`, {
    requestType: event.RequestType,
    resourceType: event.ResourceType,
    logicalResourceId: event.LogicalResourceId,
    physicalResourceId: outcome.physicalResourceId,
    status: outcome.status,
    ...('log' in outcome ? outcome.log : {}),
    ...progress.changes,
    reason: outcome.reason,
    calls: log.calls,
    httpAttempts: log.attempts,
    durationMs: Date.now() - startedAt,
  });

  await sendResponse(event, outcome);
}
