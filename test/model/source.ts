/** What the owner does by hand to the images the receiving side copies: shares, unshares, deletes. */
import { setOf } from './state';
import type { ModelState } from './state';
import type { World } from './world';
import { OWNER, RECEIVER, SOURCE_ONLY, SOURCES } from './world-constants';

export type SourceAction = 'share' | 'unshare' | 'delete';

/** Only the receiving side's own source is ever deleted: the owner's constructs declare the others, which are unshared instead. */
const actionOn = (source: number, action: SourceAction): SourceAction => (action === 'delete' && SOURCES[source] !== SOURCE_ONLY ? 'unshare' : action);

export function describeSource(source: number, action: SourceAction): string {
  const done = actionOn(source, action);
  return `the owner ${done}s img${SOURCES[source].slice(-1)}${done === 'delete' ? '' : ` ${done === 'share' ? 'with' : 'from'} the receiver`}`;
}

export function applySource(world: World, model: ModelState, source: number, action: SourceAction): void {
  const imageId = SOURCES[source];
  if (!world.endpoint.workspaces.has(imageId)) return;
  if (actionOn(source, action) === 'delete') return world.endpoint.workspaces.deleteImage(imageId);
  const grant = action === 'share';
  const before = world.endpoint.workspaces.sharesOf(imageId).includes(RECEIVER);
  try {
    const input = { ImageId: imageId, SharedAccountId: RECEIVER, AllowCopyImage: grant };
    world.endpoint.workspaces.service().operations.UpdateWorkspaceImagePermission(input, OWNER);
  } catch {
    // A revoke of a share that is not there: nothing changed.
  }
  if (grant && !before) setOf(model.handImage, imageId).add(RECEIVER);
  // A share the library made, removed by hand: the ledger still holds it (I5 allows that).
  if (!grant && before) setOf(model.handUnshared, imageId).add(RECEIVER);
}
