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
  const token = (p: { Ref?: string }) => (p.Ref === 'AWS::StackId' ? '<StackId>' : p.Ref === resourceId ? '<Ref>' : JSON.stringify(p));
  const input = schedule.Properties.Target.Input['Fn::Join'][1].map((p: string | { Ref?: string }) => (typeof p === 'string' ? p : token(p))).join('');
  expect(JSON.parse(input)).toEqual({
    CrossAccountSharingDriftCheck: 1,
    ResourceType: 'Custom::SharedWorkspaceImage',
    StackId: '<StackId>',
    // The resource's Ref, never its logical ID (see the rename test below).
    PhysicalResourceId: '<Ref>',
    Action: 'ENFORCE',
    Declaration: { ImageId: 'wsi-abc123def', AccountIds: `${account(0)},${account(1)}` },
  });
  template.hasResourceProperties('Custom::SharedWorkspaceImage', { DriftCheck: true });
});

/**
 * A template with every logical ID of `ids` (old to new) renamed, in keys and in every reference,
 * without the `aws:cdk:path` metadata and with DependsOn as a set: what `cdk refactor` compares
 * (its digest replaces references by placeholders, drops the path and DependsOn).
 */
function renamed(template: Record<string, any>, ids: Record<string, string>): Record<string, any> {
  let text = JSON.stringify(template.Resources);
  for (const [from, to] of Object.entries(ids)) text = text.split(`"${from}"`).join(`"${to}"`);
  const resources: Record<string, any> = JSON.parse(text);
  return Object.fromEntries(Object.entries(resources).map(([id, r]) => {
    const { Metadata: { 'aws:cdk:path': _path, ...metadata } = {}, DependsOn, ...rest } = r;
    return [id, { ...rest, Metadata: metadata, ...(DependsOn ? { DependsOn: [DependsOn].flat().sort() } : {}) }];
  }));
}

test.each([
  ['SharedWorkspaceImage', (stack: Stack, id: string) => new SharedWorkspaceImage(stack, id, {
    imageId: 'wsi-abc123def', accountIds: [account(0)], driftCheck: { action: DriftAction.REPAIR },
  }).metricDrift().createAlarm(stack, `${id}Alarm`, { threshold: 1, evaluationPeriods: 1 })],
  ['SharedConnectionAlias', (stack: Stack, id: string) => new SharedConnectionAlias(stack, id, {
    aliasId: 'wsca-abc12345de', accountId: account(1), driftCheck: {},
  }).metricDriftCheckFailed().createAlarm(stack, `${id}Alarm`, { threshold: 1, evaluationPeriods: 1 })],
  ['PartnerConnectionPreferences', (stack: Stack, id: string) => new PartnerConnectionPreferences(stack, id, {
    accessType: ConnectionAccessType.DENY_ALL, driftCheck: { action: DriftAction.ENFORCE },
  }).metricDrift().createAlarm(stack, `${id}Alarm`, { threshold: 1, evaluationPeriods: 1 })],
])('%s with a drift check and an alarm, under two construct IDs: every property the same but the logical IDs (cdk refactor can move it)', (_name, build) => {
  const templateOf = (id: string) => {
    const stack = newStack();
    build(stack, id);
    return Template.fromStack(stack).toJSON();
  };
  const before = templateOf('Golden');
  const after = templateOf('Renamed');
  const moved = Object.keys(before.Resources).filter(id => !(id in after.Resources));
  const added = Object.keys(after.Resources).filter(id => !(id in before.Resources));
  // The custom resource, its schedule and the alarm move; nothing else changes its logical ID.
  expect(moved.map(id => before.Resources[id].Type).sort()).toEqual(['AWS::CloudWatch::Alarm', 'AWS::Scheduler::Schedule', expect.stringMatching(/^Custom::/)]);
  const ids = Object.fromEntries(moved.map(id => [id, added.find(n => after.Resources[n].Type === before.Resources[id].Type)!]));
  expect(renamed(before, ids)).toEqual(renamed(after, {}));
  // And, references aside (the digest replaces them), no property names the construct, even inside a string.
  const stripped = (value: unknown) => JSON.stringify(value, (_key, v) => (v && typeof v === 'object' && ('Ref' in v || 'Fn::GetAtt' in v) ? '<reference>' : v));
  for (const id of added) expect(stripped(after.Resources[id].Properties)).not.toContain('Renamed');
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
