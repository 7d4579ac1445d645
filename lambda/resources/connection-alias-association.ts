import {
  AssociateConnectionAliasCommand, ConnectionAlias, ConnectionAliasAssociation, DescribeConnectionAliasesCommand,
  DisassociateConnectionAliasCommand, WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { associationTagKeys } from '../../src/contract/ownership-tags';
import { ConnectionAliasAssociationAttributes, ConnectionAliasAssociationProperties, received, RESOURCE_TYPES } from '../../src/contract/resources';
import { breaks, CONNECTION_ALIAS_ID, DIRECTORY_ID, follows, ifFollows } from '../../src/contract/rules';
import { workspacesOf } from '../clients/workspaces';
import { endsRequest } from '../ownership/created-objects';
import { nothingDoneIdOf } from '../ownership/failed-create';
import { NOTHING_DONE } from '../ownership/nothing-done';
import { Owner, ownerOf } from '../ownership/ownership';
import { StackFacts } from '../ownership/stacks';
import { claimWorkspacesResource, settleWorkspacesResource, TaggedResource, workspacesDeleteAction } from '../ownership/workspaces-tags';
import { sleep } from '../runtime/deadline';
import { InputError, isErrorCode, messageOf, PreconditionError } from '../runtime/errors';
import { logger } from '../runtime/logger';
import { NOTHING_TO_UNDO, validForDelete } from '../runtime/resource';
import type { ResourceContext, ResourceHandler, ResourceResult } from '../runtime/resource';

/** What this resource type's handler answers. */
type Result = ResourceResult<ConnectionAliasAssociationAttributes>;

/** The resolved properties of a Custom::ConnectionAliasAssociation. */
interface Association {
  readonly aliasId: string;
  readonly directoryId: string;
}

/** Association states that hold the alias (NOT_ASSOCIATED does not). */
const HOLDING = new Set(['ASSOCIATED_WITH_OWNER_ACCOUNT', 'ASSOCIATED_WITH_SHARED_ACCOUNT', 'PENDING_ASSOCIATION', 'PENDING_DISASSOCIATION']);

/** Check resolved properties before any API call; throws InputError naming each bad value. */
export function validateAssociation(properties: Record<string, unknown> | undefined): Association {
  const { AliasId: aliasId, DirectoryId: directoryId } = received<ConnectionAliasAssociationProperties>(properties);
  const problems: string[] = [];
  if (!follows(CONNECTION_ALIAS_ID, aliasId)) problems.push(breaks('AliasId', aliasId, CONNECTION_ALIAS_ID));
  if (!follows(DIRECTORY_ID, directoryId)) problems.push(breaks('DirectoryId', directoryId, DIRECTORY_ID));
  if (problems.length > 0) throw new InputError(`Invalid properties, nothing was changed: ${problems.join('; ')}`);
  return { aliasId: aliasId as string, directoryId: directoryId as string };
}

/** The alias as this account sees it, or undefined when it does not see it (not shared with it, or gone). */
async function describeAlias(ws: WorkSpacesClient, aliasId: string): Promise<ConnectionAlias | undefined> {
  const { ConnectionAliases } = await ws.send(new DescribeConnectionAliasesCommand({ AliasIds: [aliasId] }));
  return ConnectionAliases?.find(a => a.AliasId === aliasId);
}

/** The association that holds the alias, if any (one directory per alias and Region). */
const holder = (alias: ConnectionAlias | undefined): ConnectionAliasAssociation | undefined =>
  alias?.Associations?.find(a => a.AssociationStatus !== undefined && HOLDING.has(a.AssociationStatus));

/** Wait one poll interval, or throw the deadline's error with `message` when no time is left for it. */
async function pause(ctx: ResourceContext, message: string): Promise<void> {
  if (!ctx.deadline.canWait(ctx.settings.pollIntervalMs)) throw ctx.deadline.outOfTime(message);
  await sleep(ctx.settings.pollIntervalMs);
}

/**
 * Associate the alias with the directory: wait (bounded by the budget) until the alias is shared
 * with this account and CREATED, associate it unless it is already, and wait through
 * PENDING_ASSOCIATION. An alias held by another directory fails the request, naming it.
 */
async function associate(association: Association, ctx: ResourceContext): Promise<string> {
  const { aliasId, directoryId } = association;
  const ws = workspacesOf(ctx);
  let requested = false;
  let refusals = 0;
  for (;;) {
    const alias = await describeAlias(ws, aliasId);
    if (!alias) {
      await pause(ctx, `Connection alias ${aliasId} is not shared with account ${ctx.accountId} (DescribeConnectionAliases does not list it) `
        + `and the time to wait for the share ran out: the alias's owner must share it with ${ctx.accountId} (a SharedConnectionAlias with that accountId), then deploy again`);
      continue;
    }
    if (alias.State === 'DELETING') throw new PreconditionError(`Connection alias ${aliasId} is being deleted (state DELETING): it cannot be associated; use another alias`);
    if (alias.State === 'CREATING') {
      await pause(ctx, `Connection alias ${aliasId} is still CREATING and the time to wait for it ran out: deploy again once it is CREATED`);
      continue;
    }
    const held = holder(alias);
    if (held && held.ResourceId !== directoryId) {
      const account = held.AssociatedAccountId ? ` of account ${held.AssociatedAccountId}` : '';
      throw new PreconditionError(
        `Connection alias ${aliasId} is already associated with directory ${held.ResourceId ?? '(not named)'}${account} (${held.AssociationStatus}): `
        + `an alias can be associated with one directory per Region, so it cannot also be associated with ${directoryId}; `
        + 'disassociate it from that directory first, then deploy again',
      );
    }
    if (held?.AssociationStatus === 'ASSOCIATED_WITH_SHARED_ACCOUNT' || held?.AssociationStatus === 'ASSOCIATED_WITH_OWNER_ACCOUNT') {
      if (requested) ctx.progress.record('associated', `${aliasId} with ${directoryId}`);
      return held.ConnectionIdentifier ?? '';
    }
    if (held) {
      // PENDING_ASSOCIATION ends by itself; PENDING_DISASSOCIATION too, and then the alias is free again.
      await pause(ctx, `Connection alias ${aliasId} is still ${held.AssociationStatus} for directory ${directoryId} and the time to wait ran out: deploy again`);
      continue;
    }
    if (requested) throw new PreconditionError(`Connection alias ${aliasId} shows no association with ${directoryId} after AssociateConnectionAlias succeeded: deploy again`);
    if (await requestAssociation(ws, association, refusals === 0, ctx)) requested = true;
    else refusals += 1;
  }
}

/**
 * Ask WorkSpaces to associate the alias with the directory; true once it accepted. False when
 * it answers that the alias is associated already and this is its first such refusal: associated
 * meanwhile, the next read names the directory. Refused again with no directory to show (an
 * association this account cannot see), it fails rather than retrying for the whole budget.
 */
async function requestAssociation(ws: WorkSpacesClient, association: Association, firstRefusal: boolean, ctx: ResourceContext): Promise<boolean> {
  const { aliasId, directoryId } = association;
  ctx.progress.plan('associated', [`${aliasId} with ${directoryId}`]);
  try {
    await ws.send(new AssociateConnectionAliasCommand({ AliasId: aliasId, ResourceId: directoryId }));
    return true;
  } catch (error) {
    if (isErrorCode(error, 'ResourceAssociatedException') && firstRefusal) return false;
    if (isErrorCode(error, 'ResourceAssociatedException')) {
      throw new PreconditionError(
        `WorkSpaces says connection alias ${aliasId} is associated with a directory (${messageOf(error)}), though DescribeConnectionAliases `
        + `shows none to account ${ctx.accountId}: ask the alias's owner which directory holds it, disassociate it there, then deploy again`,
      );
    }
    if (isErrorCode(error, 'ResourceNotFoundException')) {
      throw new PreconditionError(`Associating connection alias ${aliasId} with directory ${directoryId} failed: ${messageOf(error)}. Check that the directory is registered with WorkSpaces in this Region`);
    }
    throw error;
  }
}

/**
 * Disassociate the alias if it is associated with the directory, and wait through
 * PENDING_DISASSOCIATION. An alias this account no longer sees, or held by another directory,
 * has nothing to undo here.
 */
async function disassociate(aliasId: string, directoryId: string, ctx: ResourceContext): Promise<boolean> {
  const ws = workspacesOf(ctx);
  let requested = false;
  for (;;) {
    const held = holder(await describeAlias(ws, aliasId));
    if (!held || held.ResourceId !== directoryId) {
      if (requested) ctx.progress.record('disassociated', `${aliasId} from ${directoryId}`);
      return requested;
    }
    if (held.AssociationStatus === 'PENDING_ASSOCIATION' || held.AssociationStatus === 'PENDING_DISASSOCIATION') {
      await pause(ctx, `Connection alias ${aliasId} is still ${held.AssociationStatus} for directory ${directoryId} and the time to wait ran out: delete again`);
      continue;
    }
    ctx.progress.plan('disassociated', [`${aliasId} from ${directoryId}`]);
    try {
      await ws.send(new DisassociateConnectionAliasCommand({ AliasId: aliasId }));
    } catch (error) {
      // Not associated any more (the model names no dedicated error), or gone: the next read tells.
      if (!isErrorCode(error, 'InvalidResourceStateException', 'ResourceNotFoundException')) throw error;
    }
    requested = true;
  }
}

function result(association: Association, connectionIdentifier: string): Result {
  return {
    physicalResourceId: association.aliasId,
    data: { AliasId: association.aliasId, DirectoryId: association.directoryId, ConnectionIdentifier: connectionIdentifier },
    log: { aliasId: association.aliasId, directoryId: association.directoryId },
  };
}

/** Where the ownership of an association is recorded: on its directory, under keys of its alias. */
const recordOf = (aliasId: string, directoryId: string): TaggedResource => ({ resourceId: directoryId, keys: associationTagKeys(aliasId) });

/**
 * Record this resource as the owner of the association (on the directory's tags, see the README's
 * state table) before its first change: a rename takes it over, another live stack's claim fails
 * changing nothing.
 */
async function claim(association: Association, me: Owner, facts: StackFacts, ctx: ResourceContext): Promise<void> {
  const { aliasId, directoryId } = association;
  const claimed = await claimWorkspacesResource(`the association of connection alias ${aliasId} with directory ${directoryId}`,
    recordOf(aliasId, directoryId), me, facts, ctx);
  if (claimed === 'missing') {
    throw new PreconditionError(`Directory ${directoryId} is not registered with WorkSpaces in account ${ctx.accountId} in this Region (DescribeTags does not find it): register it, or fix directoryId`);
  }
}

/**
 * Undo an association as far as this resource owns it (the ownership rows): disassociate it when
 * it owns it (or nobody recorded an owner), leave it to a rename's new resource or another live
 * owner, hand it back on the rollback of a rename; then settle the tags.
 */
async function release(aliasId: string, directoryId: string, me: Owner, facts: StackFacts, ctx: ResourceContext): Promise<string> {
  const record = recordOf(aliasId, directoryId);
  const action = await workspacesDeleteAction(record, me, facts, ctx);
  if (action.kind === 'gone') return action.kind;
  if (action.kind === 'unshare') await disassociate(aliasId, directoryId, ctx);
  await settleWorkspacesResource(record, action, me, ctx);
  return action.kind;
}

/** Claim, then associate (see finish). */
async function create(association: Association, me: Owner, facts: StackFacts, ctx: ResourceContext, inUpdate = false): Promise<Result> {
  await claim(association, me, facts, ctx);
  return finish(association, facts, ctx, inUpdate);
}

/**
 * Associate, once claimed. In a rollback (`inUpdate`: an Update may be one), an alias that its
 * owner no longer shares cannot be associated again, and waiting for it would leave the stack in
 * UPDATE_ROLLBACK_FAILED: the rollback goes on without it (logged), and the stack's later delete
 * has nothing to disassociate.
 */
async function finish(association: Association, facts: StackFacts, ctx: ResourceContext, inUpdate: boolean): Promise<Result> {
  // A failed Create names the alias, so that the Delete that follows undoes what it claimed and associated.
  ctx.physicalResourceIdOnFailure = association.aliasId;
  if (inUpdate && !(await describeAlias(workspacesOf(ctx), association.aliasId)) && (await facts.phase()) === 'rollback') {
    logger.warn('The rollback cannot associate the alias again: its owner no longer shares it with this account; the rollback goes on without it', {
      aliasId: association.aliasId, directoryId: association.directoryId,
    });
    return result(association, '');
  }
  return result(association, await associate(association, ctx));
}

async function update(event: CloudFormationCustomResourceEvent & { RequestType: 'Update' }, association: Association, ctx: ResourceContext): Promise<Result> {
  const me = ownerOf(event);
  const facts = new StackFacts(event.StackId, ctx);
  const old = received<ConnectionAliasAssociationProperties>(event.OldResourceProperties);
  const oldDirectory = ifFollows(DIRECTORY_ID, old.DirectoryId);
  const oldAliasId = ifFollows(CONNECTION_ALIAS_ID, old.AliasId);
  if (old.AliasId !== association.aliasId) {
    // Another alias: a replacement. CloudFormation's cleanup Delete releases the old one.
    if (event.PhysicalResourceId !== association.aliasId) return createReplacement(association, me, facts, ctx);
    // The physical ID already names the new properties' alias: the rollback of a failed
    // replacement. Undo what it did on the other alias, then make sure of this one.
    if (oldAliasId && oldDirectory) await release(oldAliasId, oldDirectory, me, facts, ctx);
    return create(association, me, facts, ctx, true);
  }
  if (oldDirectory && oldDirectory !== association.directoryId) {
    // The same alias, another directory: one directory at a time, so the old one lets go first,
    // once the new one is claimed (a claim that fails changes nothing).
    await claim(association, me, facts, ctx);
    await release(association.aliasId, oldDirectory, me, facts, ctx);
    return { ...(await finish(association, facts, ctx, true)), physicalResourceId: event.PhysicalResourceId };
  }
  return { ...result(association, await associate(association, ctx)), physicalResourceId: event.PhysicalResourceId };
}

/**
 * A replacement (another alias): CloudFormation keeps the old physical ID if it fails, so no
 * Delete would ever name the new association; a failure releases it here (best effort: the
 * rollback Update releases it too).
 */
async function createReplacement(association: Association, me: Owner, facts: StackFacts, ctx: ResourceContext): Promise<Result> {
  try {
    return await create(association, me, facts, ctx);
  } catch (error) {
    if (!endsRequest(error, ctx)) throw error;
    await release(association.aliasId, association.directoryId, me, facts, ctx).catch(cleanup => {
      logger.warn('The failed replacement\'s association could not be undone; the rollback undoes it', { aliasId: association.aliasId, error: messageOf(cleanup) });
    });
    throw error;
  }
}

async function remove(event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }, ctx: ResourceContext): Promise<Result> {
  const physicalResourceId = event.PhysicalResourceId;
  if (physicalResourceId === nothingDoneIdOf(event.LogicalResourceId)) return { physicalResourceId, log: NOTHING_DONE };
  const association = validForDelete(() => validateAssociation(event.ResourceProperties));
  if (!association) return { physicalResourceId, log: NOTHING_TO_UNDO };
  const ownership = await release(association.aliasId, association.directoryId, ownerOf(event), new StackFacts(event.StackId, ctx), ctx);
  return { physicalResourceId, log: { aliasId: association.aliasId, directoryId: association.directoryId, ownership } };
}

export const handleConnectionAliasAssociation: ResourceHandler<typeof RESOURCE_TYPES.connectionAliasAssociation> = async (event, ctx) => {
  if (event.RequestType === 'Delete') return remove(event, ctx);
  const association = validateAssociation(event.ResourceProperties);
  return event.RequestType === 'Create' ? create(association, ownerOf(event), new StackFacts(event.StackId, ctx), ctx) : update(event, association, ctx);
};
