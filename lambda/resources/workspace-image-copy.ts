import {
  CopyWorkspaceImageCommand, DeleteWorkspaceImageCommand, DescribeWorkspaceBundlesCommand, DescribeWorkspaceImagesCommand,
  DescribeWorkspaceImagesCommandInput, WorkspaceImage, WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { SOURCE_IMAGE_TAG } from '../../src/contract/ownership-tags';
import { RESOURCE_TYPES, received, WorkspaceImageCopyAttributes, WorkspaceImageCopyProperties } from '../../src/contract/resources';
import { AWS_REGION, breaks, follows, Rule, WORKSPACE_IMAGE_DESCRIPTION, WORKSPACE_IMAGE_ID, WORKSPACE_NAME } from '../../src/contract/rules';
import { REMOVAL_POLICY, RemovalPolicyValue } from '../../src/contract/values';
import { pages } from '../clients/paging';
import { workspacesIn, workspacesOf } from '../clients/workspaces';
import { ownedBy, tagsOf, tagValue } from '../ownership/created-objects';
import { failedCreateIdOf, objectOfFailedCreate } from '../ownership/failed-create';
import { Owner, ownerOf, ownerTags } from '../ownership/ownership';
import { readRemovalPolicy } from '../ownership/removal-policy';
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

/** Every image of a DescribeWorkspaceImages query, page by page, until `stop` returns true for one. */
async function findImage(
  ws: WorkSpacesClient, input: DescribeWorkspaceImagesCommandInput, stop: (image: WorkspaceImage) => boolean,
): Promise<WorkspaceImage | undefined> {
  for await (const page of pages(nextToken => ws.send(new DescribeWorkspaceImagesCommand({ ...input, NextToken: nextToken })))) {
    const found = page.Images?.find(stop);
    if (found) return found;
  }
  return undefined;
}

async function describeImage(ws: WorkSpacesClient, imageId: string): Promise<WorkspaceImage | undefined> {
  const { Images } = await ws.send(new DescribeWorkspaceImagesCommand({ ImageIds: [imageId] }));
  return Images?.find(i => i.ImageId === imageId);
}

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

/** The account's own image named `name` in this Region, if any. */
function imageNamed(name: string, ctx: ResourceContext): Promise<WorkspaceImage | undefined> {
  return findImage(workspacesOf(ctx), { ImageType: 'OWNED', MaxResults: 25 }, i => i.Name === name);
}

/** Why an image's ERROR state is an error, from its ErrorCode, ErrorMessage and ErrorDetails. */
function errorOf(image: WorkspaceImage): string {
  const details = (image.ErrorDetails ?? []).slice(0, 5).map(d => `${d.ErrorCode ?? '?'}: ${d.ErrorMessage ?? ''}`.trim());
  return `${image.ErrorCode ?? 'no error code'}: ${image.ErrorMessage ?? 'no message'}${details.length ? `; details: ${details.join('; ')}` : ''}`;
}

/** Wait, across invocations within the budget, until the copy is AVAILABLE; fail on ERROR. */
async function waitAvailable(copyId: string, copy: ImageCopy, ctx: ResourceContext): Promise<void> {
  for (;;) {
    const image = await describeImage(workspacesOf(ctx), copyId);
    if (!image) throw new PreconditionError(`Image copy ${copyId} of ${copy.sourceImageId} disappeared while it was being copied: deploy again to copy it again`);
    if (image.State === 'AVAILABLE') return;
    if (image.State === 'ERROR') {
      throw new PreconditionError(`Image copy ${copyId} of ${copy.sourceImageId} failed (state ERROR, ${errorOf(image)}); the rollback deletes the copy`);
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

/**
 * Copy the image, unless this resource made that copy already (found by its name, with its
 * ownership and source tags), then wait until it is AVAILABLE. An image of that name made by
 * anything else fails the request, changing nothing. `replacing` is the copy an Update replaces.
 */
async function create(copy: ImageCopy, me: Owner, ctx: ResourceContext, replacing?: string): Promise<Result> {
  let copyId = typeof ctx.resumeFrom?.imageId === 'string' ? ctx.resumeFrom.imageId : undefined;
  if (!copyId) {
    await checkSource(copy, ctx);
    const existing = await imageNamed(copy.name, ctx);
    if (existing?.ImageId) {
      const tags = await tagsOf(existing.ImageId, ctx);
      const same = ownedBy(tags, me) && tagValue(tags, SOURCE_IMAGE_TAG) === sourceOf(copy)
        && (existing.Description || undefined) === copy.description;
      if (!same) {
        const whose = existing.ImageId === replacing ? 'the copy this update replaces' : 'an image this resource did not copy from that source';
        throw new PreconditionError(
          `An image named ${JSON.stringify(copy.name)} already exists in account ${ctx.accountId} in this Region (${existing.ImageId}, ${whose}): `
          + 'image names are unique and a copy is never duplicated; choose another name (WorkSpaces cannot rename an image), then deploy again',
        );
      }
      copyId = existing.ImageId;
    } else {
      ctx.progress.plan('copied', [copy.sourceImageId]);
      const { ImageId } = await workspacesOf(ctx).send(new CopyWorkspaceImageCommand({
        Name: copy.name,
        Description: copy.description,
        SourceImageId: copy.sourceImageId,
        SourceRegion: copy.sourceRegion,
        Tags: [...ownerTags(me), { Key: SOURCE_IMAGE_TAG, Value: sourceOf(copy) }],
      })).catch(error => {
        // An image of that name made since the check (which name ResourceAlreadyExists is about is UNVERIFIED).
        if (!isErrorCode(error, 'ResourceAlreadyExistsException')) throw error;
        throw new PreconditionError(`An image named ${JSON.stringify(copy.name)} already exists in account ${ctx.accountId} in this Region (${messageOf(error)}): choose another name, then deploy again`);
      });
      if (!ImageId) throw new Error(`CopyWorkspaceImage answered without an image ID for ${copy.sourceImageId}`);
      copyId = ImageId;
      ctx.progress.record('copied', `${copy.sourceImageId} to ${copyId}`);
    }
  }
  ctx.checkpoint = { imageId: copyId };
  // A failed Create names the copy, so that the Delete that follows deletes it whatever the removal policy.
  ctx.physicalResourceIdOnFailure = failedCreateIdOf(copyId);
  try {
    await waitAvailable(copyId, copy, ctx);
  } catch (error) {
    // A failed Update keeps the old physical ID, so no Delete will ever name a replacement's copy:
    // one in ERROR is deleted here. (One still PENDING when the budget runs out cannot be; the Reason says so.)
    if (replacing !== undefined && error instanceof PreconditionError && /state ERROR/.test(error.message)) {
      await deleteCopy(copyId, ctx).catch(() => undefined);
    }
    throw error;
  }
  return result(copyId);
}

/** The bundles of the account built from the image, for a Reason. */
async function bundlesOf(imageId: string, ctx: ResourceContext): Promise<string[]> {
  const bundles: string[] = [];
  for await (const page of pages(nextToken => workspacesOf(ctx).send(new DescribeWorkspaceBundlesCommand({ NextToken: nextToken })))) {
    bundles.push(...(page.Bundles ?? []).filter(b => b.ImageId === imageId && b.BundleId).map(b => b.BundleId!));
    if (bundles.length >= 5) break;
  }
  return bundles;
}

/** Delete the copy once it is no longer PENDING; gone counts as deleted. */
async function deleteCopy(copyId: string, ctx: ResourceContext): Promise<void> {
  const ws = workspacesOf(ctx);
  for (;;) {
    const image = await describeImage(ws, copyId);
    if (!image) return;
    if (image.State !== 'PENDING') break;
    if (!ctx.deadline.canWait(ctx.settings.pollIntervalMs)) {
      throw ctx.deadline.outOfTime(`Image copy ${copyId} is still PENDING and cannot be deleted before WorkSpaces ends the copy: delete again later`);
    }
    await sleep(ctx.settings.pollIntervalMs);
  }
  ctx.progress.plan('deleted', [copyId]);
  try {
    await ws.send(new DeleteWorkspaceImageCommand({ ImageId: copyId }));
  } catch (error) {
    if (isErrorCode(error, 'ResourceAssociatedException')) {
      const bundles = await bundlesOf(copyId, ctx).catch(() => []);
      const named = bundles.length ? `bundle ${bundles.join(', ')}` : 'a bundle';
      throw new PreconditionError(
        `Image copy ${copyId} is still used by ${named}: delete the bundle first (or keep the copy with RemovalPolicy.RETAIN), then delete again`,
      );
    }
    if (isErrorCode(error, 'InvalidResourceStateException')) {
      throw new PreconditionError(`Image copy ${copyId} cannot be deleted in its present state (${messageOf(error)}): an image shared with other accounts must be unshared first`);
    }
    if (!isErrorCode(error, 'ResourceNotFoundException')) throw error;
  }
  ctx.progress.record('deleted', copyId);
}

/**
 * Apply the removal policy: RETAIN keeps the copy, DESTROY deletes it. A Delete after a failed
 * Create deletes the copy that Create made, found by its physical ID or, when the Create never
 * answered with one, by its name and ownership tags.
 */
async function remove(event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }, ctx: ResourceContext): Promise<Result> {
  const copy = validForDelete(() => validateImageCopy(event.ResourceProperties));
  if (!copy) return { physicalResourceId: event.PhysicalResourceId, log: NOTHING_TO_UNDO };
  const physical = event.PhysicalResourceId;
  const failedCreate = !follows(WORKSPACE_IMAGE_ID, physical);
  if (!failedCreate && copy.removalPolicy === REMOVAL_POLICY.retain) {
    return { physicalResourceId: physical, log: { imageId: physical, retained: true } };
  }
  let copyId = objectOfFailedCreate(physical) ?? physical;
  if (!follows(WORKSPACE_IMAGE_ID, copyId)) {
    const me = ownerOf(event);
    const existing = await imageNamed(copy.name, ctx);
    if (!existing?.ImageId || !ownedBy(await tagsOf(existing.ImageId, ctx), me)) return { physicalResourceId: physical, log: { copied: false } };
    copyId = existing.ImageId;
  }
  await deleteCopy(copyId, ctx);
  return { physicalResourceId: physical, log: { imageId: copyId, deleted: true } };
}

/** What a copy is made of: a change of any of them makes a new copy. */
const COPY_PROPERTIES: readonly (keyof WorkspaceImageCopyProperties)[] = ['SourceImageId', 'SourceRegion', 'Name', 'Description'];

export const handleWorkspaceImageCopy: ResourceHandler<typeof RESOURCE_TYPES.workspaceImageCopy> = async (event, ctx) => {
  if (event.RequestType === 'Delete') return remove(event, ctx);
  const copy = validateImageCopy(event.ResourceProperties);
  if (event.RequestType === 'Create') return create(copy, ownerOf(event), ctx);
  const old = received<WorkspaceImageCopyProperties>(event.OldResourceProperties);
  const now = received<WorkspaceImageCopyProperties>(event.ResourceProperties);
  const changed = COPY_PROPERTIES.some(k => JSON.stringify(old[k] ?? '') !== JSON.stringify(now[k] ?? ''));
  // Only the removal policy (or the time budget) changed: the copy stays as it is.
  if (!changed && follows(WORKSPACE_IMAGE_ID, event.PhysicalResourceId)) return result(event.PhysicalResourceId);
  // WorkSpaces cannot change a copy: a new one replaces it, and CloudFormation's cleanup Delete applies the removal policy to the old one.
  return create(copy, ownerOf(event), ctx, event.PhysicalResourceId);
};
