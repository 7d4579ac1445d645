import type { Context } from 'aws-lambda';
import { TimeShortError } from './errors';
import type { Settings } from './settings';

/**
 * The time an invocation has left, as Lambda reports it. Work stops starting new calls at
 * `stopMarginMs` before the end; the watchdog answers at `watchdogMarginMs` before it.
 */
export class Deadline {
  private expired = false;

  constructor(private readonly context: Pick<Context, 'getRemainingTimeInMillis'>, private readonly settings: Settings) {}

  public get remainingMs(): number {
    return this.context.getRemainingTimeInMillis();
  }

  /** Time left for work before the stop margin. */
  public get workMs(): number {
    return this.remainingMs - this.settings.stopMarginMs;
  }

  /** Throws TimeShortError when no new call may start. */
  public check(what: string): void {
    if (this.expired || this.workMs <= 0) {
      throw new TimeShortError(`Stopped before ${what}: too little time was left before the Lambda timeout`);
    }
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
