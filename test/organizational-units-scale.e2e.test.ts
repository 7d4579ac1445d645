/**
 * A unit tree of 5,000 ACTIVE accounts, through the local endpoint (Organizations, WorkSpaces,
 * CloudFormation, Scheduler, Lambda's hand-overs) and dynalite (the membership table), at the
 * handler's real pace and margins in virtual time: WorkSpaces writes at the planned 1.75 calls/s
 * (the scheduled check at its 0.5), a 15-minute function, CloudFormation waiting for the
 * resource's ServiceTimeout (3,600 s with units). The deploy must answer SUCCESS within that
 * budget (it needs several invocations) and one scheduled check must finish in one invocation.
 * The assertions are on calls and shares; the clock only decides whether the work fits.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { App, Stack } from 'aws-cdk-lib';
import { SharedWorkspaceImage } from '../src';
import { driftLines } from './support/drift-log';
import { lambdaContext, useFastSettings } from './support/handler-harness';
import { useLocalAws } from './support/local-aws';
import { LocalDeployment, TemplateJson } from './support/local-deployment';
import { LocalDynamoDb } from './support/local-dynamodb';
import { LEDGER, MEMBERSHIP_KEY } from '../src/contract/membership';
import { DRIFT_CALLS_PER_SECOND, PLANNED_CALLS_PER_SECOND } from '../src/contract/time-budget';

// Thousands of writes, each with its fence in the ledger (dynalite), on a loaded two-core machine: a
// correctness test at scale, not a timed one (npm run benchmark measures the time).
jest.setTimeout(300_000);

const OWNER = '123456789012';
const IMAGE = 'wsi-abc123def';
const OUTSIDE = '777788889999';
const WORKLOADS = 'ou-ab12-workload1';
const PROD = 'ou-ab12-produnit1';
const PROD_EU = 'ou-ab12-prodeu001';
const DEV = 'ou-ab12-devunit01';
const DEV_TEAM = 'ou-ab12-devteam01';
const EMPTY = 'ou-ab12-emptyou01';
const SANDBOX = 'ou-ab12-sandbox01';

/** Account IDs 1000000NNNNN. */
const acct = (n: number) => String(100000000000 + n);
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => acct(from + i));

/** The ACTIVE accounts of each unit at the start: 5,000 in all. */
const TREE: Record<string, string[]> = {
  [WORKLOADS]: range(1, 1_000),
  [PROD]: range(1_001, 2_000),
  [PROD_EU]: range(3_001, 1_000),
  [DEV]: range(4_001, 990),
  [DEV_TEAM]: range(4_991, 10),
  [EMPTY]: [],
};
const EXCLUDED = acct(9_001);
const declaredAtStart = Object.values(TREE).flat().sort();

/**
 * Calls of one List operation on a unit of `items` items with `emptyPages`: an empty page with a
 * NextToken before each page of 20 (and one page, empty, for a unit with none).
 */
const listCalls = (items: number) => 2 * Math.max(1, Math.ceil(items / 20));

const aws = useLocalAws(OWNER, e => {
  // The handler's real pace and margins (virtual time makes them cost no real time).
  useFastSettings({
    SHARING_WORKSPACES_CALLS_PER_SECOND: PLANNED_CALLS_PER_SECOND,
    SHARING_DRIFT_CALLS_PER_SECOND: DRIFT_CALLS_PER_SECOND,
    SHARING_STOP_MARGIN_MS: 20_000,
    SHARING_WATCHDOG_MARGIN_MS: 3_000,
    SHARING_ANSWER_MARGIN_MS: 30_000,
    SHARING_MIN_HAND_OVER_MS: 60_000,
    SHARING_CLAIM_SETTLE_MS: 12_000,
  });
  e.workspaces.addImage(IMAGE, { sharedWith: [OUTSIDE] });
  const org = e.organizations;
  org.addUnit(WORKLOADS);
  org.addUnit(PROD, WORKLOADS);
  org.addUnit(PROD_EU, PROD);
  org.addUnit(DEV, WORKLOADS);
  org.addUnit(DEV_TEAM, DEV);
  org.addUnit(EMPTY, DEV);
  org.addUnit(SANDBOX);
  for (const [unit, accounts] of Object.entries(TREE)) for (const a of accounts) org.addAccount(a, unit);
  org.addAccount(OWNER, WORKLOADS);
  org.addAccount(EXCLUDED, WORKLOADS);
  org.addAccount(acct(9_101), PROD_EU, 'SUSPENDED');
  org.addAccount(acct(9_102), PROD_EU, 'SUSPENDED');
  org.addAccount(acct(9_103), PROD_EU, 'CLOSED');
  for (const a of range(9_201, 5)) org.addAccount(a, SANDBOX);
  org.emptyPages = true;
});

