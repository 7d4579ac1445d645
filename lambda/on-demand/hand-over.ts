/**
 * Loaded only when a request hands its work over: the Lambda and SSM clients cost nothing to the
 * requests that finish in one invocation.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteParametersCommand, GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clientSettings } from '../runtime/call-guard';
import { isErrorCode } from '../runtime/errors';
import type { Settings } from '../runtime/settings';

/**
 * Queue an asynchronous invocation of the function with `payload`. The function's
 * EventInvokeConfig allows no retry, so a continuation that fails is never run twice.
 */
export async function invokeAsync(functionArn: string, payload: string, settings: Settings): Promise<void> {
  const lambda = new LambdaClient({ ...clientSettings(settings), maxAttempts: 3 });
  const output = await lambda.send(new InvokeCommand({ FunctionName: functionArn, InvocationType: 'Event', Payload: Buffer.from(payload) }));
  if (output.StatusCode !== 202) throw new Error(`Lambda answered HTTP ${output.StatusCode} to the hand-over, not 202`);
}

/**
 * Parameter Store's client retries as the others do (settings.maxAttempts): a throttling burst
 * that outlasted three attempts left a hop unfenced, and a duplicate delivery of it then answered again.
 */
const ssmClient = (settings: Settings) => new SSMClient(clientSettings(settings));

/** Where the fences of the hand-overs live in Parameter Store (the function's policy allows this path only). */
export const FENCE_PATH = '/cdk-cross-account-sharing/hand-over/';

/** SSM's longest value of a Standard parameter. */
const MAX_FENCE_VALUE = 4_096;

/**
 * The fence of hop `hop` of the request `requestId`: `<FENCE_PATH><request>/<hop>`, the request ID
 * kept to the characters a parameter name allows (CloudFormation's are UUIDs).
 */
export function fenceName(requestId: string, hop: number): string {
  return `${requestPath(requestId)}/${hop}`;
}

/** The request's path: the request ID kept to the characters a parameter name allows (CloudFormation's are UUIDs). */
const requestPath = (requestId: string) => `${FENCE_PATH}${requestId.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 200)}`;

/**
 * The marker an answered request leaves in place of its fences: a late delivery of any of its
 * hand-overs (whose fence the answer deleted) finds it and neither works nor answers.
 */
export function answeredName(requestId: string): string {
  return `${requestPath(requestId)}/answered`;
}

/** Whether the request `requestId` left its answered marker. */
export async function wasAnswered(requestId: string, settings: Settings): Promise<boolean> {
  try {
    await ssmClient(settings).send(new GetParameterCommand({ Name: answeredName(requestId) }));
    return true;
  } catch (error) {
    if (isErrorCode(error, 'ParameterNotFound')) return false;
    throw error;
  }
}

/** Leave the answered marker of `requestId` (it replaces the request's fences: one parameter per request that handed over). */
export async function markAnswered(requestId: string, value: Record<string, unknown>, settings: Settings): Promise<void> {
  await putParameter(answeredName(requestId), value, true, 'this request was answered; a late delivery of one of its hand-overs stands down', settings);
}

/** Put one Standard parameter holding `value` as JSON (cut to SSM's longest value). */
function putParameter(name: string, value: Record<string, unknown>, overwrite: boolean, description: string, settings: Settings) {
  return ssmClient(settings).send(new PutParameterCommand({
    Name: name,
    Type: 'String',
    Overwrite: overwrite,
    Value: JSON.stringify(value).slice(0, MAX_FENCE_VALUE),
    Description: `cdk-cross-account-sharing: ${description}`,
  }));
}


/**
 * Put the fence `name` unless it exists (a conditional write: `Overwrite: false`). True when this
 * invocation put it, so goes on with the request; false when another delivery of the same
 * hand-over did first. Other errors are thrown.
 */
export async function putFence(name: string, value: Record<string, unknown>, settings: Settings): Promise<boolean> {
  try {
    await putParameter(name, value, false, 'one delivery of a hand-over goes on with the request; deleted when it is answered', settings);
    return true;
  } catch (error) {
    if (isErrorCode(error, 'ParameterAlreadyExists')) return false;
    throw error;
  }
}

/** Delete the fences `names`, up to 10 a call (DeleteParameters' limit); one that is already gone is no error. */
export async function deleteFences(names: readonly string[], settings: Settings): Promise<void> {
  const ssm = ssmClient(settings);
  for (let i = 0; i < names.length; i += 10) {
    await ssm.send(new DeleteParametersCommand({ Names: names.slice(i, i + 10) }));
  }
}
