/**
 * Shares that follow organizational units, through the local endpoint (Organizations, STS,
 * WorkSpaces, CloudFormation, Scheduler) and dynalite (the membership table): a deploy shares
 * exactly the declared set, a scheduled check follows the accounts that join and leave, an
 * assumed management-account role reads the organization, and access that is missing fails
 * before the first share.
 */
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SharedWorkspaceImage, SharedWorkspaceImageProps } from '../src';
import { driftLines } from './support/drift-log';
import { lambdaContext } from './support/handler-harness';
import { useLocalAws } from './support/local-aws';
import { LocalDeployment, TemplateJson } from './support/local-deployment';
import { LocalDynamoDb } from './support/local-dynamodb';

const OWNER = '123456789012';
const MANAGEMENT = '999999999999';
const IMAGE = 'wsi-abc123def';
const WORKLOADS = 'ou-ab12-workload1';
const PROD = 'ou-ab12-produnit1';
const SANDBOX = 'ou-ab12-sandbox01';
const OUTSIDE = '777788889999';
const ROLE = `arn:aws:iam::${MANAGEMENT}:role/OrgRead`;

/** Account IDs 1000000000NN. */
const acct = (n: number) => String(100000000000 + n);

const aws = useLocalAws(OWNER, e => {
  e.workspaces.addImage(IMAGE, { sharedWith: [OUTSIDE] });
  const org = e.organizations;
  org.addUnit(WORKLOADS);
  org.addUnit(PROD, WORKLOADS);
  org.addUnit(SANDBOX);
  org.addAccount(OWNER, WORKLOADS);
  // 25 active accounts in Workloads (two pages of 20), three in its nested unit Prod, one in every other state.
  for (let n = 1; n <= 25; n++) org.addAccount(acct(n), WORKLOADS);
  for (let n = 30; n < 33; n++) org.addAccount(acct(n), PROD);
  org.addAccount(acct(40), PROD, 'SUSPENDED');
  org.addAccount(acct(41), PROD, 'PENDING_CLOSURE');
  org.addAccount(acct(42), PROD, 'CLOSED');
  org.addAccount(acct(43), WORKLOADS, 'PENDING_ACTIVATION');
  org.addAccount(acct(50), SANDBOX);
  org.emptyPages = true;
});

const dynamodb = new LocalDynamoDb();
beforeEach(() => dynamodb.start());
afterEach(() => dynamodb.stop());

const declaredAtStart = [...Array.from({ length: 25 }, (_, i) => acct(i + 1)), acct(30), acct(31), acct(32)]
  .filter(a => a !== acct(7));

function synth(props: Partial<SharedWorkspaceImageProps> = {}): TemplateJson {
  const app = new App();
  const stack = new Stack(app, 'Demo', { env: { account: OWNER, region: 'eu-west-1' } });
  new SharedWorkspaceImage(stack, 'Golden', {
    imageId: IMAGE, organizationalUnitIds: [WORKLOADS], excludedAccountIds: [acct(7)], ...props,
  });
  return app.synth().getStackArtifact(stack.artifactId).template;
}

async function deploy(template: TemplateJson, deployment?: LocalDeployment) {
  const d = deployment ?? new LocalDeployment(aws.endpoint, aws.cfn, aws.handler, () => lambdaContext(OWNER));
  if (!deployment) await dynamodb.createTablesOf(template);
  const results = await d.deploy(template);
  return { deployment: d, responses: results.filter(r => r.response).map(r => r.response!) };
}

const shares = () => aws.endpoint.workspaces.sharesOf(IMAGE);
const writes = () => aws.endpoint.callsOf('UpdateWorkspaceImagePermission').filter(c => !c.error);

