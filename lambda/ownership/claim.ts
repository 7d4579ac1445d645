import { claimTags, Owner, Ownership, OwnershipFacts, Tag } from './ownership';
import { sleep } from '../runtime/deadline';
import { messageOf, PreconditionError } from '../runtime/errors';
import type { ResourceContext } from '../runtime/resource';

/** Where a resource's ownership tags are read and written (WorkSpaces tags, Partner Central tags). */
export interface TagStore {
  /** The ownership the tags record; null when the resource does not exist, undefined when it takes no tags. */
  read(): Promise<Ownership | null | undefined>;
  /** Write tags, the request aborted by `signal`; false when the service takes no tags on the resource. */
  write(tags: Tag[], signal: AbortSignal): Promise<boolean | void>;
}

/** What a claim found and did. */
export type ClaimResult = 'owned' | 'claimed' | 'missing' | 'untaggable';

const same = (a: Owner | undefined, b: Owner) => a?.stackId === b.stackId && a.logicalId === b.logicalId;

/**
 * Record `me` as the owner of a resource, exclusively. The tag APIs have no conditional write, so
 * a claim writes, waits `claimSettleMs`, and reads again: of two claims whose reads both found
 * the resource free, the one whose write came last stands, and the other sees it and fails before
 * its first share, having changed nothing that stands. This holds because no claim's write
 * answers later than `claimGapMs` after its read (a slower write is aborted, and the claim fails)
 * and the settle is longer than that gap: the earlier writer's second read comes after the later
 * writer's write. A read that finds another live owner fails at once. `physicalId`: the object's
 * physical ID in CloudFormation, which finds an owner that `cdk refactor` moved (ownership.ts).
 */
export async function claimExclusively(
  what: string, store: TagStore, me: Owner, facts: OwnershipFacts, ctx: ResourceContext, physicalId?: string,
): Promise<ClaimResult> {
  const { claimGapMs, claimSettleMs } = ctx.settings;
  for (let attempt = 1; ; attempt++) {
    const readAt = Date.now();
    const ownership = await store.read();
    if (ownership === null) return 'missing';
    if (ownership === undefined) return 'untaggable';
    const tags = await claimTags(what, ownership, me, facts, physicalId);
    if (tags.length === 0) return 'owned';
    const left = readAt + claimGapMs - Date.now();
    if (left <= 0) {
      // Reading whether the recorded owner lives took too long: read the tags again, fresh.
      if (attempt < 3) continue;
      throw new PreconditionError(`Claiming ${what} took longer than ${claimGapMs} ms between reading and writing its ownership tags, three times; nothing was shared. Deploy again`);
    }
    try {
      if (await store.write(tags, AbortSignal.any([ctx.abort.signal, AbortSignal.timeout(left)])) === false) return 'untaggable';
    } catch (error) {
      throw new PreconditionError(`Recording this resource as the owner of ${what} failed (${messageOf(error)}); nothing was shared. Fix the cause, then deploy again`);
    }
    if (!ctx.deadline.canWait(claimSettleMs)) throw ctx.deadline.outOfTime(`Claiming ${what}: no time was left to confirm the claim`);
    await sleep(claimSettleMs);
    const after = await store.read();
    if (after && !same(after.owner, me)) {
      const winner = after.owner ? `resource ${after.owner.logicalId} of stack ${after.owner.stackId}` : 'nobody (its ownership tags were removed meanwhile)';
      throw new PreconditionError(
        `Another claim on ${what} was made at the same time, and ${winner} owns it now; nothing was shared. `
        + 'Use one construct for it: list all its accounts there, or remove it from the other stack first',
      );
    }
    return 'claimed';
  }
}
