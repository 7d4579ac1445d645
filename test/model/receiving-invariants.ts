/**
 * I1 and I3 on the receiving side: nothing the receiving stack made is left in the receiving
 * account unless a resource of the stack holds it now (CloudFormation's physical IDs), a RETAIN
 * copy left it, or it was made by hand: no stray copy, bundle or association.
 */
import type { ModelState } from './state';
import type { World } from './world';
import { ALIAS, DIRECTORY, RECEIVER, RECEIVING_STACK } from './world-constants';

/** The physical IDs of the receiving stack's live resources of a type. */
function held(world: World, type: string): Map<string, string> {
  const stack = world.endpoint.cloudformation.stack(RECEIVING_STACK);
  const resources = (stack?.template.Resources ?? {}) as Record<string, { Properties?: Record<string, unknown> }>;
  const live = [...stack?.resources.values() ?? []].filter(r => r.type === type && r.physicalId && !/^DELETE_COMPLETE$/.test(r.status));
  return new Map(live.map(r => [r.physicalId!, String(resources[r.logicalId]?.Properties?.RemovalPolicy ?? '')]));
}

/**
 * Remember the copies the stack holds now, and those a request made and a rollback of the same
 * step removed (a copy's Create that succeeded before another resource failed), with whether each
 * is retained when removed: a RETAIN copy stays after the rollback of the stack's Create, as
 * CloudFormation's own Retain does (RetainExceptOnCreate is the policy that would delete it).
 */
export function rememberCopies(model: ModelState, world: World): void {
  for (const [id, removal] of held(world, 'Custom::WorkspaceImageCopy')) model.knownCopies.set(id, removal.toLowerCase());
  for (const event of world.receivingCfn.events) {
    if (event.ResourceType !== 'Custom::WorkspaceImageCopy' || event.RequestType === 'Delete') continue;
    const answer = world.receivingCfn.answersTo(event)[0];
    if (answer?.Status !== 'SUCCESS' || model.knownCopies.has(answer.PhysicalResourceId)) continue;
    model.knownCopies.set(answer.PhysicalResourceId, String(event.ResourceProperties.RemovalPolicy ?? '').toLowerCase());
  }
}

export function receivingLeftovers(model: ModelState, world: World, invariant: 'I1' | 'I3'): string[] {
  const copies = held(world, 'Custom::WorkspaceImageCopy');
  const retained = (id: string) => model.knownCopies.get(id) === 'retain';
  const strayImages = world.endpoint.workspaces.ownedBy(RECEIVER)
    .filter(i => !copies.has(i.id) && !model.madeByHand.has(i.id) && !retained(i.id)).map(i => `${i.id} (${i.name}, ${i.state})`);
  const bundles = held(world, 'Custom::WorkspaceBundle');
  const strayBundles = world.endpoint.bundles.list().filter(b => b.owner === RECEIVER && !bundles.has(b.id)).map(b => `${b.id} (${b.name})`);
  const association = world.endpoint.aliases.associationOf(ALIAS);
  const associated = association?.accountId === RECEIVER && association.directoryId === DIRECTORY;
  const found: string[] = [];
  if (strayImages.length > 0) found.push(`${invariant}: the receiving account holds copies no resource holds: ${strayImages.join(', ')}`);
  if (strayBundles.length > 0) found.push(`${invariant}: the receiving account holds bundles no resource holds: ${strayBundles.join(', ')}`);
  if (associated && held(world, 'Custom::ConnectionAliasAssociation').size === 0) found.push(`${invariant}: ${ALIAS} is still associated with ${DIRECTORY}, which no resource declares`);
  return found;
}
