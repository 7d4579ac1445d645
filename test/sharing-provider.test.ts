/**
 * SharingProvider: the props that land on the function, several providers in one stack, and the
 * synth-time checks of its props and of where a construct's provider lives.
 */
import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ConnectionAccessType, PartnerConnectionPreferences, SharedConnectionAlias, SharedWorkspaceImage, SharingProvider } from '../src';
import { newStack, onlyResource } from './support/template';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const arnOf = (resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:workspaces:eu-west-1:123456789012:${resource}`]] });

/** The resources of the share policy's statements that name WorkSpaces ARNs, as resolved JSON. */
function workspacesArnsOf(template: Template, policyIdPart: string): unknown[] {
  const { resource } = onlyResource(template, 'AWS::IAM::Policy', policyIdPart);
  return resource.Properties.PolicyDocument.Statement
    .filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('workspaces:Update')))
    .flatMap((s: any) => [s.Resource].flat());
}

/** The function's logical ID a custom resource's service token points at. */
function serviceFunctionOf(template: Template, type: string, idPart: string): string {
  return onlyResource(template, type, idPart).resource.Properties.ServiceToken['Fn::GetAtt'][0];
}

describe('props', () => {
  test('the defaults: 256 MiB, 15 minutes, a log group kept three months, INFO and no VPC', () => {
    const stack = newStack();
    new SharingProvider(stack, 'Provider');
    const template = Template.fromStack(stack);

    const fn = onlyResource(template, 'AWS::Lambda::Function').resource.Properties;
    expect(fn).toMatchObject({ MemorySize: 256, Timeout: 900, LoggingConfig: { LogFormat: 'JSON' } });
    expect(fn.VpcConfig).toBeUndefined();
    expect(fn.LoggingConfig.ApplicationLogLevel).toBeUndefined();
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  test('memory, timeout, retention and log level land on the function and its log group', () => {
    const stack = newStack();
    new SharingProvider(stack, 'Provider', {
      memorySize: 1024,
      timeout: Duration.minutes(5),
      logRetention: logs.RetentionDays.ONE_YEAR,
      logLevel: lambda.ApplicationLogLevel.DEBUG,
    });
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Timeout: 300,
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG' },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('a log group of the user\'s: the function logs there, may write there, and no other log group is created', () => {
    const stack = newStack();
    const logGroup = new logs.LogGroup(stack, 'MyLogs', { logGroupName: '/org/sharing', retention: logs.RetentionDays.TEN_YEARS });
    new SharingProvider(stack, 'Provider', { logGroup });
    const template = Template.fromStack(stack);

    const logGroupId = onlyResource(template, 'AWS::Logs::LogGroup').id;
    expect(logGroupId).toMatch(/^MyLogs/);
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logGroupId } } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        })]),
      },
    });
  });

  test('a VPC: the function runs in the selected subnets with the given security groups, and may manage its interfaces there only', () => {
    const stack = newStack({ env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const securityGroup = new ec2.SecurityGroup(stack, 'Egress', { vpc });
    new SharingProvider(stack, 'Provider', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [securityGroup],
    });
    const template = Template.fromStack(stack);

    const subnets = vpc.privateSubnets.map(s => stack.resolve(s.subnetId));
    const group = stack.resolve(securityGroup.securityGroupId);
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: { SubnetIds: subnets, SecurityGroupIds: [group] } });

    const ec2Arn = (resource: string, name: unknown) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ec2:eu-west-1:123456789012:${resource}/`, name]],
    });
    const interfaces = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:eu-west-1:123456789012:network-interface/*']] };
    const vpcAccess = onlyResource(template, 'AWS::IAM::Policy', 'VpcAccessPolicy');
    expect(vpcAccess.resource.Properties).toMatchObject({
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'ec2:CreateNetworkInterface', Resource: [interfaces, ...subnets.map(s => ec2Arn('subnet', s)), ec2Arn('security-group', group)] },
          {
            Effect: 'Allow',
            Action: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
            Resource: interfaces,
          },
          { Effect: 'Allow', Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], Resource: '*' },
        ],
      },
      Roles: [{ Ref: onlyResource(template, 'AWS::IAM::Role').id }],
    });
    // Lambda creates the interfaces when it creates the function: the policy is in place before.
    const fn = onlyResource(template, 'AWS::Lambda::Function').resource;
    expect(fn.DependsOn).toContain(vpcAccess.id);
    // No AWS managed policy: the statements above are all the VPC access the role gets.
    expect(onlyResource(template, 'AWS::IAM::Role').resource.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('a VPC without security groups: the function gets a new one, and the role names it', () => {
    const stack = newStack({ env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    new SharingProvider(stack, 'Provider', { vpc });
    const template = Template.fromStack(stack);

    const { id } = onlyResource(template, 'AWS::EC2::SecurityGroup');
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': [id, 'GroupId'] }] } });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).toContain(`:security-group/",{"Fn::GetAtt":["${id}","GroupId"]}`);
  });
});

describe('the runtime', () => {
  const runtimeOf = (provider: SharingProvider) =>
    onlyResource(Template.fromStack(Stack.of(provider)), 'AWS::Lambda::Function').resource.Properties.Runtime;

  test('by default, the newest Node.js runtime aws-cdk-lib lists: nodejs24.x with 2.259, and no variable one', () => {
    expect(runtimeOf(new SharingProvider(newStack(), 'Provider'))).toBe('nodejs24.x');
  });

  test('follows a newer runtime aws-cdk-lib lists before its regional facts name it (as 2.278 lists nodejs26.x), which cdk-nag asks for', () => {
    const newer = new lambda.Runtime('nodejs98.x', lambda.RuntimeFamily.NODEJS);
    try {
      expect(runtimeOf(new SharingProvider(newStack(), 'Provider'))).toBe('nodejs98.x');
    } finally {
      lambda.Runtime.ALL.splice(lambda.Runtime.ALL.indexOf(newer), 1);
    }
  });

  test('a runtime pinned by the user, from nodejs20.x on (the bundle\'s target)', () => {
    expect(runtimeOf(new SharingProvider(newStack(), 'Provider', { runtime: lambda.Runtime.NODEJS_20_X }))).toBe('nodejs20.x');
    expect(runtimeOf(new SharingProvider(newStack(), 'Provider', { runtime: lambda.Runtime.NODEJS_22_X }))).toBe('nodejs22.x');
  });
});

describe('checks of the props', () => {
  const cases: [string, () => object, RegExp][] = [
    ['memory below Lambda\'s range', () => ({ memorySize: 64 }), /Provider: memorySize must be a whole number of MiB from 128 to 10240, got 64/],
    ['memory above it', () => ({ memorySize: 20_000 }), /memorySize .* got 20000/],
    ['a fraction of a MiB', () => ({ memorySize: 256.5 }), /memorySize .* got 256\.5/],
    ['a timeout under a minute', () => ({ timeout: Duration.seconds(30) }), /timeout must be from 1 to 15 minutes, got 30 seconds/],
    ['a timeout over Lambda\'s 15 minutes', () => ({ timeout: Duration.minutes(20) }), /timeout must be from 1 to 15 minutes, got 20 minutes/],
    ['subnets without a VPC', () => ({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }), /vpcSubnets needs vpc/],
    ['security groups without a VPC', () => ({ securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(new Stack(), 'Sg', 'sg-12345678')] }),
      /securityGroups needs vpc/],
    // Callers without types pass IDs where constructs belong: the error says what to write, not a TypeError.
    ['a VPC ID where the VPC belongs', () => ({ vpc: 'vpc-0123456789abcdef0' }),
      /Provider: vpc must be an ec2.IVpc, got "vpc-0123456789abcdef0" \(a string\): for an existing VPC, pass ec2.Vpc.fromLookup\(this, 'Vpc', \{ vpcId: "vpc-0123456789abcdef0" \}\)/],
    ['a security group ID where the group belongs', () => ({ vpc: new ec2.Vpc(new Stack(), 'Vpc'), securityGroups: ['sg-12345678'] }),
      /Provider: securityGroups\[0\] must be an ec2.ISecurityGroup, got "sg-12345678" \(a string\): for an existing group, pass ec2.SecurityGroup.fromSecurityGroupId\(this, 'Group', "sg-12345678"\)/],
    ['a log group name where the log group belongs', () => ({ logGroup: '/my/logs' }),
      /Provider: logGroup must be a logs.ILogGroup, got "\/my\/logs" \(a string\): for an existing log group, pass logs.LogGroup.fromLogGroupName\(this, 'Logs', "\/my\/logs"\)/],
    ['a runtime of another language', () => ({ runtime: lambda.Runtime.PYTHON_3_12 }),
      /Provider: runtime must be a Node.js runtime from nodejs20.x on .* got python3.12: pin lambda.Runtime.NODEJS_20_X or newer, or omit runtime/],
    ['a Node.js runtime older than the bundle targets', () => ({ runtime: lambda.Runtime.NODEJS_18_X }), /runtime must be a Node.js runtime from nodejs20.x on .* got nodejs18.x/],
    ['a runtime name where the runtime belongs', () => ({ runtime: 'nodejs22.x' }), /runtime must be a lambda.Runtime, such as lambda.Runtime.NODEJS_22_X, got "nodejs22.x"/],
    ['a retention for a log group the provider does not create', () => ({
      logGroup: logs.LogGroup.fromLogGroupName(new Stack(), 'Logs', 'mine'), logRetention: logs.RetentionDays.ONE_DAY,
    }), /logRetention applies only to the log group the provider creates/],
  ];

  test.each(cases)('%s is a synth error naming the construct', (_, props, message) => {
    const stack = newStack();
    expect(() => new SharingProvider(stack, 'Provider', props())).toThrow(message);
    expect(() => new SharingProvider(newStack(), 'Provider', props())).toThrow(/^TestStack\/Provider: /);
  });

  test('tokens are left for Lambda to check', () => {
    const stack = newStack();
    expect(() => new SharingProvider(stack, 'Provider', { memorySize: Token.asNumber({ Ref: 'Memory' }) })).not.toThrow();
  });

  test('the ID of the default provider is kept for it', () => {
    const stack = newStack();
    new Stack(stack, 'CrossAccountSharingProvider');
    expect(() => SharingProvider.getOrCreate(stack)).toThrow(/TestStack\/CrossAccountSharingProvider: the ID CrossAccountSharingProvider .* reserved/);
  });
});

describe('providers and constructs', () => {
  test('without a provider, the constructs of a stack share its default one', () => {
    const stack = newStack();
    new SharedWorkspaceImage(stack, 'Image', { imageId: 'wsi-abc123def', accountIds: ['111122223333'] });
    new SharedConnectionAlias(stack, 'Alias', { aliasId: 'wsca-abc12345', accountId: '111122223333' });

    expect(SharingProvider.getOrCreate(stack).node.path).toBe('TestStack/CrossAccountSharingProvider');
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('two providers in one stack: each serves its constructs, and each policy holds exactly their ARNs', () => {
    const stack = newStack({ env: ENV });
    const inVpc = new SharingProvider(stack, 'VpcProvider', { memorySize: 512 });
    new SharedWorkspaceImage(stack, 'Golden', { imageId: 'wsi-golden0001', accountIds: ['111122223333'], provider: inVpc });
    new SharedConnectionAlias(stack, 'Alias', { aliasId: 'wsca-abc12345', accountId: '111122223333', provider: inVpc });
    new SharedWorkspaceImage(stack, 'Legacy', { imageId: 'wsi-legacy0001', accountIds: ['444455556666'] });
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::Lambda::Function', 2);
    expect(serviceFunctionOf(template, 'Custom::SharedWorkspaceImage', 'Golden')).toMatch(/^VpcProviderHandler/);
    expect(serviceFunctionOf(template, 'Custom::SharedConnectionAlias', 'Alias')).toMatch(/^VpcProviderHandler/);
    expect(serviceFunctionOf(template, 'Custom::SharedWorkspaceImage', 'Legacy')).toMatch(/^CrossAccountSharingProviderHandler/);

    expect(workspacesArnsOf(template, 'VpcProviderSharePolicy')).toEqual([arnOf('workspaceimage/wsi-golden0001'), arnOf('connectionalias/wsca-abc12345')]);
    expect(workspacesArnsOf(template, 'CrossAccountSharingProviderSharePolicy')).toEqual([arnOf('workspaceimage/wsi-legacy0001')]);
    // Each resource waits for the policy of its own provider.
    expect(onlyResource(template, 'Custom::SharedWorkspaceImage', 'Golden').resource.DependsOn).toEqual([expect.stringMatching(/^VpcProviderSharePolicy/)]);
  });

  test('the time budget counts the WorkSpaces calls of every provider of the stack: they deploy in parallel against one rate', () => {
    const accounts = (n: number, from: number) => Array.from({ length: n }, (_, i) => String(300000000000 + from + i));
    const stack = newStack();
    const other = new SharingProvider(stack, 'Other');
    new SharedWorkspaceImage(stack, 'First', { imageId: 'wsi-aaaaaaaaa', accountIds: accounts(500, 0) });
    new SharedWorkspaceImage(stack, 'Second', { imageId: 'wsi-bbbbbbbbb', accountIds: accounts(500, 5_000), provider: other });
    const template = Template.fromStack(stack);

    // 600 s + (1,003 + 1,003) calls at 1.75 calls/s, rounded up to a minute, for both: each image's
    // costliest Update swaps its 500 accounts (2 writes each), and the lists are short enough to stay under the cap.
    const expected = Math.ceil((600 + 2_006 / 1.75) / 60) * 60;
    expect(expected).toBe(1_800);
    for (const id of ['First', 'Second']) {
      expect(onlyResource(template, 'Custom::SharedWorkspaceImage', id).resource.Properties).toMatchObject({
        ServiceTimeout: expected, TimeBudgetSeconds: expected,
      });
    }
  });

  test('the stack\'s shares over CloudFormation\'s limit fail synth once, whichever providers serve them', () => {
    const accounts = (n: number, from: number) => Array.from({ length: n }, (_, i) => String(300000000000 + from + i));
    const app = new App();
    const stack = new Stack(app, 'Big');
    const other = new SharingProvider(stack, 'Other');
    new SharedWorkspaceImage(stack, 'A', { imageId: 'wsi-aaaaaaaaa', accountIds: accounts(3_000, 0), provider: other });
    new SharedWorkspaceImage(stack, 'B', { imageId: 'wsi-bbbbbbbbb', accountIds: accounts(3_000, 5_000) });

    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/the share constructs of this stack, served by its 2 providers, can make 6006 WorkSpaces calls/);
    expect(message.match(/can make 6006/g)).toHaveLength(1);
  });

  test('a provider of another stack is a synth error naming both', () => {
    const app = new App();
    const shared = new Stack(app, 'Shared');
    const provider = new SharingProvider(shared, 'Provider');
    const consumer = new Stack(app, 'Consumer');

    expect(() => new SharedWorkspaceImage(consumer, 'Image', { imageId: 'wsi-abc123def', accountIds: ['111122223333'], provider }))
      .toThrow('Consumer/Image: provider Shared/Provider is in stack Shared, not in this construct\'s stack Consumer');
    expect(() => new PartnerConnectionPreferences(consumer, 'Prefs', { accessType: ConnectionAccessType.ALLOW_ALL, provider }))
      .toThrow(/Consumer\/Prefs: provider Shared\/Provider is in stack Shared/);
  });

  test('a provider that is not a SharingProvider is a synth error', () => {
    const stack = newStack();
    const notAProvider = new Stack(stack, 'Nested') as unknown as SharingProvider;
    expect(() => new SharedConnectionAlias(stack, 'Alias', { aliasId: 'wsca-abc12345', accountId: '111122223333', provider: notAProvider }))
      .toThrow('TestStack/Alias: provider must be a SharingProvider, got object');
  });
});
