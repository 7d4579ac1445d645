/**
 * The model's commands (fast-check `AsyncCommand`s): each does one step to the real world, brings
 * the model along, waits until the step has settled (the deployment finished, no invocation in
 * flight) and then throws if an invariant is broken, with every violation on its own line.
 */
import type * as fc from 'fast-check';
import { checkPromises } from './check-promises';
import { StackDecl, templateOf } from './declarations';
import { describeDecl } from './describe';
import { settledViolations } from './invariants';
import { applyOrg, describeOrg, OrgChange } from './organization';
import type { ModelState } from './state';
import { armStep, describeFaults, disarmStep, startConcurrentCheck, StepFaults } from './step-faults';
import { afterDeploy, afterDestroy, forgetGone } from './transitions';
import type { World } from './world';
import { ALIAS, IMAGES, OWNER, RECEIVER } from './world-constants';
import type { StepResult } from '../support/local-deployment';

export type Command = fc.AsyncCommand<ModelState, World, false>;

/** With MODEL_TRACE set, each step's command, the stack's status and the shares, on stderr. */
function trace(model: ModelState, world: World): void {
  const shares = IMAGES.map(id => `${id.slice(-1)}:[${world.endpoint.workspaces.sharesOf(id).map(a => a.slice(-1)).join('')}]`).join(' ');
  const received = world.endpoint.workspaces.ownedBy(RECEIVER).map(i => `${i.id}:${i.name}`).join(',');
  const bundles = world.endpoint.bundles.list().map(b => b.name).join(',');
  process.stderr.write(`  ${model.log[model.log.length - 1]}\n    -> ${world.status} ${shares} alias:${world.endpoint.aliases.shareOf(ALIAS)?.slice(-1) ?? '-'}`
    + ` | receiving ${world.receivingStatus} images [${received}] bundles [${bundles}]\n`);
}

/** With MODEL_TRACE set, each request of a deploy or delete and its answer. */
function traceResults(results: StepResult[]): void {
  for (const r of results.filter(x => x.response)) {
    process.stderr.write(`      ${r.phase} ${r.action} ${r.logicalId} ${r.response!.Status}${r.response!.Status === 'FAILED' ? `: ${r.response!.Reason.slice(0, 200)}` : ''}\n`);
  }
}

/** How long after a step an invocation may still run: Lambda's longest invocation. */
const STILL_RUNNING_MS = 15 * 60_000;

/** Whether every invocation ended within `ms` (of virtual time): one that runs on would hang the sequence. */
async function settledWithin(world: World, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>(resolve => (timer = setTimeout(() => resolve(false), ms)));
  const settled = world.stuck ? false : await Promise.race([world.settled().then(() => true), late]);
  clearTimeout(timer);
  // Once one runs on, no later step waits for it again (nor does the world's stop).
  if (!settled) world.stuck = true;
  return settled;
}

/** Settle, bring the model's memory of hand-made shares up to date, and throw the violations found. */
export async function settleAndCheck(model: ModelState, world: World, extra: () => string[] = () => [], afterDelete = false): Promise<void> {
  const settled = await settledWithin(world, STILL_RUNNING_MS);
  disarmStep(world);
  const found = [...extra(), ...await settledViolations(model, world, afterDelete)];
  if (!settled) found.push(`I4: an invocation still runs ${STILL_RUNNING_MS / 60_000} minutes (of virtual time) after the step`);
  if (process.env.MODEL_TRACE) trace(model, world);
  forgetGone(model, id => world.endpoint.workspaces.sharesOf(id), world.endpoint.aliases.shareOf(ALIAS));
  if (found.length > 0) throw new Error(`${found.join('\n')}\n  after: ${model.log.join(' | ')}`);
}

