import type { Deadline } from './deadline';
import { sleep } from './deadline';

/**
 * Spaces the calls of one client evenly at a steady rate, so that one invocation stays within a
 * service's rate limit instead of spending its time on throttled attempts and the SDK's backoff.
 * Throttling that still happens (other callers share the limit) is the SDK's retry strategy's job.
 */
export class Pacer {
  private nextAt = 0;
  /** A turn taken ahead (takeTurn): the next call goes at once. */
  private prepaid = false;

  /** @param callsPerSecond the rate; 0 or less leaves calls unpaced */
  constructor(private readonly callsPerSecond: number) {}

  /** Wait for the next call's turn; throws the deadline's TimeShortError when that wait leaves no time to work. */
  public async turn(deadline: Deadline, what: string): Promise<void> {
    if (this.prepaid) {
      this.prepaid = false;
      return;
    }
    if (!(this.callsPerSecond > 0)) return;
    const now = Date.now();
    const at = Math.max(now, this.nextAt);
    const wait = at - now;
    if (wait > 0 && !deadline.canWait(wait)) throw deadline.outOfTime(`Stopped before ${what}: too little time was left`);
    this.nextAt = at + 1000 / this.callsPerSecond;
    if (wait > 0) await sleep(wait);
  }

  /**
   * Wait for a turn now, for the client's next call, which then goes at once: a fenced write
   * passes its fence after the wait, right before it is sent (lambda/reconcile/engine.ts).
   */
  public async takeTurn(deadline: Deadline, what: string): Promise<void> {
    await this.turn(deadline, what);
    this.prepaid = true;
  }
}
