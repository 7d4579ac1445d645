/**
 * `npm run benchmark`: what a deploy costs, through the bundled handler against the local endpoint,
 * for an image shared with 10, 100, 1,000 and 5,000 accounts, and for a unit tree of 5,000 accounts
 * (its deploy and its scheduled check). It prints figures and asserts nothing.
 *
 * Time is scaled so that the run takes minutes: every limit of the real system is divided by
 * TIME_SCALE at once. The endpoint applies WorkSpaces' token bucket (2 calls/s, bursts of 5) at
 * TIME_SCALE times the rate; the function's 15-minute timeout, the resource's time budget (the
 * ServiceTimeout the construct would set) and the handler's margins and polls are divided by
 * TIME_SCALE. Calls, invocations and the achieved rate (given back in real-time calls/s) are
 * what a real deploy would see.
 *
 * Then it measures the cold load of the handler's entry file (and of each on-demand module with
 * it) against aws-cdk-lib's AwsCustomResource handler, side by side in fresh Node.js processes,
 * in rounds (each set once a round; the ratio taken within each round, its median and quartiles
 * over the rounds, so that a busy machine moves the figure little), and prints the entry file's
 * size, the asset's deflated size and the cold load ratio against their budgets, as figures.
 * BENCHMARK_SIZES= BENCHMARK_DRIFT_SIZES= BENCHMARK_UNIT_SIZES= measures the cold load only.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SharedWorkspaceImage } from '../src';
import { budgetSecondsFor, DRIFT_CALLS_PER_SECOND, imageShareCalls, MAX_TIME_BUDGET_SECONDS, PLANNED_CALLS_PER_SECOND } from '../src/contract/time-budget';
import {
  COLD_LOAD_BUDGET_RATIO, DEFLATED_ASSET_BUDGET_BYTES, deflatedAssetBytes, ENTRY_BUDGET_BYTES, ENTRY_FILE, entryBytes,
  ON_DEMAND_SDK_MODULES, onDemandFile,
} from '../test/support/handler-asset';
import { CloudFormationStub, lambdaContext, loadBundledHandler, useFastSettings, useLocalEndpoint } from '../test/support/handler-harness';
import { LocalDynamoDb } from '../test/support/local-dynamodb';
import { LocalAwsEndpoint } from '../test/support/local-endpoint';

const OWNER = '123456789012';
const IMAGE = 'wsi-abc123def';
const TYPE = 'Custom::SharedWorkspaceImage';
const TIME_SCALE = 25;
const WORKSPACES_RATE = { perSecond: 2, burst: 5 };
const FUNCTION_TIMEOUT_MS = 900_000;
/** The account counts measured; BENCHMARK_SIZES=10,100 measures fewer. */
const SIZES = sizes('BENCHMARK_SIZES', '10,100,1000,5000');
/** Rounds of cold loads: in each, every set once, in a fresh process each; BENCHMARK_COLD_LOADS=61 measures more. */
const COLD_LOADS = Number(process.env.BENCHMARK_COLD_LOADS ?? 31);

/** The counts a variable lists (comma-separated; empty for none), or the default's. */
function sizes(name: string, fallback: string): number[] {
  return (process.env[name] ?? fallback).split(',').filter(v => v.trim() !== '').map(Number);
}
/** The sizes at which a swap of every account for another is measured too: the costliest Update the budget covers (2 writes per account). */
const SWAP_SIZES = [1_000];

/** The account counts at which a drift check is measured; BENCHMARK_DRIFT_SIZES=1000 measures fewer. */
const DRIFT_SIZES = sizes('BENCHMARK_DRIFT_SIZES', '1000,5000');

/** The account counts of the unit trees measured (deploy, then one check); BENCHMARK_UNIT_SIZES= (empty) measures none. */
const UNIT_SIZES = sizes('BENCHMARK_UNIT_SIZES', '5000');

