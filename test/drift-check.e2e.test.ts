/**
 * Drift checks through the local endpoint: each construct deployed with a drift check by
 * LocalDeployment, a share changed outside the stack, then its schedule fired as EventBridge
 * Scheduler fires it (an asynchronous invoke of the provider's function with the schedule's input).
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { ConnectionAccessType, DriftAction, PartnerConnectionPreferences, SharedConnectionAlias, SharedWorkspaceImage } from '../src';
import { driftLines } from './support/drift-log';
import { lambdaContext, useFastSettings } from './support/handler-harness';
import { ledgerDb, useLocalAws } from './support/local-aws';
import { LocalDeployment, TemplateJson } from './support/local-deployment';

// Thousands of writes, each with its fence in the ledger (dynalite), on a loaded two-core machine: a
// correctness test at scale, not a timed one (npm run benchmark measures the time).
jest.setTimeout(300_000);

const OWNER = '123456789012';
const IMAGE = 'wsi-abc123def';
const ALIAS = 'wsca-abc12345de';
const A = '111122223333';
const B = '444455556666';
const C = '777788889999';
const P1 = 'participant-1';
const P2 = 'participant-2';
const P3 = 'participant-3';

const aws = useLocalAws(OWNER, e => {
  e.workspaces.addImage(IMAGE);
  e.aliases.addAlias(ALIAS);
});

type Build = (stack: Stack) => unknown;

/** The template of a stack built by `build`. */
function synth(build: Build): { template: TemplateJson; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, 'Demo', { env: { account: OWNER, region: 'eu-west-1' } });
  build(stack);
  return { template: app.synth().getStackArtifact(stack.artifactId).template, stack };
}

const image = (action: DriftAction, accountIds = [A, B], id = 'Golden'): Build => stack =>
  new SharedWorkspaceImage(stack, id, { imageId: IMAGE, accountIds, driftCheck: { interval: Duration.hours(1), action } });
const alias = (action: DriftAction): Build => stack =>
  new SharedConnectionAlias(stack, 'AliasShare', { aliasId: ALIAS, accountId: A, driftCheck: { action } });
const preferences = (action: DriftAction): Build => stack =>
  new PartnerConnectionPreferences(stack, 'Connections', {
    accessType: ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME, excludedParticipantIds: [P1, P2], driftCheck: { action },
  });

async function deploy(build: Build): Promise<LocalDeployment> {
  const deployment = new LocalDeployment(aws.endpoint, aws.cfn, aws.handler, () => lambdaContext(OWNER));
  const results = await deployment.deploy(synth(build).template);
  expect(results.filter(r => r.response).map(r => r.response!.Status)).toEqual(results.filter(r => r.response).map(() => 'SUCCESS'));
  return deployment;
}

/** Fire the stack's one schedule; the one log line of its check. */
async function check(): Promise<Record<string, any>> {
  const lines = await driftLines(() => aws.endpoint.scheduler.fire());
  expect(lines).toHaveLength(1);
  return lines[0];
}

/** Writes the check made, by operation. */
const writesOf = (...operations: string[]) => aws.endpoint.calls.filter(c => operations.includes(c.operation) && !c.error);

function shareImageByHand(accountId: string, grant: boolean): void {
  const input = { ImageId: IMAGE, SharedAccountId: accountId, AllowCopyImage: grant };
  aws.endpoint.workspaces.service().operations.UpdateWorkspaceImagePermission(input, OWNER);
}

function shareAliasByHand(accountId: string, allow: boolean): void {
  const input = { AliasId: ALIAS, ConnectionAliasPermission: { SharedAccountId: accountId, AllowAssociation: allow } };
  aws.endpoint.aliases.operations().UpdateConnectionAliasPermission(input, OWNER);
}

