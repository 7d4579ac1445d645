import { CopyWorkspaceImageCommand } from '@aws-sdk/client-workspaces';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { SOURCE_IMAGE_TAG } from '../../src/contract/ownership-tags';
import { RESOURCE_TYPES, received, WorkspaceImageCopyAttributes, WorkspaceImageCopyProperties } from '../../src/contract/resources';
import { AWS_REGION, breaks, follows, ifFollows, Rule, WORKSPACE_IMAGE_DESCRIPTION, WORKSPACE_IMAGE_ID, WORKSPACE_NAME } from '../../src/contract/rules';
import { REMOVAL_POLICY, RemovalPolicyValue } from '../../src/contract/values';
import { workspacesIn, workspacesOf } from '../clients/workspaces';
import {
  abandonReplacement, cleanUpReplaced, CreatedKind, endsRequest, ownedBy, refused, settleRecordedLeftover, tagsOf, tagValue, useFound, WorkspacesTag,
} from '../ownership/created-objects';
import { failedCreateIdOf, nothingDoneIdOf, objectOfFailedCreate } from '../ownership/failed-create';
import { NOTHING_DONE } from '../ownership/nothing-done';
import { Owner, ownerOf, ownerTags } from '../ownership/ownership';
import { readRemovalPolicy } from '../ownership/removal-policy';
import { StackFacts } from '../ownership/stacks';
import { deleteActionFrom, settleWorkspacesResource } from '../ownership/workspaces-tags';
import { deleteCopy, describeImage, errorOf, findImage, imageNamed } from '../receiving/images';
import { sleep } from '../runtime/deadline';
import { InputError, isErrorCode, messageOf, PreconditionError } from '../runtime/errors';
import { NOTHING_TO_UNDO, validForDelete } from '../runtime/resource';
import type { ResourceContext, ResourceHandler, ResourceResult } from '../runtime/resource';

/** What this resource type's handler answers. */
type Result = ResourceResult<WorkspaceImageCopyAttributes>;

/** The resolved properties of a Custom::WorkspaceImageCopy. */
interface ImageCopy {
  readonly sourceImageId: string;
  readonly sourceRegion: string;
  readonly name: string;
  readonly description?: string;
  readonly removalPolicy: RemovalPolicyValue;
}

/** Check resolved properties before any API call; throws InputError naming each bad value. */
export function validateImageCopy(properties: Record<string, unknown> | undefined): ImageCopy {
  const p = received<WorkspaceImageCopyProperties>(properties);
  const problems: string[] = [];
  const check = (name: keyof WorkspaceImageCopyProperties, rule: Rule, optional = false) => {
    const value = p[name];
    if (optional && (value === undefined || value === '')) return;
    if (!follows(rule, value)) problems.push(breaks(name, value, rule));
  };
  check('SourceImageId', WORKSPACE_IMAGE_ID);
  check('SourceRegion', AWS_REGION);
  check('Name', WORKSPACE_NAME);
  check('Description', WORKSPACE_IMAGE_DESCRIPTION, true);
  const removalPolicy = readRemovalPolicy(p.RemovalPolicy, REMOVAL_POLICY.retain, problems);
  if (problems.length > 0) throw new InputError(`Invalid properties, nothing was changed: ${problems.join('; ')}`);
  return {
    sourceImageId: p.SourceImageId as string,
    sourceRegion: p.SourceRegion as string,
    name: p.Name as string,
    description: (p.Description as string | undefined) || undefined,
    removalPolicy,
  };
}

const sourceOf = (copy: ImageCopy) => `${copy.sourceRegion}/${copy.sourceImageId}`;

/**
 * Check that the source can be copied: shared with this account (DescribeWorkspaceImages with
 * ImageType SHARED lists it, in the source Region) or owned by it, and AVAILABLE.
 */