/** Organizations' answer time that the unit tree assumes for each call (UNVERIFIED: Organizations publishes no latency; 100 ms is a guess for its one us-east-1 endpoint). */
const ORGANIZATIONS_LATENCY_MS = 100;
const ORGANIZATIONS_OPERATIONS = ['ListAccountsForParent', 'ListOrganizationalUnitsForParent', 'ListChildren', 'DescribeAccount', 'DescribeOrganization'];

const accounts = (n: number, from = 0) => Array.from({ length: n }, (_, i) => String(300000000000 + from + i));
const scaled = (ms: number) => Math.round(ms / TIME_SCALE);

/** The handler's settings, divided by the time scale (tests/support shortens them the same way). */
function useScaledSettings(): void {
  useFastSettings({
    SHARING_POLL_INTERVAL_MS: scaled(15_000),
    SHARING_STOP_MARGIN_MS: scaled(20_000),
    SHARING_WATCHDOG_MARGIN_MS: scaled(3_000),
    SHARING_ANSWER_MARGIN_MS: scaled(30_000),
    SHARING_MIN_HAND_OVER_MS: scaled(60_000),
    SHARING_REQUEST_TIMEOUT_MS: scaled(15_000),
    SHARING_IAM_PROPAGATION_MS: scaled(60_000),
    SHARING_WORKSPACES_CALLS_PER_SECOND: PLANNED_CALLS_PER_SECOND * TIME_SCALE,
    SHARING_DRIFT_CALLS_PER_SECOND: DRIFT_CALLS_PER_SECOND * TIME_SCALE,
  });
}

interface Row {
  readonly accounts: number;
  /** The time budget the construct sets for the list, in real seconds. */
  readonly budgetSeconds: number;
  readonly step: string;
  readonly status: string;
  readonly calls: number;
  readonly throttled: number;
  readonly invocations: number;
  readonly realSeconds: number;
  readonly callsPerSecond: number;
}

async function measureSize(n: number, cfn: CloudFormationStub): Promise<Row[]> {
  const endpoint = new LocalAwsEndpoint(OWNER);
  useLocalEndpoint(await endpoint.start({ ledger: true }));
  endpoint.rateLimit = { perSecond: WORKSPACES_RATE.perSecond * TIME_SCALE, burst: WORKSPACES_RATE.burst };
  endpoint.workspaces.addImage(IMAGE);
  const handler = loadBundledHandler();
  endpoint.lambda.serve(handler, scaled(FUNCTION_TIMEOUT_MS));

  // The budget the construct sets for one image share of the list (its costliest Update, capped), scaled.
  const budgetOf = (list: string[]) => Math.min(MAX_TIME_BUDGET_SECONDS, budgetSecondsFor(imageShareCalls(list.length).update));
  const props = (list: string[]) => ({ ImageId: IMAGE, AccountIds: list, TimeBudgetSeconds: String(Math.ceil(budgetOf(list) / TIME_SCALE)) });
  const listed = accounts(n);
  const plusOne = [...listed, accounts(1, n)[0]];
  const rows: Row[] = [];

  const run = async (step: string, event: ReturnType<CloudFormationStub['createEvent']>) => {
    const budgetSeconds = budgetOf((event.ResourceProperties as unknown as { AccountIds: string[] }).AccountIds);
    endpoint.resetCalls();
    const t0 = process.hrtime.bigint();
    const response = await cfn.invoke(handler, event, lambdaContext(OWNER, scaled(FUNCTION_TIMEOUT_MS)), 3_600_000);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await endpoint.lambda.settled();
    const workspaces = endpoint.calls.filter(c => c.operation !== 'Invoke');
    const throttled = workspaces.filter(c => c.error === 'ThrottlingException').length;
    const calls = workspaces.length - throttled;
    rows.push({
      accounts: n,
      budgetSeconds,
      step,
      status: response.Status,
      calls,
      throttled,
      invocations: 1 + endpoint.callsOf('Invoke').length,
      realSeconds: seconds * TIME_SCALE,
      callsPerSecond: calls / (seconds * TIME_SCALE),
    });
  };

  await run('create', cfn.createEvent(TYPE, 'Share', props(listed)));
  await run('+1', cfn.updateEvent(TYPE, 'Share', IMAGE, props(plusOne), props(listed)));
  await run('-1', cfn.updateEvent(TYPE, 'Share', IMAGE, props(listed), props(plusOne)));
  if (SWAP_SIZES.includes(n)) {
    // Every account swapped for another: n unshares and n shares, within the budget of n accounts.
    const swapped = accounts(n, 10_000);
    await run('swap', cfn.updateEvent(TYPE, 'Share', IMAGE, props(swapped), props(listed)));
    await run('delete', cfn.deleteEvent(TYPE, 'Share', IMAGE, props(swapped)));
  } else {
    await run('delete', cfn.deleteEvent(TYPE, 'Share', IMAGE, props(listed)));
  }
  await endpoint.stop();
  return rows;
}