/** Run a deploy or a delete under `faults`: a check first if asked, the hook armed; the organization's states it saw. */
export async function underFaults(model: ModelState, world: World, faults: StepFaults, run: () => Promise<StepResult[]>, deploying?: () => boolean) {
  let reach!: () => void;
  const reached = new Promise<void>(resolve => (reach = resolve));
  const snapshots = armStep(world, model, faults, calls => calls >= (faults.concurrentCheck?.afterCalls ?? 0) && reach(), deploying);
  await startConcurrentCheck(world, faults, reached);
  let error: string | undefined;
  const results = await run().catch((e: Error) => (error = `I4: the step did not finish: ${e.message.split('\n')[0]}`));
  if (process.env.MODEL_TRACE && Array.isArray(results)) traceResults(results);
  await settledWithin(world, STILL_RUNNING_MS);
  return { snapshots, error };
}

export class DeployCommand implements Command {
  constructor(readonly decl: StackDecl, readonly faults: StepFaults) {}
  check = () => true;
  async run(model: ModelState, world: World): Promise<void> {
    model.log.push(this.toString());
    const template = templateOf(this.decl);
    await world.dynamodb.createTablesOf(template);
    const { snapshots, error } = await underFaults(model, world, this.faults, () => world.deployment.deploy(template));
    const followed = afterDeploy(model, this.decl, world.status, snapshots);
    await settleAndCheck(model, world, () => [error ?? '', followed ? '' : `I4: the deploy ends ${world.status}`].filter(Boolean));
  }
  toString = () => `deploy ${describeDecl(this.decl)}${describeFaults(this.faults)}`;
}

export class DestroyCommand implements Command {
  constructor(readonly faults: StepFaults) {}
  check = () => true;
  async run(model: ModelState, world: World): Promise<void> {
    model.log.push(this.toString());
    const { snapshots, error } = await underFaults(model, world, this.faults, () => world.deployment.destroy());
    const followed = afterDestroy(model, world.status, snapshots);
    await settleAndCheck(model, world, () => [error ?? '', followed ? '' : `I4: the delete ends ${world.status}`].filter(Boolean), true);
  }
  toString = () => `delete the stack${describeFaults(this.faults)}`;
}

/** A scheduled check fired with nothing in flight (the i-th schedule there is), maybe delivered twice. */
export class CheckCommand implements Command {
  constructor(readonly schedule: number, readonly twice: boolean) {}
  check = () => true;
  async run(model: ModelState, world: World): Promise<void> {
    model.log.push(this.toString());
    const schedules = world.endpoint.scheduler.list();
    if (schedules.length === 0) return settleAndCheck(model, world);
    const fired = schedules[this.schedule % schedules.length];
    world.endpoint.lambda.delivery = this.twice ? 'twice' : 'once';
    // As the scheduler fires it (without waiting here: settleAndCheck waits, bounded).
    world.endpoint.lambda.enqueue(fired.target.arn, JSON.parse(fired.target.input));
    const promises = checkPromises(model, world, JSON.parse(fired.target.input).LogicalResourceId);
    await settleAndCheck(model, world, promises);
  }
  toString = () => `fire check #${this.schedule}${this.twice ? ', delivered twice' : ''}`;
}

export class OrgCommand implements Command {
  constructor(readonly change: OrgChange) {}
  check = () => true;
  async run(model: ModelState, world: World): Promise<void> {
    model.log.push(this.toString());
    applyOrg(this.change, world, model);
    await settleAndCheck(model, world);
  }
  toString = () => `organization: ${describeOrg(this.change)}`;
}

/** An image shared or unshared by hand. A grant counts as outside the library only if the account was not shared. */
export class HandImageCommand implements Command {
  constructor(readonly imageId: string, readonly account: string, readonly grant: boolean) {}
  check = () => true;
  async run(model: ModelState, world: World): Promise<void> {
    model.log.push(this.toString());
    const before = world.endpoint.workspaces.sharesOf(this.imageId).includes(this.account);
    const input = { ImageId: this.imageId, SharedAccountId: this.account, AllowCopyImage: this.grant };
    try {
      world.endpoint.workspaces.service().operations.UpdateWorkspaceImagePermission(input, OWNER);
    } catch {
      // WorkSpaces refuses to revoke a share that is not there (InvalidParameterValuesException): nothing changed.
    }
    if (this.grant && !before) {
      if (!model.handImage.has(this.imageId)) model.handImage.set(this.imageId, new Set());
      model.handImage.get(this.imageId)!.add(this.account);
    }
    if (!this.grant && before) {
      if (!model.handUnshared.has(this.imageId)) model.handUnshared.set(this.imageId, new Set());
      model.handUnshared.get(this.imageId)!.add(this.account);
    }
    await settleAndCheck(model, world);
  }
  toString = () => `by hand: ${this.grant ? 'share' : 'unshare'} ${this.imageId} ${this.grant ? 'with' : 'from'} ${this.account}`;
}

