import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AWS_ACCOUNT_ID } from './patterns';

/** An error that names the construct path, the way a user finds the bad line. */
export function synthError(scope: IConstruct, message: string): Error {
  return new Error(`${scope.node.path}: ${message}`);
}

/** Check a literal value against a pattern; tokens are checked by the handler once resolved. */
export function checkPattern(scope: IConstruct, prop: string, value: string, pattern: RegExp, what: string): void {
  if (Token.isUnresolved(value)) return;
  if (!pattern.test(value)) {
    throw synthError(scope, `${prop} must be ${what} (${pattern}), got ${JSON.stringify(value)}`);
  }
}

/**
 * Check one account ID to share with: 12 digits, and not the stack's own account when known
 * (a resource cannot be shared with the account that owns it).
 */
export function checkShareAccount(scope: IConstruct, prop: string, accountId: string): void {
  checkPattern(scope, prop, accountId, AWS_ACCOUNT_ID, 'a 12-digit AWS account ID');
  if (Token.isUnresolved(accountId)) return;
  const own = Stack.of(scope).account;
  if (!Token.isUnresolved(own) && own === accountId) {
    throw synthError(scope, `${prop} ${JSON.stringify(accountId)} is the stack's own account: share with other accounts only`);
  }
}

/**
 * The removal policy of a share construct as its resource property: RETAIN or DESTROY, else a
 * synth error that says why no other policy applies.
 */
export function removalPolicyOf(scope: IConstruct, policy: RemovalPolicy | undefined, fallback: RemovalPolicy, why: string): 'retain' | 'destroy' {
  switch (policy ?? fallback) {
    case RemovalPolicy.RETAIN: return 'retain';
    case RemovalPolicy.DESTROY: return 'destroy';
    default:
      throw synthError(scope, `removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY, got ${JSON.stringify(policy)}: ${why}`);
  }
}