function editPreferencesByHand(accessType: string, excluded: string[]): void {
  const { Revision } = aws.endpoint.partnerCentral.preferencesOf('AWS');
  aws.endpoint.partnerCentral.service().operations.UpdateConnectionPreferences({
    Catalog: 'AWS', Revision, AccessType: accessType, ExcludedParticipantIdentifiers: excluded,
  }, OWNER);
}

describe('SharedWorkspaceImage: B unshared and C shared by hand', () => {
  const drifted = async (action: DriftAction) => {
    await deploy(image(action));
    shareImageByHand(B, false);
    shareImageByHand(C, true);
    aws.endpoint.resetCalls();
    return check();
  };

  test('REPORT changes nothing and reports both', async () => {
    const line = await drifted(DriftAction.REPORT);
    expect(line).toMatchObject({ status: 'DRIFTED', missing: [B], unexpected: [C], repaired: [], unshared: [], Drift: 2, DriftMissing: 1, DriftUnexpected: 1 });
    expect(writesOf('UpdateWorkspaceImagePermission', 'CreateTags', 'DeleteTags')).toEqual([]);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE).sort()).toEqual([A, C]);
  });

  test('REPAIR shares B again and leaves C', async () => {
    const line = await drifted(DriftAction.REPAIR);
    expect(line).toMatchObject({ status: 'REPAIRED', missing: [B], unexpected: [C], repaired: [B], unshared: [], DriftRepaired: 1, DriftUnshared: 0 });
    expect(writesOf('UpdateWorkspaceImagePermission').map(c => [c.input.SharedAccountId, c.input.AllowCopyImage])).toEqual([[B, true]]);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE).sort()).toEqual([A, B, C]);
  });

  test('ENFORCE shares B again and unshares C', async () => {
    const line = await drifted(DriftAction.ENFORCE);
    expect(line).toMatchObject({ status: 'REPAIRED', repaired: [B], unshared: [C], DriftRepaired: 1, DriftUnshared: 1 });
    // Revokes first, as every plan of the engine (an alias's one share must be free before it is given).
    expect(writesOf('UpdateWorkspaceImagePermission').map(c => [c.input.SharedAccountId, c.input.AllowCopyImage])).toEqual([[C, false], [B, true]]);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE).sort()).toEqual([A, B]);
  });

  test('a check that finds the declaration in effect writes nothing', async () => {
    await deploy(image(DriftAction.ENFORCE));
    aws.endpoint.resetCalls();
    const line = await check();
    expect(line).toMatchObject({ status: 'IN_SYNC', Drift: 0, DriftCheckSkipped: 0, DriftCheckFailed: 0 });
    expect(writesOf('UpdateWorkspaceImagePermission', 'CreateTags', 'DeleteTags')).toEqual([]);
  });
});

describe('SharedConnectionAlias', () => {
  test('REPORT: unshared from A and shared with C by hand, it changes nothing and reports both', async () => {
    await deploy(alias(DriftAction.REPORT));
    shareAliasByHand(A, false);
    shareAliasByHand(C, true);
    aws.endpoint.resetCalls();
    expect(await check()).toMatchObject({ status: 'DRIFTED', missing: [A], unexpected: [C], Drift: 2 });
    expect(writesOf('UpdateConnectionAliasPermission')).toEqual([]);
    expect(aws.endpoint.aliases.shareOf(ALIAS)).toBe(C);
  });

  test('REPAIR shares the alias with A again once nobody holds its share', async () => {
    await deploy(alias(DriftAction.REPAIR));
    shareAliasByHand(A, false);
    aws.endpoint.resetCalls();
    expect(await check()).toMatchObject({ status: 'REPAIRED', missing: [A], repaired: [A] });
    expect(aws.endpoint.aliases.shareOf(ALIAS)).toBe(A);
  });

  test('REPAIR leaves the share another account holds, and says that only ENFORCE would unshare it', async () => {
    await deploy(alias(DriftAction.REPAIR));
    shareAliasByHand(A, false);
    shareAliasByHand(C, true);
    aws.endpoint.resetCalls();
    const line = await check();
    expect(line).toMatchObject({ status: 'DRIFTED', missing: [A], unexpected: [C], repaired: [], unshared: [] });
    expect(line.notRepaired).toMatch(/held by 777788889999.*ENFORCE/);
    expect(writesOf('UpdateConnectionAliasPermission')).toEqual([]);
    expect(aws.endpoint.aliases.shareOf(ALIAS)).toBe(C);
  });

  test('ENFORCE unshares C before sharing with A', async () => {
    await deploy(alias(DriftAction.ENFORCE));
    shareAliasByHand(A, false);
    shareAliasByHand(C, true);
    aws.endpoint.resetCalls();
    expect(await check()).toMatchObject({ status: 'REPAIRED', repaired: [A], unshared: [C] });
    expect(writesOf('UpdateConnectionAliasPermission').map(c => c.input.ConnectionAliasPermission))
      .toEqual([{ SharedAccountId: C, AllowAssociation: false }, { SharedAccountId: A, AllowAssociation: true }]);
    expect(aws.endpoint.aliases.shareOf(ALIAS)).toBe(A);
  });
});

