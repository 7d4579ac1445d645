import { DescribeTagsCommand, Tag } from '@aws-sdk/client-workspaces';
import { Owner, ownershipFrom } from './ownership';
import { workspacesOf } from '../clients/workspaces';
import { isErrorCode } from '../runtime/errors';
import type { ResourceContext } from '../runtime/resource';

/**
 * What the receiving side creates (an image copy, a bundle) carries the ownership tags of the
 * resource that created it, from the create request on: a Create that runs again (after a lost
 * answer, or a rollback to it) recognizes its own image or bundle by name and tags instead of
 * making a second one, and the function's IAM policy lets it delete only what carries its stack's tag.
 */

/** The tags of an image or bundle, or undefined when it does not exist. */
export async function tagsOf(resourceId: string, ctx: ResourceContext): Promise<Tag[] | undefined> {
  try {
    const { TagList } = await workspacesOf(ctx).send(new DescribeTagsCommand({ ResourceId: resourceId }));
    return TagList ?? [];
  } catch (error) {
    if (isErrorCode(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

/** Whether tags name `me` as the owner. */
export function ownedBy(tags: readonly Tag[] | undefined, me: Owner): boolean {
  const { owner } = ownershipFrom(tags ?? []);
  return owner?.stackId === me.stackId && owner.logicalId === me.logicalId;
}

/** The value of one tag. */
export function tagValue(tags: readonly Tag[] | undefined, key: string): string | undefined {
  return tags?.find(t => t.Key === key)?.Value;
}
