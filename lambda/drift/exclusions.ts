import { MAX_EXCLUDED_PARTICIPANTS } from '../../src/contract/rules';

/** The exclusions a REPAIR check writes to Partner Central's connection preferences, and the outside ones it had to drop. */
export interface RepairedExclusions {
  readonly excluded: string[];
  readonly dropped: string[];
}

/**
 * The exclusions REPAIR writes: every declared one, then the ones added outside the stack that
 * are in effect, in the order Partner Central lists them, as many as fit under its maximum
 * (MAX_EXCLUDED_PARTICIPANTS, the length constraint of ExcludedParticipantIdentifiers in the
 * Partner Central Account model); the outside ones past it are dropped, and the check reports
 * them. The declared ones always fit: the construct and the handler refuse more than the maximum.
 */
export function repairedExclusions(inEffect: readonly string[], declared: readonly string[]): RepairedExclusions {
  const wanted = new Set(declared);
  const outside = inEffect.filter(e => !wanted.has(e));
  const room = Math.max(0, MAX_EXCLUDED_PARTICIPANTS - declared.length);
  return { excluded: [...declared, ...outside.slice(0, room)], dropped: outside.slice(room) };
}
