import type { Context } from 'aws-lambda';
import { TimeShortError } from './errors';
import type { Settings } from './settings';

/**
 * The time one invocation has for its work: the sooner of the Lambda timeout and the end of the
 * request's time budget (CloudFormation's ServiceTimeout, counted from the request's first
 * invocation). Work stops starting new calls `stopMarginMs` before that end; the watchdog answers
 * `watchdogMarginMs` before it.
 */
export class Deadline {
  private expired = false;

  /**
   * @param context the Lambda context, whose clock says when this invocation ends
   * @param requestEndsAt epoch ms by which the request must be answered
   */
  constructor(
    private readonly context: Pick<Context, 'getRemainingTimeInMillis'>,
    private readonly settings: Settings,
    private readonly requestEndsAt: number,
  ) {}

  /** Milliseconds until this invocation must have answered or handed over. */
  public get remainingMs(): number {
    return Math.min(this.context.getRemainingTimeInMillis(), this.requestEndsAt - Date.now());
  }

  /** Milliseconds until the request's budget ends, whatever this invocation's own end: the time every invocation the request can hand over to has, together. */
  public get requestRemainingMs(): number {
    return this.requestEndsAt - Date.now();
  }

  /** Time left for work before the stop margin. */
  public get workMs(): number {
    return this.remainingMs - this.settings.stopMarginMs;
  }

  /**
   * Whether the request's budget outlasts this invocation by enough for another invocation to
   * go on with the work: then running out of time here means handing over, not failing.
   */
  public get canHandOver(): boolean {
    const requestLeft = this.requestEndsAt - Date.now();
    return requestLeft - this.context.getRemainingTimeInMillis() >= 0
      && requestLeft >= this.settings.minHandOverMs;
  }

  /** Throws TimeShortError when no new call may start. */
  public check(what: string): void {
    if (this.expired || this.workMs <= 0) throw new TimeShortError(`Stopped before ${what}: too little time was left`);
  }

  /**
   * The error a wait throws when its time is up: the handler hands the request over to a new
   * invocation if the budget allows, and otherwise fails with `message`.
   */
  public outOfTime(message: string): TimeShortError {
    return new TimeShortError(message);
  }

  /** Whether a sleep of `ms` still leaves time to work afterwards. */
  public canWait(ms: number): boolean {
    return !this.expired && this.workMs > ms;
  }

  /** Mark the invocation as answered: every later check fails. */
  public expire(): void {
    this.expired = true;
  }

  /** Milliseconds until the watchdog must answer. */
  public get watchdogMs(): number {
    return Math.max(0, this.remainingMs - this.settings.watchdogMarginMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
