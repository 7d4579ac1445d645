/** I2: what a scheduled check that ran with nothing in flight promises, by the construct it checked. */
import { IMAGE_SLOTS, imageConstructId, templateOf } from './declarations';
import { aliasCheckKept, imageCheckKept, partnerCheckKept } from './invariants';
import type { ModelState } from './state';
import { imageKey, imagesOf } from './state';
import type { World } from './world';

/** The construct ID of a custom resource of the model's deployed template: its logical ID less the 8 hex digits of its path's hash. */
function constructOf(model: ModelState, logicalId: string): string | undefined {
  if (!templateOf(model.decl).Resources[logicalId]) return undefined;
  return /^([A-Za-z0-9]+?)[0-9A-F]{8}$/.exec(logicalId)?.[1];
}

/** The violations of I2 for the check of `logicalId` (none when its action promises nothing, or it has no such resource). */
export function checkPromises(model: ModelState, world: World, logicalId: string): () => string[] {
  const construct = model.live && /_COMPLETE$/.test(world.status ?? '') ? constructOf(model, logicalId) : undefined;
  return () => {
    if (!construct) return [];
    for (const slot of IMAGE_SLOTS) {
      const decl = model.decl.images[slot];
      if (!decl || imageConstructId(slot, decl) !== construct || !decl.drift || decl.drift === 'REPORT') continue;
      // Two constructs that name one image: only one owns it, and the other's check changes nothing.
      if (imagesOf(model.decl).filter(i => i.decl.imageId === decl.imageId).length > 1) return [];
      const found = imageCheckKept(model, world, decl);
      // A check that follows the units has unshared the leavers it shared: none may linger any more.
      if (found.length === 0) model.lingering.set(imageKey(slot, decl), new Set());
      return found;
    }
    if (model.decl.alias && construct.startsWith('Alias') && model.decl.alias.drift && model.decl.alias.drift !== 'REPORT') return aliasCheckKept(model, world);
    if (model.decl.partner && construct === 'Connections' && model.decl.partner.drift && model.decl.partner.drift !== 'REPORT') return partnerCheckKept(model, world);
    return [];
  };
}
