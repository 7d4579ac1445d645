import type { Context } from 'aws-lambda';
import { CallLog } from './call-guard';
import type { Outcome } from './cfn-response';
import { Continuation, continuationOf, InvocationEvent } from './continuation';
import { Deadline } from './deadline';
import { Progress } from './progress';
import type { ResourceContext } from './resource';
import { loadSettings, Settings } from './settings';
import type { DriftCheckEvent } from '../../src/contract/drift';
import { LEGACY_TIME_BUDGET_SECONDS, MAX_TIME_BUDGET_SECONDS, TIME_BUDGET_PROPERTY } from '../../src/contract/time-budget';
import { nothingDoneIdOf } from '../ownership/failed-create';

/**
 * The resource's time budget in seconds: the `ServiceTimeout` the construct set, which it also
 * sends as a property. Resources deployed by a release that sent none had 16 minutes.
 */
function timeBudgetSeconds(event: InvocationEvent): number {
  const value = Number((event.ResourceProperties as Record<string, unknown>)[TIME_BUDGET_PROPERTY]);
  return Number.isInteger(value) && value >= 1 && value <= MAX_TIME_BUDGET_SECONDS ? value : LEGACY_TIME_BUDGET_SECONDS;
}

/** What the work of one invocation ends with: an answer for CloudFormation, or the rest of the work for a new invocation. */
export type WorkOutcome = (Outcome & { log?: Record<string, unknown> }) | { readonly status: 'HAND_OVER' }
  /** Answer SUCCESS, and hand the request's remaining revokes to a detached chain first. */
  | { readonly status: 'DETACH'; readonly answer: Outcome & { log?: Record<string, unknown> } }
  /** A delivery of a hand-over that a newer request superseded (lambda/reconcile/ledger.ts): it neither writes nor answers. */
  | { readonly status: 'SUPERSEDED'; readonly reason: string };

/** The parts of a ResourceContext that differ between a request's invocation and a drift check's. */
type OwnContext = Pick<ResourceContext, 'propagation' | 'requestType' | 'continues' | 'resumeFrom'>;

/**
 * What every invocation of the function has, a CloudFormation request's or a scheduled drift
 * check's: one settings load, one deadline, the context its calls get, the stop timer, and the
 * watchdog. Both kinds are built here, so that "time is up" means the same for both.
 */
export abstract class InvocationRuntime {
  public readonly deadline: Deadline;
  public readonly context: ResourceContext;
  /** Aborts the invocation's calls at the stop margin. */
  private readonly stopTimer: NodeJS.Timeout;

  /** @param endsAt epoch ms by which the work must be over (a request's budget; a check's, the invocation's end) */
  protected constructor(
    public readonly lambdaContext: Context, public readonly startedAt: number, public readonly settings: Settings, endsAt: number, own: OwnContext,
  ) {
    this.deadline = new Deadline(lambdaContext, settings, endsAt);
    this.context = {
      deadline: this.deadline,
      settings,
      log: new CallLog(),
      abort: new AbortController(),
      stop: new AbortController(),
      progress: new Progress(),
      accountId: lambdaContext.invokedFunctionArn.split(':')[4],
      ...own,
    };
    // At the stop margin, calls that wait to retry end there and no attempt starts (call-guard.ts:
    // a TimeShortError), so that a request hands over with most of its budget left (and a check
    // logs what it did) rather than waiting on the SDK's retries until the watchdog.
    this.stopTimer = setTimeout(() => this.context.stop.abort(), Math.max(0, this.deadline.workMs));
    this.stopTimer.unref?.();
  }