async function checkSource(copy: ImageCopy, ctx: ResourceContext): Promise<void> {
  const ws = workspacesIn(copy.sourceRegion, ctx);
  const shared = await findImage(ws, { ImageType: 'SHARED', MaxResults: 25 }, i => i.ImageId === copy.sourceImageId);
  // Not shared: the account's own image (in another Region) can be copied too. Whether ImageIds
  // and ImageType combine is not documented, so the two questions are asked apart.
  const source = shared ?? await describeImage(ws, copy.sourceImageId).then(i => (i?.OwnerAccountId === ctx.accountId ? i : undefined));
  if (!source) {
    throw new PreconditionError(
      `Image ${copy.sourceImageId} in ${copy.sourceRegion} is not shared with account ${ctx.accountId} (DescribeWorkspaceImages with ImageType SHARED `
      + `does not list it), nor owned by it: the image's owner must share it with ${ctx.accountId} (a SharedWorkspaceImage listing it), then deploy again`,
    );
  }
  if (source.State !== 'AVAILABLE') {
    throw new PreconditionError(`Image ${copy.sourceImageId} in ${copy.sourceRegion} is ${source.State}, not AVAILABLE: it can be copied only once it is AVAILABLE; deploy again then`);
  }
}

/** Wait, across invocations within the budget, until the copy is AVAILABLE; fail on ERROR. */
async function waitAvailable(copyId: string, copy: ImageCopy, ctx: ResourceContext): Promise<void> {
  for (;;) {
    const image = await describeImage(workspacesOf(ctx), copyId);
    if (!image) throw new PreconditionError(`Image copy ${copyId} of ${copy.sourceImageId} disappeared while it was being copied: deploy again to copy it again`);
    if (image.State === 'AVAILABLE') return;
    if (image.State === 'ERROR') {
      throw new PreconditionError(`Image copy ${copyId} of ${copy.sourceImageId} failed (state ERROR, ${errorOf(image)}); the failed copy is deleted (a replacement's by this update, a new one's by the rollback)`);
    }
    if (!ctx.deadline.canWait(ctx.settings.pollIntervalMs)) {
      throw ctx.deadline.outOfTime(
        `Image copy ${copyId} of ${copy.sourceImageId} is still PENDING and the time to wait for it ran out: WorkSpaces goes on copying; `
        + 'the rollback deletes the copy once it is no longer PENDING. Deploy again later, or copy the image by hand and build the bundle from its ID',
      );
    }
    await sleep(ctx.settings.pollIntervalMs);
  }
}

function result(copyId: string): Result {
  return { physicalResourceId: copyId, data: { ImageId: copyId }, log: { imageId: copyId } };
}

/** The copy a Create stands on, and how it came to it. */
interface Made {
  readonly copyId: string;
  /** `copied` by this request; `made` by this resource before (found by its name); `taken` over from another logical ID (a rename) or a dead owner. */
  readonly how: 'copied' | 'made' | 'taken';
  /** The tags of a copy that was found, as read. */
  readonly tags?: readonly WorkspacesTag[];
}

/**
 * Find the copy that the properties declare, by its name, before anything else (a rollback that
 * goes back to its copy needs no other check), or copy the image: see the README's state table
 * for the receiving side. An image of that name that is not this copy (another source or
 * description, an image not copied by this library) fails the request, changing nothing.
 */
