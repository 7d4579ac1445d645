import type { Deadline } from './deadline';
import { sleep } from './deadline';
import { errorCode, isErrorCode, TimeShortError } from './errors';
import { logger } from './logger';
import { Pacer } from './pacer';
import type { Settings } from './settings';

/** API calls made by one invocation, by operation. */
export class CallLog {
  /** Logical calls, as the handler made them. */
  public readonly calls: Record<string, number> = {};
  /** HTTP attempts, SDK retries of throttling and 5xx errors included. */
  public attempts = 0;

  public get total(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }
}

/** What every client of one invocation shares. */
export interface CallGuard {
  readonly deadline: Deadline;
  readonly settings: Settings;
  readonly log: CallLog;
  /** Whether a call of the invocation succeeded yet, and since when it runs: IAM propagation retries. */
  readonly propagation: { succeeded: boolean; readonly startedAt: number };
  /**
   * Aborted once the invocation has answered (or handed over): every SDK request of the
   * invocation still in flight, and every retry the SDK still has in mind, ends there, so that
   * nothing of it reaches AWS while the execution environment serves the next request.
   */
  readonly abort: AbortController;
  /**
   * Aborted at the invocation's stop margin (and when it answers): from then on no HTTP attempt
   * starts, a retry included, and a call that waits (the SDK's backoff or rate limiter) ends with
   * a TimeShortError at once, so that the request hands over with most of its budget left. An
   * attempt already in flight may finish, so that a write that took effect is counted and not
   * repeated by the next invocation; one that outlasts the watchdog is aborted with `abort`.
   */
  readonly stop: AbortController;
}

/** The part of a client's middleware stack this module uses (the SDK's own type is a set of overloads). */
interface Stack {
  add(middleware: unknown, options: { step: 'initialize' | 'deserialize'; name: string }): void;
}

/** One SDK call between the guard (outside the SDK's retries) and its HTTP attempts (inside). */
interface CallState {
  /** Whether an HTTP attempt of the call is in flight. */
  inAttempt: boolean;
  /** Ends the call with a TimeShortError, while it is running. */
  stop?: () => void;
}

/** The state of each call, by the SDK's context of the call (one object across its middleware). */
const callStates = new WeakMap<object, CallState>();

/**
 * `call`, or a TimeShortError as soon as `stop` aborts while no attempt of the call is in flight.
 * The call may still settle after that: nobody waits for it, and its next attempt, if the SDK
 * means to make one, fails the attempt check.
 */
async function untilStopped<T>(call: Promise<T>, state: CallState, stop: AbortSignal, what: string): Promise<T> {
  const stopped = new Promise<never>((_resolve, reject) => {
    state.stop = () => reject(new TimeShortError(`Stopped ${what}: the invocation reached its stop margin`));
  });
  const onStop = () => {
    if (!state.inAttempt) state.stop?.();
  };
  stop.addEventListener('abort', onStop, { once: true });
  try {
    // The race handles a rejection of the call that comes after it is lost. No other handler on
    // the call: an error's async stack trace follows its only reaction back to the handler's code.
    return await Promise.race([call, stopped]);
  } finally {
    stop.removeEventListener('abort', onStop);
    state.stop = undefined;
  }
}

/** A middleware of a client's stack, as this module adds it. */
type Middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>;

/** The name of a call's operation, as logged and counted: its command's name without "Command". */
const operationOf = (context: { commandName?: string }) => (context.commandName ?? 'Unknown').replace(/Command$/, '');

/**
 * Whether a failed call may be retried because its AccessDenied may only be IAM propagation: no
 * call of the client succeeded yet, and the invocation is young enough for the role's policy to
 * be still propagating. A denial with a reason other than ACCESS_DENIED (Partner Central's
 * INCOMPATIBLE_BENEFIT_AWS_PARTNER_STATE, say) is not about IAM: no point waiting.
 */
function mayBePropagating(error: unknown, state: CallGuard['propagation'], settings: Settings): boolean {
  const propagating = !state.succeeded && Date.now() - state.startedAt < settings.iamPropagationMs;
  const reason = (error as { Reason?: unknown }).Reason;
  const iamDenial = isErrorCode(error, 'AccessDeniedException') && (reason === undefined || reason === 'ACCESS_DENIED');
  return iamDenial && propagating;
}

/**
 * Outside the SDK's retries, once per call: pace it, refuse it after the stop margin, count it,
 * end it at the stop margin while no attempt is in flight, and retry an AccessDenied while IAM
 * may still be propagating (`state`, the client's own).
 */
