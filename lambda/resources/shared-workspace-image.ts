import {
  DescribeWorkspaceImagePermissionsCommand,
  DescribeWorkspaceImagesCommand,
  UpdateWorkspaceImagePermissionCommand,
} from '@aws-sdk/client-workspaces';
import { RESOURCE_TYPES, received, SharedWorkspaceImageAttributes, SharedWorkspaceImageProperties } from '../../src/contract/resources';
import { AWS_ACCOUNT_ID, breaks, duplicatesOf, follows, IAM_ROLE_ARN, ORGANIZATION_PARENT_ID, WORKSPACE_IMAGE_ID } from '../../src/contract/rules';
import { REMOVAL_POLICY } from '../../src/contract/values';
import { pages } from '../clients/paging';
import { workspacesOf } from '../clients/workspaces';
import { readRemovalPolicy } from '../ownership/removal-policy';
import { setShareDrift } from '../reconcile/check';
import type { Step } from '../reconcile/plan';
import { setShareHandler } from '../reconcile/set-share';
import type { SetShareType, Share } from '../reconcile/subject';
import { takeTurn } from '../runtime/call-guard';
import { sleep } from '../runtime/deadline';
import { InputError, isErrorCode, PreconditionError } from '../runtime/errors';
import type { ResourceContext, ResourceResult } from '../runtime/resource';
import { declaredAccounts, UnitDeclaration } from '../units/declared';
import { Membership } from '../units/membership';

/** The resolved properties of a Custom::SharedWorkspaceImage. */
interface ImageShare extends Share {
  readonly imageId: string;
  readonly accountIds: readonly string[];
  /** With organizational units: the declaration that the handler resolves at each deploy and check. */
  readonly units?: UnitDeclaration;
}

/** One write on one image. */
interface ImageStep extends Step {
  readonly imageId: string;
}

/**
 * What a failed write may mean when the account already is in the state the write asks for. The
 * API reference of UpdateWorkspaceImagePermission does not say (UNVERIFIED): whether granting an
 * account that is already shared succeeds or fails, and which error revoking an account that was
 * never shared returns. A write that fails with one of these is confirmed by reading the
 * permissions, and succeeds if they show the state it asked for.
 */
const MAYBE_ALREADY_DONE = ['InvalidParameterValuesException', 'ResourceNotFoundException', 'OperationNotSupportedException', 'ResourceAlreadyExistsException'];

function readProperties(properties: Record<string, unknown> | undefined): { imageId: unknown; accountIds: unknown } {
  const p = received<SharedWorkspaceImageProperties>(properties);
  return { imageId: p.ImageId, accountIds: p.AccountIds ?? [] };
}

/** Check resolved properties before any API call; throws InputError naming each bad value. */
export function validateImageShare(properties: Record<string, unknown> | undefined, ownAccountId: string): ImageShare {
  const { imageId, accountIds } = readProperties(properties);
  const problems: string[] = [];
  if (!follows(WORKSPACE_IMAGE_ID, imageId)) problems.push(breaks('ImageId', imageId, WORKSPACE_IMAGE_ID));
  if (!Array.isArray(accountIds)) {
    problems.push(`AccountIds ${JSON.stringify(accountIds)} is not a list`);
  } else {
    const bad = accountIds.filter(a => !follows(AWS_ACCOUNT_ID, a));
    if (bad.length > 0) problems.push(`AccountIds holds values that are not each ${AWS_ACCOUNT_ID.means} (${AWS_ACCOUNT_ID.pattern}): ${bad.map(b => JSON.stringify(b)).join(', ')}`);
    const repeated = duplicatesOf(accountIds.filter((a): a is string => typeof a === 'string'));
    if (repeated.length > 0) problems.push(`AccountIds lists an account more than once: ${repeated.join(', ')}`);
    if (accountIds.includes(ownAccountId)) problems.push(`AccountIds holds ${ownAccountId}, the account that owns the image: an image cannot be shared with its owner`);
  }
  const removalPolicy = readRemovalPolicy(received<SharedWorkspaceImageProperties>(properties).RemovalPolicy, REMOVAL_POLICY.destroy, problems);
  const units = readUnits(received<SharedWorkspaceImageProperties>(properties), Array.isArray(accountIds) ? accountIds : [], ownAccountId, problems);
  if (problems.length > 0) throw new InputError(`Invalid properties, nothing was changed: ${problems.join('; ')}`);
  return { objectId: imageId as string, imageId: imageId as string, accountIds: accountIds as string[], removalPolicy, ...(units ? { units } : {}) };
}

