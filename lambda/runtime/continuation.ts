import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { Checkpoint } from './resource';

/**
 * The member a hand-over adds to the CloudFormation event when one invocation passes the rest of a
 * request to the next. CloudFormation's own events never carry it.
 */
export const CONTINUATION_KEY = 'CrossAccountSharingContinuation';

/** What one invocation hands the next one of the same request. */
export interface Continuation {
  /** 1 for the first hand-over, 2 for the next, and so on. */
  readonly hop: number;
  /** When the request's first invocation started (epoch ms): the request's time budget counts from there. */
  readonly startedAt: number;
  /** Where the work stopped, as the resource handler noted it. */
  readonly checkpoint?: Checkpoint;
  /**
   * The request was answered already and this is the rest of its revokes (lambda/reconcile/deploy.ts
   * DetachError): the chain runs on without the request's budget and never answers.
   */
  readonly detached?: boolean;
  /** The Lambda request ID of the invocation that handed over, and when (epoch ms): the value of the hop's fence. */
  readonly handedOverBy?: { readonly awsRequestId: string; readonly at: number };
}

/** An invocation's event: CloudFormation's, or CloudFormation's with a hand-over. */
export type InvocationEvent = CloudFormationCustomResourceEvent & { readonly [CONTINUATION_KEY]?: Continuation };

/**
 * Lambda's limit on the payload of an asynchronous invocation (256 KB): a hand-over carries the
 * whole event, account lists included.
 */
export const MAX_HAND_OVER_BYTES = 256 * 1024;

/** The continuation an event carries, if it is a well-formed one. */
export function continuationOf(event: InvocationEvent): Continuation | undefined {
  const c = event[CONTINUATION_KEY];
  if (!c || typeof c !== 'object' || !Number.isInteger(c.hop) || c.hop < 1 || !Number.isFinite(c.startedAt)) return undefined;
  return c;
}

/** The payload of the invocation that goes on with `event`'s request from `checkpoint`. */
export function handOverPayload(event: InvocationEvent, continuation: Continuation): string {
  const payload = JSON.stringify({ ...event, [CONTINUATION_KEY]: continuation });
  if (Buffer.byteLength(payload) > MAX_HAND_OVER_BYTES) {
    throw new Error(`The work must go on in another invocation, but the event is ${Buffer.byteLength(payload)} bytes, over Lambda's ${MAX_HAND_OVER_BYTES}-byte limit for an asynchronous invocation: list fewer accounts in this construct`);
  }
  return payload;
}
