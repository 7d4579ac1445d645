import {
  DescribeWorkspaceImagePermissionsCommand,
  DescribeWorkspaceImagesCommand,
  UpdateWorkspaceImagePermissionCommand,
} from '@aws-sdk/client-workspaces';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { RESOURCE_TYPES, received, SharedWorkspaceImageAttributes, SharedWorkspaceImageProperties } from '../../src/contract/resources';
import { AWS_ACCOUNT_ID, breaks, duplicatesOf, follows, IAM_ROLE_ARN, ORGANIZATION_PARENT_ID, WORKSPACE_IMAGE_ID } from '../../src/contract/rules';
import {
  budgetSecondsFor, IMAGE_SHARE_OVERHEAD_CALLS, imageShareCalls, MAX_TIME_BUDGET_SECONDS, PLANNED_CALLS_PER_SECOND,
} from '../../src/contract/time-budget';
import { REMOVAL_POLICY, RemovalPolicyValue } from '../../src/contract/values';
import { pages } from '../clients/paging';
import { workspacesOf } from '../clients/workspaces';
import { declarationDigest, recordsDeclaration, recordWorkspacesDeclaration } from '../drift/declaration';
import { DriftSkipped, DriftSubjectOf, writeEach } from '../drift/subject';
import { failedCreateIdOf } from '../ownership/failed-create';
import { DeleteAction, Owner, ownerOf } from '../ownership/ownership';
import { readRemovalPolicy } from '../ownership/removal-policy';
import { accountsToUnshare, removeShare } from '../ownership/share-removal';
import { StackFacts } from '../ownership/stacks';
import { claimWorkspacesResource, settleWorkspacesResource, workspacesDeleteAction, workspacesMarks } from '../ownership/workspaces-tags';
import { sleep } from '../runtime/deadline';
import { InputError, isErrorCode, PreconditionError } from '../runtime/errors';
import type { Checkpoint, ResourceContext, ResourceHandler, ResourceResult } from '../runtime/resource';
import { Membership } from '../units/membership';
import { deployUnitShare, ImageWrites, reconcileUnitShare, UnitDeclaration } from '../units/unit-share';

/** What this resource type's handler answers. */
type Result = ResourceResult<SharedWorkspaceImageAttributes>;

/** The resolved properties of a Custom::SharedWorkspaceImage. */
interface ImageShare {
  readonly imageId: string;
  readonly accountIds: readonly string[];
  readonly removalPolicy: RemovalPolicyValue;
  /** With organizational units: the declaration that the handler resolves at each deploy and check. */
  readonly units?: UnitDeclaration;
}

/** One write of a request: share (grant) or unshare (revoke) one image with one account. */
interface Step {
  readonly imageId: string;
  readonly accountId: string;
  readonly grant: boolean;
}

/**
 * The writes a request makes, in order, all derived from the event alone: a new invocation that
 * goes on with the request derives the same list and skips the steps its checkpoint counts as done.
 */
interface Plan {
  /** Once per request, before the first write: check the image, claim it. */
  readonly prepare?: () => Promise<void>;
  readonly steps: readonly Step[];
  /** Once per request, after the last write: settle the ownership. */
  readonly finish?: () => Promise<void>;
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
  return { imageId: imageId as string, accountIds: accountIds as string[], removalPolicy, ...(units ? { units } : {}) };
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
  public inEffect(step: Step): boolean | undefined {
    const shared = this.known.get(step.imageId);
    if (shared === undefined) return undefined;
    if (shared === null) return step.grant ? undefined : true;
    return shared.has(step.accountId) === step.grant;
  }