describe('PartnerConnectionPreferences: P2 removed from the exclusions and P3 added by hand', () => {
  const drifted = async (action: DriftAction) => {
    await deploy(preferences(action));
    editPreferencesByHand('ALLOW_BY_DEFAULT_DENY_SOME', [P1, P3]);
    aws.endpoint.resetCalls();
    return check();
  };

  test('REPORT changes nothing and reports both', async () => {
    expect(await drifted(DriftAction.REPORT)).toMatchObject({ status: 'DRIFTED', missing: [P2], unexpected: [P3], Drift: 2 });
    expect(writesOf('UpdateConnectionPreferences')).toEqual([]);
    expect(aws.endpoint.partnerCentral.preferencesOf('AWS').ExcludedParticipantIds).toEqual([P1, P3]);
  });

  test('REPAIR writes P2 back with the current revision and keeps P3', async () => {
    const revision = aws.endpoint.partnerCentral.preferencesOf('AWS').Revision;
    const line = await drifted(DriftAction.REPAIR);
    expect(line).toMatchObject({ status: 'REPAIRED', repaired: [P2], unshared: [] });
    const [write] = writesOf('UpdateConnectionPreferences');
    expect(write.input).toMatchObject({ AccessType: 'ALLOW_BY_DEFAULT_DENY_SOME', ExcludedParticipantIdentifiers: [P1, P2, P3] });
    expect(write.input.Revision).toBeGreaterThan(revision);
    expect(aws.endpoint.partnerCentral.preferencesOf('AWS').ExcludedParticipantIds.sort()).toEqual([P1, P2, P3]);
  });

  test('REPAIR writes the declared access type back', async () => {
    await deploy(preferences(DriftAction.REPAIR));
    editPreferencesByHand('DENY_ALL', []);
    aws.endpoint.resetCalls();
    expect(await check()).toMatchObject({ status: 'REPAIRED', missing: ['AccessType ALLOW_BY_DEFAULT_DENY_SOME (found DENY_ALL)', P1, P2] });
    expect(aws.endpoint.partnerCentral.preferencesOf('AWS')).toMatchObject({ AccessType: 'ALLOW_BY_DEFAULT_DENY_SOME', ExcludedParticipantIds: [P1, P2] });
  });

  test('REPAIR retries a revision conflict as a deploy does', async () => {
    await deploy(preferences(DriftAction.REPAIR));
    editPreferencesByHand('ALLOW_BY_DEFAULT_DENY_SOME', [P1]);
    // The check reads the preferences twice (their ARN for the tags, then to write): the second read is the stale one.
    aws.endpoint.partnerCentral.changeBetweenReadAndWrite(2);
    aws.endpoint.resetCalls();
    // Two conflicts, then the write: three attempts.
    expect(await check()).toMatchObject({ status: 'REPAIRED', repaired: [P2], conflictAttempts: 3 });
    expect(aws.endpoint.partnerCentral.preferencesOf('AWS').ExcludedParticipantIds).toEqual([P1, P2]);
  });

  test('ENFORCE writes exactly the declaration: P2 back, P3 removed', async () => {
    expect(await drifted(DriftAction.ENFORCE)).toMatchObject({ status: 'REPAIRED', repaired: [P2], unshared: [P3] });
    expect(aws.endpoint.partnerCentral.preferencesOf('AWS').ExcludedParticipantIds).toEqual([P1, P2]);
  });
});