/** A list property of strings that each follow `rule`, each listed once; problems named. */
function checkedList(name: string, value: unknown, rule: { pattern: RegExp; means: string }, problems: string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`${name} ${JSON.stringify(value)} is not a list`);
    return [];
  }
  const bad = value.filter(v => !follows(rule, v));
  if (bad.length > 0) problems.push(`${name} holds values that are not each ${rule.means} (${rule.pattern}): ${bad.map(b => JSON.stringify(b)).join(', ')}`);
  const repeated = duplicatesOf(value.filter((v): v is string => typeof v === 'string'));
  if (repeated.length > 0) problems.push(`${name} lists a value more than once: ${repeated.join(', ')}`);
  return value.filter((v): v is string => typeof v === 'string');
}

/** The units, exclusions, role and table of a unit-following share, checked; undefined without units. */
function readUnits(
  p: ReturnType<typeof received<SharedWorkspaceImageProperties>>, accountIds: readonly unknown[], ownAccountId: string, problems: string[],
): UnitDeclaration | undefined {
  const unitIds = checkedList('OrganizationalUnitIds', p.OrganizationalUnitIds, ORGANIZATION_PARENT_ID, problems);
  const excludedAccountIds = checkedList('ExcludedAccountIds', p.ExcludedAccountIds, AWS_ACCOUNT_ID, problems);
  if (unitIds.length === 0) return undefined;
  const both = excludedAccountIds.filter(a => accountIds.includes(a));
  if (both.length > 0) problems.push(`AccountIds and ExcludedAccountIds both list ${both.join(', ')}: list each in one of them`);
  if (excludedAccountIds.includes(ownAccountId)) problems.push(`ExcludedAccountIds holds ${ownAccountId}, the account that owns the image, which is never shared anyway`);
  const roleArn = p.OrganizationsRoleArn;
  if (roleArn !== undefined && !follows(IAM_ROLE_ARN, roleArn)) problems.push(breaks('OrganizationsRoleArn', roleArn, IAM_ROLE_ARN));
  const table = p.MembershipTable;
  if (typeof table !== 'string' || !/^[a-zA-Z0-9_.-]{3,255}$/.test(table)) problems.push(`MembershipTable ${JSON.stringify(table)} is not a DynamoDB table name`);
  return { accountIds: accountIds.filter((a): a is string => typeof a === 'string'), unitIds, excludedAccountIds, roleArn: roleArn as string | undefined, table: String(table) };
}

/**
 * The accounts each image is shared with, read at most once per image and invocation, and only
 * when a write needs confirming; kept up to date with the writes made since.
 */
class Permissions {
  /** Per image: the shared accounts, or null when the image does not exist. */
  private readonly known = new Map<string, Set<string> | null>();

  constructor(private readonly ctx: ResourceContext) {}

  /** What the permissions say of a step, if they were read: true when it is already in effect. */
  public inEffect(step: ImageStep): boolean | undefined {
    const shared = this.known.get(step.imageId);
    if (shared === undefined) return undefined;
    if (shared === null) return step.grant ? undefined : true;
    return shared.has(step.accountId) === step.grant;
  }

  /** Note a write that succeeded. */
  public applied(step: ImageStep): void {
    const shared = this.known.get(step.imageId);
    if (!shared) return;
    if (step.grant) shared.add(step.accountId);
    else shared.delete(step.accountId);
  }

  /** Read the image's permissions, every page, unless read already; null when the image does not exist. */
  public async read(imageId: string): Promise<Set<string> | null> {
    const cached = this.known.get(imageId);
    if (cached !== undefined) return cached;
    const accounts = new Set<string>();
    const read = (nextToken: string | undefined) =>
      workspacesOf(this.ctx).send(new DescribeWorkspaceImagePermissionsCommand({ ImageId: imageId, NextToken: nextToken, MaxResults: 25 }));
    try {
      for await (const page of pages(read)) {
        for (const permission of page.ImagePermissions ?? []) {
          if (permission.SharedAccountId) accounts.add(permission.SharedAccountId);
        }
      }
    } catch (error) {
      if (!isErrorCode(error, 'ResourceNotFoundException')) throw error;
      this.known.set(imageId, null);
      return null;
    }
    this.known.set(imageId, accounts);
    return accounts;
  }
}