interface DriftRow {
  readonly accounts: number;
  readonly status: string;
  readonly calls: Record<string, number>;
  readonly total: number;
  readonly throttled: number;
  readonly realSeconds: number;
}

/**
 * One REPAIR drift check of an image shared with `n` accounts, 1% of them unshared by hand and one
 * account shared by hand: what a schedule's firing costs (the stack is seeded as CloudFormation
 * holds it after the Create), at the check's pace, against the same token bucket.
 */
async function measureDriftCheck(n: number, cfn: CloudFormationStub): Promise<DriftRow> {
  const endpoint = new LocalAwsEndpoint(OWNER);
  useLocalEndpoint(await endpoint.start({ ledger: true }));
  endpoint.workspaces.addImage(IMAGE);
  const handler = loadBundledHandler();
  const listed = accounts(n);
  const created = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', { ImageId: IMAGE, AccountIds: listed, DriftCheck: 'true' }), lambdaContext(OWNER), 3_600_000);
  if (created.Status !== 'SUCCESS') throw new Error(`the Create failed: ${created.Reason}`);
  endpoint.cloudformation.addStack(cfn.stackId, { status: 'CREATE_COMPLETE', resources: { Share: { type: TYPE, physicalId: IMAGE, status: 'CREATE_COMPLETE' } } });
  const ops = endpoint.workspaces.service().operations;
  for (const accountId of listed.slice(0, Math.max(1, n / 100))) {
    ops.UpdateWorkspaceImagePermission({ ImageId: IMAGE, SharedAccountId: accountId, AllowCopyImage: false }, OWNER);
  }
  ops.UpdateWorkspaceImagePermission({ ImageId: IMAGE, SharedAccountId: '999988887777', AllowCopyImage: true }, OWNER);
  endpoint.rateLimit = { perSecond: WORKSPACES_RATE.perSecond * TIME_SCALE, burst: WORKSPACES_RATE.burst };
  endpoint.resetCalls();
  const event = {
    CrossAccountSharingDriftCheck: 1,
    ResourceType: TYPE,
    StackId: cfn.stackId,
    LogicalResourceId: 'Share',
    Action: 'REPAIR',
    Declaration: { ImageId: IMAGE, AccountIds: listed.join(',') },
  };
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  const t0 = process.hrtime.bigint();
  try {
    await handler(event as any, lambdaContext(OWNER, scaled(FUNCTION_TIMEOUT_MS)));
  } finally {
    process.stdout.write = write;
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const line = JSON.parse(lines.find(l => l.includes('"Drift check '))!);
  const throttled = endpoint.calls.filter(c => c.error === 'ThrottlingException').length;
  await endpoint.stop();
  const calls = line.calls as Record<string, number>;
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  return { accounts: n, status: `${line.status}${line.incomplete ? ' (incomplete)' : ''}`, calls, total, throttled, realSeconds: seconds * TIME_SCALE };
}

interface UnitRow {
  readonly accounts: number;
  readonly step: string;
  readonly status: string;
  readonly workspaces: number;
  readonly writes: number;
  readonly pages: number;
  readonly throttled: number;
  readonly dynamodb: string;
  readonly invocations: number;
  readonly realSeconds: number;
}

/**
 * A share of an image with one unit tree of `n` ACTIVE accounts (a unit and four nested ones, a
 * fifth of the accounts each; an empty page before each page of 20; 3 TooManyRequestsException),
 * the membership in dynalite: its Create (the ServiceTimeout of a share with units, 3,600 s), then
 * one REPAIR check after 1% of the accounts joined and 1% left, in one invocation of 900 s.
 */
async function measureUnitTree(n: number, cfn: CloudFormationStub): Promise<UnitRow[]> {
  const endpoint = new LocalAwsEndpoint(OWNER);
  useLocalEndpoint(await endpoint.start());
  const dynamodb = new LocalDynamoDb();
  await dynamodb.start();
  const table = 'Membership';
  await dynamodb.createLedger(table);
  endpoint.workspaces.addImage(IMAGE);
  for (const op of ORGANIZATIONS_OPERATIONS) endpoint.latencyOf[op] = scaled(ORGANIZATIONS_LATENCY_MS);
  const org = endpoint.organizations;
  const units = ['ou-ab12-workload1', 'ou-ab12-produnit1', 'ou-ab12-prodeu001', 'ou-ab12-devunit01', 'ou-ab12-devteam01'];
  org.addUnit(units[0]);
  org.addUnit(units[1], units[0]);
  org.addUnit(units[2], units[1]);
  org.addUnit(units[3], units[0]);
  org.addUnit(units[4], units[3]);
  const listed = accounts(n);
  listed.forEach((a, i) => org.addAccount(a, units[i % units.length]));
  org.emptyPages = true;
  endpoint.inject({ kind: 'error', code: 'TooManyRequestsException', count: 3, operation: 'ListAccountsForParent' });
  const handler = loadBundledHandler();
  endpoint.lambda.serve(handler, scaled(FUNCTION_TIMEOUT_MS));
  const declaration = { ImageId: IMAGE, OrganizationalUnitIds: units[0], ExcludedAccountIds: '', MembershipTable: table };
  const props = {
    ...declaration,
    AccountIds: [],
    OrganizationalUnitIds: [units[0]],
    ExcludedAccountIds: [],
    RemovalPolicy: 'destroy',
    DriftCheck: 'true',
    TimeBudgetSeconds: String(Math.ceil(MAX_TIME_BUDGET_SECONDS / TIME_SCALE)),
  };
  // A call's service is the signing name in its credential scope.
  const signedFor = (c: { authorization?: string }, service: string) => (c.authorization ?? '').includes(`/${service}/aws4_request`);
  const isOrganizations = (c: { authorization?: string }) => signedFor(c, 'organizations');
  const row = (step: string, status: string, seconds: number, dynamodbCalls: string): UnitRow => {
    const workspaces = endpoint.calls.filter(c => signedFor(c, 'workspaces'));
    return {
      accounts: n,
      step,
      status,
      workspaces: workspaces.filter(c => !c.error).length,
      writes: endpoint.callsOf('UpdateWorkspaceImagePermission').filter(c => !c.error).length,
      pages: endpoint.calls.filter(c => isOrganizations(c) && !c.error).length,
      throttled: endpoint.calls.filter(c => c.error === 'TooManyRequestsException' || c.error === 'ThrottlingException').length,
      dynamodb: dynamodbCalls,
      invocations: 1 + endpoint.callsOf('Invoke').length,
      realSeconds: seconds * TIME_SCALE,
    };
  };
  const rows: UnitRow[] = [];
  let t0 = process.hrtime.bigint();
  const created = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props), lambdaContext(OWNER, scaled(FUNCTION_TIMEOUT_MS)), 3_600_000);
  await endpoint.lambda.settled();
  rows.push(row('deploy', created.Status, Number(process.hrtime.bigint() - t0) / 1e9, '-'));

  endpoint.cloudformation.addStack(cfn.stackId, { status: 'CREATE_COMPLETE', resources: { Share: { type: TYPE, physicalId: IMAGE, status: 'CREATE_COMPLETE' } } });
  const changed = Math.max(1, n / 100);
  for (const a of accounts(changed, 1_000_000)) org.addAccount(a, units[2]);
  for (const a of listed.slice(0, changed)) org.removeAccount(a);
  endpoint.resetCalls();
  const event = { CrossAccountSharingDriftCheck: 1, ResourceType: TYPE, StackId: cfn.stackId, LogicalResourceId: 'Share', Action: 'REPAIR', Declaration: { ...declaration, AccountIds: '' } };
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  t0 = process.hrtime.bigint();
  try {
    await handler(event as any, lambdaContext(OWNER, scaled(FUNCTION_TIMEOUT_MS)));
  } finally {
    process.stdout.write = write;
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const line = JSON.parse(lines.find(l => l.includes('"Drift check '))!);
  const calls = line.calls as Record<string, number>;
  rows.push(row('check', `${line.status}${line.incomplete ? ' (incomplete)' : ''}`, seconds, String((calls.GetItem ?? 0) + (calls.UpdateItem ?? 0))));
  await endpoint.stop();
  await dynamodb.stop();
  return rows;
}

