import {
  ConnectionAlias,
  ConnectionAliasAssociation,
  DescribeConnectionAliasesCommand,
  DescribeConnectionAliasPermissionsCommand,
  UpdateConnectionAliasPermissionCommand,
  WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { RESOURCE_TYPES, received, SharedConnectionAliasAttributes, SharedConnectionAliasProperties } from '../../src/contract/resources';
import { AWS_ACCOUNT_ID, breaks, CONNECTION_ALIAS_ID, follows, ifFollows } from '../../src/contract/rules';
import { REMOVAL_POLICY, RemovalPolicyValue } from '../../src/contract/values';
import { pages } from '../clients/paging';
import { workspacesOf } from '../clients/workspaces';
import { declarationDigest, recordsDeclaration, recordWorkspacesDeclaration } from '../drift/declaration';
import { DriftSkipped, DriftSubjectOf, writeEach } from '../drift/subject';
import { failedCreateIdOf } from '../ownership/failed-create';
import { Owner, ownerOf } from '../ownership/ownership';
import { readRemovalPolicy } from '../ownership/removal-policy';
import { accountsToUnshare, removeShare } from '../ownership/share-removal';
import { StackFacts } from '../ownership/stacks';
import { claimWorkspacesResource, settleWorkspacesResource, workspacesDeleteAction, workspacesMarks } from '../ownership/workspaces-tags';
import { sleep } from '../runtime/deadline';
import { InputError, isErrorCode, PreconditionError } from '../runtime/errors';
import type { ResourceContext, ResourceHandler, ResourceResult } from '../runtime/resource';

/** What this resource type's handler answers. */
type Result = ResourceResult<SharedConnectionAliasAttributes>;

/** The resolved properties of a Custom::SharedConnectionAlias. */
interface AliasShare {
  readonly aliasId: string;
  readonly accountId: string;
  readonly removalPolicy: RemovalPolicyValue;
}

/** Association states in which the shared account holds the alias: unsharing must wait for its disassociation. */
const HELD_BY_SHARED_ACCOUNT = new Set(['ASSOCIATED_WITH_SHARED_ACCOUNT', 'PENDING_ASSOCIATION']);

/** Check resolved properties before any API call; throws InputError naming each bad value. */
export function validateAliasShare(properties: Record<string, unknown> | undefined, ownAccountId: string): AliasShare {
  const { AliasId: aliasId, AccountId: accountId, RemovalPolicy: policy } = received<SharedConnectionAliasProperties>(properties);
  const problems: string[] = [];
  if (!follows(CONNECTION_ALIAS_ID, aliasId)) problems.push(breaks('AliasId', aliasId, CONNECTION_ALIAS_ID));
  if (!follows(AWS_ACCOUNT_ID, accountId)) {
    problems.push(breaks('AccountId', accountId, AWS_ACCOUNT_ID));
  } else if (accountId === ownAccountId) {
    problems.push(`AccountId ${accountId} is the account that owns the alias: an alias cannot be shared with its owner`);
  }
  const removalPolicy = readRemovalPolicy(policy, REMOVAL_POLICY.destroy, problems);
  if (problems.length > 0) throw new InputError(`Invalid properties, nothing was changed: ${problems.join('; ')}`);
  return { aliasId: aliasId as string, accountId: accountId as string, removalPolicy };
}

/** The alias, or undefined when it does not exist (DescribeConnectionAliases has no not-found error: it just leaves it out). */
async function describeAlias(ws: WorkSpacesClient, aliasId: string): Promise<ConnectionAlias | undefined> {
  const { ConnectionAliases } = await ws.send(new DescribeConnectionAliasesCommand({ AliasIds: [aliasId] }));
  return ConnectionAliases?.find(a => a.AliasId === aliasId);
}

/**
 * Wait, bounded by the time left, while the alias is CREATING (an alias created in the same
 * deployment starts so), then return it. The API asks for state CREATED before any permission change.
 */
async function createdAlias(share: AliasShare, ctx: ResourceContext): Promise<ConnectionAlias> {
  for (;;) {
    const alias = await describeAlias(workspacesOf(ctx), share.aliasId);
    if (!alias) {
      throw new PreconditionError(`Connection alias ${share.aliasId} does not exist in account ${ctx.accountId} in this Region: create it first, or fix aliasId`);
    }
    if (alias.OwnerAccountId && alias.OwnerAccountId !== ctx.accountId) {
      throw new PreconditionError(`Connection alias ${share.aliasId} is owned by account ${alias.OwnerAccountId}, not ${ctx.accountId}: only the owner of an alias can share it`);
    }
    if (alias.State === 'DELETING') {
      throw new PreconditionError(`Connection alias ${share.aliasId} is being deleted (state DELETING): it cannot be shared; use another alias`);
    }
    if (alias.State !== 'CREATING') return alias;
    if (!ctx.deadline.canWait(ctx.settings.pollIntervalMs)) {
      // Another invocation goes on waiting if the budget allows; else the Reason says what to do.
      throw ctx.deadline.outOfTime(`Connection alias ${share.aliasId} is still CREATING and the time to wait for it ran out: deploy again once it is CREATED`);
    }
    await sleep(ctx.settings.pollIntervalMs);
  }
}

/**
 * The accounts the alias is shared with (AllowAssociation true), read through every page, or
 * undefined when the alias does not exist. An entry with AllowAssociation false (whether the API
 * ever lists one is UNVERIFIED) counts as not shared.
 */
async function sharedAccounts(ws: WorkSpacesClient, aliasId: string): Promise<Set<string> | undefined> {
  const accounts = new Set<string>();
  const read = (nextToken: string | undefined) =>
    ws.send(new DescribeConnectionAliasPermissionsCommand({ AliasId: aliasId, NextToken: nextToken, MaxResults: 25 }));
  try {
    for await (const page of pages(read)) {
      for (const permission of page.ConnectionAliasPermissions ?? []) {
        if (permission.SharedAccountId && permission.AllowAssociation === true) accounts.add(permission.SharedAccountId);
      }
    }
  } catch (error) {
    if (isErrorCode(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
  return accounts;
}

async function setPermission(ws: WorkSpacesClient, aliasId: string, accountId: string, allow: boolean): Promise<void> {
  await ws.send(new UpdateConnectionAliasPermissionCommand({
    AliasId: aliasId,
    ConnectionAliasPermission: { SharedAccountId: accountId, AllowAssociation: allow },
  }));
}

/** The Reason when another account holds the alias's one share; `current` undefined when the API did not say which. */
function oneAccountOnly(aliasId: string, current: string | undefined, wanted: string): string {
  const holder = current ? `account ${current}` : 'another account';
  return `Connection alias ${aliasId} is already shared with ${holder}, and an alias can be shared with only one other account per Region, `
    + `so it cannot also be shared with ${wanted}: unshare it from ${current ?? 'that account'} first (or remove what shares it), then deploy again`;
}

/** Share the alias with the account unless it is shared already; fail, without a write, when another account holds the one share. */
async function ensureShared(share: AliasShare, shared: Set<string>, ctx: ResourceContext): Promise<void> {
  if (shared.has(share.accountId)) return;
  const others = [...shared].filter(a => a !== share.accountId);
  if (others.length > 0) throw new PreconditionError(oneAccountOnly(share.aliasId, others.join(', '), share.accountId));
  ctx.progress.plan('shared', [share.accountId]);
  try {
    await setPermission(workspacesOf(ctx), share.aliasId, share.accountId, true);
  } catch (error) {
    // The model does not say which error means what (UNVERIFIED): ResourceLimitExceeded is the
    // documented one-account limit, InvalidResourceState an alias that is not CREATED.
    if (isErrorCode(error, 'ResourceLimitExceededException')) {
      throw new PreconditionError(oneAccountOnly(share.aliasId, undefined, share.accountId));
    }
    if (isErrorCode(error, 'InvalidResourceStateException')) {
      throw new PreconditionError(`Connection alias ${share.aliasId} is not in a state that allows sharing (it must be CREATED): ${(error as Error).message}`);
    }
    throw error;
  }
  shared.add(share.accountId);
  ctx.progress.record('shared', share.accountId);
}

/** The shared account's association that blocks unsharing, if the alias shows one. */
function blockingAssociation(alias: ConnectionAlias | undefined, accountId: string): ConnectionAliasAssociation | undefined {
  return alias?.Associations?.find(a =>
    a.AssociationStatus !== undefined
    && (a.AssociatedAccountId === accountId || (a.AssociatedAccountId === undefined && a.AssociationStatus === 'ASSOCIATED_WITH_SHARED_ACCOUNT'))
    && (HELD_BY_SHARED_ACCOUNT.has(a.AssociationStatus) || a.AssociationStatus === 'PENDING_DISASSOCIATION'));
}

function associatedError(aliasId: string, accountId: string, association: ConnectionAliasAssociation | undefined, retry: string): PreconditionError {
  const directory = association?.ResourceId ? `directory ${association.ResourceId}` : 'a directory (DescribeConnectionAliases did not name it)';
  const status = association?.AssociationStatus ? ` (${association.AssociationStatus})` : '';
  return new PreconditionError(
    `Connection alias ${aliasId} cannot be unshared from account ${accountId}: that account has it associated with ${directory}${status}. `
    + `First, account ${accountId} must disassociate the alias from ${directory} (DisassociateConnectionAlias); then ${retry} again`,
  );
}

/**
 * Unshare the alias from the account if it is shared with it. Fails at once, without retrying,
 * when the shared account still has the alias associated with a directory: only that account
 * can undo it. Waits (bounded) only while a disassociation is PENDING, which ends by itself.
 */
async function unshare(
  aliasId: string, accountId: string, alias: ConnectionAlias | undefined, shared: Set<string>, ctx: ResourceContext, retry: string,
): Promise<void> {
  if (!shared.has(accountId)) return;
  const ws = workspacesOf(ctx);
  let current = alias;
  for (;;) {
    const association = blockingAssociation(current, accountId);
    if (!association) break;
    if (association.AssociationStatus !== 'PENDING_DISASSOCIATION') throw associatedError(aliasId, accountId, association, retry);
    if (!ctx.deadline.canWait(ctx.settings.pollIntervalMs)) {
      throw ctx.deadline.outOfTime(`Connection alias ${aliasId} is still being disassociated from account ${accountId}'s directory ${association.ResourceId ?? ''} and the time to wait ran out: ${retry} again`);
    }
    await sleep(ctx.settings.pollIntervalMs);
    current = await describeAlias(ws, aliasId);
    if (!current) {
      shared.delete(accountId);
      return;
    }
  }
  ctx.progress.plan('unshared', [accountId]);
  try {
    await setPermission(ws, aliasId, accountId, false);
  } catch (error) {
    if (isErrorCode(error, 'ResourceAssociatedException')) {
      // The association appeared after the read above: read once more only to name the directory.
      const again = await describeAlias(ws, aliasId).catch(() => undefined);
      throw associatedError(aliasId, accountId, again?.Associations?.find(a => a.AssociatedAccountId === accountId && a.ResourceId), retry);
    }
    // An alias deleted meanwhile is unshared. The error for revoking an account never granted is
    // undocumented (UNVERIFIED): the permissions are read first so such a call is never sent, and
    // any other error is reported as it is rather than guessed to mean "not shared".
    if (!isErrorCode(error, 'ResourceNotFoundException')) throw error;
  }
  shared.delete(accountId);
  ctx.progress.record('unshared', accountId);
}

function result(physicalResourceId: string, share: AliasShare): Result {
  return {
    physicalResourceId,
    data: { AliasId: share.aliasId, SharedAccountId: share.accountId },
    log: { aliasId: share.aliasId, sharedAccountId: share.accountId },
  };
}

/** Wait for the alias to be CREATED, then read whom it is shared with. */
async function readAlias(share: AliasShare, ctx: ResourceContext): Promise<{ alias: ConnectionAlias; shared: Set<string> }> {
  const alias = await createdAlias(share, ctx);
  const shared = await sharedAccounts(workspacesOf(ctx), share.aliasId);
  if (!shared) throw new PreconditionError(`Connection alias ${share.aliasId} disappeared while it was being shared: create it again, or fix aliasId`);
  return { alias, shared };
}

/** Wait for the alias to be CREATED, then share it with the account. */
async function shareAlias(share: AliasShare, ctx: ResourceContext): Promise<void> {
  const { shared } = await readAlias(share, ctx);
  await ensureShared(share, shared, ctx);
}

/** Wait for the alias to be CREATED, record this resource as its owner, then share it with the account. */
async function create(share: AliasShare, me: Owner, facts: StackFacts, ctx: ResourceContext): Promise<Result> {
  const { shared } = await readAlias(share, ctx);
  await claimWorkspacesResource('connection alias', share.aliasId, me, facts, ctx);
  // Until the claim is recorded a failed Create answers the physical ID of nothing done, whose Delete touches nothing.
  ctx.physicalResourceIdOnFailure = share.removalPolicy === REMOVAL_POLICY.retain ? failedCreateIdOf(share.aliasId) : share.aliasId;
  await ensureShared(share, shared, ctx);
  return result(share.aliasId, share);
}

/**
 * If this resource owns the alias (see ownership.ts), unshare it from the account and release it;
 * after a rename, only if the other logical ID declares another account; otherwise unshare
 * nothing. Returns what the ownership said, for the log.
 */
async function unshareOwned(aliasId: string, accountId: string, me: Owner, facts: StackFacts, ctx: ResourceContext, retry: string): Promise<string> {
  const action = await workspacesDeleteAction(aliasId, me, facts, ctx);
  if ((await accountsToUnshare(action, [accountId], 'AccountId', facts)).length > 0) {
    const ws = workspacesOf(ctx);
    const alias = await describeAlias(ws, aliasId);
    // An alias that is gone, or DELETING (which the API accepts only once it is unshared), has no share left.
    if (!alias || alias.State === 'DELETING') return `no share left (alias ${alias ? 'DELETING' : 'gone'})`;
    const shared = await sharedAccounts(ws, aliasId);
    if (shared) await unshare(aliasId, accountId, alias, shared, ctx, retry);
  }
  await settleWorkspacesResource(aliasId, action, me, ctx);
  return action.kind;
}

async function update(event: CloudFormationCustomResourceEvent & { RequestType: 'Update' }, share: AliasShare, ctx: ResourceContext): Promise<Result> {
  const old = received<SharedConnectionAliasProperties>(event.OldResourceProperties);
  // Old values that break the rules never shared anything (Create and Update check first).
  const oldAliasId = ifFollows(CONNECTION_ALIAS_ID, old.AliasId);
  const oldAccountId = ifFollows(AWS_ACCOUNT_ID, old.AccountId);

  if (old.AliasId !== share.aliasId) {
    if (event.PhysicalResourceId !== share.aliasId) {
      // Another alias: a replacement. CloudFormation's cleanup Delete unshares the old alias.
      return create(share, ownerOf(event), new StackFacts(event.StackId, ctx), ctx);
    }
    // The physical ID already names the new properties' alias, so this is the rollback of a
    // replacement that failed: keep the share it goes back to, undo the one it made on the other
    // alias if it got as far as owning it.
    await shareAlias(share, ctx);
    if (oldAliasId && oldAccountId) await unshareOwned(oldAliasId, oldAccountId, ownerOf(event), new StackFacts(event.StackId, ctx), ctx, 'update');
    return result(event.PhysicalResourceId, share);
  }

  // The same alias and account: only another property changed (the time budget, say), and there
  // is nothing to read or write. A share removed by hand is not repaired here, as for images.
  if (oldAccountId === share.accountId) return result(event.PhysicalResourceId, share);

  // The same alias. One account per alias: unshare the old account before sharing the new one.
  const { alias, shared } = await readAlias(share, ctx);
  if (oldAccountId && oldAccountId !== share.accountId) await unshare(share.aliasId, oldAccountId, alias, shared, ctx, 'update');
  await ensureShared(share, shared, ctx);
  return result(event.PhysicalResourceId, share);
}

/** Unshare the alias if this resource owns it; with RemovalPolicy retain, keep the share and release the alias. */
const remove = (event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }, ctx: ResourceContext) => removeShare(event, ctx, {
  validate: () => validateAliasShare(event.ResourceProperties, ctx.accountId),
  resourceIdOf: share => share.aliasId,
  logKey: 'aliasId',
  undo: (share, me, facts) => unshareOwned(share.aliasId, share.accountId, me, facts, ctx, 'delete'),
});

/** The digest of what an alias share declares (see lambda/drift/declaration.ts). */
const digestOf = (share: AliasShare) => declarationDigest(RESOURCE_TYPES.sharedConnectionAlias, [share.aliasId, share.accountId]);

export const handleSharedConnectionAlias: ResourceHandler<typeof RESOURCE_TYPES.sharedConnectionAlias> = async (event, ctx) => {
  if (event.RequestType === 'Delete') return remove(event, ctx);
  const share = validateAliasShare(event.ResourceProperties, ctx.accountId);
  const answer = event.RequestType === 'Create'
    ? await create(share, ownerOf(event), new StackFacts(event.StackId, ctx), ctx)
    : await update(event, share, ctx);
  // With a drift check, the declaration this request deployed, for the checks to compare theirs with.
  if (recordsDeclaration(event.ResourceProperties)) await recordWorkspacesDeclaration(share.aliasId, digestOf(share), ctx);
  return answer;
};

/**
 * The drift check of an alias share: read the alias and its permissions; REPORT writes nothing,
 * REPAIR shares the alias with the declared account when no other account holds its one share,
 * ENFORCE first unshares any other account (which fails while that account has the alias
 * associated with a directory), then shares it with the declared one.
 */
export const sharedConnectionAliasDrift: DriftSubjectOf = (declaration, ctx) => {
  const share = validateAliasShare(declaration, ctx.accountId);
  return {
    physicalId: share.aliasId,
    digest: digestOf(share),
    logFields: { aliasId: share.aliasId, declaredAccountId: share.accountId },
    marks: () => workspacesMarks(share.aliasId, ctx),
    reconcile: async (action, gate, findings) => {
      const ws = workspacesOf(ctx);
      const alias = await describeAlias(ws, share.aliasId);
      if (!alias) throw new DriftSkipped(`connection alias ${share.aliasId} does not exist`);
      if (alias.State !== 'CREATED') throw new DriftSkipped(`connection alias ${share.aliasId} is ${alias.State ?? 'in no state'}, not CREATED`);
      const shared = await sharedAccounts(ws, share.aliasId);
      if (!shared) throw new DriftSkipped(`connection alias ${share.aliasId} does not exist`);
      if (!shared.has(share.accountId)) findings.missing.push(share.accountId);
      findings.unexpected.push(...[...shared].filter(a => a !== share.accountId));
      if (action === 'REPORT') return;
      if (action === 'ENFORCE') {
        const unshareOne = (accountId: string) => unshare(share.aliasId, accountId, alias, shared, ctx, 'let the next drift check try');
        if (!await writeEach([...findings.unexpected], gate, findings, findings.unshared, unshareOne)) return;
      }
      if (findings.missing.length === 0) return;
      const holders = [...shared].filter(a => a !== share.accountId);
      if (holders.length > 0) {
        findings.notes.notRepaired = `the alias's one share is held by ${holders.join(', ')}, which nobody declared: REPAIR leaves it, ENFORCE would unshare it first`;
        return;
      }
      await writeEach([share.accountId], gate, findings, findings.repaired, () => ensureShared(share, shared, ctx));
    },
  };
};
