import type { DriftActionValue } from '../../src/contract/drift';
import type { Ownership } from '../ownership/ownership';
import type { ResourceContext } from '../runtime/resource';

/** What one check found and did; the resource's reconcile fills it in as it goes, so a check stopped part-way still reports what it did. */
export interface DriftFindings {
  /** Declared, not in effect: accounts not shared, exclusions missing, `accessType` when it differs. */
  readonly missing: string[];
  /** In effect, declared by nobody: accounts shared outside the stack, exclusions added outside it. */
  readonly unexpected: string[];
  /** Missing ones written back (REPAIR, ENFORCE). */
  readonly repaired: string[];
  /** Unexpected ones removed (ENFORCE). */
  readonly unshared: string[];
  /** Why the check stopped before writing every difference (its time ran out): the next check goes on. */
  incomplete?: string;
  /** Extra facts for the log line (a repair that REPAIR may not make, say). */
  readonly notes: Record<string, unknown>;
}

/** What a resource's tags record: its owner and the digest of its last deployed declaration. */
export interface DriftMarks {
  readonly ownership: Ownership;
  readonly digest?: string;
}

/** Called before each write: throws DriftSkipped when a deploy of the stack started meanwhile. */
export interface WriteGate {
  beforeWrite(): Promise<void>;
}

/** A check that acts on nothing, and why (a deploy in flight, a rename, a stale input). */
export class DriftSkipped extends Error {
  public readonly name = 'DriftSkipped';
}

/** What a check needs of one resource, its declaration validated. */
export interface DriftSubject {
  /** The physical ID CloudFormation's resource must have for the declaration to be its own. */
  readonly physicalId: string;
  /** The digest of the declaration (lambda/drift/declaration.ts). */
  readonly digest: string;
  /** Facts that name the subject in the log line. */
  readonly logFields: Record<string, unknown>;
  /** The owner and digest the ledger records (lambda/reconcile/ledger.ts); null when the object does not exist. */
  marks(): Promise<DriftMarks | null>;
  /** Compare what is in effect with the declaration and, by the action, write the differences. */
  reconcile(action: DriftActionValue, gate: WriteGate, findings: DriftFindings): Promise<void>;
}

/** A resource type's drift check: its subject, from the declaration in the check's input (throws InputError when it breaks the rules). */
export type DriftSubjectOf = (declaration: Record<string, unknown>, ctx: ResourceContext) => DriftSubject;

/**
 * Make one write per target, in order, each after the gate, noting each one done in `done`. When
 * the check's time runs out (its pace, its deadline) it stops there and notes in the findings how
 * many are left: the next check reads again and goes on.
 */
export async function writeEach(
  targets: readonly string[], gate: WriteGate, findings: DriftFindings, done: string[], write: (target: string) => Promise<void>,
): Promise<boolean> {
  for (const [i, target] of targets.entries()) {
    try {
      await gate.beforeWrite();
      await write(target);
    } catch (error) {
      if ((error as Error | undefined)?.name !== 'TimeShortError') throw error;
      findings.incomplete = `${(error as Error).message}: ${targets.length - i} write(s) left for the next check`;
      return false;
    }
    done.push(target);
  }
  return true;
}
