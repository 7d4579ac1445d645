/** The Delete of a Create that failed before it recorded anything: nothing to read, nothing to undo. */
export const NOTHING_DONE = { skipped: 'the Create failed before it recorded ownership, so it changed nothing' };
