import type { DriftActionValue } from '../../src/contract/drift';

/**
 * The engine's decisions, as pure functions of what is declared, what the ledger holds and (for
 * checks) what is in effect: the rows of docs/engine.md. No I/O here, so each row is tested alone.
 */

/** One write: share (grant) or unshare (revoke) one account. */
export interface Step {
  readonly accountId: string;
  readonly grant: boolean;
}

/** What a request or check is, for the plan. */
export type Intent =
  /** A Create: share what is declared; revoke nothing (on a rename, the old resource's Delete revokes what only it declared). */
  | { readonly kind: 'create' }
  /** An Update, or the rollback of one: move from what the ledger holds to what is declared. */
  | { readonly kind: 'update' }
  /** A Delete that undoes: revoke everything the ledger holds beyond `keep` (what another owner of the object declares). */
  | { readonly kind: 'delete'; readonly keep: ReadonlySet<string> }
  /** A scheduled check. */
  | { readonly kind: 'check'; readonly action: DriftActionValue };

const sorted = (accounts: Iterable<string>) => [...accounts].sort();
// In the order declared (or recorded): a plan lists its writes as the user listed the accounts.
const grants = (accounts: Iterable<string>): Step[] => [...accounts].map(accountId => ({ accountId, grant: true }));
const revokes = (accounts: Iterable<string>): Step[] => [...accounts].map(accountId => ({ accountId, grant: false }));
const minus = (a: Iterable<string>, b: ReadonlySet<string>) => [...a].filter(x => !b.has(x));

/**
 * The writes of a deploy request, revokes first (an alias has one share: the old account must go
 * before the new one comes). A deploy plans from the ledger, not from what is in effect: it costs
 * no read, and a share removed by hand is for the drift check to repair.
 */
export function deployPlan(intent: Intent, declared: ReadonlySet<string>, ledger: ReadonlySet<string>): Step[] {
  switch (intent.kind) {
    case 'create':
      return grants(minus(declared, ledger));
    case 'update':
      return [...revokes(minus(ledger, declared)), ...grants(minus(declared, ledger))];
    case 'delete':
      return revokes(minus(ledger, intent.keep));
    case 'check':
      throw new Error('a check plans with checkPlan');
  }
}

/** What a check found. */
export interface CheckFindings {
  /** Declared, not in effect. */
  readonly missing: string[];
  /** In effect, declared by nobody. */
  readonly unexpected: string[];
  /** Of the unexpected: shared by this library (left a unit, or a declaration that changed by hand). */
  readonly ours: string[];
}

/**
 * A check's findings and writes: REPORT none; REPAIR shares what is missing and unshares what the
 * library shared and nobody declares; ENFORCE unshares every undeclared account. An object with
 * `oneShare` (an alias): REPAIR cannot share it with the declared account while an undeclared one
 * holds its share, so it shares nothing and names the holders (`heldBy`); ENFORCE unshares them first.
 */
export function checkPlan(
  action: DriftActionValue, declared: ReadonlySet<string>, ledger: ReadonlySet<string>, effect: ReadonlySet<string>, oneShare = false,
): { readonly findings: CheckFindings; readonly steps: Step[]; readonly heldBy?: string[] } {
  const missing = sorted(minus(declared, effect));
  const unexpected = sorted(minus(effect, declared));
  const ours = unexpected.filter(a => ledger.has(a));
  const findings = { missing, unexpected, ours };
  // Exhaustive over the contract's actions: a new one fails to compile here until it is decided.
  switch (action) {
    case 'REPORT':
      return { findings, steps: [] };
    case 'REPAIR': {
      const heldBy = oneShare && missing.length > 0 ? [...effect].filter(a => !declared.has(a) && !ledger.has(a)) : [];
      if (heldBy.length > 0) return { findings, steps: revokes(ours), heldBy };
      return { findings, steps: [...revokes(ours), ...grants(missing)] };
    }
    case 'ENFORCE':
      return { findings, steps: [...revokes(unexpected), ...grants(missing)] };
  }
}

/** A plan as one short string for the checkpoint ("+a,-b"): 14 bytes an account. */
export function encodePlan(steps: readonly Step[]): string {
  return steps.map(s => `${s.grant ? '+' : '-'}${s.accountId}`).join(',');
}

export function decodePlan(text: string): Step[] {
  return text === '' ? [] : text.split(',').map(s => ({ accountId: s.slice(1), grant: s.startsWith('+') }));
}
