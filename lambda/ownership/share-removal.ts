import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { nothingDoneIdOf } from './failed-create';
import { DeleteAction, Owner, ownerOf } from './ownership';
import { keepsShares } from './removal-policy';
import { StackFacts } from './stacks';
import { releaseWorkspacesResource } from './workspaces-tags';
import type { RemovalPolicyValue } from '../../src/contract/values';
import { logger } from '../runtime/logger';
import { NOTHING_TO_UNDO, validForDelete } from '../runtime/resource';
import type { ResourceContext, ResourceResult } from '../runtime/resource';

/** What the Delete of an image or alias share needs to know of its resource type. */
export interface ShareRemoval<S extends { readonly removalPolicy: RemovalPolicyValue }> {
  /** Check the Delete's properties (see validForDelete). */
  readonly validate: () => S;
  /** The shared image or alias. */
  readonly resourceIdOf: (share: S) => string;
  /** The log field that names it. */
  readonly logKey: string;
  /** Undo the share as far as `me` may (see ownership.ts); returns what the ownership said, for the log. */
  readonly undo: (share: S, me: Owner, facts: StackFacts) => Promise<string>;
}

/** The Delete of a Create that failed before it recorded anything: nothing to read, nothing to undo. */
export const NOTHING_DONE = { skipped: 'the Create failed before it recorded ownership, so it changed nothing' };

/**
 * The Delete of an image or alias share: with RemovalPolicy retain, keep the shares and release
 * the image or alias (so that another stack can take it over); otherwise undo the share as far as
 * this resource owns it. A Delete after a failed Create undoes whatever the policy (keepsShares),
 * and one whose Create never recorded ownership touches nothing.
 */
export async function removeShare<S extends { readonly removalPolicy: RemovalPolicyValue }>(
  event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }, ctx: ResourceContext, removal: ShareRemoval<S>,
): Promise<ResourceResult<never>> {
  const physicalResourceId = event.PhysicalResourceId;
  if (physicalResourceId === nothingDoneIdOf(event.LogicalResourceId)) return { physicalResourceId, log: NOTHING_DONE };
  const share = validForDelete(removal.validate);
  if (!share) return { physicalResourceId, log: NOTHING_TO_UNDO };
  const me = ownerOf(event);
  const facts = new StackFacts(event.StackId, ctx);
  const resourceId = removal.resourceIdOf(share);
  if (keepsShares(share.removalPolicy, resourceId, event)) {
    const kept = await releaseWorkspacesResource(resourceId, me, facts, ctx);
    return { physicalResourceId, log: { [removal.logKey]: resourceId, retained: true, ownership: kept.kind } };
  }
  const ownership = await removal.undo(share, me, facts);
  return { physicalResourceId, log: { [removal.logKey]: resourceId, ownership } };
}

/**
 * Which of the accounts a resource declares its Delete unshares, by the Delete's action: every one
 * when it owns the share; after a rename (or its rollback) those that the other logical ID, as
 * CloudFormation holds it now, does not declare; none otherwise. When the other declaration cannot
 * be read (a list built by a function CloudFormation resolves), none: a share left behind is
 * logged, never one taken from a declaration.
 */
export async function accountsToUnshare(action: DeleteAction, declared: readonly string[], property: string, facts: StackFacts): Promise<string[]> {
  if (action.kind === 'unshare') return [...declared];
  if (action.kind !== 'renamed' && action.kind !== 'hand-back') return [];
  const other = action.kind === 'renamed' ? action.owner.logicalId : action.to;
  const kept = await facts.declaredList(other, property);
  if (kept === undefined) {
    logger.warn('The other declaration of a rename could not be read from the stack: nothing is unshared', { logicalResourceId: other, property });
    return [];
  }
  const keep = new Set(kept);
  return declared.filter(a => !keep.has(a));
}
