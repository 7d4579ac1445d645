/**
 * The real side of the model: a fresh local AWS endpoint (WorkSpaces, Organizations, Partner
 * Central, CloudFormation, Scheduler, Lambda), dynalite for the membership table, a CloudFormation
 * stub that records every request it sends, and one LocalDeployment of the stack `Demo`, all in
 * the virtual time of the jest test that drives it.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CloudFormationStub, Handler, lambdaContext, loadBundledHandler, useFastSettings, useLocalEndpoint } from '../support/handler-harness';
import { LocalDeployment } from '../support/local-deployment';
import { LocalDynamoDb } from '../support/local-dynamodb';
import { LocalAwsEndpoint } from '../support/local-endpoint';
import { ALIAS, IMAGES, OWNER, START_PARENTS, UNIT_PARENTS } from './world-constants';

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

/** Seed the organization: the units, and each account where it starts. */
function seedOrganization(endpoint: LocalAwsEndpoint): void {
  for (const [unit, parent] of Object.entries(UNIT_PARENTS)) endpoint.organizations.addUnit(unit, parent);
  for (const [account, parent] of Object.entries(START_PARENTS)) if (parent) endpoint.organizations.addAccount(account, parent);
}

export class World {
  public readonly cfn = new RecordingStub();
  public readonly dynamodb = new LocalDynamoDb();
  public endpoint!: LocalAwsEndpoint;
  public deployment!: LocalDeployment;
  public handler!: Handler;

  /** A fresh world, started. */
  public static async start(): Promise<World> {
    const world = new World();
    await world.cfn.start();
    world.endpoint = new LocalAwsEndpoint(OWNER);
    useLocalEndpoint(await world.endpoint.start());
    await world.dynamodb.start();
    useFastSettings();
    world.handler = handler ??= loadBundledHandler();
    world.endpoint.lambda.serve(world.handler, 900_000);
    // Every call takes a little virtual time, so that what runs at once interleaves.
    world.endpoint.latencyMs = 5;
    for (const image of IMAGES) world.endpoint.workspaces.addImage(image);
    world.endpoint.aliases.addAlias(ALIAS);
    seedOrganization(world.endpoint);
    world.deployment = new LocalDeployment(world.endpoint, world.cfn, world.handler, () => lambdaContext(OWNER));
    return world;
  }

  /** Resolves once no invocation (check, hand-over, duplicate) is running. */
  public settled(): Promise<void> {
    return this.endpoint.lambda.settled();
  }

  public async stop(): Promise<void> {
    this.endpoint.onCall = undefined;
    await this.settled();
    await this.endpoint.stop();
    await this.dynamodb.stop();
    await this.cfn.stop();
  }

  /** The stack's status in the local CloudFormation. */
  public get status(): string | undefined {
    return this.deployment.status;
  }
}