  /** Note a write that succeeded. */
  public applied(step: Step): void {
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
async function applyStep(step: Step, permissions: Permissions, ctx: ResourceContext): Promise<void> {
  if (permissions.inEffect(step)) return;
  try {
    const input = { ImageId: step.imageId, SharedAccountId: step.accountId, AllowCopyImage: step.grant };
    await workspacesOf(ctx).send(new UpdateWorkspaceImagePermissionCommand(input));
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
 * Run the plan from where an earlier invocation of the request stopped, noting progress in the
 * checkpoint after each write so that a new invocation can go on from there.
 */
async function run(plan: Plan, ctx: ResourceContext, notes: Checkpoint = {}): Promise<void> {
  const resume = ctx.resumeFrom ?? {};
  const first = Number(resume.done ?? 0);
  const note = (progress: Checkpoint) => {
    ctx.checkpoint = { ...notes, ...ctx.checkpoint, ...progress };
  };
  note({ done: first, prepared: resume.prepared === true });
  if (plan.prepare && resume.prepared !== true) {
    await plan.prepare();
    note({ prepared: true });
  }
  const rest = plan.steps.slice(first);
  const action = (step: Step) => (step.grant ? 'shared' : 'unshared');
  for (const step of rest) ctx.progress.plan(action(step), [step.accountId]);
  const permissions = new Permissions(ctx);
  for (const [i, step] of rest.entries()) {
    await applyStep(step, permissions, ctx);
    note({ done: first + i + 1 });
    ctx.progress.record(action(step), step.accountId);
  }
  await plan.finish?.();
}

const grants = (imageId: string, accounts: readonly string[]): Step[] => accounts.map(accountId => ({ imageId, accountId, grant: true }));
const revokes = (imageId: string, accounts: readonly string[]): Step[] => accounts.map(accountId => ({ imageId, accountId, grant: false }));

function result(physicalResourceId: string, share: ImageShare): Result {
  return {
    physicalResourceId,
    data: { ImageId: share.imageId, SharedAccountCount: share.accountIds.length },
    log: { imageId: share.imageId },
  };
}

/** Check the image and record this resource as its owner, then share it with every listed account: one write each. */
async function create(share: ImageShare, me: Owner, facts: StackFacts, ctx: ResourceContext): Promise<Result> {
  // Until the claim is recorded a failed Create answers the physical ID of nothing done, whose
  // Delete touches nothing; from then on the one whose Delete undoes what it shared.
  const claimed = () => {
    ctx.physicalResourceIdOnFailure = share.removalPolicy === REMOVAL_POLICY.retain ? failedCreateIdOf(share.imageId) : share.imageId;
  };
  if (ctx.resumeFrom?.prepared === true) claimed();
  const prepare = async () => {
    await checkImage(share, ctx);
    await claimWorkspacesResource('image', share.imageId, me, facts, ctx);
    claimed();
  };
  await run({ prepare, steps: grants(share.imageId, share.accountIds) }, ctx);
  return result(share.imageId, share);
}

/**
 * Unshare from an image what this resource may of the accounts it declares (see ownership.ts and
 * accountsToUnshare), then settle its ownership. The decision is made once per request and
 * carried in the checkpoint.
 */
async function unshareOwned(
  imageId: string, declared: readonly string[], me: Owner, facts: StackFacts, ctx: ResourceContext, known?: DeleteAction,
): Promise<DeleteAction> {
  const carried = ctx.resumeFrom?.action;
  const action: DeleteAction = known
    ?? (typeof carried === 'string' ? JSON.parse(carried) as DeleteAction : await workspacesDeleteAction(imageId, me, facts, ctx));
  const accounts = await accountsToUnshare(action, declared, 'AccountIds', facts);
  const finish = () => settleWorkspacesResource(imageId, action, me, ctx);
  if (accounts.length === 0) {
    await finish();
    return action;
  }
  await run({ steps: revokes(imageId, accounts), finish }, ctx, { action: JSON.stringify(action) });
  return action;
}

/** Accounts of old properties that pass the rules: others can never have been shared by this resource. */
function validAccounts(properties: Record<string, unknown> | undefined): string[] {
  const { accountIds } = readProperties(properties);
  return Array.isArray(accountIds) ? accountIds.filter((a): a is string => follows(AWS_ACCOUNT_ID, a)) : [];
}

/** How long `writes` writes take at the pace the handler keeps (the planned 1.75 calls/s unless the settings change it), in ms; 0 when unpaced. */
function writesMs(writes: number, ctx: ResourceContext): number {
  const perSecond = ctx.settings.workspacesCallsPerSecond;
  return perSecond > 0 ? (writes * 1_000) / perSecond : 0;
}

/** Besides its writes, what a request's time must hold: the stop margin at its end, and the least budget a hand-over needs when the writes outlast this invocation. */
function marginsMs(writeMs: number, ctx: ResourceContext): number {
  return ctx.settings.stopMarginMs + (writeMs > ctx.deadline.workMs ? ctx.settings.minHandOverMs : 0);
}

/**
 * The writes one deployment of a list of `accounts` accounts can make at least: the budget the
 * construct gives that list alone (a stack with more shares gives more), less the handler's margins.
 */
function writesPerDeployment(accounts: number, ctx: ResourceContext): number {
  const budgetMs = Math.min(MAX_TIME_BUDGET_SECONDS, budgetSecondsFor(imageShareCalls(accounts).update)) * 1_000;
  const { answerMarginMs, stopMarginMs, minHandOverMs } = ctx.settings;
  const workSeconds = (budgetMs - answerMarginMs - stopMarginMs - minHandOverMs) / 1_000;
  return Math.max(1, Math.floor(workSeconds * PLANNED_CALLS_PER_SECOND) - IMAGE_SHARE_OVERHEAD_CALLS);
}

/**
 * Before the first write of an Update of the account list: whether its writes fit in what is left
 * of the request's time budget at the handler's pace. Hand-overs go on with the work in new
 * invocations, so the budget, not this invocation, is the limit. The budget covers any Update from
 * an old list at most as long as the new one (see imageShareCalls); one that does not fit fails
 * here, before any write, with a Reason that says how to deploy it in steps. Its rollback lists the
 * same writes under the old budget: so before failing, the image's permissions are read, and an
 * Update whose writes are all in effect already (such a rollback) has nothing to do (false).
 */
async function updateFits(share: ImageShare, removed: readonly string[], added: readonly string[], ctx: ResourceContext): Promise<boolean> {
  // Decided once per request, before its first write: an invocation that goes on with it does not decide again.
  if (ctx.resumeFrom?.updateFits === true || Number(ctx.resumeFrom?.done ?? 0) > 0) {
    ctx.checkpoint = { ...ctx.checkpoint, updateFits: true };
    return true;
  }
  const writes = removed.length + added.length;
  if (writes === 0) return true;
  const writeMs = writesMs(writes, ctx);
  const leftMs = ctx.deadline.requestRemainingMs;
  if (writeMs + marginsMs(writeMs, ctx) <= leftMs) {
    ctx.checkpoint = { ...ctx.checkpoint, updateFits: true };
    return true;
  }
  const shared = await new Permissions(ctx).read(share.imageId);
  const toDo = shared === null ? added.length : removed.filter(a => shared.has(a)).length + added.filter(a => !shared.has(a)).length;
  if (toDo === 0) return false;

  const kept = share.accountIds.length - added.length;
  const perDeployment = writesPerDeployment(kept, ctx);
  // Each list on the way down holds the kept accounts at least, so its budget fits `perDeployment` removals at least.
  const batches = removed.length > perDeployment
    ? `; one deployment fits at least ${perDeployment} writes, so remove them ${perDeployment} at a time, in ${Math.ceil(removed.length / perDeployment)} deployments`
    : '';
  // The new list's own budget covers its additions: they are at most as many as the accounts it holds.
  const steps = [
    ...(removed.length > 0 ? [`deploy the list without the ${removed.length} accounts to remove, that is the ${kept} accounts both lists hold (it only unshares${batches})`] : []),
    `deploy the new list of ${share.accountIds.length} accounts (it only shares the ${added.length} to add)`,
  ];
  throw new PreconditionError(`This Update unshares ${removed.length} accounts and shares ${added.length}: ${writes} writes, about ${Math.ceil(writeMs / 1_000)} s `
    + `at ${ctx.settings.workspacesCallsPerSecond} calls/s, but only ${Math.max(0, Math.floor(leftMs / 1_000))} s of the resource's time budget are left, so nothing was changed. `
    + `The budget covers an Update that removes and adds at most as many accounts as the new list holds (${share.accountIds.length}), within CloudFormation's ${MAX_TIME_BUDGET_SECONDS} s. `
    + `Deploy this change in steps: ${steps.map((step, i) => `${i + 1}. ${step}`).join('; ')}`);
}

async function update(event: CloudFormationCustomResourceEvent & { RequestType: 'Update' }, share: ImageShare, ctx: ResourceContext): Promise<Result> {
  const oldImageId = readProperties(event.OldResourceProperties).imageId;
  const oldAccounts = validAccounts(event.OldResourceProperties);

  if (oldImageId !== share.imageId) {
    if (event.PhysicalResourceId !== share.imageId) {
      // Another image: a replacement. CloudFormation's cleanup Delete unshares the old image.
      return create(share, ownerOf(event), new StackFacts(event.StackId, ctx), ctx);
    }
    // The physical ID already names the new properties' image, so this is the rollback of a
    // replacement that failed: the image it goes back to was never touched; undo what the failed
    // attempt shared on the image it was moving to, if it got as far as owning it.
    if (follows(WORKSPACE_IMAGE_ID, oldImageId)) {
      await unshareOwned(oldImageId, oldAccounts, ownerOf(event), new StackFacts(event.StackId, ctx), ctx);
    }
    return result(event.PhysicalResourceId, share);
  }

  // The same image: unshare the removed accounts and share the added ones, one write each and no
  // read, touching nothing else. With no account added or removed there is nothing to do.
  const wanted = new Set(share.accountIds);
  const before = new Set(oldAccounts);
  const removed = oldAccounts.filter(a => !wanted.has(a));
  const added = share.accountIds.filter(a => !before.has(a));
  if (!await updateFits(share, removed, added, ctx)) return result(event.PhysicalResourceId, share);
  await run({ steps: [...revokes(share.imageId, removed), ...grants(share.imageId, added)] }, ctx);
  return result(event.PhysicalResourceId, share);
}

/**
 * If this resource owns the image, unshare every listed account (one write each; accounts never
 * shared, after a Create that failed part-way, are confirmed by one read) and release the image.
 * With RemovalPolicy retain, keep the shares and only release the image.
 */
const remove = (event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }, ctx: ResourceContext) => removeShare(event, ctx, {
  validate: () => validateImageShare(event.ResourceProperties, ctx.accountId),
  resourceIdOf: share => share.imageId,
  logKey: 'imageId',
  undo: async (share, me, facts) => {
    if (!share.units) return (await unshareOwned(share.imageId, share.accountIds, me, facts, ctx)).kind;
    // With units: the listed accounts and those the membership records this resource shared, then forget them.
    const membership = membershipOf(share, share.units, event.StackId, event.LogicalResourceId, ctx);
    const stored = typeof ctx.resumeFrom?.stored === 'string' ? ctx.resumeFrom.stored.split(',').filter(a => a !== '') : [...await membership.read()];
    ctx.checkpoint = { ...ctx.checkpoint, stored: stored.join(',') };
    const carried = ctx.resumeFrom?.action;
    const action: DeleteAction = typeof carried === 'string' ? JSON.parse(carried) as DeleteAction : await workspacesDeleteAction(share.imageId, me, facts, ctx);
    if (action.kind === 'renamed' || action.kind === 'hand-back') {
      // The old resource of a rename, or the rollback of one: the other logical ID owns the shares
      // now, and it takes over the memory of what was shared, so that its checks can still
      // unshare an account that leaves the units. Nothing is unshared here.
      const other = action.kind === 'renamed' ? action.owner.logicalId : action.to;
      await membershipOf(share, share.units, event.StackId, other, ctx).record(stored, []);
      await membership.forget();
      await settleWorkspacesResource(share.imageId, action, me, ctx);
      return action.kind;
    }
    const accounts = [...new Set([...share.accountIds, ...stored])];
    const kind = (await unshareOwned(share.imageId, accounts, me, facts, ctx, action)).kind;
    if (kind === 'unshare') await membership.forget();
    return kind;
  },
});

/** The membership of a unit-following share (lambda/units/membership.ts). */
function membershipOf(share: ImageShare, units: UnitDeclaration, stackId: string, logicalId: string, ctx: ResourceContext): Membership {
  return new Membership(units.table, Membership.keyOf(stackId, logicalId, share.imageId), ctx);
}

/** The writes of a unit-following share on its image, through the handler's own confirmed writes. */
function imageWrites(imageId: string, ctx: ResourceContext): ImageWrites {
  const permissions = new Permissions(ctx);
  return {
    shared: () => permissions.read(imageId),
    write: (accountId, grant) => applyStep({ imageId, accountId, grant }, permissions, ctx),
  };
}

/**
 * Create or Update of a share with organizational units (lambda/units/unit-share.ts): resolve the
 * units before any write, check the image, claim it, then share and unshare toward the declared set.
 */
async function deployUnits(
  event: CloudFormationCustomResourceEvent & { RequestType: 'Create' | 'Update' }, share: ImageShare, units: UnitDeclaration, ctx: ResourceContext,
): Promise<Result> {
  const me = ownerOf(event);
  const facts = new StackFacts(event.StackId, ctx);
  const oldImageId = event.RequestType === 'Update' ? readProperties(event.OldResourceProperties).imageId : undefined;
  const sameImage = event.RequestType === 'Update' && oldImageId === share.imageId;
  const oldRemoved = sameImage ? validAccounts(event.OldResourceProperties).filter(a => !share.accountIds.includes(a)) : [];
  const claimed = () => {
    ctx.physicalResourceIdOnFailure = share.removalPolicy === REMOVAL_POLICY.retain ? failedCreateIdOf(share.imageId) : share.imageId;
  };
  if (!sameImage && ctx.resumeFrom?.unitGrants !== undefined) claimed();
  const prepare = async () => {
    if (sameImage) return;
    await checkImage(share, ctx);
    await claimWorkspacesResource('image', share.imageId, me, facts, ctx);
    claimed();
  };
  const membership = membershipOf(share, units, event.StackId, event.LogicalResourceId, ctx);
  const declared = await deployUnitShare(units, membership, oldRemoved, imageWrites(share.imageId, ctx), prepare, ctx);
  const physicalId = event.RequestType === 'Update' && sameImage ? event.PhysicalResourceId : share.imageId;
  return {
    physicalResourceId: physicalId,
    data: { ImageId: share.imageId, SharedAccountCount: declared },
    log: { imageId: share.imageId, declaredCount: declared },
  };
}

/** The digest of what an image share declares (see lambda/drift/declaration.ts). */
const digestOf = (share: ImageShare) => declarationDigest(RESOURCE_TYPES.sharedWorkspaceImage, share.units
  ? [share.imageId, share.accountIds, share.units.unitIds, share.units.excludedAccountIds, share.units.roleArn ?? '', share.units.table]
  : [share.imageId, share.accountIds]);

export const handleSharedWorkspaceImage: ResourceHandler<typeof RESOURCE_TYPES.sharedWorkspaceImage> = async (event, ctx) => {
  if (event.RequestType === 'Delete') return remove(event, ctx);
  const share = validateImageShare(event.ResourceProperties, ctx.accountId);
  const answer = share.units ? await deployUnits(event, share, share.units, ctx) : event.RequestType === 'Create'
    ? await create(share, ownerOf(event), new StackFacts(event.StackId, ctx), ctx)
    : await update(event, share, ctx);
  // With a drift check, the declaration this request deployed, for the checks to compare theirs with.
  if (recordsDeclaration(event.ResourceProperties)) await recordWorkspacesDeclaration(share.imageId, digestOf(share), ctx);
  return answer;
};

/**
 * The drift check of an image share: read every page of the image's permissions (25 accounts a
 * page); REPORT writes nothing, REPAIR shares each declared account that is not shared, ENFORCE
 * also unshares each account nobody declared. One write per difference, none for what is in effect.
 */
export const sharedWorkspaceImageDrift: DriftSubjectOf = (declaration, ctx, { StackId: stackId, LogicalResourceId: logicalId }) => {
  const share = validateImageShare(declaration, ctx.accountId);
  return {
    physicalId: share.imageId,
    digest: digestOf(share),
    logFields: { imageId: share.imageId, declaredCount: share.accountIds.length },
    marks: () => workspacesMarks(share.imageId, ctx),
    reconcile: async (action, gate, findings) => {
      const permissions = new Permissions(ctx);
      const shared = await permissions.read(share.imageId);
      if (shared === null) throw new DriftSkipped(`image ${share.imageId} does not exist`);
      if (share.units) {
        const membership = membershipOf(share, share.units, String(stackId), String(logicalId), ctx);
        const writes: ImageWrites = {
          shared: async () => shared,
          write: (accountId, grant) => applyStep({ imageId: share.imageId, accountId, grant }, permissions, ctx),
        };
        return reconcileUnitShare(share.units, membership, shared, action, gate, findings, writes, ctx);
      }
      const declared = new Set(share.accountIds);
      findings.missing.push(...share.accountIds.filter(a => !shared.has(a)));
      findings.unexpected.push(...[...shared].filter(a => !declared.has(a)));
      if (action === 'REPORT') return;
      const write = (grant: boolean) => (accountId: string) => applyStep({ imageId: share.imageId, accountId, grant }, permissions, ctx);
      if (!await writeEach([...findings.missing], gate, findings, findings.repaired, write(true))) return;
      if (action === 'ENFORCE') await writeEach([...findings.unexpected], gate, findings, findings.unshared, write(false));
    },
  };
};
