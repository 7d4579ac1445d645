import type { Context } from 'aws-lambda';
import { CallLog } from './call-guard';
import type { Outcome } from './cfn-response';
import { Continuation, continuationOf, InvocationEvent } from './continuation';
import { Deadline } from './deadline';
import { Progress } from './progress';
import type { ResourceContext } from './resource';
import { loadSettings, Settings } from './settings';
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

/**
 * One invocation of the handler for one request: its settings, its deadline (the invocation's
 * end or the request's budget, whichever comes first), the context the resource handler gets,
 * and the fields of its log lines.
 */
export class Invocation {
  public readonly startedAt = Date.now();
  public readonly settings: Settings;
  /** When the request's first invocation started: the budget counts from there. */
  public readonly requestStartedAt: number;
  public readonly budgetSeconds: number;
  public readonly deadline: Deadline;
  /** 1 for CloudFormation's invocation, then one more for each hand-over. */
  public readonly number: number;
  public readonly context: ResourceContext;
  public readonly logFields: Record<string, unknown>;
  /** Whether this invocation goes on with a request an earlier one handed over. */
  public readonly continues: boolean;
  /** Whether this invocation goes on with revokes its request left after answering (never answers). */
  public readonly detached: boolean;
  /** The hand-over this invocation goes on with, if it does. */
  public readonly continuation?: Continuation;
  /** The error the work failed with, for the log line. */
  public failure: unknown;
  /** Aborts the invocation's calls at the stop margin. */
  private readonly stopTimer: NodeJS.Timeout;

  constructor(public readonly event: InvocationEvent, public readonly lambdaContext: Context) {
    this.settings = loadSettings(lambdaContext.getRemainingTimeInMillis());
    const continuation = continuationOf(event);
    this.continuation = continuation;
    this.continues = continuation !== undefined;
    this.requestStartedAt = Math.min(continuation?.startedAt ?? this.startedAt, this.startedAt);
    this.budgetSeconds = timeBudgetSeconds(event);
    // A detached chain has no budget: CloudFormation has its answer; only each invocation's end counts.
    this.detached = continuation?.detached === true;
    const requestEndsAt = this.detached ? Number.MAX_SAFE_INTEGER : this.requestStartedAt + this.budgetSeconds * 1000 - this.settings.answerMarginMs;
    this.deadline = new Deadline(lambdaContext, this.settings, requestEndsAt);
    this.number = (continuation?.hop ?? 0) + 1;
    this.context = {
      deadline: this.deadline,
      settings: this.settings,
      log: new CallLog(),
      propagation: { succeeded: false, startedAt: this.startedAt },
      abort: new AbortController(),
      stop: new AbortController(),
      progress: new Progress(),
      accountId: lambdaContext.invokedFunctionArn.split(':')[4],
      requestType: event.RequestType,
      continues: continuation !== undefined,
      resumeFrom: continuation?.checkpoint,
    };
    // At the stop margin, calls that wait to retry end there and no attempt starts (call-guard.ts:
    // a TimeShortError), so that the request hands over with most of its budget left rather than
    // waiting on the SDK's retries until the watchdog.
    this.stopTimer = setTimeout(() => this.context.stop.abort(), Math.max(0, this.deadline.workMs));
    this.stopTimer.unref?.();
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
