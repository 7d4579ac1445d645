import {
  GetConnectionPreferencesCommand,
  GetConnectionPreferencesCommandOutput,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateConnectionPreferencesCommand,
} from '@aws-sdk/client-partnercentral-account';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { PartnerConnectionPreferencesAttributes, PartnerConnectionPreferencesProperties, received, RESOURCE_TYPES } from '../../src/contract/resources';
import { breaks, duplicatesOf, follows, MAX_EXCLUDED_PARTICIPANTS, PARTICIPANT_ID, PARTNER_CATALOG } from '../../src/contract/rules';
import { ACCESS_TYPES, AccessType, isAccessType, REMOVAL_POLICY, RemovalPolicyValue } from '../../src/contract/values';
import { partnerCentralOf } from '../clients/partner-central';
import { declarationDigest } from '../drift/declaration';
import { repairedExclusions } from '../drift/exclusions';
import type { DriftFindings, DriftSubjectOf } from '../drift/subject';
import { claimExclusively, TagStore } from '../ownership/claim';
import { failedCreateIdOf, nothingDoneIdOf } from '../ownership/failed-create';
import { deleteAction, DeleteAction, Owner, Ownership, ownerOf, ownershipFrom, settlingChanges } from '../ownership/ownership';
import { readRemovalPolicy } from '../ownership/removal-policy';
import { NOTHING_DONE } from '../ownership/nothing-done';
import { StackFacts } from '../ownership/stacks';
import { Ledger, ledgerKey } from '../reconcile/ledger';
import { holdingWholeState, wholeStateCheck } from '../reconcile/whole-state';
import { sleep } from '../runtime/deadline';
import { InputError, isErrorCode, messageOf } from '../runtime/errors';
import { logger } from '../runtime/logger';
import { NOTHING_TO_UNDO, validForDelete } from '../runtime/resource';
import type { ResourceContext, ResourceHandler, ResourceResult } from '../runtime/resource';

/** What this resource type's handler answers. */
type Result = ResourceResult<PartnerConnectionPreferencesAttributes>;

/** The longest wait between two revision-conflict attempts, whatever the base. */
const MAX_CONFLICT_BACKOFF_MS = 20_000;

/** The resolved properties of a Custom::PartnerConnectionPreferences. */
interface Preferences {
  readonly catalog: string;
  readonly accessType: AccessType;
  readonly excluded: readonly string[];
  readonly removalPolicy: RemovalPolicyValue;
}

/** The state the preferences should reach. */
interface Desired {
  readonly accessType: AccessType;
  readonly excluded: readonly string[];
}

/** What one Get-then-Update round ended with. */
interface Applied {
  readonly revision: number;
  readonly arn: string;
  readonly written: boolean;
  readonly attempts: number;
}

/** The physical ID of the preferences of a catalog: one per account and catalog. */
export function physicalIdOf(catalog: string): string {
  return `connection-preferences:${catalog}`;
}

/** Check resolved properties before any API call; throws InputError naming each bad value. */
export function validatePreferences(properties: Record<string, unknown> | undefined): Preferences {
  const p = received<PartnerConnectionPreferencesProperties>(properties);
  const { Catalog: catalog, AccessType: accessType } = p;
  const excluded = p.ExcludedParticipantIds ?? [];
  const problems: string[] = [];
  if (!follows(PARTNER_CATALOG, catalog)) problems.push(breaks('Catalog', catalog, PARTNER_CATALOG));
  const knownAccessType = isAccessType(accessType);
  if (!knownAccessType) {
    problems.push(`AccessType ${JSON.stringify(accessType)} is not one of ${ACCESS_TYPES.join(', ')}`);
  }
  if (!Array.isArray(excluded)) {
    problems.push(`ExcludedParticipantIds ${JSON.stringify(excluded)} is not a list`);
  } else {
    const bad = excluded.filter(e => !follows(PARTICIPANT_ID, e));
    if (bad.length > 0) problems.push(`ExcludedParticipantIds holds values that are not each ${PARTICIPANT_ID.means} (${PARTICIPANT_ID.pattern}): ${bad.map(b => JSON.stringify(b)).join(', ')}`);
    const repeated = duplicatesOf(excluded.filter((e): e is string => typeof e === 'string'));
    if (repeated.length > 0) problems.push(`ExcludedParticipantIds lists a participant more than once: ${repeated.join(', ')}`);
    if (excluded.length > MAX_EXCLUDED_PARTICIPANTS) problems.push(`ExcludedParticipantIds holds ${excluded.length} identifiers; Partner Central accepts at most ${MAX_EXCLUDED_PARTICIPANTS}`);
    if (knownAccessType && accessType !== 'ALLOW_BY_DEFAULT_DENY_SOME' && excluded.length > 0) {
      problems.push(`ExcludedParticipantIds are only allowed with AccessType ALLOW_BY_DEFAULT_DENY_SOME; with ${accessType} they would mean nothing`);
    }
  }
  const removalPolicy = readRemovalPolicy(p.RemovalPolicy, REMOVAL_POLICY.retain, problems);
  if (problems.length > 0) throw new InputError(`Invalid properties, nothing was changed: ${problems.join('; ')}`);
  return { catalog: catalog as string, accessType: accessType as AccessType, excluded: excluded as string[], removalPolicy };
}