  /**
   * The work's outcome, or `late()`'s if the work is still running at the watchdog's time (close to
   * the end of the invocation), so that the invocation still ends with its answer or its log line
   * rather than being cut off by the Lambda timeout. The work goes on until the caller stops its
   * calls (stopCalls), which it does once it has the outcome.
   */
  public async raceWatchdog<T>(work: Promise<T>, late: () => T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<T>(resolve => {
      timer = setTimeout(() => resolve(late()), this.deadline.watchdogMs);
    });
    try {
      return await Promise.race([work, watchdog]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Nothing of this invocation may reach AWS once it has an outcome: no new call, no request in
   * flight, no retry.
   */
  public stopCalls(): void {
    clearTimeout(this.stopTimer);
    this.deadline.expire();
    this.context.stop.abort();
    this.context.abort.abort();
  }
}

/**
 * One invocation of the handler for one request: its settings, its deadline (the invocation's
 * end or the request's budget, whichever comes first), the context the resource handler gets,
 * and the fields of its log lines.
 */
export class Invocation extends InvocationRuntime {
  /** When the request's first invocation started: the budget counts from there. */
  public readonly requestStartedAt: number;
  public readonly budgetSeconds: number;
  /** 1 for CloudFormation's invocation, then one more for each hand-over. */
  public readonly number: number;
  public readonly logFields: Record<string, unknown>;
  /** Whether this invocation goes on with a request an earlier one handed over. */
  public readonly continues: boolean;
  /** Whether this invocation goes on with revokes its request left after answering (never answers). */
  public readonly detached: boolean;
  /** The hand-over this invocation goes on with, if it does. */
  public readonly continuation?: Continuation;
  /** The error the work failed with, for the log line. */
  public failure: unknown;

  constructor(public readonly event: InvocationEvent, lambdaContext: Context) {
    const startedAt = Date.now();
    const settings = loadSettings(lambdaContext.getRemainingTimeInMillis());
    const continuation = continuationOf(event);
    const requestStartedAt = Math.min(continuation?.startedAt ?? startedAt, startedAt);
    const budgetSeconds = timeBudgetSeconds(event);
    // A detached chain has no budget: CloudFormation has its answer; only each invocation's end counts.
    const detached = continuation?.detached === true;
    const requestEndsAt = detached ? Number.MAX_SAFE_INTEGER : requestStartedAt + budgetSeconds * 1000 - settings.answerMarginMs;
    super(lambdaContext, startedAt, settings, requestEndsAt, {
      propagation: { succeeded: false, startedAt },
      requestType: event.RequestType,
      continues: continuation !== undefined,
      resumeFrom: continuation?.checkpoint,
    });
    this.continuation = continuation;
    this.continues = continuation !== undefined;
    this.requestStartedAt = requestStartedAt;
    this.budgetSeconds = budgetSeconds;
    this.detached = detached;
    this.number = (continuation?.hop ?? 0) + 1;
    this.logFields = {
      requestType: event.RequestType,
      continues: continuation !== undefined,
      resourceType: event.ResourceType,
      logicalResourceId: event.LogicalResourceId,
      requestId: event.RequestId,
      invocation: this.number,
    };
  }

  /**
   * A hand-over delivered after its request's budget ran out (a late duplicate, say):
   * CloudFormation stopped waiting long ago, so it neither works nor answers.
   */
  public get isLate(): boolean {
    return this.continues && this.deadline.remainingMs <= 0;
  }

  /** The physical ID a failure reports: the one CloudFormation sent, or for a Create the real one if known. */
  public get failurePhysicalId(): string {
    if (this.event.RequestType !== 'Create') return this.event.PhysicalResourceId;
    return this.context.physicalResourceIdOnFailure ?? nothingDoneIdOf(this.event.LogicalResourceId);
  }

  /** A FAILED answer with `reason` and what the request did and did not do. */
  public failed(reason: string): Outcome {
    return { status: 'FAILED', physicalResourceId: this.failurePhysicalId, reason: `${reason} ${this.context.progress.summary()}` };
  }
}

/**
 * One invocation for a schedule's drift check (lambda/drift/check.ts): no CloudFormation request,
 * no budget but the invocation's own time, no hand-over. Its calls pace at the check's rate.
 */
export class CheckInvocation extends InvocationRuntime {
  constructor(public readonly event: DriftCheckEvent, lambdaContext: Context) {
    const startedAt = Date.now();
    const remainingMs = lambdaContext.getRemainingTimeInMillis();
    const loaded = loadSettings(remainingMs);
    // Every WorkSpaces client of the check paces at the drift rate (call-guard.ts reads it from the settings).
    const settings = { ...loaded, workspacesCallsPerSecond: loaded.driftCallsPerSecond };
    // The check's first calls read CloudFormation: an AccessDenied is never IAM propagation.
    super(lambdaContext, startedAt, settings, startedAt + remainingMs, { propagation: { succeeded: true, startedAt } });
  }
}
