/**
 * `npm run demo`: synthesize examples/app.ts and run its custom resources through create,
 * update and delete with the bundled handler (the code the npm package ships), against the
 * project's local wire-level AWS endpoint; then both halves in two accounts; then an image that
 * follows organizational units, whose scheduled drift checks follow a joiner and a leaver and
 * repair a share removed by hand. No AWS account is needed or called.
 */
import { App, Stack } from 'aws-cdk-lib';
import { buildExampleStack, DEFAULT_ALIAS_ACCOUNT, DEFAULT_IMAGE_ACCOUNTS, DEFAULT_IMAGE_ID, PARTNER_CATALOG } from './app';
import { buildTwoAccountStacks, DEFAULT_DIRECTORY_ID } from './two-accounts';
import { SharedWorkspaceImage } from '../src';
import { driftLines } from '../test/support/drift-log';
import { CloudFormationStub, lambdaContext, loadBundledHandler, useLocalEndpoint } from '../test/support/handler-harness';
import { LocalDeployment, StepResult, TemplateJson } from '../test/support/local-deployment';
import { LocalDynamoDb } from '../test/support/local-dynamodb';
import { LocalAwsEndpoint } from '../test/support/local-endpoint';

const OWNER = '123456789012';
const RECEIVING = '210987654321';
const REGION = 'eu-west-1';

function synth(context: Record<string, string>): TemplateJson {
  const app = new App({ context });
  const stack = buildExampleStack(app);
  return app.synth().getStackArtifact(stack.artifactId).template;
}

function printResults(results: StepResult[]): void {
  for (const r of results) {
    const outcome = r.response
      ? `${r.response.Status}${r.response.Status === 'FAILED' ? `: ${r.response.Reason}` : ''} (physical ID ${r.response.PhysicalResourceId})`
      : r.error ? `FAILED: ${r.error}` : 'done (native resource, in the local endpoint)';
    console.log(`  ${r.action.padEnd(6)} ${r.logicalId} [${r.type}] -> ${outcome}`);
  }
}

async function main(): Promise<void> {
  const endpoint = new LocalAwsEndpoint(OWNER);
  const cfn = new CloudFormationStub();
  useLocalEndpoint(await endpoint.start(), REGION);
  await cfn.start();
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.SHARING_POLL_INTERVAL_MS = '250';

  // The golden image is still being built when the stack is deployed: the handler waits for it.
  endpoint.workspaces.addImage(DEFAULT_IMAGE_ID, { pendingMs: 750 });
  const deployment = new LocalDeployment(endpoint, cfn, loadBundledHandler(), () => lambdaContext(OWNER, 900_000, REGION));

  // Another editor changes the Partner Central preferences while the first deploy runs:
  // the handler meets a revision conflict, reads again and retries.
  endpoint.partnerCentral.changeBetweenReadAndWrite(1);

  const printShares = () => {
    const shares = endpoint.workspaces.sharesOf(DEFAULT_IMAGE_ID);
    console.log(`  image ${DEFAULT_IMAGE_ID} is shared with: ${shares.length ? shares.join(', ') : '(no account)'}`);
    const aliases = endpoint.aliases.list();
    if (aliases.length === 0) console.log('  connection aliases: (none)');
    for (const alias of aliases) console.log(`  connection alias ${alias.id} (${alias.state}) is shared with: ${alias.sharedWith ?? '(no account)'}`);
    const prefs = endpoint.partnerCentral.preferencesOf(PARTNER_CATALOG);
    const excluded = prefs.ExcludedParticipantIds.length ? ` except ${prefs.ExcludedParticipantIds.join(', ')}` : '';
    console.log(`  Partner Central ${PARTNER_CATALOG} connections: ${prefs.AccessType}${excluded} (revision ${prefs.Revision})`);
  };
  const step = async (title: string, run: () => Promise<StepResult[]>) => {
    console.log(`\n== ${title}`);
    const started = endpoint.calls.length;
    printResults(await run());
    printShares();
    const calls = endpoint.calls.slice(started);
    const conflicts = calls.filter(c => c.operation === 'UpdateConnectionPreferences' && c.error === 'ConflictException').length;
    if (conflicts > 0) {
      console.log(`  revision conflicts ridden out: ${conflicts} (another editor wrote between the handler's read and its write; it read again and retried)`);
    }
    console.log(`  API calls: ${calls.length}`);
  };

  try {
    console.log('cdk-cross-account-sharing demo: examples/app.ts against the local AWS endpoint');
    await step(`create: image shared with ${DEFAULT_IMAGE_ACCOUNTS.join(', ')}, alias with ${DEFAULT_ALIAS_ACCOUNT}`, () => deployment.deploy(synth({})));
    const updated = { imageAccounts: '444455556666,777788889999', aliasAccount: '888899990000', excludedParticipants: 'competitor-1,competitor-2' };
    await step(`update: image shared with ${updated.imageAccounts}, alias moved to ${updated.aliasAccount}, one more exclusion`, () => deployment.deploy(synth(updated)));
    await step('delete: remove the stack', () => deployment.destroy());

    await twoAccounts(endpoint, cfn);
    await unitsAndDriftChecks(endpoint, cfn);
  } finally {
    await cfn.stop();
    await endpoint.stop();
  }
}