/** The state Delete with RemovalPolicy destroy goes back to. UNVERIFIED: that it is the default of an account never configured. */
const RESET: Desired = { accessType: 'ALLOW_ALL', excluded: [] };

function sameState(current: GetConnectionPreferencesCommandOutput, desired: Desired): boolean {
  const now = new Set(current.ExcludedParticipantIds ?? []);
  return current.AccessType === desired.accessType
    && now.size === desired.excluded.length
    && desired.excluded.every(e => now.has(e));
}

/** The members of a Partner Central error the handler reports. */
interface ServiceError {
  readonly name?: string;
  readonly message?: string;
  readonly Message?: string;
  readonly Reason?: string;
  readonly ErrorDetails?: {
    readonly FieldValidationError?: { Name?: string; Message?: string; Code?: string };
    readonly BusinessValidationError?: { Message?: string; Code?: string };
  }[];
}

function isRevisionConflict(error: unknown): boolean {
  return isErrorCode(error, 'ConflictException') && (error as ServiceError).Reason === 'INCOMPATIBLE_CONNECTION_PREFERENCES_REVISION';
}

/** A Reason for a refusal Partner Central explains with a Reason and, for validation, ErrorDetails. */
function explained(operation: string, catalog: string, error: unknown): unknown {
  if (!isErrorCode(error, 'ConflictException', 'ValidationException', 'AccessDeniedException')) return error;
  const e = error as ServiceError;
  const message = e.Message ?? e.message ?? 'no message';
  let text = `${e.name} (Reason ${e.Reason ?? 'none'}) from ${operation} of catalog ${catalog}: ${message}`;
  if (e.name === 'ValidationException' && e.ErrorDetails && e.ErrorDetails.length > 0) {
    const details = e.ErrorDetails.map(d => {
      if (d.FieldValidationError) return `field ${d.FieldValidationError.Name} ${d.FieldValidationError.Code}: ${d.FieldValidationError.Message}`;
      if (d.BusinessValidationError) return `business rule ${d.BusinessValidationError.Code}: ${d.BusinessValidationError.Message}`;
      return JSON.stringify(d);
    });
    text += `. Details: ${details.join('; ')}`;
  }
  if (e.name === 'AccessDeniedException') {
    text += e.Reason === 'ACCESS_DENIED'
      ? '. The handler role needs partnercentral:GetConnectionPreferences and partnercentral:UpdateConnectionPreferences for this catalog, and the account must be linked to Partner Central'
      : '. The account is not in a Partner Central state that allows this change';
  }
  return new Error(text);
}

/**
 * Bring the preferences of a catalog to `desired`: read the current revision, write the whole
 * state with it, and when someone else wrote in between (a revision conflict), read again and
 * retry with full-jitter exponential backoff, bounded by the attempts setting and the time left.
 * A read that already shows the desired state ends without a write: it would change nothing and
 * would only move the revision (and could collide with another editor).
 */
