import { App, CfnParameter, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { SharedWorkspaceImage } from '../src';
import { newStack, onlyResource, OWNERSHIP_READS, LEDGER_ACCESS, templateForSnapshot } from './support/template';

const IMAGE = 'wsi-abc123def';
const A = '111122223333';
const B = '444455556666';

describe('SharedWorkspaceImage', () => {
  test('synthesizes the template in the snapshot', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
    new SharedWorkspaceImage(stack, 'GoldenImage', { imageId: IMAGE, accountIds: [A, B] });

    expect(templateForSnapshot(stack)).toMatchSnapshot();
  });

  test('declares a Custom::SharedWorkspaceImage with the image and accounts, including added ones', () => {
    const stack = newStack();
    const share = new SharedWorkspaceImage(stack, 'GoldenImage', { imageId: IMAGE, accountIds: [A] });
    share.addAccount(B);

    Template.fromStack(stack).hasResourceProperties('Custom::SharedWorkspaceImage', {
      ImageId: IMAGE,
      AccountIds: [A, B],
      // 10 minutes for waits, plus the calls (2 writes and 3 reads) at 1.75 calls/s, in whole minutes.
      ServiceTimeout: 660,
      TimeBudgetSeconds: 660,
    });
  });

  test('sends the removal policy: DESTROY by default, RETAIN when asked', () => {
    const stack = newStack();
    new SharedWorkspaceImage(stack, 'Destroyed', { imageId: IMAGE, accountIds: [A] });
    new SharedWorkspaceImage(stack, 'Kept', { imageId: 'wsi-zzz999yyy', accountIds: [A], removalPolicy: RemovalPolicy.RETAIN });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::SharedWorkspaceImage', { ImageId: IMAGE, RemovalPolicy: 'destroy' });
    template.hasResourceProperties('Custom::SharedWorkspaceImage', { ImageId: 'wsi-zzz999yyy', RemovalPolicy: 'retain' });
  });

  test('serves every share of a stack from one function and one role', () => {
    const stack = newStack();
    new SharedWorkspaceImage(stack, 'One', { imageId: IMAGE, accountIds: [A] });
    new SharedWorkspaceImage(stack, 'Two', { imageId: 'wsi-zzz999yyy', accountIds: [B] });
    new SharedWorkspaceImage(stack, 'Three', { imageId: 'wsi-yyy888xxx', accountIds: [B] });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    const fn = onlyResource(template, 'AWS::Lambda::Function');
    const tokens = Object.values(template.findResources('Custom::SharedWorkspaceImage')).map(r => r.Properties.ServiceToken);
    expect(tokens).toEqual(Array(3).fill({ 'Fn::GetAtt': [fn.id, 'Arn'] }));
  });

  test('uses the newest Node.js runtime, Lambda\'s longest timeout, no retry of asynchronous invocations and a log group with retention', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
    new SharedWorkspaceImage(stack, 'GoldenImage', { imageId: IMAGE, accountIds: [A] });

    const template = Template.fromStack(stack);
    const fn = onlyResource(template, 'AWS::Lambda::Function').resource.Properties;
    expect(fn.Runtime).toBe('nodejs24.x');
    expect(fn.Timeout).toBe(900);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 300 });
    const logGroup = onlyResource(template, 'AWS::Logs::LogGroup');
    expect(logGroup.resource.Properties.RetentionInDays).toEqual(expect.any(Number));
    expect(fn.LoggingConfig.LogGroup).toEqual({ Ref: logGroup.id });
  });

  test('scopes the share permissions to the images the stack names', () => {
    const stack = newStack();
    new SharedWorkspaceImage(stack, 'One', { imageId: IMAGE, accountIds: [A] });
    new SharedWorkspaceImage(stack, 'Two', { imageId: 'wsi-zzz999yyy', accountIds: [B] });

    const arn = (id: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':workspaces:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:workspaceimage/${id}`]],
    });
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
          'workspaces:UpdateWorkspaceImagePermission',
          'workspaces:DescribeWorkspaceImagePermissions',
          'workspaces:CreateTags',
          'workspaces:DescribeTags',
          'workspaces:DeleteTags',
        ],
        Resource: [arn(IMAGE), arn('wsi-zzz999yyy')],
      },
      { Effect: 'Allow', Action: 'workspaces:DescribeWorkspaceImages', Resource: '*' },
      // An ownership decision reads the stacks (see docs/state-table.md).
      ...OWNERSHIP_READS,
      // What each share shared, and the fence of its writes (docs/engine.md).
      LEDGER_ACCESS,
    ]);
  });

  test('makes each share resource depend on the share policy', () => {
    const stack = newStack();
    new SharedWorkspaceImage(stack, 'One', { imageId: IMAGE, accountIds: [A] });
    new SharedWorkspaceImage(stack, 'Two', { imageId: 'wsi-zzz999yyy', accountIds: [B] });

    const template = Template.fromStack(stack);
    const policy = onlyResource(template, 'AWS::IAM::Policy', 'SharePolicy');
    for (const resource of Object.values(template.findResources('Custom::SharedWorkspaceImage'))) {
      expect(resource.DependsOn).toContain(policy.id);
    }
  });

  test('passes tokens through to the handler, which checks them once resolved', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
    const image = new CfnParameter(stack, 'ImageId');
    const account = new CfnParameter(stack, 'Account');
    new SharedWorkspaceImage(stack, 'GoldenImage', { imageId: image.valueAsString, accountIds: [account.valueAsString, Fn.select(0, [A])] });

    Template.fromStack(stack).hasResourceProperties('Custom::SharedWorkspaceImage', {
      ImageId: { Ref: 'ImageId' },
      AccountIds: [{ Ref: 'Account' }, Match.anyValue()],
    });
  });

  test('takes a whole list token, such as a CommaDelimitedList parameter, with the longest budget, and refuses to add to it', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
    const accounts = new CfnParameter(stack, 'Accounts', { type: 'CommaDelimitedList' });
    const image = new SharedWorkspaceImage(stack, 'GoldenImage', { imageId: IMAGE, accountIds: accounts.valueAsList });

    Template.fromStack(stack).hasResourceProperties('Custom::SharedWorkspaceImage', {
      AccountIds: { Ref: 'Accounts' },
      ServiceTimeout: 3_600,
    });
    expect(() => image.addAccount(B)).toThrow(
      'TestStack/GoldenImage: accountIds is a list token (a CommaDelimitedList parameter, say), so addAccount("444455556666") cannot add to it');
  });
});

