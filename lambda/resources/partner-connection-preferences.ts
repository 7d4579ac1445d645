import { GetConnectionPreferencesCommand, GetConnectionPreferencesCommandOutput } from '@aws-sdk/client-partnercentral-account';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { DriftActionValue } from '../../src/contract/drift';
import { PartnerConnectionPreferencesAttributes, PartnerConnectionPreferencesProperties, received, RESOURCE_TYPES } from '../../src/contract/resources';
import { breaks, duplicatesOf, follows, MAX_EXCLUDED_PARTICIPANTS, PARTICIPANT_ID, PARTNER_CATALOG } from '../../src/contract/rules';
import { ACCESS_TYPES, AccessType, isAccessType, REMOVAL_POLICY, RemovalPolicyValue } from '../../src/contract/values';
import { partnerCentralOf } from '../clients/partner-central';
import { declarationDigest } from '../drift/declaration';
import type { DriftFindings, DriftSubjectOf } from '../drift/subject';
import { claimExclusively } from '../ownership/claim';
import { failedCreateIdOf, nothingDoneIdOf } from '../ownership/failed-create';
import { NOTHING_DONE } from '../ownership/nothing-done';
import { deleteAction, DeleteAction, Owner, ownerOf, settlingChanges } from '../ownership/ownership';
import { readRemovalPolicy } from '../ownership/removal-policy';
import { StackFacts } from '../ownership/stacks';
import { Applied, apply, Desired, stateOf } from '../partner-central/preferences';
import { changeTags, readOwnership, tagStore } from '../partner-central/tags';
import { Ledger, ledgerKey } from '../reconcile/ledger';
import { holdingWholeState, wholeStateCheck } from '../reconcile/whole-state';
import { WholeStatePlan, wholeStatePlan } from '../reconcile/whole-state-plan';
import { InputError, messageOf } from '../runtime/errors';
import { logger } from '../runtime/logger';
import { NOTHING_TO_UNDO, validForDelete } from '../runtime/resource';
import type { ResourceContext, ResourceHandler, ResourceResult } from '../runtime/resource';

/** What this resource type's handler answers. */
type Result = ResourceResult<PartnerConnectionPreferencesAttributes>;

/** The resolved properties of a Custom::PartnerConnectionPreferences. */
interface Preferences {
  readonly catalog: string;
  readonly accessType: AccessType;
  readonly excluded: readonly string[];
  readonly removalPolicy: RemovalPolicyValue;
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

const preferencesOf = (catalog: string) => `the connection preferences of catalog ${catalog}`;

/** Who claims the preferences before a write, and what to do once the claim is recorded. */
interface Claim {
  readonly me: Owner;
  readonly facts: StackFacts;
  readonly claimed?: () => void;
}

/**
 * Write the preferences. A Create, and an Update that moves to another catalog, first record this
 * resource as their owner (see ownership.ts and claim.ts), which fails, changing nothing, when
 * another live stack owns them or claims them at the same time; `claimed` runs once it is recorded.
 */
async function put(prefs: Preferences, claim: Claim | undefined, ctx: ResourceContext): Promise<Result> {
  let ownership = 'not checked';
  const claimOwnership = async (current: GetConnectionPreferencesCommandOutput) => {
    const store = current.Arn ? tagStore(current.Arn, ctx) : undefined;
    const claimed = store ? await claimExclusively(preferencesOf(prefs.catalog), store, claim!.me, claim!.facts, ctx, physicalIdOf(prefs.catalog)) : 'untaggable';
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
    const action = await deleteAction(recorded, me, facts, physicalIdOf(catalog));
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
    if (recorded) action = await deleteAction(recorded, me, facts, physicalIdOf(prefs.catalog));
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

/**
 * A check of a catalog's preferences: each read goes to the engine's plan (lambda/reconcile/
 * whole-state-plan.ts), which says what REPORT, REPAIR or ENFORCE writes, if anything; a write
 * passes the check's fence first and carries the Revision just read, and on a revision conflict
 * it reads, plans and passes the fence again, as a deploy retries. The findings are the first read's.
 */
async function checkPreferences(
  catalog: string, action: DriftActionValue, declared: Desired, fence: () => Promise<void>, findings: DriftFindings, ctx: ResourceContext,
): Promise<void> {
  let found: WholeStatePlan | undefined;
  let acted: WholeStatePlan | undefined;
  const applied = await apply(catalog, async current => {
    acted = wholeStatePlan(action, declared, stateOf(current));
    if (!found) {
      found = acted;
      findings.missing.push(...found.findings.missing);
      findings.unexpected.push(...found.findings.unexpected);
    }
    if (acted.write) await fence();
    return acted.write;
  }, 'drift-check', ctx);
  if (!applied.written || !acted?.write) return;
  findings.repaired.push(...found!.findings.missing);
  findings.unshared.push(...acted.removed);
  findings.notes.revision = applied.revision;
  if (acted.droppedOutside.length > 0) findings.notes.droppedOutside = acted.droppedOutside;
  if (applied.attempts > 1) findings.notes.conflictAttempts = applied.attempts;
}

/** The drift check of a catalog's connection preferences: the owner and digest from the ledger, and the check above. */
export const partnerConnectionPreferencesDrift: DriftSubjectOf = (declaration, ctx) => {
  const prefs = validatePreferences(declaration);
  const declared: Desired = { accessType: prefs.accessType, excluded: prefs.excluded };
  const check = wholeStateCheck(ledgerOf(prefs.catalog, ctx));
  return {
    physicalId: physicalIdOf(prefs.catalog),
    digest: digestOf(prefs),
    logFields: { catalog: prefs.catalog, accessType: prefs.accessType, excludedCount: prefs.excluded.length },
    marks: check.marks,
    reconcile: (action, findings) => checkPreferences(prefs.catalog, action, declared, check.fence, findings, ctx),
  };
};
