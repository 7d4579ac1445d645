import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { Owner, ownerOf } from './ownership';
import { keepsShares } from './removal-policy';
import { releaseWorkspacesResource } from './workspaces-tags';
import type { RemovalPolicyValue } from '../../src/contract/values';
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
  /** Undo the share if `me` owns it (see ownership.ts); returns what the ownership said, for the log. */
  readonly undo: (share: S, me: Owner) => Promise<string>;
}

/**
 * The Delete of an image or alias share: with RemovalPolicy retain, keep the shares and release
 * the image or alias (so that another stack can take it over); otherwise undo the share if this
 * resource owns it. A Delete after a failed Create undoes whatever the policy (keepsShares).
 */
export async function removeShare<S extends { readonly removalPolicy: RemovalPolicyValue }>(
  event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }, ctx: ResourceContext, removal: ShareRemoval<S>,
): Promise<ResourceResult<never>> {
  const physicalResourceId = event.PhysicalResourceId;
  const share = validForDelete(removal.validate);
  if (!share) return { physicalResourceId, log: NOTHING_TO_UNDO };
  const me = ownerOf(event);
  const resourceId = removal.resourceIdOf(share);
  if (keepsShares(share.removalPolicy, resourceId, event)) {
    const kept = await releaseWorkspacesResource(resourceId, me, ctx);
    return { physicalResourceId, log: { [removal.logKey]: resourceId, retained: true, ownership: kept.kind } };
  }
  const ownership = await removal.undo(share, me);
  return { physicalResourceId, log: { [removal.logKey]: resourceId, ownership } };
}