describe('SharedWorkspaceImage rejects bad literal input at synth', () => {
  const build = (stack: Stack, imageId: string, accountIds: string[]) => new SharedWorkspaceImage(stack, 'GoldenImage', { imageId, accountIds });

  test.each([
    ['an image ID that is not one', 'ami-0abc', [A], /TestStack\/GoldenImage: imageId must be a WorkSpaces image ID .* got "ami-0abc"/],
    ['an image ID that is too short', 'wsi-abc', [A], /got "wsi-abc"/],
    ['an image ID in capitals', 'wsi-ABC123DEF', [A], /got "wsi-ABC123DEF"/],
    ['an account ID of 11 digits', IMAGE, ['11112222333'], /TestStack\/GoldenImage: accountIds must be a 12-digit AWS account ID .* got "11112222333"/],
    ['an account ID with letters', IMAGE, ['11112222333x'], /got "11112222333x"/],
    ['a repeated account', IMAGE, [A, B, A], /TestStack\/GoldenImage: account 111122223333 is listed more than once/],
  ])('%s', (_name, imageId, accountIds, message) => {
    expect(() => build(newStack(), imageId, accountIds)).toThrow(message);
  });

  test("the stack's own account", () => {
    const stack = newStack({ env: { account: A, region: 'eu-west-1' } });
    expect(() => build(stack, IMAGE, [B, A])).toThrow(/TestStack\/GoldenImage: accountIds "111122223333" is the stack's own account/);
  });

  test('a repeated account added later', () => {
    const share = build(newStack(), IMAGE, [A]);
    expect(() => share.addAccount(A)).toThrow(/account 111122223333 is listed more than once/);
  });

  test('a removal policy other than RETAIN or DESTROY', () => {
    expect(() => new SharedWorkspaceImage(newStack(), 'GoldenImage', { imageId: IMAGE, accountIds: [A], removalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow(/TestStack\/GoldenImage: removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY, got "snapshot"/);
  });

  test('two constructs for one image in one stack, naming both paths', () => {
    const stack = newStack();
    new SharedWorkspaceImage(stack, 'First', { imageId: IMAGE, accountIds: [A] });
    expect(() => new SharedWorkspaceImage(stack, 'Second', { imageId: IMAGE, accountIds: [B] }))
      .toThrow(/TestStack\/Second: imageId "wsi-abc123def" is already shared by TestStack\/First: one image has one owner, so list all its accounts in one SharedWorkspaceImage/);
  });

  test('two constructs for one image in two stacks of one app', () => {
    const app = new App();
    new SharedWorkspaceImage(new Stack(app, 'TeamA'), 'Share', { imageId: IMAGE, accountIds: [A] });
    expect(() => new SharedWorkspaceImage(new Stack(app, 'TeamB'), 'Share', { imageId: IMAGE, accountIds: [B] }))
      .toThrow(/TeamB\/Share: imageId "wsi-abc123def" is already shared by TeamA\/Share/);
  });

  test('the same image in two separate apps is fine: the handler finds the owner at deploy time', () => {
    new SharedWorkspaceImage(new Stack(new App(), 'TeamA'), 'Share', { imageId: IMAGE, accountIds: [A] });
    expect(() => new SharedWorkspaceImage(new Stack(new App(), 'TeamB'), 'Share', { imageId: IMAGE, accountIds: [B] })).not.toThrow();
  });
});

describe('a share of nothing is a synth warning naming the construct', () => {
  const warnings = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => `${w.id} ${w.entry.data}`);

  test('an image shared with no account', () => {
    const stack = newStack();
    new SharedWorkspaceImage(stack, 'GoldenImage', { imageId: IMAGE });
    expect(warnings(stack)).toEqual([expect.stringMatching(
      /^\/TestStack\/GoldenImage TestStack\/GoldenImage: image wsi-abc123def is shared with no account: list the accounts in accountIds or add them with addAccount\(\), or remove the construct .*\[ack: cdk-cross-account-sharing:imageSharedWithNoAccount\]$/)]);
  });

  test('a misspelt prop from a caller without types, which leaves the list empty', () => {
    const stack = newStack();
    new SharedWorkspaceImage(stack, 'GoldenImage', { imageId: IMAGE, accountIDs: [A] } as any);
    expect(warnings(stack)).toEqual([
      expect.stringMatching(/^\/TestStack\/GoldenImage TestStack\/GoldenImage: ignored props it does not know: accountIDs \(did you mean accountIds\?\)\. It knows imageId, accountIds, removalPolicy, provider/),
      expect.stringMatching(/is shared with no account/),
    ]);
  });

  test('no warning once an account is added, or when the list is a token', () => {
    const stack = newStack();
    new SharedWorkspaceImage(stack, 'Added', { imageId: IMAGE }).addAccount(A);
    new SharedWorkspaceImage(stack, 'Token', { imageId: 'wsi-zzz999yyy', accountIds: new CfnParameter(stack, 'Accounts', { type: 'CommaDelimitedList' }).valueAsList });
    // (The token list raises the other share's time budget, which is another warning: test/synth-messages.test.ts.)
    expect(warnings(stack).filter(w => !w.includes('timeBudgetRaised'))).toEqual([]);
  });
});

test('accountIds reads back the accounts declared: the list and the added ones, or the list token', () => {
  const stack = newStack();
  const share = new SharedWorkspaceImage(stack, 'GoldenImage', { imageId: IMAGE, accountIds: [A] });
  share.addAccount(B);
  expect(share.accountIds).toEqual([A, B]);
  share.accountIds.push('999999999999');
  expect(share.accountIds).toEqual([A, B]);
  const list = new CfnParameter(stack, 'Accounts', { type: 'CommaDelimitedList' }).valueAsList;
  expect(new SharedWorkspaceImage(stack, 'Token', { imageId: 'wsi-zzz999yyy', accountIds: list }).accountIds).toBe(list);
});