describe('a stale firing changes nothing and says why', () => {
  test('during a deploy of the stack', async () => {
    await deploy(image(DriftAction.ENFORCE));
    shareImageByHand(C, true);
    aws.endpoint.cloudformation.setStatus(aws.cfn.stackId, 'UPDATE_IN_PROGRESS');
    aws.endpoint.resetCalls();
    const line = await check();
    expect(line).toMatchObject({ status: 'SKIPPED', DriftCheckSkipped: 1 });
    expect(line.skipped).toMatch(/deploy of the stack is in flight.*UPDATE_IN_PROGRESS/);
    expect(line.Drift).toBeUndefined();
    expect(aws.endpoint.calls.map(c => c.operation)).toEqual(['DescribeStacks']);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE).sort()).toEqual([A, B, C]);
  });

  test('after a rename: a late firing of the old schedule carries the new one\'s input (no logical ID), and acts as its check', async () => {
    const deployment = await deploy(image(DriftAction.ENFORCE, [A, B], 'Golden'));
    const [old] = aws.endpoint.scheduler.list();
    await deployment.deploy(synth(image(DriftAction.ENFORCE, [A, B], 'Renamed')).template);
    const [current] = aws.endpoint.scheduler.list();
    expect(current.name).not.toBe(old.name);
    expect(JSON.parse(old.target.input)).toEqual(JSON.parse(current.target.input));
    shareImageByHand(C, true);
    // A delivery of the old schedule's last firing that arrives late.
    const lines = await driftLines(async () => {
      aws.endpoint.lambda.enqueue(old.target.arn, JSON.parse(old.target.input));
      await aws.endpoint.lambda.settled();
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ status: 'REPAIRED', unshared: [C], logicalResourceId: expect.stringMatching(/^Renamed[0-9A-F]{8}$/) });
    expect(aws.endpoint.workspaces.sharesOf(IMAGE).sort()).toEqual([A, B]);
  });

  test('an input of an older release (a logical ID, the resource renamed since) is skipped', async () => {
    await deploy(image(DriftAction.ENFORCE, [A, B], 'Renamed'));
    const [current] = aws.endpoint.scheduler.list();
    const { PhysicalResourceId: _id, ...older } = JSON.parse(current.target.input);
    shareImageByHand(C, true);
    aws.endpoint.resetCalls();
    const lines = await driftLines(async () => {
      aws.endpoint.lambda.enqueue(current.target.arn, { ...older, LogicalResourceId: 'GoldenBA401183' });
      await aws.endpoint.lambda.settled();
    });
    expect(lines[0]).toMatchObject({ status: 'SKIPPED', logicalResourceId: 'GoldenBA401183' });
    expect(lines[0].skipped).toMatch(/does not own it \(the ledger names Renamed[0-9A-F]{8}, the input GoldenBA401183\)/);
    expect(writesOf('UpdateWorkspaceImagePermission')).toEqual([]);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE).sort()).toEqual([A, B, C]);
  });

  test('with an input older than the declaration deployed since', async () => {
    const deployment = await deploy(image(DriftAction.ENFORCE, [A, B]));
    const [old] = aws.endpoint.scheduler.list();
    await deployment.deploy(synth(image(DriftAction.ENFORCE, [A])).template);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE)).toEqual([A]);
    aws.endpoint.resetCalls();
    const lines = await driftLines(async () => {
      aws.endpoint.lambda.enqueue(old.target.arn, JSON.parse(old.target.input));
      await aws.endpoint.lambda.settled();
    });
    expect(lines[0]).toMatchObject({ status: 'SKIPPED', skipped: 'the input is not the declaration last deployed (stale input)' });
    expect(writesOf('UpdateWorkspaceImagePermission')).toEqual([]);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE)).toEqual([A]);
  });

  test('when the ledger names another stack\'s resource as the image\'s owner', async () => {
    await deploy(image(DriftAction.ENFORCE));
    const otherStack = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Other/22222222-3333-4444-5555-666666666666';
    await ledgerDb.setOwner(`image:${IMAGE}`, `${otherStack}|Golden`);
    shareImageByHand(C, true);
    aws.endpoint.resetCalls();
    const line = await check();
    expect(line.skipped).toBe(`this stack does not own it (the ledger names Golden of ${otherStack})`);
    expect(writesOf('UpdateWorkspaceImagePermission')).toEqual([]);
  });

  test('when the ledger names another live resource of the stack, with another physical ID', async () => {
    await deploy(image(DriftAction.ENFORCE));
    aws.endpoint.cloudformation.setResource(aws.cfn.stackId, 'Other', { type: 'Custom::SharedWorkspaceImage', physicalId: 'wsi-other12345', status: 'CREATE_COMPLETE' });
    await ledgerDb.setOwner(`image:${IMAGE}`, `${aws.cfn.stackId}|Other`);
    shareImageByHand(C, true);
    aws.endpoint.resetCalls();
    const line = await check();
    expect(line.skipped).toBe(`resource Other is wsi-other12345, not ${IMAGE}: the input is older than the resource`);
    expect(aws.endpoint.callsOf('ListStackResources')).toEqual([]);
    expect(writesOf('UpdateWorkspaceImagePermission')).toEqual([]);
  });
});