const dynamodb = new LocalDynamoDb();
beforeEach(() => dynamodb.start());
afterEach(() => dynamodb.stop());

function synth(): TemplateJson {
  const app = new App();
  const stack = new Stack(app, 'Demo', { env: { account: OWNER, region: 'eu-west-1' } });
  new SharedWorkspaceImage(stack, 'Golden', { imageId: IMAGE, organizationalUnitIds: [WORKLOADS], excludedAccountIds: [EXCLUDED] });
  return app.synth().getStackArtifact(stack.artifactId).template;
}

const shares = () => aws.endpoint.workspaces.sharesOf(IMAGE);
const writes = () => aws.endpoint.callsOf('UpdateWorkspaceImagePermission').filter(c => !c.error);
/** Calls signed for Organizations (its credential scope's service is `organizations`). */
const organizationsCalls = () => aws.endpoint.calls.filter(c => /\/organizations\/aws4_request/.test(c.authorization ?? ''));
/** Successful List calls of `operation`, counted by unit. */
const listCallsByUnit = (operation: string) => {
  const counts: Record<string, number> = {};
  for (const c of aws.endpoint.callsOf(operation).filter(call => !call.error)) counts[c.input.ParentId] = (counts[c.input.ParentId] ?? 0) + 1;
  return counts;
};