/** Template bytes (as the CDK writes them, one-space indent) per account of an image share, without and with a drift check. */
function templateBytesPerAccount(): { without: number; withDriftCheck: number } {
  const bytes = (n: number, drift: boolean) => {
    const stack = new Stack(new App(), 'Demo', { env: { account: OWNER, region: 'eu-west-1' } });
    new SharedWorkspaceImage(stack, 'Golden', { imageId: IMAGE, accountIds: accounts(n), driftCheck: drift ? {} : undefined });
    return JSON.stringify(Template.fromStack(stack).toJSON(), null, 1).length;
  };
  return { without: (bytes(200, false) - bytes(100, false)) / 100, withDriftCheck: (bytes(200, true) - bytes(100, true)) / 100 };
}

/** Milliseconds a fresh Node.js process takes to load `files`, as it reports them: wall time, and CPU time (less swayed by other work on the machine). */
function coldLoadMs(files: string[]): { wall: number; cpu: number } {
  const script = 'const c=process.cpuUsage(),t=process.hrtime.bigint();'
    + `for(const f of ${JSON.stringify(files)})require(f);`
    + 'const u=process.cpuUsage(c);console.log(Number(process.hrtime.bigint()-t)/1e6,(u.user+u.system)/1e3)';
  const [wall, cpu] = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim().split(' ').map(Number);
  return { wall, cpu };
}

