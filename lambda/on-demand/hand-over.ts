/**
 * Loaded only when a request hands its work over: the Lambda client costs nothing to the
 * requests that finish in one invocation.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { clientSettings } from '../runtime/call-guard';
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
