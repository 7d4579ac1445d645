import { Membership } from './membership';
import { resolveUnits } from './resolve';
import type { DriftActionValue } from '../../src/contract/drift';
import { organizationsOf } from '../clients/organizations';
import { DriftFindings, WriteGate, writeEach } from '../drift/subject';
import { messageOf } from '../runtime/errors';
import type { ResourceContext } from '../runtime/resource';

/** What a share that follows organizational units declares, besides its image. */
export interface UnitDeclaration {
  readonly accountIds: readonly string[];
  readonly unitIds: readonly string[];
  readonly excludedAccountIds: readonly string[];
  readonly roleArn?: string;
  /** The membership table's name. */
  readonly table: string;
}

/** The writes of one image that the resource handler makes (shared-workspace-image.ts). */
export interface ImageWrites {
  /** Every page of the image's permissions; null when the image does not exist. */
  shared(): Promise<Set<string> | null>;
  /** Share (grant) or unshare one account, confirmed as the handler confirms its writes. */
  write(accountId: string, grant: boolean): Promise<void>;
}

/** Writes between two records of the membership: an invocation that stops carries the unrecorded ones over in its checkpoint. */
const RECORD_EVERY = 25;

/**
 * The declared set: the listed accounts and the ACTIVE accounts of the units (nested ones
 * included), less the excluded ones and the account that owns the image; sorted.
 */
export async function declaredAccounts(declaration: UnitDeclaration, ctx: ResourceContext): Promise<string[]> {
  const orgs = await organizationsOf(ctx, declaration.roleArn);
  const inUnits = await resolveUnits(declaration.unitIds, orgs, declaration.roleArn);
  const excluded = new Set([...declaration.excludedAccountIds, ctx.accountId]);
  return [...new Set([...declaration.accountIds, ...inUnits])].filter(a => !excluded.has(a)).sort();
}

const list = (text: unknown): string[] => (typeof text === 'string' && text !== '' ? text.split(',') : []);

/**
 * Shares and unshares that record what they did in the membership, RECORD_EVERY writes at a
 * time; what is not recorded yet is carried in `ctx.checkpoint` (deploys) so that the
 * invocation that goes on records it first.
 */
class Recorder {
  public added: string[] = [];
  public removed: string[] = [];
  constructor(private readonly membership: Membership) {}

  public note(accountId: string, grant: boolean): void {
    (grant ? this.added : this.removed).push(accountId);
  }

  public get size(): number {
    return this.added.length + this.removed.length;
  }

  public async flush(): Promise<void> {
    if (this.size === 0) return;
    const [added, removed] = [this.added, this.removed];
    await this.membership.record(added, removed);
    this.added = [];
    this.removed = [];
  }
}

/**
 * A Create or Update of a unit-following share: resolve the declared set (before any write,
 * so that a missing unit or a refusal changes nothing), then `prepare` (claim the image), then
 * read the image's permissions and the membership once, and write: share each declared account
 * not shared, unshare each account the membership records (or the old list named) that left the
 * declared set. Accounts shared outside the construct are left alone. The plan is carried in the
 * checkpoint, so an invocation that goes on with the request does not resolve again.
 * Returns how many accounts are declared.
 */
