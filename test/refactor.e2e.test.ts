/**
 * Renames that `cdk refactor` moves (issue 25, item 4): CloudFormation moves the resource to its
 * new logical ID, keeping its physical ID, and sends its handler no event. Simulated through
 * LocalDeployment.refactor, which refuses, as the CLI does, a refactor in which any property
 * differs: so each test also shows that the library synthesizes nothing that carries the logical
 * ID. After the move, the resource's next check, Update and Delete behave as for any resource, and
 * the stack's delete leaves nothing behind.
 */
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  ComputeType, ConnectionAccessType, DriftAction, PartnerConnectionPreferences, SharedConnectionAlias, SharedWorkspaceImage,
  WorkspaceBundle, WorkspaceImageCopy,
} from '../src';
import { driftLines } from './support/drift-log';
import { CloudFormationStub, lambdaContext } from './support/handler-harness';
import { ledgerDb, useLocalAws } from './support/local-aws';
import { LocalDeployment, StepResult, TemplateJson } from './support/local-deployment';

const OWNER = '123456789012';
const RECEIVER = '210987654321';
const IMAGE = 'wsi-abc123def';
const ALIAS = 'wsca-abc12345de';
const SOURCE = 'wsi-golden1234';
const A = '111122223333';
const B = '444455556666';
const C = '777788889999';
const OWNER_RESOURCE = 'cdk-cross-account-sharing:owner-resource';
const PREVIOUS = 'cdk-cross-account-sharing:previous-owner-resource';

const aws = useLocalAws(OWNER, e => {
  e.addAccount(RECEIVER);
  e.workspaces.addImage(IMAGE);
  e.aliases.addAlias(ALIAS);
  e.workspaces.addImage(SOURCE, { sharedWith: [RECEIVER] });
});

/** The template of stack `Demo` (in `account`) built by `build`. */
function synth(build: (stack: Stack) => unknown, account = OWNER): TemplateJson {
  const app = new App();
  const stack = new Stack(app, 'Demo', { env: { account, region: 'eu-west-1' } });
  build(stack);
  return app.synth().getStackArtifact(stack.artifactId).template;
}

const image = (id: string, accountIds: string[], action?: DriftAction) => synth(stack =>
  new SharedWorkspaceImage(stack, id, { imageId: IMAGE, accountIds, ...(action ? { driftCheck: { interval: Duration.hours(1), action } } : {}) }));

/**
 * What `cdk refactor` would map: each resource of `before` that `after` no longer has, to the one
 * new resource of `after` of the same type (the tests' templates have one of each).
 */
function movesBetween(before: TemplateJson, after: TemplateJson): Record<string, string> {
  const gone = Object.keys(before.Resources).filter(id => !(id in after.Resources));
  const added = Object.keys(after.Resources).filter(id => !(id in before.Resources));
  const moves = Object.fromEntries(gone.map(id => {
    const to = added.filter(n => after.Resources[n].Type === before.Resources[id].Type);
    if (to.length !== 1) throw new Error(`no one resource of type ${before.Resources[id].Type} to move ${id} to: ${to.join(', ')}`);
    return [id, to[0]];
  }));
  expect(Object.keys(moves)).toHaveLength(added.length);
  return moves;
}

const logicalIdOf = (template: TemplateJson, type: string) => Object.keys(template.Resources).find(id => template.Resources[id].Type === type)!;
const answers = (steps: StepResult[]) => steps.filter(s => s.response).map(s => `${s.phase} ${s.action} ${s.logicalId} ${s.response!.Status}`);
const shareByHand = (accountId: string, grant: boolean) => aws.endpoint.workspaces.service().operations
  .UpdateWorkspaceImagePermission({ ImageId: IMAGE, SharedAccountId: accountId, AllowCopyImage: grant }, OWNER);

/** The image's ledger item, its attributes as plain values. */
async function ledgerItem(): Promise<Record<string, unknown> | undefined> {
  const item = (await ledgerDb.items()).find(i => i.Share?.S === `image:${IMAGE}`);
  return item && Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.S ?? v.N ?? v.SS ?? v.BOOL]));
}