async function apply(
  catalog: string, wanted: Desired | ((current: GetConnectionPreferencesCommandOutput) => Desired), action: string, ctx: ResourceContext,
  beforeWrite?: (current: GetConnectionPreferencesCommandOutput) => Promise<boolean>,
): Promise<Applied> {
  const pc = partnerCentralOf(ctx);
  const maxAttempts = Math.max(1, Math.floor(ctx.settings.revisionConflictAttempts));
  ctx.progress.plan(action, [catalog]);
  for (let attempt = 1; ; attempt++) {
    let current: GetConnectionPreferencesCommandOutput;
    try {
      current = await pc.send(new GetConnectionPreferencesCommand({ Catalog: catalog }));
    } catch (error) {
      throw explained('GetConnectionPreferences', catalog, error);
    }
    if (typeof current.Revision !== 'number') {
      throw new Error(`GetConnectionPreferences of catalog ${catalog} answered without a Revision, which UpdateConnectionPreferences requires`);
    }
    // Once, after the first read: the ownership check may stop the write before anything changed.
    if (attempt === 1 && beforeWrite && !(await beforeWrite(current))) {
      return { revision: current.Revision, arn: current.Arn ?? '', written: false, attempts: 0 };
    }
    // The state to reach, from what was just read when it depends on it (a drift check's REPAIR).
    const desired = typeof wanted === 'function' ? wanted(current) : wanted;
    if (sameState(current, desired)) {
      ctx.progress.record(action, catalog);
      return { revision: current.Revision, arn: current.Arn ?? '', written: false, attempts: attempt - 1 };
    }
    try {
      const output = await pc.send(new UpdateConnectionPreferencesCommand({
        Catalog: catalog,
        Revision: current.Revision,
        AccessType: desired.accessType,
        // The whole list, [] included: the update replaces the list (UNVERIFIED whether omitting it would keep it).
        ExcludedParticipantIdentifiers: [...desired.excluded],
      }));
      ctx.progress.record(action, catalog);
      return { revision: output.Revision ?? current.Revision, arn: output.Arn ?? current.Arn ?? '', written: true, attempts: attempt };
    } catch (error) {
      if (!isRevisionConflict(error)) throw explained('UpdateConnectionPreferences', catalog, error);
      const keptChanging = `The connection preferences of catalog ${catalog} kept changing under the deploy: each of ${attempt} attempt(s) of UpdateConnectionPreferences found a newer revision than the one just read`;
      if (attempt >= maxAttempts) {
        throw new Error(`${keptChanging} (at most ${maxAttempts} attempts). Another tool or person is editing them: stop it, or deploy again`);
      }
      const delay = Math.random() * Math.min(MAX_CONFLICT_BACKOFF_MS, ctx.settings.revisionConflictBaseMs * 2 ** (attempt - 1));
      if (!ctx.deadline.canWait(delay)) {
        throw new Error(`${keptChanging}, and the time left before the Lambda timeout ran out. Deploy again`);
      }
      await sleep(delay);
    }
  }
}

function result(physicalResourceId: string, prefs: Preferences, applied: Applied): Result {
  return {
    physicalResourceId,
    data: { Revision: String(applied.revision), Arn: applied.arn },
    log: {
      catalog: prefs.catalog,
      accessType: prefs.accessType,
      excludedCount: prefs.excluded.length,
      written: applied.written,
      conflictAttempts: applied.attempts,
    },
  };
}

/**
 * Whether Partner Central refused a tag operation on the preferences ARN. The model's
 * TaggableResourceArn pattern admits that ARN, but whether the service tags connection preferences
 * is UNVERIFIED: a refusal means "no ownership here", never a failed deploy.
 */
function tagsRefused(error: unknown): boolean {
  return isErrorCode(error, 'ValidationException', 'AccessDeniedException', 'ResourceNotFoundException');
}

/** The ownership the preferences record in their tags, or undefined when Partner Central refuses tags on them. */
async function readOwnership(arn: string, ctx: ResourceContext): Promise<Ownership | undefined> {
  try {
    const { Tags } = await partnerCentralOf(ctx).send(new ListTagsForResourceCommand({ ResourceArn: arn }));
    return ownershipFrom(Tags ?? []);
  } catch (error) {
    if (tagsRefused(error)) return undefined;
    throw error;
  }
}

/** Apply a tag change to the preferences; a refusal leaves them unowned (see tagsRefused). */
async function changeTags(arn: string, change: { set: { Key: string; Value: string }[]; remove: string[] }, ctx: ResourceContext): Promise<void> {
  const pc = partnerCentralOf(ctx);
  try {
    if (change.set.length > 0) await pc.send(new TagResourceCommand({ ResourceArn: arn, Tags: change.set }));
    if (change.remove.length > 0) await pc.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: change.remove }));
  } catch (error) {
    // A tag left behind names an owner that CloudFormation will soon not know: no owner (ownership.ts).
    if (!tagsRefused(error)) throw error;
  }
}