test('a deploy shares exactly the declared set: nested units, ACTIVE only, exclusions and the own account out, pages of 20, empty pages, throttling', async () => {
  aws.endpoint.inject({ kind: 'error', code: 'TooManyRequestsException', count: 2, operation: 'ListAccountsForParent', message: 'AWS Organizations can\'t complete your request because another request is already in progress.' });
  const { responses } = await deploy(synth());
  expect(responses.map(r => r.Status)).toEqual(['SUCCESS']);
  expect(shares()).toEqual([...declaredAtStart, OUTSIDE].sort());
  const lists = aws.endpoint.callsOf('ListAccountsForParent');
  expect(lists.every(c => c.input.MaxResults === 20)).toBe(true);
  expect(lists.filter(c => c.error === 'TooManyRequestsException')).toHaveLength(2);
  // Workloads: empty, 20, empty, 5; Prod: empty, 4 (ACTIVE or not); each after its two throttled attempts.
  expect(lists.filter(c => !c.error).map(c => c.input.ParentId)).toEqual([WORKLOADS, WORKLOADS, WORKLOADS, WORKLOADS, PROD, PROD]);
  // The unit of another tree is not read, and the account shared outside the construct is not written.
  expect(aws.endpoint.calls.some(c => c.input.ParentId === SANDBOX)).toBe(false);
  expect(writes().map(c => c.input.SharedAccountId)).not.toContain(OUTSIDE);
});

test('one scheduled check follows the units: joiners shared, leavers this construct shared unshared, the outside share stays', async () => {
  const { deployment } = await deploy(synth());
  expect(aws.endpoint.scheduler.list().map(s => s.scheduleExpression)).toEqual(['rate(1 hour)']);
  const org = aws.endpoint.organizations;
  org.addAccount(acct(60), PROD); // joins
  org.setState(acct(43), 'ACTIVE'); // becomes ACTIVE
  org.addAccount(acct(1), SANDBOX); // moves out
  org.setState(acct(2), 'SUSPENDED'); // suspended
  org.removeAccount(acct(3)); // leaves the organization
  aws.endpoint.resetCalls();
  await aws.endpoint.scheduler.fire();
  const expected = [...declaredAtStart.filter(a => ![acct(1), acct(2), acct(3)].includes(a)), acct(43), acct(60)];
  expect(shares()).toEqual([...expected, OUTSIDE].sort());
  // Revokes first, as every plan of the engine.
  expect(writes().map(c => [c.input.SharedAccountId, c.input.AllowCopyImage])).toEqual([
    [acct(1), false], [acct(2), false], [acct(3), false], [acct(43), true], [acct(60), true],
  ]);
  expect(deployment).toBeDefined();
});

test('an account excluded later is unshared by the deploy; the Delete unshares what the construct shared and leaves the outside share', async () => {
  const { deployment } = await deploy(synth());
  const { responses } = await deploy(synth({ excludedAccountIds: [acct(7), acct(8)] }), deployment);
  expect(responses.map(r => r.Status)).toEqual(['SUCCESS']);
  expect(shares()).not.toContain(acct(8));
  await deployment.destroy();
  expect(shares()).toEqual([OUTSIDE]);
});

test('with the ledger lost, a check changes nothing and says why; the next deploy adopts what it can prove it shared', async () => {
  const template = synth();
  const { deployment } = await deploy(template);
  const table = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::DynamoDB::Table')![0];
  await dynamodb.client().send(new DeleteItemCommand({ TableName: table, Key: { Share: { S: `image:${IMAGE}` } } }));
  aws.endpoint.organizations.addAccount(acct(1), SANDBOX);
  aws.endpoint.organizations.addAccount(acct(61), WORKLOADS);
  aws.endpoint.resetCalls();
  const [line] = await driftLines(() => aws.endpoint.scheduler.fire());
  expect(line).toMatchObject({ status: 'SKIPPED', skipped: expect.stringMatching(/the ledger names no owner/) });
  expect(writes()).toEqual([]);
  // The next deploy (another exclusion) shares joiners, and unshares nothing it cannot prove it shared:
  // the accounts units brought are not in the lost item, so the newly excluded one stays (an ENFORCE check cleans up).
  const { responses } = await deploy(synth({ excludedAccountIds: [acct(7), acct(8)] }), deployment);
  expect(responses.map(r => r.Status)).toEqual(['SUCCESS']);
  expect(shares()).toContain(acct(61));
  expect(writes().filter(c => c.input.AllowCopyImage === false)).toEqual([]);
  expect(shares()).toContain(acct(8));
  expect(shares()).toContain(OUTSIDE);
});

