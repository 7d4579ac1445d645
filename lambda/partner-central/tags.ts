/**
 * The ownership tags of a catalog's connection preferences. Whether Partner Central tags them is
 * UNVERIFIED: each operation here takes a refusal as "no ownership here" (tagsRefused).
 */
import { ListTagsForResourceCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-partnercentral-account';
import { partnerCentralOf } from '../clients/partner-central';
import { TagStore } from '../ownership/claim';
import { Ownership, ownershipFrom } from '../ownership/ownership';
import { isErrorCode } from '../runtime/errors';
import type { ResourceContext } from '../runtime/resource';

/**
 * Whether Partner Central refused a tag operation on the preferences ARN. The model's
 * TaggableResourceArn pattern admits that ARN, but whether the service tags connection preferences
 * is UNVERIFIED: a refusal means "no ownership here", never a failed deploy.
 */
function tagsRefused(error: unknown): boolean {
  return isErrorCode(error, 'ValidationException', 'AccessDeniedException', 'ResourceNotFoundException');
}

/** The ownership the preferences record in their tags, or undefined when Partner Central refuses tags on them. */
export async function readOwnership(arn: string, ctx: ResourceContext): Promise<Ownership | undefined> {
  try {
    const { Tags } = await partnerCentralOf(ctx).send(new ListTagsForResourceCommand({ ResourceArn: arn }));
    return ownershipFrom(Tags ?? []);
  } catch (error) {
    if (tagsRefused(error)) return undefined;
    throw error;
  }
}

/** Apply a tag change to the preferences; a refusal leaves them unowned (see tagsRefused). */
export async function changeTags(
  arn: string, change: { set: { Key: string; Value: string }[]; remove: string[] }, ctx: ResourceContext,
): Promise<void> {
  const pc = partnerCentralOf(ctx);
  try {
    if (change.set.length > 0) await pc.send(new TagResourceCommand({ ResourceArn: arn, Tags: change.set }));
    if (change.remove.length > 0) await pc.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: change.remove }));
  } catch (error) {
    // A tag left behind names an owner that CloudFormation will soon not know: no owner (ownership.ts).
    if (!tagsRefused(error)) throw error;
  }
}

/** The tags of the preferences, as a claim reads and writes them; a refusal means Partner Central takes no tags on them. */
export function tagStore(arn: string, ctx: ResourceContext): TagStore {
  return {
    read: () => readOwnership(arn, ctx),
    write: async (tags, abortSignal) => {
      try {
        await partnerCentralOf(ctx).send(new TagResourceCommand({ ResourceArn: arn, Tags: tags }), { abortSignal });
        return true;
      } catch (error) {
        if (tagsRefused(error)) return false;
        throw error;
      }
    },
  };
}