/**
 * Both halves in two accounts (examples/two-accounts.ts): the owner shares the image and the alias,
 * the receiving account copies the image, builds a bundle and associates the alias; then the
 * receiving stack is deleted first, which lets the owner's stack delete cleanly.
 */
async function twoAccounts(endpoint: LocalAwsEndpoint, cfn: CloudFormationStub): Promise<void> {
  console.log(`\n\ncdk-cross-account-sharing demo: two accounts, owner ${OWNER} and receiving ${RECEIVING} (examples/two-accounts.ts)`);
  endpoint.addAccount(RECEIVING);
  endpoint.workspaces.copyPendingMs = 750;
  endpoint.aliases.associatingMs = 500;
  endpoint.aliases.disassociatingMs = 500;
  const synthPair = (extra: Record<string, string> = {}) => {
    const app = new App({ context: { ownerAccount: OWNER, receivingAccount: RECEIVING, ...extra } });
    const { owner, receiving } = buildTwoAccountStacks(app);
    const assembly = app.synth();
    return { owner: assembly.getStackArtifact(owner.artifactId).template, receiving: assembly.getStackArtifact(receiving.artifactId).template };
  };
  const handler = loadBundledHandler();
  const owner = new LocalDeployment(endpoint, cfn, handler, () => lambdaContext(OWNER, 900_000, REGION));
  const receiving = new LocalDeployment(endpoint, cfn, handler, () => lambdaContext(RECEIVING, 900_000, REGION));
  const show = () => {
    const copies = endpoint.workspaces.ownedBy(RECEIVING);
    console.log(`  receiving account's images: ${copies.length ? copies.map(c => `${c.id} "${c.name}" (${c.state})`).join(', ') : '(none)'}`);
    const bundles = endpoint.bundles.list();
    console.log(`  receiving account's bundles: ${bundles.length ? bundles.map(b => `${b.id} "${b.name}" from ${b.imageId} (${b.computeType})`).join(', ') : '(none)'}`);
    for (const alias of endpoint.aliases.list()) {
      const association = endpoint.aliases.associationOf(alias.id);
      const held = association ? `associated with ${association.directoryId} of ${association.accountId} (${association.status})` : 'not associated';
      console.log(`  connection alias ${alias.id} (${alias.state}), shared with ${alias.sharedWith ?? '(no account)'}, ${held}`);
    }
  };
  const twoAccountStep = async (title: string, run: () => Promise<StepResult[]>) => {
    console.log(`\n== ${title}`);
    const started = endpoint.calls.length;
    printResults(await run());
    const image = endpoint.workspaces.sharesOf(DEFAULT_IMAGE_ID);
    console.log(`  image ${DEFAULT_IMAGE_ID} is shared with: ${image.length ? image.join(', ') : '(no account)'}`);
    show();
    console.log(`  API calls: ${endpoint.calls.length - started}`);
  };

  await twoAccountStep(`owner create: image ${DEFAULT_IMAGE_ID} and a new alias shared with ${RECEIVING}`, () => owner.deploy(synthPair().owner));
  const aliasId = endpoint.aliases.list()[0].id;
  await twoAccountStep(`receiving create (-c sharedAliasId=${aliasId}): copy the image, build a bundle, associate the alias with ${DEFAULT_DIRECTORY_ID}`,
    () => receiving.deploy(synthPair({ sharedAliasId: aliasId }).receiving));
  await twoAccountStep('receiving delete: disassociate the alias, delete the bundle and the copy', () => receiving.destroy());
  await twoAccountStep('owner delete: unshare the alias (now possible), delete it, unshare the image', () => owner.destroy());
}

