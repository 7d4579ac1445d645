import {
  ConnectionAlias,
  ConnectionAliasAssociation,
  DescribeConnectionAliasesCommand,
  DescribeConnectionAliasPermissionsCommand,
  UpdateConnectionAliasPermissionCommand,
  WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import { RESOURCE_TYPES, received, SharedConnectionAliasAttributes, SharedConnectionAliasProperties } from '../../src/contract/resources';
import { AWS_ACCOUNT_ID, breaks, CONNECTION_ALIAS_ID, follows } from '../../src/contract/rules';
import { REMOVAL_POLICY, RemovalPolicyValue } from '../../src/contract/values';
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

/** The resolved properties of a Custom::SharedConnectionAlias. */
/** The resolved properties of a Custom::SharedConnectionAlias. */
interface AliasShare extends Share {
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
  return { objectId: aliasId as string, aliasId: aliasId as string, accountId: accountId as string, removalPolicy };
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

async function setPermission(ws: WorkSpacesClient, aliasId: string, accountId: string, allow: boolean, abortSignal: AbortSignal): Promise<void> {
  await ws.send(new UpdateConnectionAliasPermissionCommand({
    AliasId: aliasId,
    ConnectionAliasPermission: { SharedAccountId: accountId, AllowAssociation: allow },
  }), { abortSignal });
}

/** The Reason when another account holds the alias's one share; `current` undefined when the API did not say which. */
function oneAccountOnly(aliasId: string, current: string | undefined, wanted: string): string {
  const holder = current ? `account ${current}` : 'another account';
  return `Connection alias ${aliasId} is already shared with ${holder}, and an alias can be shared with only one other account per Region, `
    + `so it cannot also be shared with ${wanted}: unshare it from ${current ?? 'that account'} first (or remove what shares it), then deploy again`;
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


/** Share the alias with one account; the one-account limit and a state that forbids it are Reasons that say what to do. */
async function grant(aliasId: string, accountId: string, ctx: ResourceContext, signal: AbortSignal): Promise<void> {
  try {
    await setPermission(workspacesOf(ctx), aliasId, accountId, true, signal);
  } catch (error) {
    // The model does not say which error means what (UNVERIFIED): ResourceLimitExceeded is the
    // documented one-account limit, InvalidResourceState an alias that is not CREATED.
    if (isErrorCode(error, 'ResourceLimitExceededException')) throw new PreconditionError(oneAccountOnly(aliasId, undefined, accountId));
    if (isErrorCode(error, 'InvalidResourceStateException')) {
      throw new PreconditionError(`Connection alias ${aliasId} is not in a state that allows sharing (it must be CREATED): ${(error as Error).message}`);
    }
    throw error;
  }
}

/**
 * Unshare the alias from one account. Fails at once when that account still has the alias
 * associated with a directory (only it can undo that); waits (bounded) only while a
 * disassociation is PENDING, which ends by itself. An alias that is gone or DELETING has no share left.
 */
async function revoke(aliasId: string, accountId: string, ctx: ResourceContext, signal: AbortSignal): Promise<void> {
  const ws = workspacesOf(ctx);
  const retry = ctx.requestType ? ctx.requestType.toLowerCase() : 'let the next drift check try';
  for (;;) {
    const alias = takeRead(ctx, aliasId) ?? await describeAlias(ws, aliasId);
    if (!alias || alias.State === 'DELETING') return;
    const association = blockingAssociation(alias, accountId);
    if (!association) break;
    if (association.AssociationStatus !== 'PENDING_DISASSOCIATION') throw associatedError(aliasId, accountId, association, retry);
    if (!ctx.deadline.canWait(ctx.settings.pollIntervalMs)) {
      throw ctx.deadline.outOfTime(`Connection alias ${aliasId} is still being disassociated from account ${accountId}'s directory ${association.ResourceId ?? ''} and the time to wait ran out: ${retry} again`);
    }
    await sleep(ctx.settings.pollIntervalMs);
  }
  try {
    await setPermission(ws, aliasId, accountId, false, signal);
  } catch (error) {
    if (isErrorCode(error, 'ResourceAssociatedException')) {
      // The association appeared after the read above: read once more only to name the directory.
      const again = await describeAlias(ws, aliasId).catch(() => undefined);
      throw associatedError(aliasId, accountId, again?.Associations?.find(a => a.AssociatedAccountId === accountId && a.ResourceId), retry);
    }
    // An alias deleted meanwhile is unshared. Revoking an account never granted is never sent:
    // the engine revokes only what its ledger holds, settled against the permissions.
    if (!isErrorCode(error, 'ResourceNotFoundException')) throw error;
  }
}

/** The alias as readEffect just read it, for the revoke that follows (one read, not two). */
const aliasesRead = new WeakMap<ResourceContext, Map<string, ConnectionAlias>>();
function takeRead(ctx: ResourceContext, aliasId: string): ConnectionAlias | undefined {
  const alias = aliasesRead.get(ctx)?.get(aliasId);
  aliasesRead.get(ctx)?.delete(aliasId);
  return alias;
}

/** Whom the alias is shared with; null when it is gone or DELETING (which the API accepts only once it is unshared: no share is left). */
async function readEffect(aliasId: string, ctx: ResourceContext): Promise<Set<string> | null> {
  const alias = await describeAlias(workspacesOf(ctx), aliasId);
  if (!alias || alias.State === 'DELETING') return null;
  aliasesRead.set(ctx, new Map([[aliasId, alias]]));
  return (await sharedAccounts(workspacesOf(ctx), aliasId)) ?? null;
}

/** Before a share: the alias exists, is ours and CREATED (waiting while it is CREATING). */
async function prepare(share: AliasShare, ctx: ResourceContext): Promise<void> {
  await createdAlias(share, ctx);
}

/** Share the alias with the account, unless an account nobody declares holds its one share (a Reason, no write). */
async function shareWith(aliasId: string, accountId: string, ctx: ResourceContext, signal: AbortSignal): Promise<void> {
  const shared = await sharedAccounts(workspacesOf(ctx), aliasId);
  if (!shared) throw new PreconditionError(`Connection alias ${aliasId} disappeared while it was being shared: create it again, or fix aliasId`);
  if (shared.has(accountId)) return;
  if (shared.size > 0) throw new PreconditionError(oneAccountOnly(aliasId, [...shared].join(', '), accountId));
  await grant(aliasId, accountId, ctx, signal);
}

/**
 * What differs for an alias share (lambda/reconcile/subject.ts): one declared account, the alias's
 * permissions as what is in effect, and UpdateConnectionAliasPermission per write.
 */
export const SHARED_CONNECTION_ALIAS: SetShareType<AliasShare> = {
  kind: 'alias',
  noun: 'connection alias',
  resourceType: RESOURCE_TYPES.sharedConnectionAlias,
  listProperty: 'AccountId',
  validate: validateAliasShare,
  declared: async share => [share.accountId],
  legacy: async share => [share.accountId],
  prepare,
  readEffect,
  pace: ctx => takeTurn(workspacesOf(ctx), ctx, 'a write'),
  write: (aliasId, step: Step, ctx, signal) => (step.grant ? shareWith : revoke)(aliasId, step.accountId, ctx, signal),
  digestValues: share => [share.aliasId, share.accountId],
  result: (physicalResourceId, share): ResourceResult<SharedConnectionAliasAttributes> => ({
    physicalResourceId,
    data: { AliasId: share.aliasId, SharedAccountId: share.accountId },
    log: { aliasId: share.aliasId, sharedAccountId: share.accountId },
  }),
};

export const handleSharedConnectionAlias = setShareHandler<AliasShare, typeof RESOURCE_TYPES.sharedConnectionAlias>(SHARED_CONNECTION_ALIAS);

/** The drift check of an alias share (lambda/reconcile/check.ts): REPAIR leaves an undeclared holder of the one share, ENFORCE unshares it first. */
export const sharedConnectionAliasDrift = setShareDrift(
  SHARED_CONNECTION_ALIAS, share => ({ aliasId: share.aliasId, declaredAccountId: share.accountId }),
);
