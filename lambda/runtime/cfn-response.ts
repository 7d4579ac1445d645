import * as http from 'http';
import * as https from 'https';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { sleep } from './deadline';

/** What the handler answers CloudFormation. */
export interface Outcome {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly physicalResourceId: string;
  readonly reason?: string;
  /** The resource's attributes (see src/contract/resources.ts). */
  readonly data?: object;
}

/** CloudFormation refuses response bodies over 4096 bytes; a Reason stays far below that. */
export const MAX_REASON_LENGTH = 1_000;

export function truncate(text: string, max = MAX_REASON_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max - 15)} ...(truncated)`;
}

export function responseBody(event: CloudFormationCustomResourceEvent, outcome: Outcome): string {
  return JSON.stringify({
    Status: outcome.status,
    Reason: truncate(outcome.reason ?? outcome.status),
    PhysicalResourceId: outcome.physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: outcome.data ?? {},
  });
}

function put(url: string, body: string): Promise<void> {
  const target = new URL(url);
  const transport = target.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      target,
      {
        method: 'PUT',
        // The presigned URL is signed without a content type.
        headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
        timeout: 10_000,
      },
      response => {
        response.resume();
        response.on('end', () => {
          if (response.statusCode && response.statusCode >= 200 && response.statusCode < 300) resolve();
          else reject(new Error(`the response URL answered HTTP ${response.statusCode}`));
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error('the response URL did not answer in time')));
    request.on('error', reject);
    request.end(body);
  });
}

/** PUT the answer to the presigned ResponseURL, retrying transient failures with jittered backoff. */
export async function sendResponse(event: CloudFormationCustomResourceEvent, outcome: Outcome, attempts = 5): Promise<void> {
  const body = responseBody(event, outcome);
  for (let attempt = 1; ; attempt++) {
    try {
      await put(event.ResponseURL, body);
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(Math.random() * 250 * 2 ** attempt);
    }
  }
}