describe('a check that fails', () => {
  test('logs and publishes the failure, changes nothing and throws nothing', async () => {
    await deploy(image(DriftAction.ENFORCE));
    shareImageByHand(C, true);
    aws.endpoint.inject({ kind: 'access-denied', count: 1, operation: 'DescribeWorkspaceImagePermissions' });
    aws.endpoint.resetCalls();
    const line = await check();
    expect(line).toMatchObject({ status: 'FAILED', level: 'ERROR', DriftCheckFailed: 1, DriftCheckSkipped: 0 });
    expect(line.error).toMatch(/AccessDeniedException/);
    expect(line._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)).toEqual(['DriftCheckSkipped', 'DriftCheckFailed']);
    expect(writesOf('UpdateWorkspaceImagePermission')).toEqual([]);
  });

  test('still running close to the end of its invocation: the watchdog ends it with its log line, before the Lambda timeout', async () => {
    await deploy(image(DriftAction.ENFORCE));
    useFastSettings({ SHARING_STOP_MARGIN_MS: 500, SHARING_WATCHDOG_MARGIN_MS: 400 });
    // In virtual time the first read is still held (4 s) when the watchdog fires, 400 ms before the end.
    aws.endpoint.latencyMs = 4_000;
    const event = JSON.parse(aws.endpoint.scheduler.list()[0].target.input);
    const context = lambdaContext(OWNER, 1_500);
    const lines = await driftLines(() => aws.handler(event, context));
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      status: 'FAILED', DriftCheckFailed: 1, error: 'the check was still running close to the end of the invocation\'s time and was stopped',
    });
  });
});

