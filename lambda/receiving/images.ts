/**
 * The account's WorkSpaces images as the image copies read and delete them: lookups by ID and by
 * name, why an image is in ERROR, and the Delete of a copy that waits out PENDING.
 */
import {
  DeleteWorkspaceImageCommand, DescribeWorkspaceBundlesCommand, DescribeWorkspaceImagesCommand,
  DescribeWorkspaceImagesCommandInput, WorkspaceImage, WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import { pages } from '../clients/paging';
import { workspacesOf } from '../clients/workspaces';
import { sleep } from '../runtime/deadline';
import { isErrorCode, messageOf, PreconditionError } from '../runtime/errors';
import type { ResourceContext } from '../runtime/resource';

/** Every image of a DescribeWorkspaceImages query, page by page, until `stop` returns true for one. */
export async function findImage(
  ws: WorkSpacesClient, input: DescribeWorkspaceImagesCommandInput, stop: (image: WorkspaceImage) => boolean,
): Promise<WorkspaceImage | undefined> {
  for await (const page of pages(nextToken => ws.send(new DescribeWorkspaceImagesCommand({ ...input, NextToken: nextToken })))) {
    const found = page.Images?.find(stop);
    if (found) return found;
  }
  return undefined;
}

/** The image of that ID the account sees in the Region of `ws`, if any. */
export async function describeImage(ws: WorkSpacesClient, imageId: string): Promise<WorkspaceImage | undefined> {
  const { Images } = await ws.send(new DescribeWorkspaceImagesCommand({ ImageIds: [imageId] }));
  return Images?.find(i => i.ImageId === imageId);
}

/** The account's own image named `name` in this Region, if any. */
export function imageNamed(name: string, ctx: ResourceContext): Promise<WorkspaceImage | undefined> {
  return findImage(workspacesOf(ctx), { ImageType: 'OWNED', MaxResults: 25 }, i => i.Name === name);
}

/** Why an image's ERROR state is an error, from its ErrorCode, ErrorMessage and ErrorDetails. */
export function errorOf(image: WorkspaceImage): string {
  const details = (image.ErrorDetails ?? []).slice(0, 5).map(d => `${d.ErrorCode ?? '?'}: ${d.ErrorMessage ?? ''}`.trim());
  return `${image.ErrorCode ?? 'no error code'}: ${image.ErrorMessage ?? 'no message'}${details.length ? `; details: ${details.join('; ')}` : ''}`;
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

/**
 * Delete the copy once it is no longer PENDING (waiting, within the budget, if `wait`; else a
 * PENDING copy is left and 'pending' answered); gone counts as deleted.
 */
export async function deleteCopy(copyId: string, ctx: ResourceContext, wait = true): Promise<'deleted' | 'pending'> {
  const ws = workspacesOf(ctx);
  for (;;) {
    const image = await describeImage(ws, copyId);
    if (!image) return 'deleted';
    if (image.State !== 'PENDING') break;
    if (!wait) return 'pending';
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
  return 'deleted';
}
