import type { ResourceContext } from '../runtime/resource';

/**
 * The engine's checkpoint, typed: what a hand-over carries so that the next invocation of the
 * same request goes on without planning again. One object per request (a Create, an Update, a
 * Delete, or the rollback of a move all touch one object).
 */
export interface EngineCheckpoint {
  /** The ledger version the request holds. */
  readonly version: number;
  /** The plan (plan.ts encodePlan): 14 bytes an account. */
  readonly plan: string;
  /** How many steps of it are done. */
  readonly done: number;
  /** How many accounts are declared (the answer's SharedAccountCount). */
  readonly declaredCount: number;
  /** The object the request works on, when it is not the properties' own (the rollback of a move). */
  readonly objectId: string;
  /** An undo's ownership decision (JSON of a DeleteAction), decided once per request. */
  readonly action?: string;
  /** What an undo records in the ledger at its end (JSON of a LedgerChange). */
  readonly end?: string;
}

/** The checkpoint an earlier invocation of the request handed over, if well-formed. */
export function resumed(ctx: ResourceContext): EngineCheckpoint | undefined {
  const c = ctx.resumeFrom;
  if (!c || typeof c.version !== 'number' || typeof c.plan !== 'string' || typeof c.done !== 'number') return undefined;
  const undo = typeof c.action === 'string' && typeof c.end === 'string' ? { action: c.action, end: c.end } : {};
  return { version: c.version, plan: c.plan, done: c.done, declaredCount: Number(c.declaredCount ?? 0), objectId: String(c.objectId ?? ''), ...undo };
}

/** Note the checkpoint, for a hand-over. */
export function note(ctx: ResourceContext, checkpoint: EngineCheckpoint): void {
  ctx.checkpoint = { ...checkpoint };
}
