import type { DriftActionValue } from '../../src/contract/drift';
import { MAX_EXCLUDED_PARTICIPANTS } from '../../src/contract/rules';
import type { AccessType } from '../../src/contract/values';

/**
 * The engine's decisions for an object written whole (a catalog's connection preferences), as
 * pure functions of the check's action, what is declared and what is in effect: the Partner
 * Central rows of docs/engine.md's check table, each tested alone in test/engine-plan.test.ts.
 * The resource module (lambda/resources/partner-connection-preferences.ts) only reads and writes.
 */

/** A catalog's connection preferences as declared or written: the access type and the excluded participants, written together. */
export interface WholeState {
  readonly accessType: AccessType;
  readonly excluded: readonly string[];
}

/** The preferences in effect, as Partner Central reports them (an access type it does not report is none). */
export interface StateInEffect {
  readonly accessType?: string;
  readonly excluded: readonly string[];
}

/** What a check of a whole state found, and what it writes. */
export interface WholeStatePlan {
  readonly findings: {
    /** Declared, not in effect: the access type when it differs (named with the one found), then the exclusions, in the declared order. */
    readonly missing: string[];
    /** Exclusions in effect that nobody declared, in the order Partner Central lists them. */
    readonly unexpected: string[];
  };
  /** The state to write; none for REPORT, or when the action would change nothing. */
  readonly write?: WholeState;
  /** The exclusions in effect the write removes. */
  readonly removed: string[];
  /** The exclusions added outside the stack that REPAIR would keep but has no room for under Partner Central's maximum. */
  readonly droppedOutside: string[];
}

/** Whether the state in effect is the desired one: the same access type and the same exclusions, in any order. */
export function sameState(current: StateInEffect, desired: WholeState): boolean {
  const now = new Set(current.excluded);
  return current.accessType === desired.accessType && now.size === desired.excluded.length && desired.excluded.every(e => now.has(e));
}

function differences(current: StateInEffect, declared: WholeState): WholeStatePlan['findings'] {
  const now = new Set(current.excluded);
  const wanted = new Set(declared.excluded);
  return {
    missing: [
      ...(current.accessType === declared.accessType ? [] : [`AccessType ${declared.accessType} (found ${current.accessType ?? 'none'})`]),
      ...declared.excluded.filter(e => !now.has(e)),
    ],
    unexpected: current.excluded.filter(e => !wanted.has(e)),
  };
}

/**
 * What REPAIR writes: the declared access type and every declared exclusion, then the exclusions
 * added outside the stack that are in effect, in the order Partner Central lists them, as many as
 * fit under its maximum (MAX_EXCLUDED_PARTICIPANTS, the length constraint of
 * ExcludedParticipantIdentifiers); the outside ones past it are dropped, and reported. The declared
 * ones always fit: the construct and the handler refuse more than the maximum. With an access type
 * that takes no exclusions, Partner Central would refuse any: REPAIR writes the declaration.
 */
function repaired(declared: WholeState, current: StateInEffect): { state: WholeState; dropped: string[] } {
  if (declared.accessType !== 'ALLOW_BY_DEFAULT_DENY_SOME') return { state: declared, dropped: [] };
  const wanted = new Set(declared.excluded);
  const outside = current.excluded.filter(e => !wanted.has(e));
  const room = Math.max(0, MAX_EXCLUDED_PARTICIPANTS - declared.excluded.length);
  return { state: { accessType: declared.accessType, excluded: [...declared.excluded, ...outside.slice(0, room)] }, dropped: outside.slice(room) };
}

/** The state each action brings the preferences to: REPORT none, REPAIR the declaration keeping outside exclusions, ENFORCE exactly the declaration. */
function targetOf(action: DriftActionValue, declared: WholeState, current: StateInEffect): { state: WholeState; dropped: string[] } | undefined {
  switch (action) {
    case 'REPORT':
      return undefined;
    case 'REPAIR':
      return repaired(declared, current);
    case 'ENFORCE':
      return { state: declared, dropped: [] };
    default: {
      // A new action of the contract fails to compile here until it is decided.
      const unknown: never = action;
      throw new Error(`no whole-state plan for action ${String(unknown)}`);
    }
  }
}

/** A check's findings and write for a whole state, by its action (rows K3-K5 for Partner Central). */
export function wholeStatePlan(action: DriftActionValue, declared: WholeState, current: StateInEffect): WholeStatePlan {
  const findings = differences(current, declared);
  const target = targetOf(action, declared, current);
  // A write that would change nothing would only move the revision (and could collide with another editor).
  if (!target || sameState(current, target.state)) return { findings, removed: [], droppedOutside: [] };
  const kept = new Set(target.state.excluded);
  return { findings, write: target.state, removed: current.excluded.filter(e => !kept.has(e)), droppedOutside: target.dropped };
}