function callMiddleware(callGuard: CallGuard, state: CallGuard['propagation'], pacer?: Pacer): Middleware {
  const { deadline, settings, log, abort, stop } = callGuard;
  return (next, context) => async args => {
    const operation = operationOf(context);
    const call: CallState = { inAttempt: false };
    callStates.set(context, call);
    let delay = 500;
    for (;;) {
      await pacer?.turn(deadline, `calling ${operation}`);
      deadline.check(`calling ${operation}`);
      log.calls[operation] = (log.calls[operation] ?? 0) + 1;
      const startedAt = Date.now();
      try {
        const output = await untilStopped(next(args), call, stop.signal, `calling ${operation}`);
        state.succeeded = true;
        logger.debug('AWS API call', { operation, durationMs: Date.now() - startedAt });
        return output;
      } catch (error) {
        logger.debug('AWS API call', { operation, durationMs: Date.now() - startedAt, errorCode: errorCode(error) });
        // The SDK's AbortError of a call the invocation stopped: the call was stopped, not refused.
        if (abort.signal.aborted && isErrorCode(error, 'AbortError')) {
          throw new TimeShortError(`Stopped calling ${operation}: the invocation reached its stop margin`);
        }
        if (mayBePropagating(error, state, settings) && deadline.canWait(delay)) {
          await sleep(delay);
          delay = Math.min(delay * 2, 8_000);
          continue;
        }
        throw error;
      }
    }
  };
}

/**
 * Inside the SDK's retry loop, once per HTTP attempt: no attempt, a retry included, starts
 * after the stop margin (the retry strategy does not retry a TimeShortError); each is counted,
 * and marks its call as in flight while it runs.
 */
function attemptMiddleware(callGuard: CallGuard): Middleware {
  const { deadline, log, stop } = callGuard;
  return (next, context) => async args => {
    deadline.check(`an attempt of ${operationOf(context)}`);
    log.attempts += 1;
    const call = callStates.get(context);
    if (call) call.inAttempt = true;
    try {
      return await next(args);
    } catch (error) {
      // Failed after the stop margin: if the SDK settles the call, it does so before the next
      // turn of the event loop; if it is still running then, it waits to retry, and no retry
      // may start: the call ends now.
      if (call && stop.signal.aborted) setImmediate(() => call.stop?.());
      throw error;
    } finally {
      if (call) call.inAttempt = false;
    }
  };
}

/**
 * Guard every call of a client: no call starts after the stop margin, every call is counted,
 * and an AccessDenied that comes before any call of the invocation succeeded is retried for a
 * while, because the role's policy may have been created seconds ago and IAM may not have
 * propagated it yet. With a pacer, calls start no faster than its rate. Throttling and 5xx errors
 * are the SDK's adaptive retry strategy's job.
 */
export function guard<C extends { middlewareStack: unknown }>(client: C, callGuard: CallGuard, pacer?: Pacer): C {
  // Per client: the ledger's DynamoDB answering says nothing of the role's WorkSpaces statements,
  // which may still be propagating.
  const state = { ...callGuard.propagation };
  const stack = client.middlewareStack as unknown as Stack;
  stack.add(callMiddleware(callGuard, state, pacer), { step: 'initialize', name: 'crossAccountSharingGuard' });
  stack.add(attemptMiddleware(callGuard), { step: 'deserialize', name: 'crossAccountSharingAttempts' });
  return client;
}

/** SDK settings every client of the handler shares: adaptive retries and bounded sockets. */
export function clientSettings(settings: Settings) {
  return {
    retryMode: 'adaptive',
    maxAttempts: settings.maxAttempts,
    requestHandler: { requestTimeout: settings.requestTimeoutMs, connectionTimeout: 5_000 },
  } as const;
}

/** Make every `send` of a client carry `signal`, unless the call passes its own options. */
export function withAbortSignal(client: { send: unknown }, signal: AbortSignal): void {
  const send = (client.send as (command: unknown, options?: unknown) => Promise<unknown>).bind(client);
  client.send = (command: unknown, options?: unknown) => send(command, options ?? { abortSignal: signal });
}

/** The pacer of each paced client. */
const pacers = new WeakMap<object, Pacer>();

/** Wait for the client's next turn now, so that its next call goes at once (see Pacer.takeTurn). */
export async function takeTurn(client: object, ctx: CallGuard, what: string): Promise<void> {
  await pacers.get(client)?.takeTurn(ctx.deadline, what);
}

/**
 * A factory of one guarded client per invocation: `create` gets the shared client settings, and
 * each invocation's context gets its own client on first use, paced at `callsPerSecond` if given.
 */
export function perInvocation<C extends { middlewareStack: unknown; send: unknown }>(
  create: (settings: ReturnType<typeof clientSettings>) => C,
  callsPerSecond?: (settings: Settings) => number,
): (ctx: CallGuard) => C {
  const clients = new WeakMap<CallGuard, C>();
  return ctx => {
    let client = clients.get(ctx);
    if (!client) {
      const pacer = callsPerSecond ? new Pacer(callsPerSecond(ctx.settings)) : undefined;
      client = guard(create(clientSettings(ctx.settings)), ctx, pacer);
      if (pacer) pacers.set(client, pacer);
      withAbortSignal(client, ctx.abort.signal);
      clients.set(ctx, client);
    }
    return client;
  };
}