test('through an assumed management-account role; and a clear failure, before the first share, without access', async () => {
  aws.endpoint.organizations.managementAccountId = MANAGEMENT;
  aws.endpoint.organizations.addAccount(MANAGEMENT);
  const withRole = () => synth({ organizationsRole: iam.Role.fromRoleArn(new Stack(), 'R', ROLE) });
  // Without access: the owner is a member, neither management account nor delegated administrator.
  const denied = await deploy(synth());
  expect(denied.responses.map(r => r.Status)).toEqual(['FAILED', 'SUCCESS']); // the Create, and the rollback's Delete
  expect(denied.responses[0].Reason).toMatch(new RegExp(`unit ${WORKLOADS}.*nothing was shared.*OrganizationsReadDelegation.*organizationsRole`));
  expect(writes()).toEqual([]);
  // A role whose trust policy does not name the owner.
  aws.endpoint.sts.addRole(ROLE, ['111111111111']);
  const untrusted = await deploy(withRole());
  expect(untrusted.responses[0].Reason).toMatch(/Could not assume organizationsRole .*trustedAccountIds/);
  expect(writes()).toEqual([]);
  aws.endpoint.sts.addRole(ROLE, [OWNER]);
  const { responses } = await deploy(withRole());
  expect(responses.map(r => r.Status)).toEqual(['SUCCESS']);
  expect(shares()).toEqual([...declaredAtStart, OUTSIDE].sort());
  expect(aws.endpoint.callsOf('AssumeRole').filter(c => !c.error)).toHaveLength(1);
});

test('a delegated administrator reads the units with its own role; a unit that does not exist fails with which one', async () => {
  aws.endpoint.organizations.managementAccountId = MANAGEMENT;
  aws.endpoint.organizations.delegated.add(OWNER);
  const missing = await deploy(synth({ organizationalUnitIds: [WORKLOADS, 'ou-ab12-nosuchunit'] }));
  expect(missing.responses[0].Reason).toMatch(/Organizational unit ou-ab12-nosuchunit does not exist in the organization.*nothing was shared: fix organizationalUnitIds/);
  expect(writes()).toEqual([]);
  const { responses } = await deploy(synth());
  expect(responses.map(r => r.Status)).toEqual(['SUCCESS']);
  expect(shares()).toEqual([...declaredAtStart, OUTSIDE].sort());
});

test('a rename keeps every share and hands the memory to the new resource, whose check still unshares a leaver', async () => {
  const as = (id: string) => {
    const app = new App();
    const stack = new Stack(app, 'Demo', { env: { account: OWNER, region: 'eu-west-1' } });
    new SharedWorkspaceImage(stack, id, { imageId: IMAGE, organizationalUnitIds: [WORKLOADS], excludedAccountIds: [acct(7)] });
    return app.synth().getStackArtifact(stack.artifactId).template;
  };
  const { deployment } = await deploy(as('Golden'));
  aws.endpoint.resetCalls();

  const { responses } = await deploy(as('Gold'), deployment);
  expect(responses.map(r => r.Status)).toEqual(['SUCCESS', 'SUCCESS']); // the new resource's Create, the old one's cleanup Delete
  expect(shares()).toEqual([...declaredAtStart, OUTSIDE].sort());
  expect(writes().filter(c => c.input.AllowCopyImage === false)).toEqual([]);

  // An account that leaves the units is unshared by the new resource's check: it knows the old one shared it.
  aws.endpoint.organizations.addAccount(acct(1), SANDBOX);
  aws.endpoint.resetCalls();
  await aws.endpoint.scheduler.fire();
  expect(writes().map(c => [c.input.SharedAccountId, c.input.AllowCopyImage])).toEqual([[acct(1), false]]);

  await deployment.destroy();
  expect(shares()).toEqual([OUTSIDE]);
});
