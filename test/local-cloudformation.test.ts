/**
 * The local CloudFormation of the test support: the unmodified SDK client reads it over awsQuery,
 * LocalDeployment drives its statuses as CloudFormation does, and the endpoint's gate interleaves calls.
 */
import { CloudFormationClient, DescribeStackResourceCommand, DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { CreateTagsCommand, DescribeTagsCommand, WorkSpacesClient } from '@aws-sdk/client-workspaces';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CloudFormationStub, Handler, lambdaContext } from './support/handler-harness';
import { useLocalAws } from './support/local-aws';
import { LocalDeployment, StepResult, TemplateJson } from './support/local-deployment';

const OWNER = '123456789012';
const STACK = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Demo/11111111-2222-3333-4444-555555555555';

const aws = useLocalAws(OWNER);
const client = () => new CloudFormationClient({ maxAttempts: 1 });

describe('the SDK client against the local CloudFormation', () => {
  beforeEach(() => {
    aws.endpoint.cloudformation.addStack(STACK, {
      status: 'UPDATE_COMPLETE',
      parameters: { Accounts: '111122223333,444455556666' },
      template: { Resources: { Share: { Type: 'Custom::SharedWorkspaceImage', Properties: { ImageId: 'wsi-abc123def' } } } },
      resources: { Share: { type: 'Custom::SharedWorkspaceImage', physicalId: 'wsi-abc123def' } },
    });
  });

  test('DescribeStacks by stack ID and by name', async () => {
    const byId = await client().send(new DescribeStacksCommand({ StackName: STACK }));
    expect(byId.Stacks).toEqual([expect.objectContaining({
      StackId: STACK,
      StackName: 'Demo',
      StackStatus: 'UPDATE_COMPLETE',
      Parameters: [{ ParameterKey: 'Accounts', ParameterValue: '111122223333,444455556666' }],
      CreationTime: expect.any(Date),
    })]);
    const byName = await client().send(new DescribeStacksCommand({ StackName: 'Demo' }));
    expect(byName.Stacks?.[0].StackId).toBe(STACK);
    expect(aws.endpoint.callsOf('DescribeStacks').map(c => c.input)).toEqual([{ StackName: STACK }, { StackName: 'Demo' }]);
  });

  test('DescribeStackResource, and ValidationError for an unknown stack or logical ID', async () => {
    const { StackResourceDetail: detail } = await client().send(new DescribeStackResourceCommand({ StackName: STACK, LogicalResourceId: 'Share' }));
    expect(detail).toMatchObject({ LogicalResourceId: 'Share', PhysicalResourceId: 'wsi-abc123def', ResourceType: 'Custom::SharedWorkspaceImage', ResourceStatus: 'CREATE_COMPLETE' });

    const other = STACK.replace('Demo', 'Other');
    await expect(client().send(new DescribeStacksCommand({ StackName: other }))).rejects.toMatchObject({
      name: 'ValidationError', message: `Stack with id ${other} does not exist`, $metadata: { httpStatusCode: 400 },
    });
    await expect(client().send(new DescribeStackResourceCommand({ StackName: STACK, LogicalResourceId: 'Nope' }))).rejects.toMatchObject({
      name: 'ValidationError', message: 'Resource Nope does not exist for stack Demo',
    });
    expect(aws.endpoint.callsOf('DescribeStackResource').map(c => c.error)).toEqual([undefined, 'ValidationError']);
  });

  test('GetTemplate answers the current template as JSON', async () => {
    const answer = await client().send(new GetTemplateCommand({ StackName: STACK }));
    expect(JSON.parse(answer.TemplateBody!)).toEqual({ Resources: { Share: { Type: 'Custom::SharedWorkspaceImage', Properties: { ImageId: 'wsi-abc123def' } } } });
    expect(answer.StagesAvailable).toEqual(['Original', 'Processed']);
  });

  test('injected faults answer in CloudFormation\'s words, and the SDK retries a throttle', async () => {
    aws.endpoint.inject({ kind: 'throttle', count: 1, operation: 'DescribeStacks' });
    const retried = await new CloudFormationClient({ maxAttempts: 2 }).send(new DescribeStacksCommand({ StackName: STACK }));
    expect(retried.Stacks).toHaveLength(1);
    expect(aws.endpoint.callsOf('DescribeStacks').map(c => c.error)).toEqual(['Throttling', undefined]);

    aws.endpoint.inject({ kind: 'access-denied', count: 1, operation: 'GetTemplate' });
    await expect(client().send(new GetTemplateCommand({ StackName: STACK }))).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
  });
});

