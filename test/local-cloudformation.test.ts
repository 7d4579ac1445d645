/**
 * The local CloudFormation of the test support: the unmodified SDK client reads it over awsQuery,
 * LocalDeployment drives its statuses as CloudFormation does, and the endpoint's gate interleaves calls.
 */
import { CloudFormationClient, DescribeStackResourceCommand, DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { useLocalAws } from './support/local-aws';

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
