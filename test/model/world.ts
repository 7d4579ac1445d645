/**
 * The real side of the model: a fresh local AWS endpoint (WorkSpaces, Organizations, Partner
 * Central, CloudFormation, Scheduler, Lambda), dynalite for the membership table, a CloudFormation
 * stub that records every request it sends, and one LocalDeployment of the stack `Demo`, all in
 * the virtual time of the jest test that drives it.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ALIAS, IMAGES, OWNER, RECEIVER, RECEIVING_STACK, SOURCE_ONLY, START_PARENTS, UNIT_PARENTS } from './world-constants';
import { CloudFormationStub, Handler, lambdaContext, loadBundledHandler, useFastSettings, useLocalEndpoint } from '../support/handler-harness';
import { SHORT_INVOCATION_MS } from '../support/local-aws';
import { LocalDeployment } from '../support/local-deployment';
import { LocalDynamoDb } from '../support/local-dynamodb';
import { LocalAwsEndpoint } from '../support/local-endpoint';

/** A CloudFormation stub that keeps every request it built, to count their answers (I4). */
export class RecordingStub extends CloudFormationStub {
  public readonly events: CloudFormationCustomResourceEvent[] = [];

  public createEvent(...args: Parameters<CloudFormationStub['createEvent']>) {
    return this.keep(super.createEvent(...args));
  }

  public updateEvent(...args: Parameters<CloudFormationStub['updateEvent']>) {
    return this.keep(super.updateEvent(...args));
  }

  public deleteEvent(...args: Parameters<CloudFormationStub['deleteEvent']>) {
    return this.keep(super.deleteEvent(...args));
  }

  private keep(event: CloudFormationCustomResourceEvent): CloudFormationCustomResourceEvent {
    this.events.push(event);
    return event;
  }
}

let handler: Handler | undefined;

const LONG_INVOCATION_MS = 900_000;
/** A call's latency in a slow step. */
const SLOW_CALL_MS = 100;

/** Seed the organization: the units, and each account where it starts. */
function seedOrganization(endpoint: LocalAwsEndpoint): void {
  for (const [unit, parent] of Object.entries(UNIT_PARENTS)) endpoint.organizations.addUnit(unit, parent);
  for (const [account, parent] of Object.entries(START_PARENTS)) if (parent) endpoint.organizations.addAccount(account, parent);
}

export class World {
  public readonly cfn = new RecordingStub();
  /** The receiving account's stack `Receiving`. */
  public readonly receivingCfn = new RecordingStub(RECEIVING_STACK);
  public receiving!: LocalDeployment;
  public readonly dynamodb = new LocalDynamoDb();
  public endpoint!: LocalAwsEndpoint;
  public deployment!: LocalDeployment;
  public handler!: Handler;
  /** How long each invocation lasts: Lambda's longest, but short in a slow step. */
  public invocationMs = LONG_INVOCATION_MS;
  /** An invocation ran on long after its step (I4): nothing waits for the invocations to end any more. */
  public stuck = false;

  /**
   * A slow step: every call takes 100 ms and every invocation 1.5 s, so that a few writes outlast
   * one invocation and the request is handed over (or, `false`, back to normal). An invocation
   * still fits what a request reads before it plans (about ten calls), as Lambda's 15 minutes
   * always do: with fewer, no hop would ever plan, and the chain would run on to its budget's end.
   */
  public slowDown(slow: boolean): void {
    this.invocationMs = slow ? SHORT_INVOCATION_MS : LONG_INVOCATION_MS;
    this.endpoint.latencyMs = slow ? SLOW_CALL_MS : 5;
    this.endpoint.lambda.serve(this.handler, this.invocationMs);
  }

  /** Resolves once no invocation (check, hand-over, duplicate) is running. */
  public settled(): Promise<void> {
    return this.endpoint.lambda.settled();
  }

  public async stop(): Promise<void> {
    this.endpoint.onCall = undefined;
    if (!this.stuck) await this.settled();
    await this.endpoint.stop();
    await this.dynamodb.stop();
    await this.cfn.stop();
    await this.receivingCfn.stop();
  }

  /** The owner's stack's status in the local CloudFormation. */
  public get status(): string | undefined {
    return this.deployment.status;
  }

  /** The receiving stack's status. */
  public get receivingStatus(): string | undefined {
    return this.receiving.status;
  }
}

/** A fresh world, started. */
export async function startWorld(): Promise<World> {
  const world = new World();
  await world.cfn.start();
  await world.receivingCfn.start();
  world.endpoint = new LocalAwsEndpoint(OWNER);
  useLocalEndpoint(await world.endpoint.start());
  await world.dynamodb.start();
  // Polls every 2 s of virtual time: a receiving resource that waits for a share out of its whole budget takes few steps of the clock.
  // Margins short enough for the short invocations of a slow step (see `slowDown`).
  useFastSettings({ SHARING_POLL_INTERVAL_MS: 2_000, SHARING_STOP_MARGIN_MS: 300, SHARING_WATCHDOG_MARGIN_MS: 100 });
  world.handler = handler ??= loadBundledHandler();
  world.endpoint.lambda.serve(world.handler, 900_000);
  // Every call takes a little virtual time, so that what runs at once interleaves.
  world.endpoint.latencyMs = 5;
  for (const image of IMAGES) world.endpoint.workspaces.addImage(image);
  world.endpoint.aliases.addAlias(ALIAS);
  world.endpoint.addAccount(RECEIVER);
  world.endpoint.workspaces.addImage(SOURCE_ONLY, { sharedWith: [RECEIVER] });
  seedOrganization(world.endpoint);
  world.deployment = new LocalDeployment(world.endpoint, world.cfn, world.handler, () => lambdaContext(OWNER, world.invocationMs));
  world.receiving = new LocalDeployment(world.endpoint, world.receivingCfn, world.handler, () => lambdaContext(RECEIVER, world.invocationMs));
  return world;
}
