import { App, CfnParameter, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as workspaces from 'aws-cdk-lib/aws-workspaces';
import { SharedConnectionAlias, SharedWorkspaceImage, SharingProvider } from '../src';
import { newStack, onlyResource, OWNERSHIP_READS, LEDGER_ACCESS } from './support/template';

const ALIAS = 'wsca-abc12345de';
const OTHER_ALIAS = 'wsca-xyz98765uv';
const A = '111122223333';
const B = '444455556666';

const arn = (id: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':workspaces:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:connectionalias/${id}`]],
});

describe('SharedConnectionAlias', () => {
  test('declares a Custom::SharedConnectionAlias with the alias and the account', () => {
    const stack = newStack();
    const share = new SharedConnectionAlias(stack, 'AliasShare', { aliasId: ALIAS, accountId: A });

    Template.fromStack(stack).hasResourceProperties('Custom::SharedConnectionAlias', {
      AliasId: ALIAS,
      AccountId: A,
      RemovalPolicy: 'destroy',
      ServiceTimeout: 660,
    });
    expect(share.aliasId).toBe(ALIAS);
    expect(share.accountId).toBe(A);
  });

  test('is served by the same single function as a SharedWorkspaceImage of the stack', () => {
    const stack = newStack();
    new SharedWorkspaceImage(stack, 'GoldenImage', { imageId: 'wsi-abc123def', accountIds: [A] });
    new SharedConnectionAlias(stack, 'AliasShare', { aliasId: ALIAS, accountId: A });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    const fn = onlyResource(template, 'AWS::Lambda::Function');
    expect(onlyResource(template, 'Custom::SharedConnectionAlias').resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fn.id, 'Arn'] });
    expect(onlyResource(template, 'Custom::SharedWorkspaceImage').resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fn.id, 'Arn'] });
  });

  test('scopes the permission actions to the connectionalias ARNs and reads alias state on "*" in its own statement', () => {
    const stack = newStack();
    new SharedConnectionAlias(stack, 'One', { aliasId: ALIAS, accountId: A });
    new SharedConnectionAlias(stack, 'Two', { aliasId: OTHER_ALIAS, accountId: B });

    const policy = onlyResource(Template.fromStack(stack), 'AWS::IAM::Policy', 'SharePolicy');
    expect(policy.resource.Properties.PolicyDocument.Statement).toEqual([
      // The hand-over of work that outlasts one invocation, to the function itself.
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [onlyResource(Template.fromStack(stack), 'AWS::Lambda::Function').id, 'Arn'] } },
      // The hand-over fences in Parameter Store, under the handler's one path.
      {
        Effect: 'Allow',
        Action: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:DeleteParameters'],
        Resource: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':parameter/cdk-cross-account-sharing/hand-over/*']],
        },
      },
      {
        Effect: 'Allow',
        Action: [
          'workspaces:UpdateConnectionAliasPermission',
          'workspaces:DescribeConnectionAliasPermissions',
          'workspaces:CreateTags',
          'workspaces:DescribeTags',
          'workspaces:DeleteTags',
        ],
        Resource: [arn(ALIAS), arn(OTHER_ALIAS)],
      },
      { Effect: 'Allow', Action: 'workspaces:DescribeConnectionAliases', Resource: '*' },
      // An ownership decision reads the stacks (see docs/state-table.md).
      ...OWNERSHIP_READS,
      // What each share shared, and the fence of its writes (docs/engine.md).
      LEDGER_ACCESS,
    ]);
  });

  test('acknowledges the "*" of DescribeConnectionAliases on the share policy with a reason', () => {
    const stack = newStack();
    new SharedConnectionAlias(stack, 'AliasShare', { aliasId: ALIAS, accountId: A });

    const policy = SharingProvider.getOrCreate(stack).policy;
    const reasons = policy.node.metadata
      .filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .map(m => (m.data as Record<string, string>)['AwsSolutions-IAM5[Resource::*]']);
    expect(reasons).toContainEqual(expect.stringContaining('workspaces:DescribeConnectionAliases'));
  });

  test('depends on the share policy', () => {
    const stack = newStack();
    new SharedConnectionAlias(stack, 'AliasShare', { aliasId: ALIAS, accountId: A });

    const template = Template.fromStack(stack);
    const policy = onlyResource(template, 'AWS::IAM::Policy', 'SharePolicy');
    expect(onlyResource(template, 'Custom::SharedConnectionAlias').resource.DependsOn).toContain(policy.id);
  });

  test('references a CfnConnectionAlias of the stack, so the share is created after the alias and deleted before it', () => {
    const stack = newStack();
    const alias = new workspaces.CfnConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com' });
    new SharedConnectionAlias(stack, 'AliasShare', { aliasId: alias.attrAliasId, accountId: A });

    const template = Template.fromStack(stack);
    const aliasLogicalId = stack.getLogicalId(alias);
    expect(onlyResource(template, 'Custom::SharedConnectionAlias').resource.Properties.AliasId).toEqual({ 'Fn::GetAtt': [aliasLogicalId, 'AliasId'] });
    // The IAM resource follows the alias too.
    const statement = onlyResource(template, 'AWS::IAM::Policy', 'SharePolicy').resource.Properties.PolicyDocument.Statement[2];
    expect(JSON.stringify(statement.Resource)).toContain(JSON.stringify({ 'Fn::GetAtt': [aliasLogicalId, 'AliasId'] }));
  });

  test('passes tokens through to the handler, which checks them once resolved', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
    const aliasId = new CfnParameter(stack, 'AliasId');
    const account = new CfnParameter(stack, 'Account');
    new SharedConnectionAlias(stack, 'AliasShare', { aliasId: aliasId.valueAsString, accountId: account.valueAsString });

    Template.fromStack(stack).hasResourceProperties('Custom::SharedConnectionAlias', {
      AliasId: { Ref: 'AliasId' },
      AccountId: { Ref: 'Account' },
      ServiceToken: Match.anyValue(),
    });
  });
});