/** Fire the stack's one schedule: the one log line of its check. */
async function check(): Promise<Record<string, any>> {
  const lines = await driftLines(() => aws.endpoint.scheduler.fire());
  expect(lines).toHaveLength(1);
  return lines[0];
}

/** Deploy `template` as the stack's first version; every answer SUCCESS. */
async function deployed(template: TemplateJson, stub = aws.cfn, account = OWNER): Promise<LocalDeployment> {
  const deployment = new LocalDeployment(aws.endpoint, stub, aws.handler, () => lambdaContext(account));
  const steps = await deployment.deploy(template);
  expect(steps.filter(s => s.response && s.response.Status !== 'SUCCESS')).toEqual([]);
  return deployment;
}

/** Move the stack from `before` to `after` as `cdk refactor` does: no event reaches any handler. */
function refactor(deployment: LocalDeployment, before: TemplateJson, after: TemplateJson): void {
  const invocations = aws.endpoint.calls.length;
  deployment.refactor(after, movesBetween(before, after));
  expect(aws.endpoint.calls).toHaveLength(invocations);
}

describe('SharedWorkspaceImage with a drift check, moved from Golden to Renamed', () => {
  const before = image('Golden', [A, B], DriftAction.ENFORCE);
  const after = image('Renamed', [A, B], DriftAction.ENFORCE);
  const oldId = logicalIdOf(before, 'Custom::SharedWorkspaceImage');
  const newId = logicalIdOf(after, 'Custom::SharedWorkspaceImage');

  test('its next check acts for the moved resource; then an Update, a check and the stack\'s delete behave as for any resource', async () => {
    const deployment = await deployed(before);
    const [schedule] = aws.endpoint.scheduler.list();
    refactor(deployment, before, after);
    expect(aws.endpoint.scheduler.list()).toEqual([schedule]);

    // (b) The check: the ledger's owner is no longer in the stack, the resource of its physical ID is.
    shareByHand(C, true);
    shareByHand(B, false);
    aws.endpoint.resetCalls();
    const line = await check();
    expect(line).toMatchObject({
      status: 'REPAIRED', repaired: [B], unshared: [C], logicalResourceId: newId, movedFrom: oldId, PhysicalResourceId: IMAGE, StackName: 'Demo',
    });
    expect(line.skipped).toBeUndefined();
    // One page of the stack's resources finds it: no other extra call.
    expect(aws.endpoint.callsOf('ListStackResources')).toHaveLength(1);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE).sort()).toEqual([A, B]);

    // (a) An Update that drops B: it arrives with the new logical ID and the physical ID recorded.
    const update = await deployment.deploy(image('Renamed', [A], DriftAction.ENFORCE));
    expect(answers(update)).toEqual([`deploy Update ${newId} SUCCESS`]);
    expect(update[0].physicalId).toBe(IMAGE);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE)).toEqual([A]);
    expect(await ledgerItem()).toMatchObject({ Owner: `${aws.cfn.stackId}|${newId}`, Shared: [A] });
    expect(await ledgerItem()).not.toHaveProperty('PreviousOwner');
    expect(aws.endpoint.tags.of(IMAGE)).toMatchObject({ [OWNER_RESOURCE]: newId });
    expect(aws.endpoint.tags.of(IMAGE)).not.toHaveProperty(PREVIOUS);

    // A check after the Update finds its owner by the ledger, as any check does.
    shareByHand(C, true);
    aws.endpoint.resetCalls();
    expect(await check()).toMatchObject({ status: 'REPAIRED', unshared: [C], logicalResourceId: newId });
    expect(aws.endpoint.callsOf('ListStackResources')).toHaveLength(0);

    // (c) The stack's delete unshares everything and leaves nothing.
    const destroyed = await deployment.destroy();
    expect(answers(destroyed)).toEqual([`delete Delete ${newId} SUCCESS`]);
    expect(aws.endpoint.scheduler.list()).toEqual([]);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
    expect(aws.endpoint.tags.of(IMAGE)).toEqual({});
    expect((await ledgerItem())?.Owner ?? '').toBe('');
    expect((await ledgerItem())?.Shared).toBeUndefined();
  });

  test('the stack\'s delete right after the move unshares everything and leaves nothing', async () => {
    const deployment = await deployed(before);
    refactor(deployment, before, after);
    const destroyed = await deployment.destroy();
    expect(answers(destroyed)).toEqual([`delete Delete ${newId} SUCCESS`]);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
    expect(aws.endpoint.tags.of(IMAGE)).toEqual({});
    expect((await ledgerItem())?.Shared).toBeUndefined();
    expect(aws.endpoint.scheduler.list()).toEqual([]);
  });

  test('a plain deploy of the rename still creates the new resource and hands over in the old one\'s cleanup Delete, unsharing nothing', async () => {
    const deployment = await deployed(before);
    aws.endpoint.resetCalls();
    const steps = await deployment.deploy(after);
    expect(answers(steps)).toEqual([`deploy Create ${newId} SUCCESS`, `cleanup Delete ${oldId} SUCCESS`]);
    expect(aws.endpoint.callsOf('UpdateWorkspaceImagePermission')).toEqual([]);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE).sort()).toEqual([A, B]);
    // The new schedule's check acts, as after a move.
    shareByHand(C, true);
    expect(await check()).toMatchObject({ status: 'REPAIRED', unshared: [C], logicalResourceId: newId });
    await deployment.destroy();
    expect(aws.endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
  });

  test('a move to a logical ID whose resource is not there (the owner removed, not moved) is skipped, changing nothing', async () => {
    const deployment = await deployed(before);
    refactor(deployment, before, after);
    // The stack's resource of that type now has another physical ID: it is not the ledger's object.
    aws.endpoint.cloudformation.setResource(aws.cfn.stackId, newId, { physicalId: 'wsi-other12345', status: 'UPDATE_COMPLETE' });
    shareByHand(C, true);
    const line = await check();
    expect(line).toMatchObject({ status: 'SKIPPED' });
    expect(line.skipped).toBe(`the stack has no resource ${oldId}, nor a Custom::SharedWorkspaceImage of ${IMAGE} (removed)`);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE).sort()).toEqual([A, B, C]);
  });
});