/** The value at `q` (0 to 1) of the sorted `values`, between the two nearest when it falls between them. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  return sorted[Math.floor(at)] + (sorted[Math.ceil(at)] - sorted[Math.floor(at)]) * (at - Math.floor(at));
}

/** What is loaded side by side: aws-cdk-lib's AwsCustomResource handler, this handler's entry file, and the entry file with each on-demand SDK module. */
function coldLoadSets(): Record<string, string[]> {
  const entry = [ENTRY_FILE];
  return {
    // The AwsCustomResource handler, and the WorkSpaces client it loads from the Lambda runtime.
    awsCustomResource: [
      path.join(path.dirname(require.resolve('aws-cdk-lib')), 'custom-resource-handlers/dist/custom-resources/aws-custom-resource-handler/index.js'),
      require.resolve('@aws-sdk/client-workspaces'),
    ],
    entry,
    ...Object.fromEntries(ON_DEMAND_SDK_MODULES.map(module => [module, [...entry, onDemandFile(module)]])),
  };
}

/** A set's cold loads: the median time, and its ratios to the AwsCustomResource handler's loads of the same rounds (median and quartiles). */
interface ColdLoad {
  readonly wall: number;
  readonly cpu: number;
  readonly wallRatio: { readonly median: number; readonly low: number; readonly high: number };
  readonly cpuRatio: { readonly median: number; readonly low: number; readonly high: number };
}

