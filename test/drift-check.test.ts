/** The drift check's template: the schedule, its input and deletion order, the scheduler's role, the synth-time checks, the cost. */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ConnectionAccessType, DriftAction, PartnerConnectionPreferences, SharedConnectionAlias, SharedWorkspaceImage } from '../src';
import { DRIFT_ACTIONS, DriftActionValue } from '../src/contract/drift';

const account = (i: number) => String(100_000_000_000 + i);
const newStack = () => new Stack(new App(), 'Demo', { env: { account: '123456789012', region: 'eu-west-1' } });

function imageStack(accounts: number, driftCheck?: { interval?: Duration; action?: DriftAction }): Stack {
  const stack = newStack();
  new SharedWorkspaceImage(stack, 'Golden', { imageId: 'wsi-abc123def', accountIds: Array.from({ length: accounts }, (_, i) => account(i)), driftCheck });
  return stack;
}

/** The template as the CDK writes it (one-space indent). */
const bytes = (stack: Stack) => JSON.stringify(Template.fromStack(stack).toJSON(), null, 1).length;

test('a construct with a drift check gets one schedule that invokes the provider\'s function with its declaration, and depends on its resource', () => {
  const template = Template.fromStack(imageStack(2, { interval: Duration.minutes(90), action: DriftAction.ENFORCE }));
  const [[id, schedule]] = Object.entries(template.findResources('AWS::Scheduler::Schedule'));
  const [resourceId] = Object.keys(template.findResources('Custom::SharedWorkspaceImage'));
  expect(id).toMatch(/^GoldenDriftCheck/);
  expect(schedule.DependsOn).toEqual([resourceId]);
  expect(schedule.Properties).toMatchObject({ ScheduleExpression: 'rate(90 minutes)', State: 'ENABLED', FlexibleTimeWindow: { Mode: 'OFF' } });
  expect(schedule.Properties.Target.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^CrossAccountSharingProviderHandler/), 'Arn'] });
  const input = schedule.Properties.Target.Input['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : '<StackId>')).join('');
  expect(JSON.parse(input)).toEqual({
    CrossAccountSharingDriftCheck: 1,
    ResourceType: 'Custom::SharedWorkspaceImage',
    StackId: '<StackId>',
    LogicalResourceId: resourceId,
    Action: 'ENFORCE',
    Declaration: { ImageId: 'wsi-abc123def', AccountIds: `${account(0)},${account(1)}` },
  });
  template.hasResourceProperties('Custom::SharedWorkspaceImage', { DriftCheck: true });
});

test('the scheduler\'s role may only invoke the provider\'s function, for schedules of the stack\'s account: one per provider', () => {
  const stack = imageStack(1, {});
  new SharedConnectionAlias(stack, 'Alias', { aliasId: 'wsca-abc12345de', accountId: account(1), driftCheck: {} });
  new PartnerConnectionPreferences(stack, 'Connections', { accessType: ConnectionAccessType.DENY_ALL, driftCheck: { action: DriftAction.REPAIR } });
  const template = Template.fromStack(stack);
  expect(Object.keys(template.findResources('AWS::Scheduler::Schedule'))).toHaveLength(3);
  const roles = Object.values(template.findResources('AWS::IAM::Role')).filter(r => JSON.stringify(r).includes('scheduler.amazonaws.com'));
  expect(roles).toHaveLength(1);
  const [role] = roles;
  expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals).toEqual({ 'aws:SourceAccount': '123456789012' });
  expect(role.Properties.Policies).toEqual([{
    PolicyName: 'InvokeSharingProvider',
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CrossAccountSharingProviderHandler/), 'Arn'] } }],
    },
  }]);
});

test('with no drift check: no schedule, no role, no DriftCheck property, and the metric methods say why', () => {
  const stack = newStack();
  const golden = new SharedWorkspaceImage(stack, 'Golden', { imageId: 'wsi-abc123def', accountIds: [account(0)] });
  const template = Template.fromStack(stack);
  expect(template.findResources('AWS::Scheduler::Schedule')).toEqual({});
  expect(JSON.stringify(template.toJSON())).not.toContain('scheduler.amazonaws.com');
  expect(JSON.stringify(template.findResources('Custom::SharedWorkspaceImage'))).not.toContain('DriftCheck');
  expect(() => golden.metricDrift()).toThrow(/Demo\/Golden: Drift is published only by a drift check/);
});

test.each([
  [Duration.minutes(14), /Demo\/Golden: driftCheck.interval must be at least 15 minutes, got 14 minutes/],
  [Duration.days(31), /Demo\/Golden: driftCheck.interval must be at most 30 days, got 31 days/],
  [Duration.seconds(1_000), /Demo\/Golden: driftCheck.interval must be whole minutes, got Duration.seconds\(1000\) \(1000 seconds\)/],
])('a synth error names the construct and the bad interval (%s)', (interval, error) => {
  expect(() => imageStack(1, { interval })).toThrow(error);
});

test('a synth error names a bad action', () => {
  expect(() => imageStack(1, { action: 'FIX' as DriftAction })).toThrow(/Demo\/Golden: driftCheck.action must be one of REPORT, REPAIR, ENFORCE, got "FIX"/);
});

test.each([
  [Duration.minutes(15), 'rate(15 minutes)'], [Duration.hours(1), 'rate(1 hour)'], [Duration.hours(6), 'rate(6 hours)'], [Duration.days(1), 'rate(1 day)'],
])('the schedule\'s rate follows the interval (%s)', (interval, expression) => {
  Template.fromStack(imageStack(1, { interval })).hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: expression });
});

test('a drift check adds at most 50 bytes of template per account', () => {
  const perAccount = (drift: boolean) => (bytes(imageStack(200, drift ? {} : undefined)) - bytes(imageStack(100, drift ? {} : undefined))) / 100;
  expect(perAccount(false)).toBe(21);
  expect(perAccount(true)).toBeLessThanOrEqual(50);
});

test('driftCheck is a prop the three constructs know: no unknown-prop warning', () => {
  const app = new App();
  const stack = new Stack(app, 'Known', { env: { account: '123456789012', region: 'us-east-1' } });
  const driftCheck = { action: DriftAction.REPAIR };
  new SharedWorkspaceImage(stack, 'Image', { imageId: 'wsi-abc123def', accountIds: ['111122223333'], driftCheck });
  new SharedConnectionAlias(stack, 'Alias', { aliasId: 'wsca-abc12345de', accountId: '111122223333', driftCheck });
  new PartnerConnectionPreferences(stack, 'Prefs', { catalog: 'AWS', accessType: ConnectionAccessType.ALLOW_ALL, driftCheck });

  const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => String(w.entry.data));
  expect(warnings.filter(w => /does not know/.test(w))).toEqual([]);
});

test('DriftAction\'s values are the wire contract\'s DRIFT_ACTIONS, each one', () => {
  // Also at compile time, each way round: an action added to the contract or to the enum alone fails to typecheck.
  const members: { readonly [A in DriftActionValue]: DriftAction } = {
    REPORT: DriftAction.REPORT, REPAIR: DriftAction.REPAIR, ENFORCE: DriftAction.ENFORCE,
  };
  const values: readonly DriftActionValue[] = Object.values(DriftAction);
  expect([...values].sort()).toEqual([...DRIFT_ACTIONS].sort());
  expect(Object.values(members).sort()).toEqual([...DRIFT_ACTIONS].sort());
});