describe.each([
  ['SharedConnectionAlias', 'Custom::SharedConnectionAlias', (id: string) => synth(stack =>
    new SharedConnectionAlias(stack, id, { aliasId: ALIAS, accountId: A, driftCheck: { action: DriftAction.REPORT } })),
  () => expect(aws.endpoint.aliases.shareOf(ALIAS)).toBeUndefined()],
  ['PartnerConnectionPreferences', 'Custom::PartnerConnectionPreferences', (id: string) => synth(stack =>
    new PartnerConnectionPreferences(stack, id, {
      accessType: ConnectionAccessType.DENY_ALL, removalPolicy: RemovalPolicy.DESTROY, driftCheck: { action: DriftAction.REPORT },
    })),
  // DESTROY resets them, as the owner's Delete does.
  () => expect(aws.endpoint.partnerCentral.preferencesOf('AWS').AccessType).not.toBe('DENY_ALL')],
])('%s with a drift check, moved', (_name, type, template, undone) => {
  test('its next check acts for the moved resource, and the stack\'s delete undoes it', async () => {
    const before = template('Old');
    const after = template('New');
    const deployment = await deployed(before);
    refactor(deployment, before, after);
    const line = await check();
    expect(line).toMatchObject({ status: 'IN_SYNC', logicalResourceId: logicalIdOf(after, type), movedFrom: logicalIdOf(before, type) });
    const destroyed = await deployment.destroy();
    expect(answers(destroyed)).toEqual([`delete Delete ${logicalIdOf(after, type)} SUCCESS`]);
    undone();
  });
});

