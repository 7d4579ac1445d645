import {
  DescribeWorkspaceImagePermissionsCommand,
  DescribeWorkspaceImagesCommand,
  UpdateWorkspaceImagePermissionCommand,
  WorkspaceImage,
  WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { sleep } from './deadline';
import { InputError, isErrorCode, PreconditionError } from './errors';
import { NOTHING_TO_UNDO, validForDelete } from './resource';
import type { ResourceContext, ResourceHandler, ResourceResult } from './resource';
import { AWS_ACCOUNT_ID, duplicatesOf, WORKSPACE_IMAGE_ID } from '../src/private/patterns';

/** The resolved properties of a Custom::SharedWorkspaceImage. */
interface ImageShare {
  readonly imageId: string;
  readonly accountIds: readonly string[];
}

function readProperties(properties: Record<string, unknown> | undefined): { imageId: unknown; accountIds: unknown } {
  return { imageId: properties?.ImageId, accountIds: properties?.AccountIds ?? [] };
}

/** Check resolved properties before any API call; throws InputError naming each bad value. */
export function validateImageShare(properties: Record<string, unknown> | undefined, ownAccountId: string): ImageShare {
  const { imageId, accountIds } = readProperties(properties);
  const problems: string[] = [];
  if (typeof imageId !== 'string' || !WORKSPACE_IMAGE_ID.test(imageId)) {
    problems.push(`ImageId ${JSON.stringify(imageId)} is not a WorkSpaces image ID (${WORKSPACE_IMAGE_ID})`);
  }
  if (!Array.isArray(accountIds)) {
    problems.push(`AccountIds ${JSON.stringify(accountIds)} is not a list`);
  } else {
    const bad = accountIds.filter(a => typeof a !== 'string' || !AWS_ACCOUNT_ID.test(a));
    if (bad.length > 0) problems.push(`AccountIds holds values that are not 12-digit account IDs: ${bad.map(b => JSON.stringify(b)).join(', ')}`);
    const repeated = duplicatesOf(accountIds.filter((a): a is string => typeof a === 'string'));
    if (repeated.length > 0) problems.push(`AccountIds lists an account more than once: ${repeated.join(', ')}`);
    if (accountIds.includes(ownAccountId)) problems.push(`AccountIds holds ${ownAccountId}, the account that owns the image: an image cannot be shared with its owner`);
  }
  if (problems.length > 0) throw new InputError(`Invalid properties, nothing was changed: ${problems.join('; ')}`);
  return { imageId: imageId as string, accountIds: accountIds as string[] };
}

/** The accounts an image is shared with, or undefined when the image does not exist. */
async function sharedAccounts(ws: WorkSpacesClient, imageId: string): Promise<Set<string> | undefined> {
  const accounts = new Set<string>();
  let nextToken: string | undefined;
  do {
    try {
      const page = await ws.send(new DescribeWorkspaceImagePermissionsCommand({ ImageId: imageId, NextToken: nextToken, MaxResults: 25 }));
      for (const permission of page.ImagePermissions ?? []) {
        if (permission.SharedAccountId) accounts.add(permission.SharedAccountId);
      }
      nextToken = page.NextToken || undefined;
    } catch (error) {
      if (isErrorCode(error, 'ResourceNotFoundException')) return undefined;
      throw error;
    }
  } while (nextToken);
  return accounts;
}

/** Wait, bounded by the time left, while the image is PENDING; fail on a missing, broken or foreign image. */
async function availableImage(ws: WorkSpacesClient, share: ImageShare, ctx: ResourceContext): Promise<WorkspaceImage> {
  for (;;) {
    const { Images } = await ws.send(new DescribeWorkspaceImagesCommand({ ImageIds: [share.imageId] }));
    const image = Images?.find(i => i.ImageId === share.imageId);
    if (!image) {
      throw new PreconditionError(`Image ${share.imageId} does not exist in account ${ctx.accountId} in this Region: create it first, or fix imageId`);
    }
    if (image.OwnerAccountId && image.OwnerAccountId !== ctx.accountId) {
      throw new PreconditionError(`Image ${share.imageId} is owned by account ${image.OwnerAccountId}, not ${ctx.accountId}: an image shared with you cannot be shared again; copy it first`);
    }
    if (image.State === 'ERROR') {
      throw new PreconditionError(`Image ${share.imageId} is in state ERROR (${image.ErrorCode ?? 'no code'}: ${image.ErrorMessage ?? 'no message'}): fix or recreate the image`);
    }
    if (image.State !== 'PENDING') return image;
    if (!ctx.deadline.canWait(ctx.settings.pollIntervalMs)) {
      throw new PreconditionError(`Image ${share.imageId} is still PENDING and the time to wait for it ran out: deploy again once it is AVAILABLE`);
    }
    await sleep(ctx.settings.pollIntervalMs);
  }
}

async function setPermission(ws: WorkSpacesClient, imageId: string, accountId: string, allow: boolean): Promise<void> {
  await ws.send(new UpdateWorkspaceImagePermissionCommand({ ImageId: imageId, SharedAccountId: accountId, AllowCopyImage: allow }));
}

/** Share the image with every account of `wanted` that is not shared yet. */
async function shareMissing(share: ImageShare, shared: Set<string>, ctx: ResourceContext): Promise<void> {
  const missing = share.accountIds.filter(a => !shared.has(a));
  ctx.progress.plan('shared', missing);
  for (const account of missing) {
    await setPermission(ctx.clients.workspaces, share.imageId, account, true);
    shared.add(account);
    ctx.progress.record('shared', account);
  }
}

/**
 * Unshare each account of `accounts` that is shared now. The API documents revoking only after a
 * share, so accounts not shared are never sent (UNVERIFIED what it answers for them), and an image
 * that disappears meanwhile counts as unshared.
 */
async function unshare(imageId: string, accounts: readonly string[], shared: Set<string>, ctx: ResourceContext): Promise<void> {
  const present = accounts.filter(a => shared.has(a));
  ctx.progress.plan('unshared', present);
  for (const account of present) {
    try {
      await setPermission(ctx.clients.workspaces, imageId, account, false);
    } catch (error) {
      if (!isErrorCode(error, 'ResourceNotFoundException')) throw error;
    }
    shared.delete(account);
    ctx.progress.record('unshared', account);
  }
}

function result(physicalResourceId: string, share: ImageShare): ResourceResult {
  return {
    physicalResourceId,
    data: { ImageId: share.imageId, SharedAccountCount: share.accountIds.length },
    log: { imageId: share.imageId },
  };
}

async function create(share: ImageShare, ctx: ResourceContext): Promise<ResourceResult> {
  ctx.physicalResourceIdOnFailure = share.imageId;
  await availableImage(ctx.clients.workspaces, share, ctx);
  const shared = (await sharedAccounts(ctx.clients.workspaces, share.imageId)) ?? new Set();
  await shareMissing(share, shared, ctx);
  return result(share.imageId, share);
}

/** Accounts of old properties that pass the rules: others can never have been shared by this resource. */
function validAccounts(properties: Record<string, unknown> | undefined): string[] {
  const { accountIds } = readProperties(properties);
  return Array.isArray(accountIds) ? accountIds.filter((a): a is string => typeof a === 'string' && AWS_ACCOUNT_ID.test(a)) : [];
}

async function update(event: CloudFormationCustomResourceEvent & { RequestType: 'Update' }, share: ImageShare, ctx: ResourceContext): Promise<ResourceResult> {
  const oldImageId = readProperties(event.OldResourceProperties).imageId;
  const oldAccounts = validAccounts(event.OldResourceProperties);

  if (oldImageId !== share.imageId) {
    if (event.PhysicalResourceId !== share.imageId) {
      // Another image: a replacement. CloudFormation's cleanup Delete unshares the old image.
      return create(share, ctx);
    }
    // The physical ID already names the new properties' image, so this is the rollback of a
    // replacement that failed: undo what it shared on the image it was moving to.
    const ws = ctx.clients.workspaces;
    const shared = (await sharedAccounts(ws, share.imageId)) ?? new Set();
    await shareMissing(share, shared, ctx);
    if (typeof oldImageId === 'string' && WORKSPACE_IMAGE_ID.test(oldImageId)) {
      const oldShared = await sharedAccounts(ws, oldImageId);
      if (oldShared) await unshare(oldImageId, oldAccounts, oldShared, ctx);
    }
    return result(event.PhysicalResourceId, share);
  }

  // The same image: unshare the removed accounts and share the added ones, touching nothing
  // else. With no account added or removed there is nothing to read or write.
  const wanted = new Set(share.accountIds);
  const before = new Set(oldAccounts);
  const removed = oldAccounts.filter(a => !wanted.has(a));
  const added = share.accountIds.filter(a => !before.has(a));
  if (removed.length > 0 || added.length > 0) {
    const shared = (await sharedAccounts(ctx.clients.workspaces, share.imageId)) ?? new Set();
    await unshare(share.imageId, removed, shared, ctx);
    await shareMissing({ imageId: share.imageId, accountIds: added }, shared, ctx);
  }
  return result(event.PhysicalResourceId, share);
}

async function remove(event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }, ctx: ResourceContext): Promise<ResourceResult> {
  const share = validForDelete(() => validateImageShare(event.ResourceProperties, ctx.accountId));
  if (!share) return { physicalResourceId: event.PhysicalResourceId, log: NOTHING_TO_UNDO };
  const shared = await sharedAccounts(ctx.clients.workspaces, share.imageId);
  if (shared) await unshare(share.imageId, share.accountIds, shared, ctx);
  return { physicalResourceId: event.PhysicalResourceId, log: { imageId: share.imageId, imageFound: shared !== undefined } };
}

export const handleWorkspaceImage: ResourceHandler = async (event, ctx) => {
  if (event.RequestType === 'Delete') return remove(event, ctx);
  const share = validateImageShare(event.ResourceProperties, ctx.accountId);
  return event.RequestType === 'Create' ? create(share, ctx) : update(event, share, ctx);
};
