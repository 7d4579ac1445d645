import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { synthError } from './validate';

/** Per app and kind of resource, the construct path that shares each resource ID. */
const claimsByApp = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Record that `scope` shares the resource `id` of `kind` in its app, and fail, naming both paths,
 * when another construct of the app shares it already: one resource has one owner. Literal IDs
 * compare by value; a token compares by its own string, which is the same only for the same
 * attribute.
 */
export function claimInApp(scope: IConstruct, kind: string, prop: string, id: string, why: string): void {
  const root = scope.node.root;
  let claims = claimsByApp.get(root);
  if (!claims) {
    claims = new Map();
    claimsByApp.set(root, claims);
  }
  const key = `${kind}:${id}`;
  const other = claims.get(key);
  if (other !== undefined) {
    const shown = Token.isUnresolved(id) ? `the same ${prop} token` : `${prop} ${JSON.stringify(id)}`;
    throw synthError(scope, `${shown} is already shared by ${other}: ${why}`);
  }
  claims.set(key, scope.node.path);
}
