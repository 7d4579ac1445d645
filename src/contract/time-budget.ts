/**
 * The time budget of a share resource: how long CloudFormation waits for its answer
 * (`ServiceTimeout`), derived from the WorkSpaces calls the provider's resources can make at
 * once. One definition for the synth-time check (src/) and the handler (lambda/): part of the
 * wire contract, so no aws-cdk-lib here.
 */

/** The resource property that tells the handler its time budget, in seconds (the same value as `ServiceTimeout`). */
export const TIME_BUDGET_PROPERTY = 'TimeBudgetSeconds';

/** CloudFormation's longest wait for one custom resource answer (`ServiceTimeout` at most). */
export const MAX_TIME_BUDGET_SECONDS = 3_600;

/** The budget of resources deployed by releases that did not send one: their `ServiceTimeout` was 16 minutes. */
export const LEGACY_TIME_BUDGET_SECONDS = 960;

/**
 * WorkSpaces allows 2 calls per second per account and Region, shared by every caller there.
 * The budget plans for 1.75, leaving an eighth of the rate to everything else.
 */
export const PLANNED_CALLS_PER_SECOND = 1.75;

/**
 * The pace of a drift check's WorkSpaces calls: below the deploy's planned 1.75, so that a check
 * beside a deploy of another resource stays near WorkSpaces' 2 calls/s (the SDK's adaptive retries
 * absorb the rest), and a check of 5,000 accounts reads its 200 pages of permissions in about 400 s,
 * well within one 15-minute invocation.
 */
export const DRIFT_CALLS_PER_SECOND = 0.5;

/**
 * Time every budget holds besides the calls: IAM propagation (up to a minute), waits for an image
 * that is PENDING or an alias that is CREATING, cold starts and hand-overs between invocations.
 */
export const FIXED_ALLOWANCE_SECONDS = 600;

/** Budgets are rounded up to whole minutes, so that small changes in the account lists rarely change them. */
export const BUDGET_STEP_SECONDS = 60;

/**
 * WorkSpaces calls one image share costs besides one write per account: the image read, and reading
 * and writing its owner tags. The claim's second read and its settle (lambda/ownership/claim.ts)
 * come out of the fixed allowance, as other waits do, so that the synth limit stays where it was.
 */
export const IMAGE_SHARE_OVERHEAD_CALLS = 3;

/**
 * WorkSpaces calls one alias share costs at most, polls of a CREATING alias aside: the alias, its
 * permissions, its owner tags read and written, the write, and the unshare of an account it moves from.
 */
export const ALIAS_SHARE_CALLS = 6;

/**
 * The WorkSpaces calls of a share resource whose Update can make more calls than its Create.
 */
export interface CallBounds {
  /** The calls its Create makes: what must fit in CloudFormation's longest budget (the synth-time check). */
  readonly create: number;
  /** The calls its costliest Update can make: what its time budget covers, CloudFormation's longest at most. */
  readonly update: number;
}

/**
 * The WorkSpaces calls one share resource can make in one request (a number when its Create and
 * its costliest Update cost alike), or undefined when they cannot be known at synth (an account
 * list that is a token).
 */
export type CallEstimate = () => number | CallBounds | undefined;

/**
 * The calls of an image shared with `accounts` accounts. A Create writes each account once. The
 * budget assumes that an Update comes from an old list at most as long as the new one, so it
 * unshares at most `accounts` and shares at most `accounts`: 2 writes per account (swapping every
 * account for another). An Update outside that assumption (an old list longer than the new, or
 * 2 writes per account beyond CloudFormation's 3,600 s) fails before its first write, with a
 * Reason that says how to deploy it in steps. A Delete writes each account once.
 */
export function imageShareCalls(accounts: number): CallBounds {
  return { create: accounts + IMAGE_SHARE_OVERHEAD_CALLS, update: 2 * accounts + IMAGE_SHARE_OVERHEAD_CALLS };
}

/** The budget for `calls` WorkSpaces calls made by a provider's resources at once, uncapped. */
export function budgetSecondsFor(calls: number): number {
  const seconds = FIXED_ALLOWANCE_SECONDS + calls / PLANNED_CALLS_PER_SECOND;
  return Math.ceil(seconds / BUDGET_STEP_SECONDS) * BUDGET_STEP_SECONDS;
}

/** How many WorkSpaces calls fit in the longest budget CloudFormation allows. */
export const MAX_CALLS_PER_BUDGET = Math.floor((MAX_TIME_BUDGET_SECONDS - FIXED_ALLOWANCE_SECONDS) * PLANNED_CALLS_PER_SECOND);

/**
 * WorkSpaces calls one image copy makes besides its polls: the source image read (in its Region),
 * the name check, the tags of a copy found by name and a takeover's claim (a write and a read),
 * the copy, and on a rollback the abandoned copy's name check, tags and delete.
 */
export const IMAGE_COPY_CALLS = 10;

/**
 * WorkSpaces calls one bundle makes besides its polls: the name check, the tags of a bundle found
 * by name and a takeover's claim, the create, and on a rollback the abandoned bundle's delete.
 */
export const BUNDLE_CALLS = 8;

/**
 * WorkSpaces calls one alias association makes besides its polls: its claim on the directory's
 * tags (a read, a write, a read), the alias read, the association, and a disassociation with its tags.
 */
export const ALIAS_ASSOCIATION_CALLS = 8;

/**
 * The shortest budget of an image copy: CloudFormation's longest. A copy stays PENDING for as long
 * as WorkSpaces takes (often tens of minutes), which no count of calls can predict.
 */
export const IMAGE_COPY_MIN_BUDGET_SECONDS = MAX_TIME_BUDGET_SECONDS;
