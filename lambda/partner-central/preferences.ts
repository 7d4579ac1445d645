/**
 * The connection preferences of a Partner Central catalog as a whole state: the Get-then-Update
 * write that carries the revision just read and retries on a revision conflict (apply), how two
 * states compare, and how Partner Central's refusals are explained.
 */
import {
  GetConnectionPreferencesCommand,
  GetConnectionPreferencesCommandOutput,
  UpdateConnectionPreferencesCommand,
} from '@aws-sdk/client-partnercentral-account';
import { AccessType } from '../../src/contract/values';
import { partnerCentralOf } from '../clients/partner-central';
import { repairedExclusions } from '../drift/exclusions';
import { sleep } from '../runtime/deadline';
import { isErrorCode } from '../runtime/errors';
import type { ResourceContext } from '../runtime/resource';

/** The longest wait between two revision-conflict attempts, whatever the base. */
const MAX_CONFLICT_BACKOFF_MS = 20_000;

/** The state the preferences should reach. */
export interface Desired {
  readonly accessType: AccessType;
  readonly excluded: readonly string[];
}

/** What one Get-then-Update round ended with. */
export interface Applied {
  readonly revision: number;
  readonly arn: string;
  readonly written: boolean;
  readonly attempts: number;
}

/** Whether the preferences read are already in the desired state. */
export function sameState(current: GetConnectionPreferencesCommandOutput, desired: Desired): boolean {
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

/** Whether an UpdateConnectionPreferences failed because someone else wrote a newer revision since the read. */
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
export async function apply(
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

/** The differences between the preferences in effect and the declared ones, as a check reports them. */
export function differences(current: GetConnectionPreferencesCommandOutput, declared: Desired): { missing: string[]; unexpected: string[] } {
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
export function repairedState(current: GetConnectionPreferencesCommandOutput, declared: Desired): Desired & { dropped?: string[] } {
  if (declared.accessType !== 'ALLOW_BY_DEFAULT_DENY_SOME') return declared;
  return { accessType: declared.accessType, ...repairedExclusions(current.ExcludedParticipantIds ?? [], declared.excluded) };
}