describe('the metric methods', () => {
  test.each([
    ['SharedWorkspaceImage', (s: Stack) => image(DriftAction.REPORT)(s) as SharedWorkspaceImage],
    ['SharedConnectionAlias', (s: Stack) => alias(DriftAction.REPORT)(s) as SharedConnectionAlias],
    ['PartnerConnectionPreferences', (s: Stack) => preferences(DriftAction.REPORT)(s) as PartnerConnectionPreferences],
  ])('%s: metricDrift() and metricDriftCheckFailed() name what the log line publishes', async (_name, build) => {
    let construct!: SharedWorkspaceImage | SharedConnectionAlias | PartnerConnectionPreferences;
    const { template, stack } = synth(s => (construct = build(s)));
    const deployment = new LocalDeployment(aws.endpoint, aws.cfn, aws.handler, () => lambdaContext(OWNER));
    await deployment.deploy(template);
    const line = await check();
    const emf = line._aws.CloudWatchMetrics[0];
    for (const metric of [construct.metricDrift(), construct.metricDriftCheckFailed()]) {
      // The resource dimension is the resource's Ref: its physical ID once deployed.
      const resolved = stack.resolve(metric.dimensions) as Record<string, string | { Ref: string }>;
      const dimensions = Object.fromEntries(Object.entries(resolved).map(([key, value]) =>
        [key, typeof value === 'string' ? value : aws.endpoint.cloudformation.stack(aws.cfn.stackId)!.resources.get(value.Ref)!.physicalId]));
      expect(dimensions.PhysicalResourceId).toMatch(/^(wsi-|wsca-|connection-preferences:)/);
      expect(metric.namespace).toBe(emf.Namespace);
      expect(emf.Metrics.map((m: { Name: string }) => m.Name)).toContain(metric.metricName);
      expect(emf.Dimensions).toEqual([Object.keys(dimensions)]);
      for (const [key, value] of Object.entries(dimensions)) expect(line[key]).toBe(value);
      expect(typeof line[metric.metricName]).toBe('number');
    }
  });
});

describe('deleting the stack', () => {
  test('deletes the schedule before the share is undone, and leaves no schedule', async () => {
    const deployment = await deploy(image(DriftAction.REPORT));
    expect(aws.endpoint.scheduler.list()).toHaveLength(1);
    const results = await deployment.destroy();
    expect(results.map(r => [r.type, r.action])).toEqual([['AWS::Scheduler::Schedule', 'Delete'], ['Custom::SharedWorkspaceImage', 'Delete']]);
    expect(aws.endpoint.scheduler.list()).toEqual([]);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
  });
});

describe('at 1,000 accounts', () => {
  test('a REPAIR check reads 40 pages and writes only the 10 differences', async () => {
    const accounts = Array.from({ length: 1_000 }, (_, i) => String(100_000_000_000 + i));
    await deploy(image(DriftAction.REPAIR, accounts));
    for (const accountId of accounts.slice(0, 10)) shareImageByHand(accountId, false);
    aws.endpoint.resetCalls();
    const line = await check();
    expect(line).toMatchObject({ status: 'REPAIRED', DriftMissing: 10, DriftRepaired: 10 });
    const operations = ['DescribeStacks', 'DescribeStackResource', 'DescribeTags', 'DescribeWorkspaceImagePermissions', 'UpdateWorkspaceImagePermission'];
    const counts = Object.fromEntries(operations.map(op => [op, aws.endpoint.callsOf(op).length]));
    // The stack's status when the check starts, the resource, 25 accounts a page: the owner and the digest
    // are the ledger's, and the fence before each write replaces the status re-reads.
    expect(counts).toEqual({
      DescribeStacks: 1, DescribeStackResource: 1, DescribeTags: 0, DescribeWorkspaceImagePermissions: 40, UpdateWorkspaceImagePermission: 10,
    });
    expect(aws.endpoint.calls).toHaveLength(52);
    // The log line counts the ledger's calls too: its read, a fence per write, and the record at the end.
    const { DescribeTags: _none, ...logged } = counts;
    expect(line.calls).toEqual({ ...logged, GetItem: 1, UpdateItem: 11 });
    expect(aws.endpoint.workspaces.sharesOf(IMAGE)).toHaveLength(1_000);
  });
});