export async function deployUnitShare(
  declaration: UnitDeclaration, membership: Membership, oldRemoved: readonly string[], writes: ImageWrites,
  prepare: () => Promise<void>, ctx: ResourceContext,
): Promise<number> {
  const resume = ctx.resumeFrom ?? {};
  const recorder = new Recorder(membership);
  let grants: string[];
  let revokes: string[];
  let declaredCount: number;
  if (typeof resume.unitGrants === 'string') {
    grants = list(resume.unitGrants);
    revokes = list(resume.unitRevokes);
    declaredCount = Number(resume.declaredCount ?? 0);
    recorder.added = list(resume.unrecordedAdded);
    recorder.removed = list(resume.unrecordedRemoved);
  } else {
    const declared = await declaredAccounts(declaration, ctx);
    await prepare();
    const shared = (await writes.shared()) ?? new Set<string>();
    const stored = await membership.read();
    const wanted = new Set(declared);
    grants = declared.filter(a => !shared.has(a));
    revokes = [...new Set([...stored, ...oldRemoved])].filter(a => shared.has(a) && !wanted.has(a)).sort();
    // Recorded accounts that are neither shared nor declared (unshared by hand): nothing left to remember.
    recorder.removed = [...stored].filter(a => !shared.has(a) && !wanted.has(a));
    declaredCount = declared.length;
  }
  const done = Number(resume.done ?? 0);
  // The plan is joined once: with 5,000 accounts it is about 65 KB, and the checkpoint is noted after every write.
  const unitGrants = grants.join(',');
  const unitRevokes = revokes.join(',');
  const note = () => {
    ctx.checkpoint = {
      ...ctx.checkpoint,
      unitGrants,
      unitRevokes,
      declaredCount,
      unrecordedAdded: recorder.added.join(','),
      unrecordedRemoved: recorder.removed.join(','),
    };
  };
  const steps = [...grants.map(accountId => ({ accountId, grant: true })), ...revokes.map(accountId => ({ accountId, grant: false }))];
  ctx.checkpoint = { ...ctx.checkpoint, done };
  note();
  await recorder.flush();
  note();
  const rest = steps.slice(done);
  for (const step of rest) ctx.progress.plan(step.grant ? 'shared' : 'unshared', [step.accountId]);
  for (const [i, step] of rest.entries()) {
    await writes.write(step.accountId, step.grant);
    recorder.note(step.accountId, step.grant);
    ctx.checkpoint = { ...ctx.checkpoint, done: done + i + 1 };
    note();
    ctx.progress.record(step.grant ? 'shared' : 'unshared', step.accountId);
    if (recorder.size >= RECORD_EVERY) {
      await recorder.flush();
      note();
    }
  }
  await recorder.flush();
  note();
  return declaredCount;
}

/**
 * A scheduled check of a unit-following share: resolve the declared set, read the permissions
 * and the membership. REPORT writes nothing; REPAIR shares the declared accounts not shared and
 * unshares the accounts the membership records that left the declared set; ENFORCE also
 * unshares every other account nobody declared. Each write is recorded in the membership.
 */
export async function reconcileUnitShare(
  declaration: UnitDeclaration, membership: Membership, shared: Set<string>, action: DriftActionValue,
  gate: WriteGate, findings: DriftFindings, writes: ImageWrites, ctx: ResourceContext,
): Promise<void> {
  const declared = await declaredAccounts(declaration, ctx);
  const stored = await membership.read();
  const wanted = new Set(declared);
  findings.missing.push(...declared.filter(a => !shared.has(a)));
  const unexpected = [...shared].filter(a => !wanted.has(a)).sort();
  findings.unexpected.push(...unexpected);
  const left = unexpected.filter(a => stored.has(a));
  const outside = unexpected.filter(a => !stored.has(a));
  Object.assign(findings.notes, { declaredCount: declared.length, leftUnits: left.length, sharedOutside: outside.length });
  if (action === 'REPORT') return;
  const recorder = new Recorder(membership);
  recorder.removed = [...stored].filter(a => !shared.has(a) && !wanted.has(a));
  const write = (grant: boolean) => async (accountId: string) => {
    await writes.write(accountId, grant);
    recorder.note(accountId, grant);
    if (recorder.size >= RECORD_EVERY) await recorder.flush();
  };
  try {
    if (!await writeEach([...findings.missing], gate, findings, findings.repaired, write(true))) return;
    if (!await writeEach(left, gate, findings, findings.unshared, write(false))) return;
    if (action === 'ENFORCE') await writeEach(outside, gate, findings, findings.unshared, write(false));
  } finally {
    try {
      await recorder.flush();
    } catch (error) {
      // Never fatal: an account shared and not recorded is left alone when it leaves (never unshared without proof).
      findings.notes.unrecorded = `${recorder.size} write(s) not recorded: ${messageOf(error)}`;
    }
  }
}
