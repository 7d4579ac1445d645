import { Annotations, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AWS_ACCOUNT_ID, Rule } from '../contract/rules';
import { REMOVAL_POLICY, RemovalPolicyValue } from '../contract/values';

/** An error that names the construct path, the way a user finds the bad line. */
export function synthError(scope: IConstruct, message: string): Error {
  return new Error(`${scope.node.path}: ${message}`);
}

/** How a value reads in an error: as JSON, with what it is. */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing (undefined)';
  const kind = value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  return json === undefined || value === null ? kind : `${json} (${kind})`;
}

/**
 * The props of a construct that cannot do without them: callers without types (plain JavaScript)
 * get an error that names the construct, not a TypeError.
 */
export function requireProps<T>(scope: IConstruct, props: T | undefined, required: string): T {
  if (props === undefined || props === null || typeof props !== 'object' || Array.isArray(props)) {
    throw synthError(scope, `props are required, with at least ${required}; got ${shown(props)}`);
  }
  return props;
}

/** Check that a prop is a string (a token is one); `optional` lets it be absent. */
export function checkString(scope: IConstruct, prop: string, value: unknown, optional = false): void {
  if (optional && value === undefined) return;
  if (typeof value !== 'string') throw synthError(scope, `${prop} must be a string, got ${shown(value)}`);
}

/** Check that a prop is a list of strings (tokens included); `optional` lets it be absent. */
export function checkStringList(scope: IConstruct, prop: string, value: unknown, optional = true): void {
  if (optional && value === undefined) return;
  if (!Array.isArray(value)) {
    throw synthError(scope, `${prop} must be a list of strings, got ${shown(value)}${listHint(value)}`);
  }
  value.forEach((item, i) => {
    if (typeof item !== 'string') throw synthError(scope, `${prop}[${i}] must be a string, got ${shown(item)}`);
  });
}

/**
 * What to write instead of a string where a list belongs: one string per value, split at the
 * commas a caller joined them with (a list token, such as a CommaDelimitedList parameter's
 * `valueAsList`, is a list already).
 */
function listHint(value: unknown): string {
  if (typeof value !== 'string' || Token.isUnresolved(value)) return '';
  const parts = value.split(',').map(part => part.trim()).filter(part => part !== '');
  if (parts.length > 1) return `: write one string per value, ${JSON.stringify(parts).replace(/","/g, '", "')}`;
  return `: for one value, write [${JSON.stringify(value)}]`;
}

/** Check a literal value against a rule; tokens are checked by the handler once resolved, against the same rule. */
export function checkRule(scope: IConstruct, prop: string, value: string, rule: Rule): void {
  if (Token.isUnresolved(value)) return;
  if (!rule.pattern.test(value)) {
    throw synthError(scope, `${prop} must be ${rule.means} (${rule.pattern}), got ${JSON.stringify(value)}`);
  }
}

/**
 * Check one account ID to share with: 12 digits, and not the stack's own account when known
 * (a resource cannot be shared with the account that owns it).
 */
export function checkShareAccount(scope: IConstruct, prop: string, accountId: string): void {
  checkRule(scope, prop, accountId, AWS_ACCOUNT_ID);
  if (Token.isUnresolved(accountId)) return;
  const own = Stack.of(scope).account;
  if (!Token.isUnresolved(own) && own === accountId) {
    throw synthError(scope, `${prop} ${JSON.stringify(accountId)} is the stack's own account: share with other accounts only`);
  }
}

/**
 * The removal policy of a construct as its resource property: RETAIN or DESTROY, else a synth
 * error that says why no other policy applies.
 */
export function removalPolicyOf(scope: IConstruct, policy: RemovalPolicy | undefined, fallback: RemovalPolicy, why: string): RemovalPolicyValue {
  switch (policy ?? fallback) {
    case RemovalPolicy.RETAIN: return REMOVAL_POLICY.retain;
    case RemovalPolicy.DESTROY: return REMOVAL_POLICY.destroy;
    default: {
      const expected = 'removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY';
      // A RemovalPolicy of another kind (SNAPSHOT, RETAIN_ON_UPDATE_OR_DELETE): why it does not apply.
      const member = Object.entries(RemovalPolicy).find(([, value]) => value === policy)?.[0];
      if (member) throw synthError(scope, `${expected}, got ${JSON.stringify(policy)}: ${why}`);
      // Anything else, such as the string 'RETAIN' from a caller without types: what to write.
      const named = typeof policy === 'string' ? Object.keys(RemovalPolicy).find(key => key === String(policy).toUpperCase().replace(/-/g, '_')) : undefined;
      const hint = named ? `: write RemovalPolicy.${named} (import { RemovalPolicy } from 'aws-cdk-lib'), not the string ${JSON.stringify(policy)}` : '';
      throw synthError(scope, `${expected}, got ${shown(policy)}${hint}`);
    }
  }
}

/** The removal policy of an image or alias share: DESTROY unless RETAIN is asked for. */
export function shareRemovalPolicyOf(scope: IConstruct, policy: RemovalPolicy | undefined): RemovalPolicyValue {
  return removalPolicyOf(scope, policy, RemovalPolicy.DESTROY, 'a share cannot be snapshotted: it is either kept or undone');
}

/** Check a literal whole number within [min, max]; tokens are checked by the handler once resolved. */
export function checkWholeNumber(scope: IConstruct, prop: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number') throw synthError(scope, `${prop} must be a number, got ${shown(value)}`);
  if (Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw synthError(scope, `${prop} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
}


/** The id of the synth warning for props a construct does not know, to acknowledge it by. */
export const UNKNOWN_PROPS_WARNING = 'cdk-cross-account-sharing:unknownProps';

/**
 * Warn, at synth, of props the construct does not know (a caller without types that writes
 * `accountIDs` for `accountIds`, say): they are ignored, and the share may declare nothing.
 */
export function warnUnknownProps(scope: IConstruct, props: object, known: readonly string[]): void {
  const unknown = Object.keys(props).filter(key => !known.includes(key));
  if (unknown.length === 0) return;
  const named = unknown.map(key => {
    const like = closestProp(key, known);
    return like ? `${key} (did you mean ${like}?)` : key;
  });
  Annotations.of(scope).addWarningV2(UNKNOWN_PROPS_WARNING,
    `${scope.node.path}: ignored props it does not know: ${named.join(', ')}. It knows ${known.join(', ')}`);
}

/**
 * The known prop a misspelt one most likely means: the same but for case, or within two edits
 * (`organisationalUnitIds` for `organizationalUnitIds`, `acountIds` for `accountIds`).
 */
function closestProp(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const ranked = known
    .map(k => ({ k, distance: editDistance(lower, k.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance);
  return ranked.length > 0 && ranked[0].distance <= 2 ? ranked[0].k : undefined;
}

/** Levenshtein distance: the fewest insertions, deletions and substitutions that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
