/**
 * The account's WorkSpaces bundles as the bundle resource reads and deletes them: lookups by ID
 * and by name, and the Delete of a bundle that waits out PENDING.
 */
import { DeleteWorkspaceBundleCommand, DescribeWorkspaceBundlesCommand, WorkspaceBundle, WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { pages } from '../clients/paging';
import { workspacesOf } from '../clients/workspaces';
import { sleep } from '../runtime/deadline';
import { isErrorCode, messageOf, PreconditionError } from '../runtime/errors';
import type { ResourceContext } from '../runtime/resource';

/** The account's own bundle named `name` in this Region, if any (DescribeWorkspaceBundles without a filter lists the account's bundles). */
export async function bundleNamed(ws: WorkSpacesClient, name: string): Promise<WorkspaceBundle | undefined> {
  for await (const page of pages(nextToken => ws.send(new DescribeWorkspaceBundlesCommand({ NextToken: nextToken })))) {
    const found = page.Bundles?.find(b => b.Name === name);
    if (found) return found;
  }
  return undefined;
}

/** The bundle of that ID, if the account sees it. */
export async function describeBundle(ws: WorkSpacesClient, bundleId: string): Promise<WorkspaceBundle | undefined> {
  const { Bundles } = await ws.send(new DescribeWorkspaceBundlesCommand({ BundleIds: [bundleId] }));
  return Bundles?.find(b => b.BundleId === bundleId);
}

/**
 * Delete the bundle once it is no longer PENDING (waiting, within the budget, if `wait`; else a
 * PENDING bundle is left and 'pending' answered; whether WorkSpaces refuses to delete a PENDING
 * bundle is UNVERIFIED, so it is never asked to); gone counts as deleted, WorkSpaces that still
 * use it fail the request.
 */
export async function deleteBundle(bundleId: string, ctx: ResourceContext, wait = true): Promise<'deleted' | 'pending'> {
  for (;;) {
    const found = await describeBundle(workspacesOf(ctx), bundleId);
    if (!found) return 'deleted';
    if (found.State !== 'PENDING') break;
    if (!wait) return 'pending';
    if (!ctx.deadline.canWait(ctx.settings.pollIntervalMs)) {
      throw ctx.deadline.outOfTime(`Bundle ${bundleId} is still PENDING and cannot be deleted before WorkSpaces has created it: delete again later`);
    }
    await sleep(ctx.settings.pollIntervalMs);
  }
  ctx.progress.plan('deleted', [bundleId]);
  try {
    await workspacesOf(ctx).send(new DeleteWorkspaceBundleCommand({ BundleId: bundleId }));
  } catch (error) {
    if (isErrorCode(error, 'ResourceAssociatedException')) {
      throw new PreconditionError(
        `Bundle ${bundleId} is still used by WorkSpaces (${messageOf(error)}): terminate them, or rebuild them from another bundle `
        + `(aws workspaces describe-workspaces --bundle-id ${bundleId} lists them), then delete again`,
      );
    }
    if (!isErrorCode(error, 'ResourceNotFoundException')) throw error;
  }
  ctx.progress.record('deleted', bundleId);
  return 'deleted';
}
