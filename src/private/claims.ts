import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { synthError } from './validate';

/** One construct's claim on a resource ID: its path, and its stack's account when the claim is per account. */
interface Claim {
  readonly key: string;
  readonly path: string;
  readonly account?: string;
}

/** Options of `claimInApp`. */
export interface ClaimOptions {
  /** What the other construct does with the ID, in the error ("shared", "set"). */
  readonly verb?: string;
  /**
   * Whether one ID may be claimed once per account (stacks of different literal accounts each
   * claim it; a stack whose account is unknown until deploy clashes with any other), rather than
   * once per app.
   */
  readonly perAccount?: boolean;
}

/** Per app, every claim made so far. */
const claimsByApp = new WeakMap<IConstruct, Claim[]>();

/**
 * Record that `scope` claims the resource `id` of `kind` in its app, and fail, naming both paths,
 * when another construct of the app claimed it already: one resource has one owner. Literal IDs
 * compare by value; a token compares by its own string, which is the same only for the same
 * attribute.
 */
export function claimInApp(scope: IConstruct, kind: string, prop: string, id: string, why: string, options: ClaimOptions = {}): void {
  const root = scope.node.root;
  const claims = claimsByApp.get(root) ?? [];
  claimsByApp.set(root, claims);
  const key = `${kind}:${id}`;
  const account = options.perAccount ? Stack.of(scope).account : undefined;
  const sameAccount = (other: Claim) => !options.perAccount
    || other.account === account || Token.isUnresolved(other.account) || Token.isUnresolved(account);
  const other = claims.find(c => c.key === key && sameAccount(c));
  if (other !== undefined) {
    const shown = Token.isUnresolved(id) ? `the same ${prop} token` : `${prop} ${JSON.stringify(id)}`;
    throw synthError(scope, `${shown} is already ${options.verb ?? 'shared'} by ${other.path}: ${why}`);
  }
  claims.push({ key, path: scope.node.path, account });
}
