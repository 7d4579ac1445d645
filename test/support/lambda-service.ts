import type { Handler } from './handler-harness';
import { lambdaContext, signAs } from './handler-harness';

/** One asynchronous invocation the local Lambda queued. */
export interface QueuedInvocation {
  readonly functionName: string;
  readonly payload: Record<string, any>;
}

/**
 * The Lambda `Invoke` operation (restJson1: `POST /2015-03-31/functions/{FunctionName}/invocations`)
 * for the handler's hand-overs: an `Event` invocation is accepted with 202 and then runs the
 * configured handler with the payload and a fresh Lambda context, as Lambda's asynchronous queue does.
 */
export class LocalLambda {
  /** Every asynchronous invocation received, in order. */
  public readonly invocations: QueuedInvocation[] = [];
  /**
   * How the queue delivers: once, twice (at-least-once delivery: a duplicate runs right after
   * the first), or never (a lost invocation).
   */
  public delivery: 'once' | 'twice' | 'never' = 'once';
  /** The function the invocations run, and the timeout each invocation gets. */
  private fn?: { handler: Handler; timeoutMs: number };
  private running = 0;

  /** Serve `handler` as the function, with `timeoutMs` per invocation (the Lambda timeout). */
  public serve(handler: Handler, timeoutMs: number): void {
    this.fn = { handler, timeoutMs };
  }

  /** Accept an invocation request; returns the HTTP status and whether the path was Lambda's. */
  public accept(
    path: string, headers: Record<string, string | string[] | undefined>, body: string,
  ): { status: number; body: Record<string, unknown> } | undefined {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path.split('?')[0]);
    if (!match) return undefined;
    const functionName = decodeURIComponent(match[1]);
    if (headers['x-amz-invocation-type'] !== 'Event') {
      return { status: 400, body: { Type: 'User', message: 'The local Lambda serves only asynchronous (Event) invocations' } };
    }
    if (!this.fn) return { status: 404, body: { Type: 'User', message: `Function not found: ${functionName}` } };
    this.enqueue(functionName, JSON.parse(body));
    return { status: 202, body: {} };
  }

  /**
   * Queue an asynchronous invocation of the function `functionName` (an ARN) with `payload`, as
   * Lambda's queue does after an `Event` Invoke: it runs as `delivery` says, with a fresh context.
   */
  public enqueue(functionName: string, payload: Record<string, any>): void {
    if (!this.fn) throw new Error(`Function not found: ${functionName}`);
    this.invocations.push({ functionName, payload });
    const runs = this.delivery === 'never' ? 0 : this.delivery === 'twice' ? 2 : 1;
    const { handler, timeoutMs } = this.fn;
    const account = functionName.split(':')[4];
    this.running += 1;
    void (async () => {
      try {
        for (let i = 0; i < runs; i++) {
          // The function runs with its own account's credentials. Each run is an invocation of the
          // function that was invoked: its own hand-overs invoke it again.
          signAs(account);
          await handler(payload as any, { ...lambdaContext(account, timeoutMs), invokedFunctionArn: functionName });
        }
      } finally {
        this.running -= 1;
      }
    })();
  }

  /** Resolves once no invocation is running (polling, so that chained hand-overs count). */
  public async settled(): Promise<void> {
    while (this.running > 0) await new Promise(resolve => setTimeout(resolve, 20));
  }
}