async function findOrCopy(copy: ImageCopy, me: Owner, facts: StackFacts, ctx: ResourceContext, replacing?: string): Promise<Made> {
  const resumed = typeof ctx.resumeFrom?.imageId === 'string' ? ctx.resumeFrom.imageId : undefined;
  if (resumed) {
    const how = ctx.resumeFrom?.how;
    return { copyId: resumed, how: how === 'copied' || how === 'taken' ? how : 'made' };
  }
  const existing = await imageNamed(copy.name, ctx);
  if (existing?.ImageId) {
    const existingId = existing.ImageId;
    const tags = await tagsOf(existingId, ctx) ?? [];
    const same = tagValue(tags, SOURCE_IMAGE_TAG) === sourceOf(copy) && (existing.Description || undefined) === copy.description;
    const found = await useFound('image copy', existingId, tags, same, me, facts, ctx, () => {
      const whose = existingId === replacing ? 'the copy this update replaces' : 'an image this resource did not copy from that source';
      return new PreconditionError(
        `An image named ${JSON.stringify(copy.name)} already exists in account ${ctx.accountId} in this Region (${existingId}, ${whose}): `
        + 'image names are unique and a copy is never duplicated; choose another name (WorkSpaces cannot rename an image), then deploy again',
      );
    }, replacing);
    return { copyId: found.id, how: found.how, tags };
  }
  await checkSource(copy, ctx);
  // Should the Create fail with the copy request in flight, its Delete looks the copy up by name.
  ctx.physicalResourceIdOnFailure = failedCreateIdOf(`${me.logicalId}-copying`);
  ctx.progress.plan('copied', [copy.sourceImageId]);
  const { ImageId, twin }: { ImageId?: string; twin?: boolean } = await workspacesOf(ctx).send(new CopyWorkspaceImageCommand({
    Name: copy.name,
    Description: copy.description,
    SourceImageId: copy.sourceImageId,
    SourceRegion: copy.sourceRegion,
    Tags: [...ownerTags(me), { Key: SOURCE_IMAGE_TAG, Value: sourceOf(copy) }],
  })).catch(async error => {
    if (!isErrorCode(error, 'ResourceAlreadyExistsException')) {
      // Refused: nothing was copied, so the Delete that follows a failed Create has nothing to look up.
      if (refused(error)) ctx.physicalResourceIdOnFailure = undefined;
      throw error;
    }
    // An image of that name made since the check (which name ResourceAlreadyExists is about is
    // UNVERIFIED): the same Create delivered twice (Lambda delivers at least once) made this copy.
    const found = await imageNamed(copy.name, ctx);
    const tags = found?.ImageId ? await tagsOf(found.ImageId, ctx) : undefined;
    if (found?.ImageId && ownedBy(tags, me) && tagValue(tags, SOURCE_IMAGE_TAG) === sourceOf(copy)) return { ImageId: found.ImageId, twin: true };
    throw new PreconditionError(`An image named ${JSON.stringify(copy.name)} already exists in account ${ctx.accountId} in this Region (${messageOf(error)}): choose another name, then deploy again`);
  });
  if (!ImageId) throw new Error(`CopyWorkspaceImage answered without an image ID for ${copy.sourceImageId}`);
  if (twin) return { copyId: ImageId, how: 'made' };
  ctx.progress.record('copied', `${copy.sourceImageId} to ${ImageId}`);
  return { copyId: ImageId, how: 'copied' };
}

/**
 * Copy the image, unless this resource made that copy already or takes it over from a rename,
 * then wait until it is AVAILABLE. `replacing` is the copy an Update replaces: a replacement
 * whose new copy fails deletes it (in ERROR) or records it on the old copy (still PENDING) before
 * failing, since no Delete will ever name it.
 */
async function create(copy: ImageCopy, me: Owner, facts: StackFacts, ctx: ResourceContext, replacing?: string): Promise<Made> {
  const made = await findOrCopy(copy, me, facts, ctx, replacing);
  const { copyId } = made;
  ctx.checkpoint = { imageId: copyId, how: made.how };
  // A failed Create names the copy. One it copied (or made before) is deleted by the Delete that
  // follows whatever the removal policy; one it took over keeps the policy and the ownership rows.
  ctx.physicalResourceIdOnFailure = made.how === 'taken' ? copyId : failedCreateIdOf(copyId);
  try {
    await waitAvailable(copyId, copy, ctx);
  } catch (error) {
    if (replacing === undefined || made.how !== 'copied' || !endsRequest(error, ctx)) throw error;
    throw await abandonReplacement(COPIES, copyId, replacing, me, ctx, error);
  }
  return made;
}

/**
 * The Delete: by the ownership table (a rename's old resource, or the rollback of a rename,
 * deletes nothing), then by the removal policy: RETAIN keeps the copy and settles its tags only,
 * DESTROY deletes it. A Delete after a failed Create deletes the copy that Create made whatever
 * the policy, found by its physical ID or, when the Create never answered with one, by its name
 * and ownership tags. A leftover of a failed replacement recorded on the copy is deleted first.
 */
