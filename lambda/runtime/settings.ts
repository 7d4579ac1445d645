import { DRIFT_CALLS_PER_SECOND, PLANNED_CALLS_PER_SECOND } from '../../src/contract/time-budget';

/**
 * Timings of the handler. The defaults suit Lambda; the tests, the demo and the benchmark shorten
 * them through the environment so that waits, time-outs and hand-overs run in seconds.
 */
export interface Settings {
  /** Interval between polls of a resource that is not ready yet (image PENDING, alias CREATING). */
  readonly pollIntervalMs: number;
  /** No new API call starts when less than this is left before the invocation's or the request's end: longer than any one request. */
  readonly stopMarginMs: number;
  /** The watchdog answers FAILED this long before the invocation's or the request's end, whatever is still running. */
  readonly watchdogMarginMs: number;
  /**
   * CloudFormation starts a resource's clock before the handler's first invocation starts (the
   * asynchronous queue, a cold start): the handler counts its time budget as this much shorter.
   */
  readonly answerMarginMs: number;
  /** A request hands its work over to a new invocation only if at least this much of its budget is left. */
  readonly minHandOverMs: number;
  /** The steady rate of one invocation's WorkSpaces calls; 0 leaves them unpaced. */
  readonly workspacesCallsPerSecond: number;
  /**
   * The steady rate of one drift check's WorkSpaces calls: below the deploy's, so that a check
   * that runs beside a deploy leaves it most of WorkSpaces' 2 calls/s; 0 leaves them unpaced.
   */
  readonly driftCallsPerSecond: number;
  /** How long an AccessDenied before the first successful call is retried (IAM propagation). */
  readonly iamPropagationMs: number;
  /** Attempts of one SDK call, throttling and 5xx retries included (adaptive retry strategy). */
  readonly maxAttempts: number;
  /** Socket timeout of one HTTP request to an AWS API. */
  readonly requestTimeoutMs: number;
  /** Attempts of UpdateConnectionPreferences when the revision keeps changing under it. */
  readonly revisionConflictAttempts: number;
  /** Base delay of the backoff between revision-conflict attempts (full jitter). */
  readonly revisionConflictBaseMs: number;
  /**
   * The longest a claim may take from reading the ownership tags to its tag write answering: a
   * write that would take longer is aborted and the claim fails (see ownership/claim.ts).
   */
  readonly claimGapMs: number;
  /**
   * How long a claim waits after its write before it reads the tags again: longer than any
   * claimant's gap, or claims are not exclusive (the tests of one claimant shorten it).
   */
  readonly claimSettleMs: number;
}

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * The settings of an invocation that has `invocationMs` to run (the function's timeout, as the
 * Lambda context reports it at the start). The margins follow that time: a tenth of it to stop
 * starting calls (1 to 20 seconds), a hundredth for the watchdog (0.25 to 3 seconds), and no
 * request may outlast the gap between the two, so that a function given 60 seconds works for 54.
 * The environment overrides each of them (the tests and the benchmark shorten them so).
 */
export function loadSettings(invocationMs: number): Settings {
  const stopMarginMs = numberFromEnv('SHARING_STOP_MARGIN_MS', Math.round(clamp(invocationMs / 10, 1_000, 20_000)));
  const watchdogMarginMs = numberFromEnv('SHARING_WATCHDOG_MARGIN_MS', Math.round(clamp(invocationMs / 100, 250, 3_000)));
  const claimGapMs = numberFromEnv('SHARING_CLAIM_GAP_MS', 5_000);
  return {
    pollIntervalMs: numberFromEnv('SHARING_POLL_INTERVAL_MS', 15_000),
    stopMarginMs,
    watchdogMarginMs,
    answerMarginMs: numberFromEnv('SHARING_ANSWER_MARGIN_MS', 30_000),
    minHandOverMs: numberFromEnv('SHARING_MIN_HAND_OVER_MS', 60_000),
    iamPropagationMs: numberFromEnv('SHARING_IAM_PROPAGATION_MS', 60_000),
    workspacesCallsPerSecond: numberFromEnv('SHARING_WORKSPACES_CALLS_PER_SECOND', PLANNED_CALLS_PER_SECOND),
    driftCallsPerSecond: numberFromEnv('SHARING_DRIFT_CALLS_PER_SECOND', DRIFT_CALLS_PER_SECOND),
    maxAttempts: numberFromEnv('SHARING_MAX_ATTEMPTS', 10),
    requestTimeoutMs: numberFromEnv('SHARING_REQUEST_TIMEOUT_MS', Math.min(15_000, Math.max(1, stopMarginMs - watchdogMarginMs))),
    revisionConflictAttempts: numberFromEnv('SHARING_REVISION_CONFLICT_ATTEMPTS', 6),
    revisionConflictBaseMs: numberFromEnv('SHARING_REVISION_CONFLICT_BASE_MS', 500),
    claimGapMs,
    claimSettleMs: numberFromEnv('SHARING_CLAIM_SETTLE_MS', 2 * claimGapMs + 2_000),
  };
}
