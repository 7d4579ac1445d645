/** How the model follows a deploy or a delete of the stack, from the status it ended in. */
import type { StackDecl } from './declarations';
import type { Member, ModelState } from './state';
import { EMPTY, imagesOf, resolve, setOf } from './state';

/** The accounts a declaration resolves to under any of the organization's states of a step. */
function resolvedDuring(decl: Parameters<typeof resolve>[0], snapshots: Map<string, Member>[]): Set<string> {
  return new Set(snapshots.flatMap(org => [...resolve(decl, org)]));
}

/** What a removed construct leaves: with RETAIN, what it may have shared stays allowed. */
function release(model: ModelState, old: StackDecl, kept: StackDecl, snapshots: Map<string, Member>[]): void {
  const keptKeys = new Set(imagesOf(kept).map(i => i.key));
  for (const { key, decl } of imagesOf(old)) {
    if (keptKeys.has(key)) continue;
    if (decl.removal === 'RETAIN') {
      const retained = setOf(model.retainedImage, decl.imageId);
      for (const a of [...resolvedDuring(decl, snapshots), ...model.lingering.get(key) ?? []]) retained.add(a);
    }
    model.lingering.delete(key);
  }
  if (old.alias && old.alias.removal === 'RETAIN' && JSON.stringify(old.alias) !== JSON.stringify(kept.alias)) {
    model.retainedAlias.add(old.alias.accountId);
  }
}

/** Accounts each kept construct resolved to during the step may still be shared (leavers, until a check). */
function linger(model: ModelState, decl: StackDecl, snapshots: Map<string, Member>[], changed: (key: string) => boolean): void {
  for (const { key, decl: d } of imagesOf(decl)) {
    const during = resolvedDuring(d, snapshots);
    if (changed(key)) model.lingering.set(key, during);
    else for (const a of during) setOf(model.lingering, key).add(a);
  }
}

/** After a deploy of `next` that ended in `status`. False: a status the model does not follow (I4 says why). */
export function afterDeploy(model: ModelState, next: StackDecl, status: string | undefined, snapshots: Map<string, Member>[]): boolean {
  const old = model.decl;
  if (status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE') {
    const before = new Map(imagesOf(old).map(i => [i.key, JSON.stringify(i.decl)]));
    release(model, old, next, snapshots);
    linger(model, next, snapshots, key => before.get(key) !== JSON.stringify(imagesOf(next).find(i => i.key === key)!.decl));
    model.decl = next;
    model.live = true;
    return true;
  }
  if (status === 'UPDATE_ROLLBACK_COMPLETE') {
    linger(model, old, snapshots, () => false);
    return true;
  }
  if (status === 'ROLLBACK_COMPLETE') {
    model.decl = EMPTY;
    model.live = false;
    model.lingering.clear();
    return true;
  }
  return false;
}

/** After the stack's delete ended in `status`. */
export function afterDestroy(model: ModelState, status: string | undefined, snapshots: Map<string, Member>[]): boolean {
  if (status !== 'DELETE_COMPLETE' && status !== undefined) return false;
  release(model, model.decl, EMPTY, snapshots);
  model.decl = EMPTY;
  model.live = false;
  model.lingering.clear();
  return true;
}

/** Forget hand-made and retained shares that are gone (ENFORCE, a revoke by hand, a later delete). */
export function forgetGone(model: ModelState, sharesOf: (imageId: string) => string[], aliasShare: string | undefined): void {
  for (const map of [model.handImage, model.retainedImage]) {
    for (const [imageId, accounts] of map) {
      const shared = new Set(sharesOf(imageId));
      for (const a of [...accounts]) if (!shared.has(a)) accounts.delete(a);
    }
  }
  if (model.handAlias !== aliasShare) model.handAlias = undefined;
  for (const a of [...model.retainedAlias]) if (a !== aliasShare) model.retainedAlias.delete(a);
}
