/**
 * The invariants, checked after each settled step (the deployment finished, no invocation in
 * flight). Each returns the violations it finds, one line each, named by invariant:
 * I1 nothing shared that no construct declares (unless shared by hand); I2 a REPAIR or ENFORCE
 * check run with nothing in flight leaves what its action promises; I3 after the stack's delete
 * nothing it shared remains; I4 no stack stuck, every request answered exactly once; I5 the ledger.
 */
import type { ImageDecl } from './declarations';
import { aliasConstructId } from './declarations';
import { receivingLeftovers } from './receiving-invariants';
import { imagesOf, ModelState, resolve } from './state';
import type { World } from './world';
import { ALIAS, IMAGES } from './world-constants';
import { LEDGER, MEMBERSHIP_KEY } from '../../src/contract/membership';

const sorted = (s: Iterable<string>) => [...s].sort().join(',');

/** Per image, the accounts the library may have shared: hand-made, retained, declared now or under an earlier unit membership. */
export function allowedImageShares(model: ModelState, imageId: string): Set<string> {
  const allowed = new Set([...model.handImage.get(imageId) ?? [], ...model.retainedImage.get(imageId) ?? []]);
  if (!model.live) return allowed;
  for (const { key, decl } of imagesOf(model.decl)) {
    if (decl.imageId !== imageId) continue;
    for (const a of resolve(decl, model.org)) allowed.add(a);
    for (const a of model.lingering.get(key) ?? []) allowed.add(a);
  }
  return allowed;
}

/** I1 (and I3 when the stack is deleted): shares of the images and the alias nobody declares. */
export function undeclaredShares(model: ModelState, world: World, invariant: 'I1' | 'I3' = 'I1'): string[] {
  const found: string[] = [];
  for (const imageId of IMAGES) {
    const allowed = allowedImageShares(model, imageId);
    const extra = world.endpoint.workspaces.sharesOf(imageId).filter(a => !allowed.has(a));
    if (extra.length > 0) found.push(`${invariant}: ${imageId} shared with ${sorted(extra)}, which no construct declares (allowed: ${sorted(allowed) || 'none'})`);
  }
  const aliasShare = world.endpoint.aliases.shareOf(ALIAS);
  const declared = model.live && model.decl.alias ? model.decl.alias.accountId : undefined;
  if (aliasShare && aliasShare !== declared && aliasShare !== model.handAlias && !model.retainedAlias.has(aliasShare)) {
    found.push(`${invariant}: ${ALIAS} shared with ${aliasShare}, which no construct declares (declared: ${declared ?? 'none'})`);
  }
  return found;
}

/** I2 for an image share whose REPAIR or ENFORCE check just ran with nothing in flight. */
export function imageCheckKept(model: ModelState, world: World, decl: ImageDecl): string[] {
  const declared = resolve(decl, model.org);
  const actual = new Set(world.endpoint.workspaces.sharesOf(decl.imageId));
  const missing = [...declared].filter(a => !actual.has(a));
  const extra = [...actual].filter(a => !declared.has(a));
  const found: string[] = [];
  if (missing.length > 0) found.push(`I2: after a ${decl.drift} check ${decl.imageId} is not shared with declared ${sorted(missing)}`);
  if (decl.drift === 'ENFORCE' && extra.length > 0) found.push(`I2: after an ENFORCE check ${decl.imageId} is still shared with undeclared ${sorted(extra)}`);
  return found;
}

/** I2 for the alias share. */
export function aliasCheckKept(model: ModelState, world: World): string[] {
  const decl = model.decl.alias!;
  const share = world.endpoint.aliases.shareOf(ALIAS);
  // REPAIR leaves a share another account holds (it says only ENFORCE would unshare it).
  if (decl.drift === 'REPAIR' && share !== undefined && share !== decl.accountId) return [];
  return share === decl.accountId ? [] : [`I2: after a ${decl.drift} check of ${aliasConstructId(decl)} the alias is shared with ${share ?? 'nobody'}, not ${decl.accountId}`];
}