test('5,000 accounts in one unit tree: the deploy shares exactly them within the budget, and one scheduled check follows joiners and leavers', async () => {
  aws.endpoint.inject({ kind: 'error', code: 'TooManyRequestsException', count: 3, operation: 'ListAccountsForParent', message: 'AWS Organizations can\'t complete your request because another request is already in progress.' });
  const template = synth();
  const custom = Object.values(template.Resources).find(r => r.Type === 'Custom::SharedWorkspaceImage')!;
  expect(Number((custom.Properties as Record<string, unknown>).ServiceTimeout)).toBe(3_600);
  await dynamodb.createTablesOf(template);
  const deployment = new LocalDeployment(aws.endpoint, aws.cfn, aws.handler, () => lambdaContext(OWNER), { waitServiceTimeout: true });
  const results = await deployment.deploy(template);

  // SUCCESS, and the shares are exactly the declared set (the outside share stays).
  expect(results.filter(r => r.response).map(r => r.response!.Status)).toEqual(['SUCCESS']);
  expect(declaredAtStart).toHaveLength(5_000);
  expect(shares()).toEqual([...declaredAtStart, OUTSIDE].sort());
  // One write per account across the invocations, none twice; the image read once; its permissions
  // not at all (a Create plans from the ledger, which holds nothing yet).
  expect(writes()).toHaveLength(5_000);
  expect(new Set(writes().map(c => c.input.SharedAccountId)).size).toBe(5_000);
  expect(aws.endpoint.callsOf('DescribeWorkspaceImages')).toHaveLength(1);
  expect(aws.endpoint.callsOf('DescribeWorkspaceImagePermissions')).toHaveLength(0);
  // At 1.75 calls/s the writes outlast one 15-minute invocation: the request was handed over, and resolved its units once.
  expect(aws.endpoint.callsOf('Invoke').length).toBeGreaterThanOrEqual(3);
  // Organizations: only the two List reads, every page of 20 after every empty page, the throttled attempts retried; no call per account.
  expect(new Set(organizationsCalls().map(c => c.operation))).toEqual(new Set(['ListAccountsForParent', 'ListOrganizationalUnitsForParent']));
  expect(aws.endpoint.callsOf('ListAccountsForParent').filter(c => c.error === 'TooManyRequestsException')).toHaveLength(3);
  expect(listCallsByUnit('ListAccountsForParent')).toEqual({
    [WORKLOADS]: listCalls(1_002),
    [PROD]: listCalls(2_000),
    [PROD_EU]: listCalls(1_003),
    [DEV]: listCalls(990),
    [DEV_TEAM]: listCalls(10),
    [EMPTY]: listCalls(0),
  });
  expect(listCallsByUnit('ListOrganizationalUnitsForParent')).toEqual({
    [WORKLOADS]: listCalls(2), [PROD]: listCalls(1), [PROD_EU]: listCalls(0), [DEV]: listCalls(2), [DEV_TEAM]: listCalls(0), [EMPTY]: listCalls(0),
  });
  expect(organizationsCalls().filter(c => !c.error)).toHaveLength(520);
  expect(aws.endpoint.calls.some(c => c.input.ParentId === SANDBOX)).toBe(false);
  // The ledger holds the 5,000 in one item (a string set of about 65 KB, under DynamoDB's 400 KB).
  const table = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::DynamoDB::Table')![0];
  const { Item } = await dynamodb.client().send(new GetItemCommand({ TableName: table, Key: { [MEMBERSHIP_KEY]: { S: `image:${IMAGE}` } } }));
  expect([...Item![LEDGER.shared].SS!].sort()).toEqual(declaredAtStart);

  // Accounts join, become ACTIVE, move within the tree, move out, are suspended, leave the organization.
  const org = aws.endpoint.organizations;
  const joiners = range(6_001, 5);
  for (const a of joiners) org.addAccount(a, PROD_EU);
  org.setState(acct(9_101), 'ACTIVE');
  org.addAccount(acct(1_500), DEV); // moves within the tree: stays
  const movedOut = [acct(10), acct(2_000), acct(4_995)];
  for (const a of movedOut) org.addAccount(a, SANDBOX);
  const suspended = [acct(3_500), acct(4_500)];
  for (const a of suspended) org.setState(a, 'SUSPENDED');
  org.removeAccount(acct(1_200));
  const leavers = [...movedOut, ...suspended, acct(1_200)].sort();
  const expected = [...declaredAtStart.filter(a => !leavers.includes(a)), ...joiners, acct(9_101)].sort();
  aws.endpoint.resetCalls();

  const lines = await driftLines(() => aws.endpoint.scheduler.fire());
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ status: 'REPAIRED', declaredCount: 5_000, leftUnits: 6, sharedOutside: 1 });
  // It finished within its one invocation: nothing left for the next check, no hand-over.
  expect(lines[0].incomplete).toBeUndefined();
  expect(aws.endpoint.callsOf('Invoke')).toHaveLength(0);
  expect(shares()).toEqual([...expected, OUTSIDE].sort());
  // Revokes first, as every plan of the engine.
  expect(writes().map(c => [c.input.SharedAccountId, c.input.AllowCopyImage])).toEqual([
    ...leavers.map(a => [a, false]), ...[...joiners, acct(9_101)].sort().map(a => [a, true]),
  ]);
  // Its reads: every page of the image's permissions (25 a page) once, and the tree's pages once.
  expect(aws.endpoint.callsOf('DescribeWorkspaceImagePermissions')).toHaveLength(Math.ceil(5_001 / 25));
  expect(organizationsCalls()).toHaveLength(
    listCalls(1_002 - 1) + listCalls(2_000 - 1 - 1 - 1) + listCalls(1_003 + 5) + listCalls(990 + 1) + listCalls(10 - 1) + listCalls(0) + 12,
  );
});