/**
 * The cold loads of each set, in rounds: in each round every set loads once, back to back, the
 * order reversed every other round, so that whatever else the machine does in a round weighs on
 * all sets alike. Each set's ratio is taken within each round, against the AwsCustomResource
 * handler's load of that round, and summed up by the median and quartiles of the rounds: a busy
 * moment moves one round's loads together, and their ratio far less than their times. A first
 * round, uncounted, reads the files into the operating system's cache.
 */
function measureColdLoad(): Record<string, ColdLoad> {
  const sets = Object.entries(coldLoadSets());
  for (const [, files] of sets) coldLoadMs(files);
  const rounds: Record<string, { wall: number; cpu: number }>[] = [];
  for (let i = 0; i < COLD_LOADS; i++) {
    const round: Record<string, { wall: number; cpu: number }> = {};
    for (const [name, files] of i % 2 === 0 ? sets : [...sets].reverse()) round[name] = coldLoadMs(files);
    rounds.push(round);
  }
  const spread = (ratios: number[]) => ({ median: quantile(ratios, 0.5), low: quantile(ratios, 0.25), high: quantile(ratios, 0.75) });
  return Object.fromEntries(sets.map(([name]) => [name, {
    wall: quantile(rounds.map(r => r[name].wall), 0.5),
    cpu: quantile(rounds.map(r => r[name].cpu), 0.5),
    wallRatio: spread(rounds.map(r => r[name].wall / r.awsCustomResource.wall)),
    cpuRatio: spread(rounds.map(r => r[name].cpu / r.awsCustomResource.cpu)),
  }]));
}

/** The asset's sizes and the cold loads, and the budgets as figures (printed, never asserted: timing is the machine's). */
function printColdLoad(): void {
  const load = measureColdLoad();
  const base = load.awsCustomResource;
  const kb = (bytes: number) => (bytes / 1000).toFixed(0);
  const fileKb = (file: string) => kb(fs.statSync(file).size);
  const ratio = (r: ColdLoad['wallRatio']) => `${r.median.toFixed(2)} (${r.low.toFixed(2)}-${r.high.toFixed(2)})`;
  const row = (label: string, size: string, l: ColdLoad) => [label, '', size, l.wall.toFixed(1), ratio(l.wallRatio), l.cpu.toFixed(1), ratio(l.cpuRatio)];
  console.log();
  console.log(`Cold load in a fresh Node.js process, ${COLD_LOADS} rounds, every set once a round (KB = 1,000 bytes; ms: medians; `
    + 'ratios to the AwsCustomResource handler\'s load of the same round: median (quartiles)):');
  printTable([
    ['module', '', 'KB', 'wall ms', 'ratio', 'CPU ms', 'CPU ratio'],
    row('AwsCustomResource handler + @aws-sdk/client-workspaces', '', base),
    row('this handler\'s entry file (index.js)', fileKb(ENTRY_FILE), load.entry),
    ...ON_DEMAND_SDK_MODULES.map(module => row(`+ on-demand/${module}.js (loaded at its first use)`, `+${fileKb(onDemandFile(module))}`, load[module])),
  ]);
  const entry = entryBytes();
  const deflated = deflatedAssetBytes();
  const within = (ok: boolean) => (ok ? 'within' : 'OVER');
  const { wallRatio, cpuRatio } = load.entry;
  console.log();
  console.log('Budgets (figures, not assertions):');
  console.log(`  entry file           ${kb(entry)} KB of ${kb(ENTRY_BUDGET_BYTES)}: ${within(entry <= ENTRY_BUDGET_BYTES)}`);
  console.log(`  asset, deflated      ${kb(deflated)} KB of ${kb(DEFLATED_ASSET_BUDGET_BYTES)}: ${within(deflated <= DEFLATED_ASSET_BUDGET_BYTES)}`);
  console.log(`  cold load ratio      ${ratio(wallRatio)} (CPU ${ratio(cpuRatio)}) of ${COLD_LOAD_BUDGET_RATIO}: `
    + `${within(wallRatio.median <= COLD_LOAD_BUDGET_RATIO)}${cpuRatio.median <= COLD_LOAD_BUDGET_RATIO ? '' : ' (CPU OVER)'}`);
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padStart(i < 2 ? 0 : widths[i]).padEnd(widths[i])).join('  '));
}