/** I2 for the Partner Central preferences. */
export function partnerCheckKept(model: ModelState, world: World): string[] {
  const decl = model.decl.partner!;
  const actual = world.endpoint.partnerCentral.preferencesOf('AWS');
  const found: string[] = [];
  if (actual.AccessType !== decl.accessType) found.push(`I2: after a ${decl.drift} check the access type is ${actual.AccessType}, not ${decl.accessType}`);
  if (decl.accessType !== 'ALLOW_BY_DEFAULT_DENY_SOME') return found;
  const excluded = new Set(actual.ExcludedParticipantIds ?? []);
  const missing = decl.excluded.filter(p => !excluded.has(p));
  if (missing.length > 0) found.push(`I2: after a ${decl.drift} check the exclusions lack declared ${sorted(missing)}`);
  const extra = [...excluded].filter(p => !decl.excluded.includes(p));
  if (decl.drift === 'ENFORCE' && extra.length > 0) found.push(`I2: after an ENFORCE check the exclusions still hold undeclared ${sorted(extra)}`);
  return found;
}

const STUCK = /^(ROLLBACK_FAILED|UPDATE_ROLLBACK_FAILED|DELETE_FAILED|CREATE_FAILED|UPDATE_FAILED)$|_IN_PROGRESS$/;

/** I4: the stack is not stuck, and every request CloudFormation sent got exactly one answer. */
export function stackHealthy(world: World): string[] {
  const found: string[] = [];
  const stacks = [{ name: 'the stack', status: world.status, cfn: world.cfn }, { name: 'the receiving stack', status: world.receivingStatus, cfn: world.receivingCfn }];
  for (const { name, status, cfn } of stacks) {
    if (status && STUCK.test(status)) found.push(`I4: ${name} ends ${status}`);
    for (const event of cfn.events) {
      const answers = cfn.answersTo(event).length;
      if (answers !== 1) found.push(`I4: ${event.RequestType} ${event.LogicalResourceId} (${event.RequestId}) got ${answers} answers`);
    }
  }
  return found;
}

/**
 * I5, "the ledger holds exactly what the library shared" (lambda/reconcile/ledger.ts: one item per
 * image in the provider's table, its `Shared` set). Per image: every account shared that neither a
 * hand-made share nor a RETAIN removal explains is in the ledger (nothing shared the library cannot
 * find again), and every account the ledger holds is shared, unless it was unshared by hand (a
 * deploy plans from the ledger and does not read; a REPAIR check shares it again).
 */
export async function ledgerInvariant(model: ModelState, world: World): Promise<boolean> {
  const items = await world.dynamodb.items().catch(() => []);
  const ledger = new Map(items.map(i => [String(i[MEMBERSHIP_KEY]?.S), new Set(i[LEDGER.shared]?.SS ?? [])]));
  return IMAGES.every(imageId => {
    const held = ledger.get(`image:${imageId}`) ?? new Set<string>();
    const outside = new Set([...model.handImage.get(imageId) ?? [], ...model.retainedImage.get(imageId) ?? []]);
    const shared = world.endpoint.workspaces.sharesOf(imageId);
    const unsharedByHand = model.handUnshared.get(imageId) ?? new Set<string>();
    return shared.every(a => outside.has(a) || held.has(a)) && [...held].every(a => shared.includes(a) || unsharedByHand.has(a));
  });
}

/** Every invariant that holds after any settled step (I1 or I3, I4, I5). */
export async function settledViolations(model: ModelState, world: World, afterDelete = false): Promise<string[]> {
  const found = [...undeclaredShares(model, world, afterDelete ? 'I3' : 'I1'), ...receivingLeftovers(model, world, afterDelete ? 'I3' : 'I1'), ...stackHealthy(world)];
  if (!(await ledgerInvariant(model, world))) found.push('I5: the ledger does not hold exactly what the library shared');
  return found;
}