/** The permissions an invocation has read, kept up to date with its writes. */
const permissionsByInvocation = new WeakMap<ResourceContext, Permissions>();
function permissionsOf(ctx: ResourceContext): Permissions {
  let permissions = permissionsByInvocation.get(ctx);
  if (!permissions) {
    permissions = new Permissions(ctx);
    permissionsByInvocation.set(ctx, permissions);
  }
  return permissions;
}

/** Wait, bounded by the time left, while the image is PENDING; fail on a missing, broken or foreign image. */
async function checkImage(share: ImageShare, ctx: ResourceContext): Promise<void> {
  for (;;) {
    const { Images } = await workspacesOf(ctx).send(new DescribeWorkspaceImagesCommand({ ImageIds: [share.imageId] }));
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
    if (image.State !== 'PENDING') return;
    if (!ctx.deadline.canWait(ctx.settings.pollIntervalMs)) {
      // Another invocation goes on waiting if the budget allows; else the Reason says what to do.
      throw ctx.deadline.outOfTime(`Image ${share.imageId} is still PENDING and the time to wait for it ran out: deploy again once it is AVAILABLE`);
    }
    await sleep(ctx.settings.pollIntervalMs);
  }
}

/**
 * Make one write. A write that fails in a way that may mean "already so" is confirmed by one read
 * of the permissions (see MAYBE_ALREADY_DONE); once they are read, writes they show to be in effect
 * already are skipped. An image that is gone counts as unshared.
 */
async function applyStep(step: ImageStep, permissions: Permissions, ctx: ResourceContext, abortSignal?: AbortSignal): Promise<void> {
  if (permissions.inEffect(step)) return;
  try {
    const input = { ImageId: step.imageId, SharedAccountId: step.accountId, AllowCopyImage: step.grant };
    await workspacesOf(ctx).send(new UpdateWorkspaceImagePermissionCommand(input), abortSignal ? { abortSignal } : undefined);
    permissions.applied(step);
  } catch (error) {
    if (!isErrorCode(error, ...MAYBE_ALREADY_DONE)) throw error;
    const shared = await permissions.read(step.imageId);
    if (shared === null && step.grant) {
      throw new PreconditionError(`Image ${step.imageId} does not exist in account ${ctx.accountId} in this Region: create it first, or fix imageId`);
    }
    if (!permissions.inEffect(step)) throw error;
  }
}


/**
 * What differs for an image share (lambda/reconcile/subject.ts): the declared accounts (a literal
 * list, or units resolved), the image's permissions as what is in effect, and one
 * UpdateWorkspaceImagePermission per write, confirmed by a read where its error may mean "already so".
 */
export const SHARED_WORKSPACE_IMAGE: SetShareType<ImageShare> = {
  kind: 'image',
  noun: 'image',
  resourceType: RESOURCE_TYPES.sharedWorkspaceImage,
  listProperty: 'AccountIds',
  validate: validateImageShare,
  declared: async (share, ctx) => (share.units ? declaredAccounts(share.units, ctx) : [...share.accountIds]),
  legacy: async (share, stackId, logicalId, ctx) => {
    if (!share.units) return [...share.accountIds];
    // An older release remembered the accounts units brought in its membership item.
    const membership = new Membership(share.units.table, Membership.keyOf(stackId, logicalId, share.imageId), ctx);
    return [...share.accountIds, ...await membership.read()];
  },
  prepare: checkImage,
  readEffect: (imageId, ctx) => permissionsOf(ctx).read(imageId),
  pace: ctx => takeTurn(workspacesOf(ctx), ctx, 'a write'),
  write: (imageId, step, ctx, signal) => applyStep({ ...step, imageId }, permissionsOf(ctx), ctx, signal),
  digestValues: share => (share.units
    ? [share.imageId, share.accountIds, share.units.unitIds, share.units.excludedAccountIds, share.units.roleArn ?? '', share.units.table]
    : [share.imageId, share.accountIds]),
  result: (physicalResourceId, share, declaredCount): ResourceResult<SharedWorkspaceImageAttributes> => ({
    physicalResourceId,
    data: { ImageId: share.imageId, SharedAccountCount: declaredCount },
    log: { imageId: share.imageId, declaredCount },
  }),
};

export const handleSharedWorkspaceImage = setShareHandler<ImageShare, typeof RESOURCE_TYPES.sharedWorkspaceImage>(SHARED_WORKSPACE_IMAGE);

/** The drift check of an image share (lambda/reconcile/check.ts). */
export const sharedWorkspaceImageDrift = setShareDrift(
  SHARED_WORKSPACE_IMAGE, share => ({ imageId: share.imageId, declaredCount: share.accountIds.length }),
);