/** The tags of the preferences, as a claim reads and writes them; a refusal means Partner Central takes no tags on them. */
function tagStore(arn: string, ctx: ResourceContext): TagStore {
  return {
    read: () => readOwnership(arn, ctx),
    write: async (tags, abortSignal) => {
      try {
        await partnerCentralOf(ctx).send(new TagResourceCommand({ ResourceArn: arn, Tags: tags }), { abortSignal });
        return true;
      } catch (error) {
        if (tagsRefused(error)) return false;
        throw error;
      }
    },
  };
}

const preferencesOf = (catalog: string) => `the connection preferences of catalog ${catalog}`;

/**
 * Write the preferences. A Create, and an Update that moves to another catalog, first record this
 * resource as their owner (see ownership.ts and claim.ts), which fails, changing nothing, when
 * another live stack owns them or claims them at the same time; `claimed` runs once it is recorded.
 */
/** Who claims the preferences before a write, and what to do once the claim is recorded. */
interface Claim {
  readonly me: Owner;
  readonly facts: StackFacts;
  readonly claimed?: () => void;
}

async function put(prefs: Preferences, claim: Claim | undefined, ctx: ResourceContext): Promise<Result> {
  let ownership = 'not checked';
  const claimOwnership = async (current: GetConnectionPreferencesCommandOutput) => {
    const store = current.Arn ? tagStore(current.Arn, ctx) : undefined;
    const claimed = store ? await claimExclusively(preferencesOf(prefs.catalog), store, claim!.me, claim!.facts, ctx) : 'untaggable';
    ownership = claimed === 'untaggable' ? 'unsupported' : 'owned';
    claim!.claimed?.();
    return true;
  };
  const desired = { accessType: prefs.accessType, excluded: prefs.excluded };
  const applied = await apply(prefs.catalog, desired, 'set', ctx, claim ? claimOwnership : undefined);
  const answer = result(physicalIdOf(prefs.catalog), prefs, applied);
  return claim ? { ...answer, log: { ...answer.log, ownership } } : answer;
}

/**
 * Release the preferences without resetting them (a RETAIN Delete, the Delete after a failed
 * Create, the rollback of a catalog change): settle this resource's ownership as a Delete would,
 * so that a rename's note is cleared and another stack can take them over. Never fails: a
 * preferences read or tag change that fails leaves the tags as they are, and says so in the log
 * (tags that name a resource CloudFormation no longer knows are no ownership).
 */
async function release(catalog: string, me: Owner, facts: StackFacts, ctx: ResourceContext): Promise<string> {
  try {
    const { Arn: arn } = await partnerCentralOf(ctx).send(new GetConnectionPreferencesCommand({ Catalog: catalog }));
    const recorded = arn ? await readOwnership(arn, ctx) : undefined;
    if (!arn || !recorded) return 'unsupported';
    const action = await deleteAction(recorded, me, facts);
    await changeTags(arn, settlingChanges(action, me), ctx);
    return action.kind;
  } catch (error) {
    return `not released: ${messageOf(error)}`;
  }
}

async function remove(event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }, ctx: ResourceContext): Promise<Result> {
  const physicalResourceId = event.PhysicalResourceId;
  if (physicalResourceId === nothingDoneIdOf(event.LogicalResourceId)) return { physicalResourceId, log: NOTHING_DONE };
  const prefs = validForDelete(() => validatePreferences(event.ResourceProperties));
  if (!prefs) return { physicalResourceId: event.PhysicalResourceId, log: NOTHING_TO_UNDO };
  const me = ownerOf(event);
  const facts = new StackFacts(event.StackId, ctx);
  if (physicalResourceId !== physicalIdOf(prefs.catalog)) {
    // A Create that failed after its claim (see ownership/failed-create.ts): it wrote no
    // preferences, so there is nothing to reset; only the ownership it recorded goes.
    const ownership = await release(prefs.catalog, me, facts, ctx);
    return { physicalResourceId, log: { catalog: prefs.catalog, skipped: 'the Create failed; nothing to reset', ownership } };
  }
  if (prefs.removalPolicy === REMOVAL_POLICY.retain) {
    const ownership = await release(prefs.catalog, me, facts, ctx);
    return { physicalResourceId, log: { catalog: prefs.catalog, retained: true, ownership } };
  }
  // Reset only what this resource still owns: after a rename, the new resource owns them.
  let action: DeleteAction = { kind: 'unshare', recorded: false, note: false };
  let arn = '';
  const decide = async (current: GetConnectionPreferencesCommandOutput) => {
    arn = current.Arn ?? '';
    const recorded = arn ? await readOwnership(arn, ctx) : undefined;
    // Partner Central refuses tags on them: nothing records an owner, so reset as before ownership.
    if (recorded) action = await deleteAction(recorded, me, facts);
    return action.kind === 'unshare';
  };
  const applied = await apply(prefs.catalog, RESET, 'reset', ctx, decide);
  if (arn) await changeTags(arn, settlingChanges(action, me), ctx);
  const reset = action.kind === 'unshare';
  const log = { catalog: prefs.catalog, reset, ownership: action.kind, written: applied.written, conflictAttempts: applied.attempts };
  return { physicalResourceId, log };
}