/** What a handler-like probe saw of its stack when it got a request. */
interface Seen {
  readonly request: string;
  readonly stackStatus?: string;
  /** The logical IDs of the template GetTemplate answered. */
  readonly template: string[];
}

/**
 * A fake handler that reads its stack (DescribeStacks, GetTemplate) on each request, then
 * answers as `answer` says: SUCCESS with the physical ID in the properties, or FAILED.
 */
function probe(answer: (event: CloudFormationCustomResourceEvent) => 'SUCCESS' | 'FAILED' = () => 'SUCCESS'): { handler: Handler; seen: Seen[] } {
  const seen: Seen[] = [];
  const handler: Handler = async event => {
    const cloudformation = new CloudFormationClient({ maxAttempts: 1 });
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: event.StackId }));
    const { TemplateBody } = await cloudformation.send(new GetTemplateCommand({ StackName: event.StackId }));
    const physicalId = event.RequestType === 'Delete' ? event.PhysicalResourceId : String(event.ResourceProperties.Id);
    seen.push({ request: `${event.RequestType} ${event.LogicalResourceId} ${physicalId}`, stackStatus: Stacks?.[0].StackStatus, template: Object.keys(JSON.parse(TemplateBody!).Resources) });
    await respond(event, answer(event), physicalId);
  };
  return { handler, seen };
}

/** PUT an answer on the event's ResponseURL, as cfn-response does. */
async function respond(event: CloudFormationCustomResourceEvent, Status: string, PhysicalResourceId: string): Promise<void> {
  const { StackId, RequestId, LogicalResourceId } = event;
  await fetch(event.ResponseURL, { method: 'PUT', body: JSON.stringify({ Status, Reason: Status, PhysicalResourceId, StackId, RequestId, LogicalResourceId, Data: {} }) });
}

/** A template of probe resources, each with the physical ID `Id` and optional other properties. */
function template(resources: Record<string, Record<string, unknown>>, parameters?: TemplateJson['Parameters']): TemplateJson {
  return {
    Resources: Object.fromEntries(Object.entries(resources).map(([id, properties]) => [id, { Type: 'Custom::Probe', Properties: properties }])),
    ...(parameters ? { Parameters: parameters } : {}),
  };
}

const steps = (results: StepResult[]) => results.map(r => `${r.phase} ${r.action} ${r.logicalId} ${r.response?.Status}`);
const context = () => lambdaContext(OWNER);

