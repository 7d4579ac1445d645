import type { Deadline } from './deadline';
import { sleep } from './deadline';
import { errorCode, isErrorCode } from './errors';
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
}

/** The part of a client's middleware stack this module uses (the SDK's own type is a set of overloads). */
interface Stack {
  add(middleware: unknown, options: { step: 'initialize' | 'deserialize'; name: string }): void;
}

/**
 * Guard every call of a client: no call starts after the stop margin, every call is counted,
 * and an AccessDenied that comes before any call of the invocation succeeded is retried for a
 * while, because the role's policy may have been created seconds ago and IAM may not have
 * propagated it yet. With a pacer, calls start no faster than its rate. Throttling and 5xx errors
 * are the SDK's adaptive retry strategy's job.
 */
export function guard<C extends { middlewareStack: unknown }>(client: C, callGuard: CallGuard, pacer?: Pacer): C {
  const { deadline, settings, log } = callGuard;
  const state = callGuard.propagation;
  const stack = client.middlewareStack as unknown as Stack;
  stack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      let delay = 500;
      for (;;) {
        await pacer?.turn(deadline, `calling ${operation}`);
        deadline.check(`calling ${operation}`);
        log.calls[operation] = (log.calls[operation] ?? 0) + 1;
        const startedAt = Date.now();
        try {
          const output = await next(args);
          state.succeeded = true;
          logger.debug('AWS API call', { operation, durationMs: Date.now() - startedAt });
          return output;
        } catch (error) {
          logger.debug('AWS API call', { operation, durationMs: Date.now() - startedAt, errorCode: errorCode(error) });
          const propagating = !state.succeeded && Date.now() - state.startedAt < settings.iamPropagationMs;
          // A denial with a reason other than ACCESS_DENIED (Partner Central's
          // INCOMPATIBLE_BENEFIT_AWS_PARTNER_STATE, say) is not about IAM: no point waiting.
          const reason = (error as { Reason?: unknown }).Reason;
          const iamDenial = isErrorCode(error, 'AccessDeniedException') && (reason === undefined || reason === 'ACCESS_DENIED');
          if (iamDenial && propagating && deadline.canWait(delay)) {
            await sleep(delay);
            delay = Math.min(delay * 2, 8_000);
            continue;
          }
          throw error;
        }
      }
    },
    { step: 'initialize', name: 'crossAccountSharingGuard' },
  );
  stack.add(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      log.attempts += 1;
      return next(args);
    },
    { step: 'deserialize', name: 'crossAccountSharingAttempts' },
  );
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
function withAbortSignal(client: { send: unknown }, signal: AbortSignal): void {
  const send = (client.send as (command: unknown, options?: unknown) => Promise<unknown>).bind(client);
  client.send = (command: unknown, options?: unknown) => send(command, options ?? { abortSignal: signal });
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
      withAbortSignal(client, ctx.abort.signal);
      clients.set(ctx, client);
    }
    return client;
  };
}