/** The owner's units in the demo's organization: a workloads unit with a nested production unit. */
const WORKLOADS = 'ou-ab12-workload1';
const PROD = 'ou-ab12-produnit1';
const FLEET_IMAGE = 'wsi-fleet12345';
const member = (n: number) => String(100000000000 + n);

/** A stack whose image follows the workloads unit, with the default hourly REPAIR drift check. */
function synthUnits(): TemplateJson {
  const app = new App();
  const stack = new Stack(app, 'UnitsExample', { env: { account: OWNER, region: REGION } });
  new SharedWorkspaceImage(stack, 'FleetImage', { imageId: FLEET_IMAGE, organizationalUnitIds: [WORKLOADS], excludedAccountIds: [member(3)] });
  return app.synth().getStackArtifact(stack.artifactId).template;
}

/**
 * Shares that follow organizational units, and drift checks: the image is shared with the active
 * accounts of a unit tree; the scheduled check (EventBridge Scheduler's, fired by hand here: the
 * demo runs in real time) shares an account that joined and unshares one that left, then a REPAIR
 * check puts back a share removed by hand. The membership table is DynamoDB's wire protocol in
 * memory (dynalite), the organization the local endpoint's.
 */
async function unitsAndDriftChecks(endpoint: LocalAwsEndpoint, cfn: CloudFormationStub): Promise<void> {
  console.log(`\n\ncdk-cross-account-sharing demo: image ${FLEET_IMAGE} follows unit ${WORKLOADS} (and ${PROD} under it), with its hourly REPAIR drift check`);
  const org = endpoint.organizations;
  org.addUnit(WORKLOADS);
  org.addUnit(PROD, WORKLOADS);
  for (const n of [1, 2, 3]) org.addAccount(member(n), WORKLOADS);
  org.addAccount(member(4), PROD);
  org.addAccount(member(5), PROD, 'SUSPENDED');
  endpoint.workspaces.addImage(FLEET_IMAGE);
  const dynamodb = new LocalDynamoDb();
  await dynamodb.start();
  const handler = loadBundledHandler();
  // The schedule's invocations reach the handler through the local Lambda, as Scheduler's do.
  endpoint.lambda.serve(handler, 900_000);
  const deployment = new LocalDeployment(endpoint, cfn, handler, () => lambdaContext(OWNER, 900_000, REGION));
  const shared = () => console.log(`  image ${FLEET_IMAGE} is shared with: ${endpoint.workspaces.sharesOf(FLEET_IMAGE).join(', ') || '(no account)'}`);
  const check = async (title: string) => {
    console.log(`\n== ${title}`);
    const [line] = await driftLines(() => endpoint.scheduler.fire());
    const said = line ? `${line.message}: ${JSON.stringify(Object.fromEntries(Object.entries(line).filter(([k]) => ['action', 'missing', 'unexpected', 'shared', 'unshared', 'repaired', 'joined', 'left'].includes(k))))}` : '(no log line)';
    console.log(`  the check logged: ${said}`);
    shared();
  };
  try {
    const template = synthUnits();
    await dynamodb.createTablesOf(template);
    console.log(`\n== create: share with the ACTIVE accounts of ${WORKLOADS} and ${PROD}, except ${member(3)} (excluded) and ${member(5)} (SUSPENDED)`);
    printResults(await deployment.deploy(template));
    shared();
    console.log(`  drift check schedule: ${endpoint.scheduler.list().map(s => s.scheduleExpression).join(', ')}`);

    org.addAccount(member(6), PROD);
    org.removeAccount(member(1));
    await check(`a joiner and a leaver: ${member(6)} joins ${PROD}, ${member(1)} leaves the organization; the scheduled check runs`);

    const unshare = { ImageId: FLEET_IMAGE, SharedAccountId: member(2), AllowCopyImage: false };
    endpoint.workspaces.service().operations.UpdateWorkspaceImagePermission(unshare, OWNER);
    console.log(`\n== someone unshares ${member(2)} by hand, in the console`);
    shared();
    await check(`the next scheduled check (REPAIR) puts the share of ${member(2)} back`);

    console.log('\n== delete: remove the stack');
    printResults(await deployment.destroy());
    shared();
  } finally {
    await endpoint.lambda.settled();
    await dynamodb.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
