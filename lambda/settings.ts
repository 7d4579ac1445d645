/**
 * Timings of the handler. The defaults suit Lambda; the tests and the demo shorten them
 * through the environment so that waits and time-outs can be exercised in seconds.
 */
export interface Settings {
  /** Interval between polls of a resource that is not ready yet (image PENDING, alias CREATING). */
  readonly pollIntervalMs: number;
  /** No new API call starts when less than this is left before the Lambda timeout. */
  readonly stopMarginMs: number;
  /** The watchdog answers FAILED this long before the Lambda timeout, whatever is still running. */
  readonly watchdogMarginMs: number;
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
}

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

export function loadSettings(): Settings {
  return {
    pollIntervalMs: numberFromEnv('SHARING_POLL_INTERVAL_MS', 15_000),
    stopMarginMs: numberFromEnv('SHARING_STOP_MARGIN_MS', 20_000),
    watchdogMarginMs: numberFromEnv('SHARING_WATCHDOG_MARGIN_MS', 3_000),
    iamPropagationMs: numberFromEnv('SHARING_IAM_PROPAGATION_MS', 60_000),
    maxAttempts: numberFromEnv('SHARING_MAX_ATTEMPTS', 10),
    requestTimeoutMs: numberFromEnv('SHARING_REQUEST_TIMEOUT_MS', 15_000),
    revisionConflictAttempts: numberFromEnv('SHARING_REVISION_CONFLICT_ATTEMPTS', 6),
    revisionConflictBaseMs: numberFromEnv('SHARING_REVISION_CONFLICT_BASE_MS', 500),
  };
}
