import { Duration } from 'aws-cdk-lib';

/**
 * What a scheduled drift check does when the shares differ from the declaration.
 */
export enum DriftAction {
  /**
   * Change nothing: log what differs and publish it as metrics (see `metricDrift()`).
   */
  REPORT = 'REPORT',
  /**
   * Share again every declared account that is not shared (for a connection alias: the declared
   * account, when no other account holds its one share; for Partner Central preferences: write the
   * declared access type and exclusions back, with the current revision). Shares and exclusions
   * that nobody declared are left alone.
   */
  REPAIR = 'REPAIR',
  /**
   * Everything REPAIR does, and also unshare every account that nobody declared (for a connection
   * alias: any account other than the declared one, unshared before the declared one is shared; for
   * Partner Central preferences: write exactly the declared state, removing exclusions added outside
   * the stack). This removes shares made outside the stack, in the console or by another tool.
   */
  ENFORCE = 'ENFORCE',
}

/**
 * A scheduled check that the shares of a construct are still as declared between deploys.
 *
 * An EventBridge Scheduler schedule invokes the provider's function every `interval`. The check
 * acts only on the declaration of the last deploy that succeeded, only while the construct's
 * resource owns the image, alias or preferences, and never while a deploy of the stack is in
 * flight: otherwise it changes nothing and logs why.
 */
export interface DriftCheck {
  /**
   * How often to check: whole minutes, from 15 minutes (so that two checks of one construct never
   * overlap) to 30 days.
   *
   * @default Duration.hours(1)
   */
  readonly interval?: Duration;

  /**
   * What to do with what differs. `DriftAction.ENFORCE` removes shares made outside the stack.
   *
   * @default DriftAction.REPORT
   */
  readonly action?: DriftAction;
}