describe('LocalDeployment drives the local CloudFormation', () => {
  test('an update: UPDATE_IN_PROGRESS with the new template, cleanup Deletes in UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, a failed one ignored and forgotten', async () => {
    const { handler, seen } = probe(event => (event.RequestType === 'Delete' && event.PhysicalResourceId === 'old-a' ? 'FAILED' : 'SUCCESS'));
    const deployment = new LocalDeployment(aws.endpoint, aws.cfn, handler, context);

    await deployment.deploy(template({ A: { Id: 'old-a' }, B: { Id: 'b' } }));
    expect(seen.map(s => [s.request, s.stackStatus])).toEqual([['Create A old-a', 'CREATE_IN_PROGRESS'], ['Create B b', 'CREATE_IN_PROGRESS']]);
    expect(deployment.status).toBe('CREATE_COMPLETE');
    seen.length = 0;

    // A is replaced (a new physical ID), B removed: CloudFormation's cleanup deletes the old A and B.
    const updated = await deployment.deploy(template({ A: { Id: 'new-a' }, C: { Id: 'c' } }));
    expect(steps(updated)).toEqual(['deploy Update A SUCCESS', 'deploy Create C SUCCESS', 'cleanup Delete A FAILED', 'cleanup Delete B SUCCESS']);
    expect(seen).toEqual([
      { request: 'Update A new-a', stackStatus: 'UPDATE_IN_PROGRESS', template: ['A', 'C'] },
      { request: 'Create C c', stackStatus: 'UPDATE_IN_PROGRESS', template: ['A', 'C'] },
      { request: 'Delete A old-a', stackStatus: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', template: ['A', 'C'] },
      { request: 'Delete B b', stackStatus: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', template: ['A', 'C'] },
    ]);
    expect(deployment.status).toBe('UPDATE_COMPLETE');
    const { StackResourceDetail } = await client().send(new DescribeStackResourceCommand({ StackName: deployment.stackId, LogicalResourceId: 'A' }));
    expect(StackResourceDetail).toMatchObject({ PhysicalResourceId: 'new-a', ResourceStatus: 'UPDATE_COMPLETE' });
    await expect(client().send(new DescribeStackResourceCommand({ StackName: deployment.stackId, LogicalResourceId: 'B' }))).rejects.toMatchObject({ name: 'ValidationError' });

    // The old A is never deleted again.
    seen.length = 0;
    expect(steps(await deployment.destroy())).toEqual(['delete Delete C SUCCESS', 'delete Delete A SUCCESS']);
    expect(seen.map(s => [s.request, s.stackStatus])).toEqual([['Delete C c', 'DELETE_IN_PROGRESS'], ['Delete A new-a', 'DELETE_IN_PROGRESS']]);
  });

  test('a failed update rolls back: Updates back with the old physical IDs, then the new resources deleted, with the previous template', async () => {
    const { handler, seen } = probe(event => (event.RequestType === 'Update' && event.ResourceProperties.Fail ? 'FAILED' : 'SUCCESS'));
    const deployment = new LocalDeployment(aws.endpoint, aws.cfn, handler, context);
    await deployment.deploy(template({ A: { Id: 'a1' }, C: { Id: 'c' } }));
    seen.length = 0;

    const results = await deployment.deploy(template({ A: { Id: 'a2' }, B: { Id: 'b' }, C: { Id: 'c', Fail: true } }));
    expect(results.map(r => `${r.phase} ${r.action} ${r.logicalId} ${r.physicalId} ${r.response?.Status}`)).toEqual([
      'deploy Update A a1 SUCCESS',
      'deploy Create B undefined SUCCESS',
      'deploy Update C c FAILED',
      'rollback Update C c SUCCESS',
      'rollback Update A a1 SUCCESS',
      'rollback-cleanup Delete B b SUCCESS',
      'rollback-cleanup Delete A a2 SUCCESS',
    ]);
    expect(seen.map(s => [s.request, s.stackStatus, s.template.join()])).toEqual([
      ['Update A a2', 'UPDATE_IN_PROGRESS', 'A,B,C'],
      ['Create B b', 'UPDATE_IN_PROGRESS', 'A,B,C'],
      ['Update C c', 'UPDATE_IN_PROGRESS', 'A,B,C'],
      ['Update C c', 'UPDATE_ROLLBACK_IN_PROGRESS', 'A,C'],
      ['Update A a1', 'UPDATE_ROLLBACK_IN_PROGRESS', 'A,C'],
      ['Delete B b', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'A,C'],
      ['Delete A a2', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'A,C'],
    ]);
    expect(deployment.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  test('the rollback Update carries the old properties, and the new ones as OldResourceProperties', async () => {
    const events: CloudFormationCustomResourceEvent[] = [];
    const { handler } = probe(event => {
      events.push(event);
      return event.RequestType === 'Update' && event.ResourceProperties.Fail ? 'FAILED' : 'SUCCESS';
    });
    const deployment = new LocalDeployment(aws.endpoint, aws.cfn, handler, context);
    await deployment.deploy(template({ A: { Id: 'a', Accounts: ['1'] } }));
    await deployment.deploy(template({ A: { Id: 'a', Accounts: ['2'], Fail: true } }));
    expect(events.at(-1)).toMatchObject({
      RequestType: 'Update',
      PhysicalResourceId: 'a',
      ResourceProperties: { Id: 'a', Accounts: ['1'] },
      OldResourceProperties: { Id: 'a', Accounts: ['2'], Fail: true },
    });
  });

  test('a failed Create of a new stack: ROLLBACK_IN_PROGRESS deletes, the failed one by its FAILED physical ID, ROLLBACK_COMPLETE', async () => {
    const { handler, seen } = probe(event => (event.LogicalResourceId === 'B' && event.RequestType === 'Create' ? 'FAILED' : 'SUCCESS'));
    const deployment = new LocalDeployment(aws.endpoint, aws.cfn, handler, context);

    const results = await deployment.deploy(template({ A: { Id: 'a' }, B: { Id: 'b-failed' }, C: { Id: 'c' } }));
    expect(steps(results)).toEqual(['deploy Create A SUCCESS', 'deploy Create B FAILED', 'rollback Delete B SUCCESS', 'rollback Delete A SUCCESS']);
    expect(seen.map(s => [s.request, s.stackStatus])).toEqual([
      ['Create A a', 'CREATE_IN_PROGRESS'], ['Create B b-failed', 'CREATE_IN_PROGRESS'], ['Delete B b-failed', 'ROLLBACK_IN_PROGRESS'], ['Delete A a', 'ROLLBACK_IN_PROGRESS'],
    ]);
    expect(deployment.status).toBe('ROLLBACK_COMPLETE');
  });

  test('rollback: false stops at the failure, as --no-rollback does', async () => {
    const { handler } = probe(event => (event.LogicalResourceId === 'A' ? 'FAILED' : 'SUCCESS'));
    const deployment = new LocalDeployment(aws.endpoint, aws.cfn, handler, context, { rollback: false });
    expect(steps(await deployment.deploy(template({ A: { Id: 'a' }, B: { Id: 'b' } })))).toEqual(['deploy Create A FAILED']);
    expect(deployment.status).toBe('CREATE_FAILED');
  });

  test('destroy: DELETE_IN_PROGRESS, then the stack by ID answers DELETE_COMPLETE with its resources, and by name not at all', async () => {
    const { handler, seen } = probe();
    const deployment = new LocalDeployment(aws.endpoint, aws.cfn, handler, context);
    await deployment.deploy(template({ A: { Id: 'a' } }));
    await deployment.destroy();

    expect(seen.at(-1)).toMatchObject({ request: 'Delete A a', stackStatus: 'DELETE_IN_PROGRESS' });
    const { Stacks } = await client().send(new DescribeStacksCommand({ StackName: deployment.stackId }));
    expect(Stacks?.[0]).toMatchObject({ StackStatus: 'DELETE_COMPLETE', DeletionTime: expect.any(Date) });
    const { StackResourceDetail } = await client().send(new DescribeStackResourceCommand({ StackName: deployment.stackId, LogicalResourceId: 'A' }));
    expect(StackResourceDetail).toMatchObject({ PhysicalResourceId: 'a', ResourceStatus: 'DELETE_COMPLETE' });
    await expect(client().send(new DescribeStacksCommand({ StackName: 'Demo' }))).rejects.toMatchObject({ name: 'ValidationError' });
  });

  test('parameters: set by deploy(), kept by the next one, a CommaDelimitedList resolved to a list', async () => {
    const events: CloudFormationCustomResourceEvent[] = [];
    const { handler } = probe(event => {
      events.push(event);
      return 'SUCCESS';
    });
    const deployment = new LocalDeployment(aws.endpoint, aws.cfn, handler, context);
    const parameters = { Accounts: { Type: 'CommaDelimitedList' }, Image: { Type: 'String', Default: 'wsi-default' } };
    const withParameters = (extra: Record<string, unknown> = {}) => template({ A: { Id: 'a', AccountIds: { Ref: 'Accounts' }, ImageId: { Ref: 'Image' }, ...extra } }, parameters);

    await deployment.deploy(withParameters(), { parameters: { Accounts: ['111122223333', '444455556666'] } });
    expect(events[0].ResourceProperties).toMatchObject({ AccountIds: ['111122223333', '444455556666'], ImageId: 'wsi-default' });
    await deployment.deploy(withParameters({ Note: 'x' }), { parameters: { Image: 'wsi-other' } });
    expect(events[1].ResourceProperties).toMatchObject({ AccountIds: ['111122223333', '444455556666'], ImageId: 'wsi-other' });

    const { Stacks } = await client().send(new DescribeStacksCommand({ StackName: deployment.stackId }));
    expect(Stacks?.[0].Parameters).toEqual([
      { ParameterKey: 'Accounts', ParameterValue: '111122223333,444455556666' },
      { ParameterKey: 'Image', ParameterValue: 'wsi-other' },
    ]);
    await expect(deployment.deploy(withParameters(), { parameters: { Nope: 'x' } })).rejects.toThrow('Parameters: [Nope] do not exist in the template');
  });
});

describe('two stacks at once', () => {
  const teamB = new CloudFormationStub('arn:aws:cloudformation:eu-west-1:123456789012:stack/TeamB/22222222-3333-4444-5555-666666666666');
  beforeAll(() => teamB.start());
  afterAll(() => teamB.stop());

  /** A claimant: reads the image's tags, then writes its own. */
  const claimant: Handler = async event => {
    const workspaces = new WorkSpacesClient({ maxAttempts: 1 });
    let Status = 'SUCCESS';
    try {
      await workspaces.send(new DescribeTagsCommand({ ResourceId: 'wsi-abc123def' }));
      await workspaces.send(new CreateTagsCommand({ ResourceId: 'wsi-abc123def', Tags: [{ Key: 'owner', Value: event.StackId }] }));
    } catch {
      Status = 'FAILED';
    }
    await respond(event, Status, 'wsi-abc123def');
  };

  test('deploy concurrently, each in its own stack; a gate makes both reads happen before either write', async () => {
    aws.endpoint.workspaces.addImage('wsi-abc123def');
    const demo = new LocalDeployment(aws.endpoint, aws.cfn, claimant, context);
    const other = new LocalDeployment(aws.endpoint, teamB, claimant, context);
    const opened = aws.endpoint.gate('DescribeTags', 2);

    const [a, b] = await Promise.all([demo.deploy(template({ Share: { Id: 'x' } })), other.deploy(template({ Share: { Id: 'x' } }))]);
    await opened;

    expect([steps(a), steps(b)]).toEqual([['deploy Create Share SUCCESS'], ['deploy Create Share SUCCESS']]);
    expect(aws.endpoint.calls.filter(c => c.operation.endsWith('Tags')).map(c => c.operation)).toEqual(['DescribeTags', 'DescribeTags', 'CreateTags', 'CreateTags']);
    expect([demo.status, other.status]).toEqual(['CREATE_COMPLETE', 'CREATE_COMPLETE']);
    expect(aws.endpoint.cloudformation.stack('TeamB')?.resources.get('Share')?.physicalId).toBe('wsi-abc123def');
  });

  test('a gate that does not fill in time lets its calls go and rejects', async () => {
    aws.endpoint.workspaces.addImage('wsi-abc123def');
    const opened = aws.endpoint.gate('DescribeTags', 2, { timeoutMs: 200 });
    const results = await new LocalDeployment(aws.endpoint, aws.cfn, claimant, context).deploy(template({ Share: { Id: 'x' } }));
    expect(steps(results)).toEqual(['deploy Create Share SUCCESS']);
    await expect(opened).rejects.toThrow('gate on DescribeTags: 1 of 2 calls arrived within 200 ms');
  });

  test('a write refused once: a validation fault in the service\'s words', async () => {
    aws.endpoint.workspaces.addImage('wsi-abc123def');
    aws.endpoint.inject({ kind: 'validation', count: 1, operation: 'CreateTags' });
    const results = await new LocalDeployment(aws.endpoint, aws.cfn, claimant, context).deploy(template({ Share: { Id: 'x' } }));
    expect(steps(results)).toEqual(['deploy Create Share FAILED', 'rollback Delete Share SUCCESS']);
    expect(aws.endpoint.callsOf('CreateTags').map(c => c.error)).toEqual(['InvalidParameterValuesException', undefined]);
  });
});
