import type { DriftActionValue, DriftCheckedType } from '../../src/contract/drift';
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
  /**
   * Compare what is in effect with the declaration and, by the action, write the differences:
   * the engine decides (lambda/reconcile/plan.ts) and fences each write (lambda/reconcile/).
   */
  reconcile(action: DriftActionValue, findings: DriftFindings): Promise<void>;
}

/** A resource type's drift check: its subject, from the declaration in the check's input (throws InputError when it breaks the rules). */
export type DriftSubjectOf = (declaration: Record<string, unknown>, ctx: ResourceContext) => DriftSubject;

/** The drift check of each resource type that has one: one for every type the contract lists, or the table fails to compile. */
export type DriftSubjects = { readonly [T in DriftCheckedType]: DriftSubjectOf };
