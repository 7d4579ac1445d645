import { deployOn } from './deploy';
import { Ledger, ledgerKey } from './ledger';
import type { SetShareType, Share } from './subject';
import { removeSetShare, undoOn } from './undo';
import type { ResourceType } from '../../src/contract/resources';
import { validForDelete } from '../runtime/resource';
import type { ResourceContext, ResourceHandler } from '../runtime/resource';

/**
 * The handler of a set-share resource type: which object each request works on, and how.
 * - Create: share the declaration on the properties' object.
 * - Update on the same object: move from what the ledger holds to the declaration.
 * - Update to another object (a move): as a Create on the new one; CloudFormation's cleanup
 *   Delete undoes the old one.
 * - The rollback of a failed move (the physical ID already names the properties' object): undo
 *   what the failed attempt did on the object it moved to; the object it goes back to was untouched.
 * - Delete: undo.ts.
 */
export function setShareHandler<S extends Share, T extends ResourceType>(type: SetShareType<S>): ResourceHandler<T> {
  return async (event, ctx) => {
    if (event.RequestType === 'Delete') return removeSetShare(type, event, ctx);
    const share = type.validate(event.ResourceProperties, ctx.accountId);
    if (event.RequestType === 'Create') return deployOn(type, share, 'create', undefined, event, ctx);
    const old = validForDelete(() => type.validate(event.OldResourceProperties, ctx.accountId));
    if (!old || old.objectId === share.objectId) return deployOn(type, share, 'update', old, event, ctx);
    if (event.PhysicalResourceId !== share.objectId) return deployOn(type, share, 'create', undefined, event, ctx);
    const undone = await undoOn(type, old, false, event, ctx);
    const result = type.result(event.PhysicalResourceId, share, await declaredCountOf(type, share, ctx));
    return { ...result, log: { ...result.log, rolledBackFrom: old.objectId, ...undone } };
  };
}

/** How many accounts the ledger records as declared on the object (the rollback of a move changed nothing there). */
async function declaredCountOf<S extends Share>(type: SetShareType<S>, share: S, ctx: ResourceContext): Promise<number> {
  const entry = await new Ledger(ledgerKey(type.kind, share.objectId), ctx).read();
  return entry.declared?.size ?? 0;
}
