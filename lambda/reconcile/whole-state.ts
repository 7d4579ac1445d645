import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CHECK } from './check';
import { beginRequest, endAfterFailure, holderOf, ownerFromKey, ownerKey } from './deploy';
import { deployInFlight } from './engine';
import { Ledger, LedgerEntry, SupersededError } from './ledger';
import { DriftMarks, DriftSkipped } from '../drift/subject';
import { ownerOf } from '../ownership/ownership';
import type { ResourceContext, ResourceResult } from '../runtime/resource';

/**
 * The engine for an object whose state is written whole (a catalog's connection preferences):
 * no per-account plan, but the same ledger item for its owner and deployed declaration (whether or
 * not the service takes tags on the object), and the same fence: a deploy holds the version for
 * its request, a check writes only while it holds it. The write itself is guarded by the
 * service's own optimistic lock (Partner Central's Revision), so a check's write in flight when a
 * deploy starts makes the deploy's write conflict and read again: no settle is needed.
 */

/**
 * Run a deploy request's work holding the object's version, and record its owner and digest (a
 * Delete: none) in the answer. A failure that does not hand over releases the hold.
 */
export async function holdingWholeState<R extends ResourceResult<any>>(
  ledger: Ledger, event: CloudFormationCustomResourceEvent, digest: string | undefined, ctx: ResourceContext, work: () => Promise<R>,
): Promise<R> {
  const entry = await beginRequest(ledger, event, ctx);
  let result: R;
  try {
    result = await work();
  } catch (error) {
    await endAfterFailure(ledger, entry, [], holderOf(event), error, ctx);
    throw error;
  }
  const owner = digest === undefined ? '' : ownerKey(ownerOf(event));
  await ledger.record(entry.version, holderOf(event), { owner, digest: digest ?? '', answer: true });
  return result;
}

/**
 * What a check of a whole-state object reads from the ledger: the owner and digest to compare, and
 * the fence of a write (DriftSkipped when a deploy holds the object or has begun since `marks`).
 */
export function wholeStateCheck(ledger: Ledger): { marks: () => Promise<DriftMarks>; fence: () => Promise<void> } {
  let entry: LedgerEntry | undefined;
  return {
    marks: async () => {
      entry = await ledger.read();
      return { ownership: { owner: entry.owner ? ownerFromKey(entry.owner) : undefined }, digest: entry.digest };
    },
    fence: async () => {
      if (deployInFlight(entry!)) throw new DriftSkipped(`a deploy of ${ledger.key} is in flight (request ${entry!.requestId})`);
      try {
        await ledger.touch(entry!.version, CHECK);
      } catch (error) {
        if (error instanceof SupersededError) throw new DriftSkipped(error.message);
        throw error;
      }
    },
  };
}
