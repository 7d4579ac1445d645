/** The receiving side's commands: deploys and deletes of the receiving stack, the owner's changes to its sources, names taken by hand. */
import type { Command } from './commands';
import { settleAndCheck, underFaults } from './commands';
import { describeReceiving, ReceivingDecl, receivingTemplateOf } from './receiving-decl';
import { rememberCopies } from './receiving-invariants';
import { applySource, describeSource, SourceAction } from './source';
import type { ModelState } from './state';
import { DEPLOYING, describeFaults, StepFaults } from './step-faults';
import type { World } from './world';
import { RECEIVER } from './world-constants';

const receivingDeploying = (world: World) => () => DEPLOYING.has(world.receivingStatus ?? '');

export class ReceivingDeployCommand implements Command {
  constructor(readonly decl: ReceivingDecl, readonly faults: StepFaults) {}
  check = () => true;
  async run(model: ModelState, world: World): Promise<void> {
    model.log.push(this.toString());
    const template = receivingTemplateOf(this.decl);
    const { error } = await underFaults(model, world, this.faults, () => world.receiving.deploy(template), receivingDeploying(world));
    rememberCopies(model, world);
    await settleAndCheck(model, world, () => (error ? [error] : []));
  }
  toString = () => `receiving: deploy ${describeReceiving(this.decl)}${describeFaults(this.faults)}`;
}

export class ReceivingDestroyCommand implements Command {
  constructor(readonly faults: StepFaults) {}
  check = () => true;
  async run(model: ModelState, world: World): Promise<void> {
    model.log.push(this.toString());
    rememberCopies(model, world);
    const { error } = await underFaults(model, world, this.faults, () => world.receiving.destroy(), receivingDeploying(world));
    await settleAndCheck(model, world, () => (error ? [error] : []), true);
  }
  toString = () => `receiving: delete the stack${describeFaults(this.faults)}`;
}

export class SourceCommand implements Command {
  constructor(readonly source: number, readonly action: SourceAction) {}
  check = () => true;
  async run(model: ModelState, world: World): Promise<void> {
    model.log.push(this.toString());
    applySource(world, model, this.source, this.action);
    await settleAndCheck(model, world);
  }
  toString = () => `by hand: ${describeSource(this.source, this.action)}`;
}

/** An image of the receiving account made by hand under a name a copy may declare. */
export class TakeNameCommand implements Command {
  constructor(readonly name: string) {}
  check = () => true;
  async run(model: ModelState, world: World): Promise<void> {
    model.log.push(this.toString());
    const id = `wsi-hand${String(model.madeByHand.size + 1).padStart(5, '0')}`;
    world.endpoint.workspaces.addImage(id, { owner: RECEIVER, name: this.name });
    model.madeByHand.add(id);
    await settleAndCheck(model, world);
  }
  toString = () => `by hand: the receiver makes an image named ${this.name}`;
}