describe('a plain-deploy rename of a moved resource, before any Update of it', () => {
  const before = image('Golden', [A, B]);
  const moved = image('Renamed', [A, B]);
  const movedId = logicalIdOf(moved, 'Custom::SharedWorkspaceImage');

  test('hands over from the moved resource: the cleanup Delete unshares only what the new one does not declare', async () => {
    const deployment = await deployed(before);
    refactor(deployment, before, moved);
    const again = image('Final', [A, C]);
    const finalId = logicalIdOf(again, 'Custom::SharedWorkspaceImage');
    const steps = await deployment.deploy(again);
    expect(answers(steps)).toEqual([`deploy Create ${finalId} SUCCESS`, `cleanup Delete ${movedId} SUCCESS`]);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE)).toEqual([A, C]);
    expect(aws.endpoint.tags.of(IMAGE)).toMatchObject({ [OWNER_RESOURCE]: finalId });
    expect(aws.endpoint.tags.of(IMAGE)).not.toHaveProperty(PREVIOUS);
    expect(await ledgerItem()).toMatchObject({ Owner: `${aws.cfn.stackId}|${finalId}`, Shared: [A, C] });
    await deployment.destroy();
    expect(aws.endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
  });

  test('its rollback hands ownership back to the moved resource and keeps its shares', async () => {
    const deployment = await deployed(before);
    refactor(deployment, before, moved);
    aws.endpoint.workspaces.addImage('wsi-broken0000', { state: 'ERROR' });
    const steps = await deployment.deploy(synth(stack => {
      new SharedWorkspaceImage(stack, 'Final', { imageId: IMAGE, accountIds: [A, C] });
      new SharedWorkspaceImage(stack, 'Broken', { imageId: 'wsi-broken0000', accountIds: [A] });
    }));
    expect(deployment.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(answers(steps)).toEqual(expect.arrayContaining([expect.stringMatching(/^rollback-cleanup Delete Final[0-9A-F]{8} SUCCESS$/)]));
    // What the moved resource declares is still shared; what only the failed rename added is not.
    expect(aws.endpoint.workspaces.sharesOf(IMAGE)).toEqual([A, B]);
    expect(aws.endpoint.tags.of(IMAGE)).toMatchObject({ [OWNER_RESOURCE]: movedId });
    expect(await ledgerItem()).toMatchObject({ Owner: `${aws.cfn.stackId}|${movedId}`, Shared: [A, B] });
    await deployment.destroy();
    expect(aws.endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
  });
});

describe('another stack, between the move and the moved resource\'s next request', () => {
  const teamB = new CloudFormationStub('arn:aws:cloudformation:eu-west-1:123456789012:stack/TeamB/33333333-4444-5555-6666-777777777777');
  beforeAll(() => teamB.start());
  afterAll(() => teamB.stop());

  test('cannot take the object over: the owner its tags name was moved, not removed (row E3)', async () => {
    const before = image('Golden', [A, B]);
    const moved = image('Renamed', [A, B]);
    const deployment = await deployed(before);
    refactor(deployment, before, moved);
    const other = new LocalDeployment(aws.endpoint, teamB, aws.handler, () => lambdaContext(OWNER));
    const steps = await other.deploy(image('Golden', [C]));
    expect(steps[0].response).toMatchObject({ Status: 'FAILED' });
    expect(steps[0].response!.Reason).toContain(`Resource ${logicalIdOf(moved, 'Custom::SharedWorkspaceImage')} of stack ${aws.cfn.stackId} already owns image ${IMAGE}`);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE)).toEqual([A, B]);
    await other.destroy();
    await deployment.destroy();
    expect(aws.endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
  });
});

