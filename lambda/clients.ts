import { PartnerCentralAccountClient } from '@aws-sdk/client-partnercentral-account';
import { WorkSpacesClient } from '@aws-sdk/client-workspaces';
import type { Deadline } from './deadline';
import { sleep } from './deadline';
import { isErrorCode } from './errors';
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
}

/** The part of a client's middleware stack this module uses (the SDK's own type is a set of overloads). */
interface Stack {
  add(middleware: unknown, options: { step: 'initialize' | 'deserialize'; name: string }): void;
}

/**
 * Guard every call of a client: no call starts after the stop margin, every call is counted,
 * and an AccessDenied that comes before any call of the invocation succeeded is retried for a
 * while, because the role's policy may have been created seconds ago and IAM may not have
 * propagated it yet. Throttling and 5xx errors are the SDK's adaptive retry strategy's job.
 */
function guard<C extends WorkSpacesClient | PartnerCentralAccountClient>(
  client: C,
  guardState: CallGuard & { state: { succeeded: boolean; startedAt: number } },
): C {
  const { deadline, settings, log, state } = guardState;
  const stack = client.middlewareStack as unknown as Stack;
  stack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      let delay = 500;
      for (;;) {
        deadline.check(`calling ${operation}`);
        log.calls[operation] = (log.calls[operation] ?? 0) + 1;
        try {
          const output = await next(args);
          state.succeeded = true;
          return output;
        } catch (error) {
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

/** The SDK clients of one invocation, created on first use. */
export class Clients {
  private readonly state = { succeeded: false, startedAt: Date.now() };
  private ws?: WorkSpacesClient;
  private pc?: PartnerCentralAccountClient;

  constructor(private readonly callGuard: CallGuard) {}

  private get common() {
    return {
      retryMode: 'adaptive',
      maxAttempts: this.callGuard.settings.maxAttempts,
      requestHandler: { requestTimeout: this.callGuard.settings.requestTimeoutMs, connectionTimeout: 5_000 },
    } as const;
  }

  /** WorkSpaces in the function's own Region. */
  public get workspaces(): WorkSpacesClient {
    if (!this.ws) this.ws = guard(new WorkSpacesClient(this.common), { ...this.callGuard, state: this.state });
    return this.ws;
  }

  /** Partner Central Account is served from us-east-1 only, whatever the stack's Region. */
  public get partnerCentral(): PartnerCentralAccountClient {
    if (!this.pc) this.pc = guard(new PartnerCentralAccountClient({ ...this.common, region: 'us-east-1' }), { ...this.callGuard, state: this.state });
    return this.pc;
  }
}