/**
 * An Update that moves to another catalog: claim it and write it. When it fails after the claim,
 * it releases that catalog itself: CloudFormation keeps the old physical ID, so no Delete would
 * ever name the new one. The rollback of a catalog change (the physical ID already names the new
 * properties' catalog) releases the catalog the failed attempt moved to, without resetting it.
 */
async function changeCatalog(
  event: CloudFormationCustomResourceEvent & { RequestType: 'Update' }, prefs: Preferences, from: unknown, ctx: ResourceContext,
): Promise<Result> {
  const me = ownerOf(event);
  const facts = new StackFacts(event.StackId, ctx);
  if (event.PhysicalResourceId === physicalIdOf(prefs.catalog) && follows(PARTNER_CATALOG, from)) {
    const released = await release(from, me, facts, ctx);
    const answer = await put(prefs, { me, facts }, ctx);
    return { ...answer, log: { ...answer.log, rolledBackFrom: from, released } };
  }
  let claimed = false;
  try {
    return await put(prefs, { me, facts, claimed: () => { claimed = true; } }, ctx);
  } catch (error) {
    if (claimed) {
      const released = await release(prefs.catalog, me, facts, ctx);
      logger.info('The catalog change failed after its claim; the claim was released', { catalog: prefs.catalog, released });
    }
    throw error;
  }
}

/** The digest of what a preferences resource declares (see lambda/drift/declaration.ts). */
const digestOf = (prefs: Preferences) =>
  declarationDigest(RESOURCE_TYPES.partnerConnectionPreferences, [prefs.catalog, prefs.accessType, prefs.excluded]);

export const handlePartnerConnectionPreferences: ResourceHandler<typeof RESOURCE_TYPES.partnerConnectionPreferences> = async (event, ctx) => {
  if (event.RequestType === 'Delete') {
    const prefs = validForDelete(() => validatePreferences(event.ResourceProperties));
    if (!prefs || event.PhysicalResourceId === nothingDoneIdOf(event.LogicalResourceId)) return remove(event, ctx);
    return holdingWholeState(ledgerOf(prefs.catalog, ctx), event, undefined, ctx, () => remove(event, ctx));
  }
  const prefs = validatePreferences(event.ResourceProperties);
  // The owner and the declaration this request deployed are recorded in the ledger, for the
  // checks to compare theirs with, whether or not Partner Central takes tags on the preferences.
  return holdingWholeState(ledgerOf(prefs.catalog, ctx), event, digestOf(prefs), ctx, () => putPreferences(event, ctx));
};

/** The ledger item of a catalog's preferences (lambda/reconcile/ledger.ts). */
const ledgerOf = (catalog: string, ctx: ResourceContext) => new Ledger(ledgerKey('preferences', catalog), ctx);

/** A Create or an Update. */
async function putPreferences(event: Exclude<CloudFormationCustomResourceEvent, { RequestType: 'Delete' }>, ctx: ResourceContext): Promise<Result> {
  const prefs = validatePreferences(event.ResourceProperties);
  // Create and Update alike write the whole state of the catalog the properties name. A new
  // catalog is a new physical ID (a replacement): CloudFormation's cleanup Delete handles the old one.
  if (event.RequestType === 'Create') {
    // Until the claim is recorded a failed Create answers the physical ID of nothing done, whose Delete touches nothing.
    const claimed = () => { ctx.physicalResourceIdOnFailure = failedCreateIdOf(physicalIdOf(prefs.catalog)); };
    return put(prefs, { me: ownerOf(event), facts: new StackFacts(event.StackId, ctx), claimed }, ctx);
  }
  const old = received<PartnerConnectionPreferencesProperties>(event.OldResourceProperties);
  if (old.Catalog !== prefs.catalog) return changeCatalog(event, prefs, old.Catalog, ctx);
  return put(prefs, undefined, ctx);
};

