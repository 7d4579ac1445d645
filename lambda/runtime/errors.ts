/** Resolved properties that break the rules: nothing was changed. */
export class InputError extends Error {
  public readonly name = 'InputError';
}

/** A precondition in AWS that the user must fix before the deploy can go on. */
export class PreconditionError extends Error {
  public readonly name = 'PreconditionError';
}

/** Too little time was left, before the invocation's end or the request's budget, to start another call or wait longer. */
export class TimeShortError extends Error {
  public readonly name = 'TimeShortError';
}

/** The SDK error code of an error thrown by an AWS SDK v3 client, if any. */
export function errorCode(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'name' in error && typeof (error as { name: unknown }).name === 'string') {
    return (error as { name: string }).name;
  }
  return undefined;
}

export function isErrorCode(error: unknown, ...codes: string[]): boolean {
  const code = errorCode(error);
  return code !== undefined && codes.includes(code);
}

/** The message of an error, prefixed with the AWS error code for errors an AWS API answered. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const fromAws = '$metadata' in error;
    return fromAws && !error.message.startsWith(error.name) ? `${error.name}: ${error.message}` : error.message;
  }
  return String(error);
}

/**
 * The request's budget ran out with only revokes of undeclared accounts left (the rollback of an
 * Update that grew the list, say): it answers SUCCESS with `result` and a detached chain of
 * invocations finishes the revokes, fenced by the ledger (lambda/reconcile/deploy.ts).
 */
export class DetachError extends Error {
  public readonly name = 'DetachError';
  constructor(
    message: string,
    public readonly result: { physicalResourceId: string; data?: Record<string, unknown>; log?: Record<string, unknown> },
  ) {
    super(message);
  }
}