/** The alias shared with an account by hand (refused while another holds its share), or its share removed. */
export class HandAliasCommand implements Command {
  constructor(readonly account: string | undefined) {}
  check = () => true;
  async run(model: ModelState, world: World): Promise<void> {
    model.log.push(this.toString());
    const current = world.endpoint.aliases.shareOf(ALIAS);
    const target = this.account ?? current;
    if (target) {
      const input = { AliasId: ALIAS, ConnectionAliasPermission: { SharedAccountId: target, AllowAssociation: this.account !== undefined } };
      try {
        world.endpoint.aliases.operations().UpdateConnectionAliasPermission(input, OWNER);
        if (this.account && current === undefined) model.handAlias = this.account;
      } catch {
        // Another account holds the alias's one share: the hand-made change is refused.
      }
    }
    await settleAndCheck(model, world);
  }
  toString = () => (this.account ? `by hand: share the alias with ${this.account}` : 'by hand: unshare the alias');
}

/** Outside exclusions a hand-made edit may add besides the model's participants: with the declared ones they may pass Partner Central's 100. */
const outsideExclusions = (n: number) => Array.from({ length: n }, (_, i) => `outside-${i + 1}`);

/** Partner Central preferences edited by hand, with `outside` more exclusions nobody declares. */
export class HandPartnerCommand implements Command {
  constructor(readonly accessType: string, readonly excluded: string[], readonly outside = 0) {}
  check = () => true;
  async run(model: ModelState, world: World): Promise<void> {
    model.log.push(this.toString());
    const { Revision } = world.endpoint.partnerCentral.preferencesOf('AWS');
    try {
      world.endpoint.partnerCentral.service().operations.UpdateConnectionPreferences({
        Catalog: 'AWS', Revision, AccessType: this.accessType, ExcludedParticipantIdentifiers: [...this.excluded, ...outsideExclusions(this.outside)],
      }, OWNER);
    } catch {
      // More than 100 exclusions: Partner Central refuses the edit, nothing changed.
    }
    await settleAndCheck(model, world);
  }
  toString = () => `by hand: preferences ${this.accessType} [${this.excluded.join(',')}]${this.outside ? ` and ${this.outside} outside exclusions` : ''}`;
}

/** Whether Partner Central accepts tags on the preferences (UNVERIFIED: the model tries both). */
export class PartnerTagsCommand implements Command {
  constructor(readonly taggable: boolean) {}
  check = () => true;
  async run(model: ModelState, world: World): Promise<void> {
    model.log.push(this.toString());
    world.endpoint.partnerCentral.preferencesTaggable = this.taggable;
    await settleAndCheck(model, world);
  }
  toString = () => `Partner Central ${this.taggable ? 'accepts' : 'refuses'} tags on the preferences from now on`;
}

/** A late delivery of an earlier asynchronous invocation (a check's or a hand-over's), after everything settled. */
export class LateDeliveryCommand implements Command {
  constructor(readonly index: number) {}
  check = () => true;
  async run(model: ModelState, world: World): Promise<void> {
    model.log.push(this.toString());
    const delivered = world.endpoint.lambda.invocations;
    if (delivered.length > 0) {
      const { functionName, payload } = delivered[this.index % delivered.length];
      world.endpoint.lambda.enqueue(functionName, JSON.parse(JSON.stringify(payload)));
    }
    await settleAndCheck(model, world);
  }
  toString = () => `late delivery of invocation #${this.index}`;
}