describe('SharedWorkspaceImage without a drift check', () => {
  test('moved, then an Update and the stack\'s delete behave as for any resource', async () => {
    const before = image('Golden', [A, B]);
    const after = image('Renamed', [A, B]);
    const newId = logicalIdOf(after, 'Custom::SharedWorkspaceImage');
    const deployment = await deployed(before);
    refactor(deployment, before, after);

    const update = await deployment.deploy(image('Renamed', [A, C]));
    expect(answers(update)).toEqual([`deploy Update ${newId} SUCCESS`]);
    expect(aws.endpoint.workspaces.sharesOf(IMAGE).sort()).toEqual([A, C]);
    expect(aws.endpoint.tags.of(IMAGE)).toMatchObject({ [OWNER_RESOURCE]: newId });
    expect(await ledgerItem()).toMatchObject({ Owner: `${aws.cfn.stackId}|${newId}` });

    await deployment.destroy();
    expect(aws.endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
    expect(aws.endpoint.tags.of(IMAGE)).toEqual({});
  });
});

describe('the simulated refactor refuses what `cdk refactor` refuses', () => {
  test('a rename that also changes a property', async () => {
    const before = image('Golden', [A, B], DriftAction.REPORT);
    const deployment = await deployed(before);
    const changed = image('Renamed', [A], DriftAction.REPORT);
    expect(() => deployment.refactor(changed, movesBetween(before, changed))).toThrow(/may not add, delete or modify resources; these differ: Renamed/);
    expect(aws.endpoint.cloudformation.stack(aws.cfn.stackId)!.resources.has(logicalIdOf(before, 'Custom::SharedWorkspaceImage'))).toBe(true);
  });
});

describe('the receiving side, moved', () => {
  const receiving = new CloudFormationStub('arn:aws:cloudformation:eu-west-1:210987654321:stack/Demo/11111111-2222-3333-4444-555555555555');
  beforeAll(() => receiving.start());
  afterAll(() => receiving.stop());

  const copyOf = (copyId: string, removalPolicy = RemovalPolicy.DESTROY) => (s: Stack) =>
    new WorkspaceImageCopy(s, copyId, { sourceImageId: SOURCE, name: 'golden-copy', removalPolicy });
  const copies = () => aws.endpoint.workspaces.ownedBy(RECEIVER).filter(i => i.name === 'golden-copy');

  test('WorkspaceImageCopy (DESTROY): the stack\'s delete after the move deletes the copy', async () => {
    const before = synth(copyOf('Copy'), RECEIVER);
    const after = synth(copyOf('GoldenCopy'), RECEIVER);
    const deployment = await deployed(before, receiving, RECEIVER);
    expect(copies()).toHaveLength(1);
    refactor(deployment, before, after);

    const destroyed = await deployment.destroy();
    expect(answers(destroyed)).toEqual([`delete Delete ${logicalIdOf(after, 'Custom::WorkspaceImageCopy')} SUCCESS`]);
    expect(copies()).toEqual([]);
  });

  test('WorkspaceImageCopy (RETAIN): the stack\'s delete after the move keeps the copy and releases it', async () => {
    const before = synth(copyOf('Copy', RemovalPolicy.RETAIN), RECEIVER);
    const after = synth(copyOf('GoldenCopy', RemovalPolicy.RETAIN), RECEIVER);
    const deployment = await deployed(before, receiving, RECEIVER);
    refactor(deployment, before, after);
    await deployment.destroy();
    const [copy] = copies();
    expect(copy).toBeDefined();
    expect(Object.keys(aws.endpoint.tags.of(copy.id))).not.toContain(OWNER_RESOURCE);
  });

  test('a WorkspaceBundle of a copy\'s imageId cannot be moved: its image policy is named by its logical ID (rename it with a plain deploy)', async () => {
    const build = (copyId: string, bundleId: string) => synth(s => {
      const copy = copyOf(copyId)(s);
      new WorkspaceBundle(s, bundleId, { imageId: copy.imageId, computeType: ComputeType.STANDARD, name: 'golden-standard' });
    }, RECEIVER);
    const before = build('Copy', 'Bundle');
    const after = build('GoldenCopy', 'GoldenBundle');
    const deployment = await deployed(before, receiving, RECEIVER);
    expect(() => deployment.refactor(after, movesBetween(before, after))).toThrow(/these differ: GoldenBundleImagePolicy[0-9A-F]{8}$/);
    await deployment.destroy();
    expect(aws.endpoint.bundles.list()).toEqual([]);
    expect(copies()).toEqual([]);
  });
});
