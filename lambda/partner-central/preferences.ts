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
import { partnerCentralOf } from '../clients/partner-central';
import { sameState, StateInEffect, WholeState } from '../reconcile/whole-state-plan';
import { sleep } from '../runtime/deadline';
import { isErrorCode } from '../runtime/errors';
import type { ResourceContext } from '../runtime/resource';

/** The longest wait between two revision-conflict attempts, whatever the base. */
const MAX_CONFLICT_BACKOFF_MS = 20_000;

/** The state the preferences should reach. */
export type Desired = WholeState;

/** What one Get-then-Update round ended with. */
export interface Applied {
  readonly revision: number;
  readonly arn: string;
  readonly written: boolean;
  readonly attempts: number;
}

/** The preferences read, as the engine compares them (lambda/reconcile/whole-state-plan.ts). */
export function stateOf(current: GetConnectionPreferencesCommandOutput): StateInEffect {
  return { accessType: current.AccessType, excluded: current.ExcludedParticipantIds ?? [] };
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
 * would only move the revision (and could collide with another editor). `wanted` as a function
 * (a drift check's) decides from each read what to write, or nothing, and may fence the write.
 */
export async function apply(
  catalog: string, wanted: Desired | ((current: GetConnectionPreferencesCommandOutput) => Promise<Desired | undefined>),
  action: string, ctx: ResourceContext,
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
    // The state to reach, from what was just read when it depends on it (a drift check's).
    const desired = typeof wanted === 'function' ? await wanted(current) : wanted;
    if (desired === undefined || sameState(stateOf(current), desired)) {
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