async function main(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  useScaledSettings();
  const cfn = new CloudFormationStub();
  await cfn.start();

  console.log(`Image share against a WorkSpaces-like token bucket (${WORKSPACES_RATE.perSecond} calls/s, bursts of ${WORKSPACES_RATE.burst}), time scaled ${TIME_SCALE}x; seconds and rates in real time.`);
  const rows: Row[] = [];
  for (const n of SIZES) rows.push(...await measureSize(n, cfn));
  const driftRows: DriftRow[] = [];
  for (const n of DRIFT_SIZES) driftRows.push(await measureDriftCheck(n, cfn));
  const unitRows: UnitRow[] = [];
  for (const n of UNIT_SIZES) unitRows.push(...await measureUnitTree(n, cfn));
  await cfn.stop();
  printTable([
    ['accounts', 'step', 'status', 'budget s', 'API calls', 'throttled', 'invocations', 'seconds', 'calls/s'],
    ...rows.map(r => [String(r.accounts), r.step, r.status, String(r.budgetSeconds), String(r.calls), String(r.throttled), String(r.invocations), r.realSeconds.toFixed(0), r.calls >= 10 ? r.callsPerSecond.toFixed(2) : '-']),
  ]);

  console.log();
  console.log(`A REPAIR drift check (1% of the accounts unshared by hand, one account shared by hand), paced at ${DRIFT_CALLS_PER_SECOND} WorkSpaces calls/s, one invocation of 900 s:`);
  const op = (r: DriftRow, name: string) => String(r.calls[name] ?? 0);
  printTable([
    ['accounts', 'status', 'API calls', 'CloudFormation', 'tag reads', 'permission pages', 'writes', 'throttled', 'seconds'],
    ...driftRows.map(r => [String(r.accounts), r.status, String(r.total), String(Number(op(r, 'DescribeStacks')) + Number(op(r, 'DescribeStackResource'))),
      op(r, 'DescribeTags'), op(r, 'DescribeWorkspaceImagePermissions'), op(r, 'UpdateWorkspaceImagePermission'), String(r.throttled), r.realSeconds.toFixed(0)]),
  ]);
  if (unitRows.length > 0) {
    console.log();
    console.log(`A unit tree (a unit and 4 nested ones; an empty page before each page of 20; 3 TooManyRequestsException): its Create (budget ${MAX_TIME_BUDGET_SECONDS} s), `
      + `then a REPAIR check after 1% of the accounts joined and 1% left the organization (one invocation of 900 s). WorkSpaces at ${PLANNED_CALLS_PER_SECOND} calls/s `
      + `(the check at ${DRIFT_CALLS_PER_SECOND}); Organizations unpaced, each call answered in an assumed ${ORGANIZATIONS_LATENCY_MS} ms (UNVERIFIED):`);
    printTable([
      ['accounts', 'step', 'status', 'WorkSpaces calls', 'writes', 'Organizations pages', 'throttled', 'DynamoDB calls', 'invocations', 'seconds'],
      ...unitRows.map(r => [String(r.accounts), r.step, r.status, String(r.workspaces), String(r.writes), String(r.pages), String(r.throttled),
        r.dynamodb, String(r.invocations), r.realSeconds.toFixed(0)]),
    ]);
  }
  const growth = templateBytesPerAccount();
  console.log(`Template bytes per account of an image share: ${growth.without} without a drift check, ${growth.withDriftCheck} with one.`);

  printColdLoad();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
