/**
 * The physical IDs a Create answers when it fails: the one place that spells them. CloudFormation
 * sends the Delete that follows with that ID, which tells the Delete what the failed Create did.
 */

const SUFFIX = ':create-failed';

/**
 * The ID of a Create that failed after it began on `physicalId` (an image, an alias, a catalog's
 * preferences, a copy): it names the object for the reader, and differs from the ID a Create that
 * succeeds answers, so that the Delete knows to undo what the Create did, whatever the removal policy.
 */
export function failedCreateIdOf(physicalId: string): string {
  return `${physicalId}${SUFFIX}`;
}

/** The object a failed Create's ID names (see failedCreateIdOf), or undefined for any other ID. */
export function objectOfFailedCreate(physicalId: string): string | undefined {
  return physicalId.endsWith(SUFFIX) ? physicalId.slice(0, -SUFFIX.length) : undefined;
}

/** The ID of a Create that failed before it named anything: nothing was done, so its Delete has nothing to undo. */
export function nothingDoneIdOf(logicalResourceId: string): string {
  return `${logicalResourceId}-create-failed`;
}