describe('SharedConnectionAlias rejects bad literal input at synth', () => {
  test.each([
    ['an alias ID that is not one', 'alias-123', A, /TestStack\/AliasShare: aliasId must be a WorkSpaces connection alias ID .* got "alias-123"/],
    ['an alias ID that is too short', 'wsca-abc', A, /got "wsca-abc"/],
    ['an alias ID in capitals', 'wsca-ABC12345DE', A, /got "wsca-ABC12345DE"/],
    ['an account ID of 11 digits', ALIAS, '11112222333', /TestStack\/AliasShare: accountId must be a 12-digit AWS account ID .* got "11112222333"/],
    ['an account ID with letters', ALIAS, '11112222333x', /got "11112222333x"/],
  ])('%s', (_name, aliasId, accountId, message) => {
    expect(() => new SharedConnectionAlias(newStack(), 'AliasShare', { aliasId, accountId })).toThrow(message);
  });

  test("the stack's own account", () => {
    const stack = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
    expect(() => new SharedConnectionAlias(stack, 'AliasShare', { aliasId: ALIAS, accountId: '123456789012' }))
      .toThrow(/TestStack\/AliasShare: accountId "123456789012" is the stack's own account/);
  });

  test('a removal policy other than RETAIN or DESTROY', () => {
    expect(() => new SharedConnectionAlias(newStack(), 'AliasShare', { aliasId: ALIAS, accountId: A, removalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow(/TestStack\/AliasShare: removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY, got "snapshot"/);
  });

  test('two constructs for one alias in one stack, naming both paths', () => {
    const stack = newStack();
    new SharedConnectionAlias(stack, 'First', { aliasId: ALIAS, accountId: A });
    expect(() => new SharedConnectionAlias(stack, 'Second', { aliasId: ALIAS, accountId: B }))
      .toThrow(/TestStack\/Second: aliasId "wsca-abc12345de" is already shared by TestStack\/First: a connection alias can be shared with only one other account/);
  });

  test('two constructs for one alias in two stacks of one app', () => {
    const app = new App();
    new SharedConnectionAlias(new Stack(app, 'StackOne'), 'Share', { aliasId: ALIAS, accountId: A });
    expect(() => new SharedConnectionAlias(new Stack(app, 'StackTwo'), 'Share', { aliasId: ALIAS, accountId: A }))
      .toThrow(/StackTwo\/Share: .* already shared by StackOne\/Share/);
  });

  test('two constructs for the same alias attribute', () => {
    const stack = newStack();
    const alias = new workspaces.CfnConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com' });
    new SharedConnectionAlias(stack, 'First', { aliasId: alias.attrAliasId, accountId: A });
    expect(() => new SharedConnectionAlias(stack, 'Second', { aliasId: alias.attrAliasId, accountId: B }))
      .toThrow(/TestStack\/Second: the same aliasId token is already shared by TestStack\/First/);
  });

  test('the same alias in two separate apps is fine', () => {
    new SharedConnectionAlias(newStack(), 'Share', { aliasId: ALIAS, accountId: A });
    expect(() => new SharedConnectionAlias(newStack(), 'Share', { aliasId: ALIAS, accountId: A })).not.toThrow();
  });
});

test('a misspelt prop from a caller without types is a synth warning naming the construct and the prop it meant', () => {
  const stack = newStack();
  const share = new SharedConnectionAlias(stack, 'AliasShare', { aliasId: ALIAS, accountId: A, removalpolicy: RemovalPolicy.RETAIN } as any);
  const warnings = Annotations.fromStack(stack).findWarning('/TestStack/AliasShare', Match.anyValue()).map(w => w.entry.data);
  expect(warnings).toEqual([expect.stringMatching(/^TestStack\/AliasShare: ignored props it does not know: removalpolicy \(did you mean removalPolicy\?\)/)]);
  // The declared share reads back, to compare with describe-connection-alias-permissions.
  expect([share.aliasId, share.accountId]).toEqual([ALIAS, A]);
});