async function remove(event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }, ctx: ResourceContext): Promise<Result> {
  const physical = event.PhysicalResourceId;
  if (physical === nothingDoneIdOf(event.LogicalResourceId)) return { physicalResourceId: physical, log: NOTHING_DONE };
  const copy = validForDelete(() => validateImageCopy(event.ResourceProperties));
  if (!copy) return { physicalResourceId: physical, log: NOTHING_TO_UNDO };
  const me = ownerOf(event);
  // Any physical ID but a copy's own is a Create's that failed (or never answered).
  const failedCreate = !follows(WORKSPACE_IMAGE_ID, physical);
  let copyId = objectOfFailedCreate(physical) ?? physical;
  if (!follows(WORKSPACE_IMAGE_ID, copyId)) {
    const existing = await imageNamed(copy.name, ctx);
    if (!existing?.ImageId || !ownedBy(await tagsOf(existing.ImageId, ctx), me)) return { physicalResourceId: physical, log: { copied: false } };
    copyId = existing.ImageId;
  }
  const tags = await tagsOf(copyId, ctx);
  await settleRecordedLeftover(copyId, tags, me, ctx, deleteCopy, true);
  const facts = new StackFacts(event.StackId, ctx);
  const action = await deleteActionFrom(tags, me, facts, copyId);
  const deletes = action.kind === 'unshare' && (failedCreate || copy.removalPolicy === REMOVAL_POLICY.destroy);
  if (deletes) {
    await deleteCopy(copyId, ctx);
    return { physicalResourceId: physical, log: { imageId: copyId, deleted: true, ownership: action.kind } };
  }
  await settleWorkspacesResource(copyId, action, me, ctx);
  return { physicalResourceId: physical, log: { imageId: copyId, retained: action.kind === 'unshare', ownership: action.kind } };
}

/** Copies, for the receiving side's shared steps (created-objects.ts). */
const COPIES: CreatedKind = {
  what: 'Image copy',
  idRule: WORKSPACE_IMAGE_ID,
  remove: deleteCopy,
  deleteCommand: id => `aws workspaces delete-workspace-image --image-id ${id} --region ${process.env.AWS_REGION ?? '<region>'}`,
  findByName: async (name, ctx) => (await imageNamed(name, ctx))?.ImageId,
};

/** What a copy is made of: a change of any of them makes a new copy. */
const COPY_PROPERTIES: readonly (keyof WorkspaceImageCopyProperties)[] = ['SourceImageId', 'SourceRegion', 'Name', 'Description'];

/**
 * An Update. WorkSpaces cannot change a copy: a change of what it is made of makes a new one (a
 * replacement), and CloudFormation's cleanup Delete applies the removal policy to the old one.
 * When the Update found its copy rather than making one, it may be the rollback of a failed
 * replacement: the copy that replacement made (the old properties' name, this resource's, not
 * the physical ID) is deleted, or recorded on this copy while it is still PENDING.
 */
async function update(event: CloudFormationCustomResourceEvent & { RequestType: 'Update' }, copy: ImageCopy, ctx: ResourceContext): Promise<Result> {
  const old = received<WorkspaceImageCopyProperties>(event.OldResourceProperties);
  const now = received<WorkspaceImageCopyProperties>(event.ResourceProperties);
  const changed = COPY_PROPERTIES.some(k => JSON.stringify(old[k] ?? '') !== JSON.stringify(now[k] ?? ''));
  // Only the removal policy (or the time budget) changed: the copy stays as it is.
  if (!changed && follows(WORKSPACE_IMAGE_ID, event.PhysicalResourceId)) return result(event.PhysicalResourceId);
  const me = ownerOf(event);
  const made = await create(copy, me, new StackFacts(event.StackId, ctx), ctx, event.PhysicalResourceId);
  if (made.how !== 'copied') {
    const oldName = ifFollows(WORKSPACE_NAME, old.Name);
    await cleanUpReplaced(COPIES, { id: made.copyId, tags: made.tags }, oldName, copy.name, event.PhysicalResourceId, me, ctx);
  }
  return result(made.copyId);
}

export const handleWorkspaceImageCopy: ResourceHandler<typeof RESOURCE_TYPES.workspaceImageCopy> = async (event, ctx) => {
  if (event.RequestType === 'Delete') return remove(event, ctx);
  const copy = validateImageCopy(event.ResourceProperties);
  if (event.RequestType === 'Create') return result((await create(copy, ownerOf(event), new StackFacts(event.StackId, ctx), ctx)).copyId);
  return update(event, copy, ctx);
};