/** The differences between the preferences in effect and the declared ones, as a check reports them. */
function differences(current: GetConnectionPreferencesCommandOutput, declared: Desired): { missing: string[]; unexpected: string[] } {
  const now = new Set(current.ExcludedParticipantIds ?? []);
  const wanted = new Set(declared.excluded);
  return {
    missing: [
      ...(current.AccessType === declared.accessType ? [] : [`AccessType ${declared.accessType} (found ${current.AccessType ?? 'none'})`]),
      ...declared.excluded.filter(e => !now.has(e)),
    ],
    unexpected: [...now].filter(e => !wanted.has(e)),
  };
}

/**
 * What REPAIR writes: the declared access type and exclusions, with as many exclusions added outside the stack as fit
 * (repairedExclusions) where the access type allows exclusions (else Partner Central refuses them). ENFORCE writes the declaration.
 */
function repairedState(current: GetConnectionPreferencesCommandOutput, declared: Desired): Desired & { dropped?: string[] } {
  if (declared.accessType !== 'ALLOW_BY_DEFAULT_DENY_SOME') return declared;
  return { accessType: declared.accessType, ...repairedExclusions(current.ExcludedParticipantIds ?? [], declared.excluded) };
}

/**
 * The drift check of a catalog's connection preferences: read them; REPORT writes nothing, REPAIR
 * writes the declared access type and the declared exclusions back (keeping exclusions added
 * outside the stack), ENFORCE writes exactly the declaration (removing those). A write carries the
 * Revision just read and, on a revision conflict, reads and tries again as a deploy does.
 */
export const partnerConnectionPreferencesDrift: DriftSubjectOf = (declaration, ctx) => {
  const prefs = validatePreferences(declaration);
  const declared: Desired = { accessType: prefs.accessType, excluded: prefs.excluded };
  const check = wholeStateCheck(ledgerOf(prefs.catalog, ctx));
  return {
    physicalId: physicalIdOf(prefs.catalog),
    digest: digestOf(prefs),
    logFields: { catalog: prefs.catalog, accessType: prefs.accessType, excludedCount: prefs.excluded.length },
    marks: check.marks,
    reconcile: async (action, _stackGate, findings: DriftFindings) => {
      const gate = check.gate;
      let first: GetConnectionPreferencesCommandOutput | undefined;
      const compare = (current: GetConnectionPreferencesCommandOutput) => {
        if (first) return;
        first = current;
        const found = differences(current, declared);
        findings.missing.push(...found.missing);
        findings.unexpected.push(...found.unexpected);
      };
      if (action === 'REPORT') {
        compare(await partnerCentralOf(ctx).send(new GetConnectionPreferencesCommand({ Catalog: prefs.catalog })));
        return;
      }
      let wrote: ReturnType<typeof repairedState> | undefined;
      const desiredOf = (current: GetConnectionPreferencesCommandOutput) => {
        const desired = action === 'ENFORCE' ? declared : repairedState(current, declared);
        wrote = sameState(current, desired) ? undefined : desired;
        return desired;
      };
      const gateWrite = async (current: GetConnectionPreferencesCommandOutput) => {
        compare(current);
        if (!sameState(current, desiredOf(current))) await gate.beforeWrite();
        return true;
      };
      const applied = await apply(prefs.catalog, desiredOf, 'drift-repair', ctx, gateWrite);
      if (!applied.written || !wrote) return;
      const kept = new Set(wrote.excluded);
      findings.repaired.push(...findings.missing);
      findings.unshared.push(...findings.unexpected.filter(e => !kept.has(e)));
      findings.notes.revision = applied.revision;
      if (wrote.dropped?.length) findings.notes.droppedOutside = wrote.dropped;
      if (applied.attempts > 1) findings.notes.conflictAttempts = applied.attempts;
    },
  };
};
