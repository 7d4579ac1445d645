/**
 * The bundled handler, as shipped, through the unmodified WorkSpaces SDK client against the local
 * endpoint, in the receiving account: Custom::WorkspaceBundle.
 */
import { CloudFormationStub, Handler, lambdaContext, signAs } from './support/handler-harness';
import { SHORT_INVOCATION_MS, useLocalAws, useShortInvocations } from './support/local-aws';
import { LocalAwsEndpoint } from './support/local-endpoint';

const TYPE = 'Custom::WorkspaceBundle';
const OWNER = '123456789012';
const RECEIVER = '210987654321';
const IMAGE = 'wsi-golden1234';
const NEWER_IMAGE = 'wsi-golden5678';
const FIRST = 'wsb-local00001';

let endpoint: LocalAwsEndpoint;
let cfn: CloudFormationStub;
let handler: Handler;
const aws = useLocalAws(OWNER, e => {
  e.addAccount(RECEIVER);
  e.workspaces.addImage(IMAGE, { owner: RECEIVER, name: 'golden' });
  e.workspaces.addImage(NEWER_IMAGE, { owner: RECEIVER, name: 'golden-2' });
});
beforeEach(() => ({ endpoint, cfn, handler } = aws));

const context = () => lambdaContext(RECEIVER);
const props = (extra: Record<string, unknown> = {}) => ({
  ImageId: IMAGE, ComputeType: 'STANDARD', UserStorageGiB: '50', Name: 'golden-bundle', Description: 'Created by cdk-cross-account-sharing', ...extra,
});
const bundles = () => endpoint.bundles.list().map(b => `${b.id} ${b.name} ${b.imageId} ${b.computeType}`);

describe('Create', () => {
  test('creates the bundle from an image of the account, tagged with its owner, and answers its ID', async () => {
    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Bundle', props({ RootStorageGiB: '80' })), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(FIRST);
    expect(response.Data).toEqual({ BundleId: FIRST });
    expect(bundles()).toEqual([`${FIRST} golden-bundle ${IMAGE} STANDARD`]);
    expect(endpoint.callsOf('CreateWorkspaceBundle')[0].input).toMatchObject({
      BundleName: 'golden-bundle', ImageId: IMAGE, ComputeType: { Name: 'STANDARD' }, UserStorage: { Capacity: '50' }, RootStorage: { Capacity: '80' },
    });
    expect(endpoint.tags.of(FIRST)).toMatchObject({ 'cdk-cross-account-sharing:owner-resource': 'Bundle' });
  });

  test('of an image the account does not own fails clearly', async () => {
    endpoint.workspaces.addImage('wsi-sharedonly1', { sharedWith: [RECEIVER] });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Bundle', props({ ImageId: 'wsi-sharedonly1' })), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`Image wsi-sharedonly1 does not exist in account ${RECEIVER} in this Region: a bundle is built from an image of the account (copy a shared image first)`);
    expect(bundles()).toEqual([]);
  });

  test('reports a bundle that already exists by that name, and creates nothing', async () => {
    await cfn.invoke(handler, cfn.createEvent(TYPE, 'Other', props({ Description: 'Another bundle' })), context());

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Bundle', props()), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`A bundle named "golden-bundle" already exists in account ${RECEIVER} in this Region (${FIRST}`);
    expect(endpoint.callsOf('CreateWorkspaceBundle')).toHaveLength(1);
  });

  test('run again (a lost answer) finds its own bundle instead of creating a second', async () => {
    await cfn.invoke(handler, cfn.createEvent(TYPE, 'Bundle', props()), context());
    const again = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Bundle', props()), context());

    expect(again.Status).toBe('SUCCESS');
    expect(again.PhysicalResourceId).toBe(FIRST);
    expect(endpoint.callsOf('CreateWorkspaceBundle')).toHaveLength(1);
  });

  test.each([
    ['a compute type that is no API name', { ComputeType: 'huge' }, /ComputeType "huge" is not a WorkSpaces compute type/],
    ['a volume size that is not a whole number', { UserStorageGiB: '50.5' }, /UserStorageGiB "50.5"/],
    ['a name with spaces', { Name: 'golden bundle' }, /Name "golden bundle"/],
  ])('rejects %s after resolution without calling any API', async (_name, extra, reason) => {
    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Bundle', props(extra)), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(reason);
    expect(response.Reason).toContain('nothing was changed');
    expect(endpoint.calls).toHaveLength(0);
  });
});

describe('a bundle that stays PENDING longer than one invocation', () => {
  beforeEach(() => useShortInvocations(aws));

  test('is waited for across invocations, with one bundle and one answer', async () => {
    endpoint.bundles.pendingMs = 3_000;
    const event = cfn.createEvent(TYPE, 'Bundle', { ...props(), TimeBudgetSeconds: '60' });

    const response = await cfn.invoke(handler, event, lambdaContext(RECEIVER, SHORT_INVOCATION_MS));
    await endpoint.lambda.settled();

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: FIRST, Data: { BundleId: FIRST } });
    expect(endpoint.callsOf('Invoke').length).toBeGreaterThanOrEqual(1);
    expect(endpoint.callsOf('CreateWorkspaceBundle')).toHaveLength(1);
    expect(bundles()).toEqual([`${FIRST} golden-bundle ${IMAGE} STANDARD`]);
    expect(cfn.answersTo(event)).toHaveLength(1);
  });
});

describe('a Create delivered twice at once', () => {
  test('makes one bundle: the delivery whose create is refused for the name finds its twin\'s bundle and answers it', async () => {
    const event = cfn.createEvent(TYPE, 'Bundle', props());
    const together = endpoint.gate('CreateWorkspaceBundle', 2);

    signAs(RECEIVER);
    await Promise.all([handler(event, context()), handler({ ...event }, context()), together]);

    const answers = cfn.answersTo(event);
    expect(answers.map(a => `${a.Status} ${a.PhysicalResourceId}`)).toEqual([`SUCCESS ${FIRST}`, `SUCCESS ${FIRST}`]);
    expect(bundles()).toHaveLength(1);
    expect(endpoint.callsOf('CreateWorkspaceBundle').map(c => c.error ?? 'ok').sort()).toEqual(['ResourceAlreadyExistsException', 'ok']);
  });
});

describe('Update', () => {
  test('to another image updates the bundle in place, keeping its ID', async () => {
    await cfn.invoke(handler, cfn.createEvent(TYPE, 'Bundle', props()), context());
    endpoint.resetCalls();

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Bundle', FIRST, props({ ImageId: NEWER_IMAGE }), props()), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(FIRST);
    expect(endpoint.calls.map(c => c.operation)).toEqual(['UpdateWorkspaceBundle']);
    expect(bundles()).toEqual([`${FIRST} golden-bundle ${NEWER_IMAGE} STANDARD`]);
  });

  test('to another compute type and name makes a new bundle, and the cleanup Delete deletes the old one', async () => {
    await cfn.invoke(handler, cfn.createEvent(TYPE, 'Bundle', props()), context());
    const bigger = props({ ComputeType: 'POWER', Name: 'golden-power' });

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Bundle', FIRST, bigger, props()), context());
    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe('wsb-local00002');

    const cleanup = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Bundle', FIRST, props()), context());
    expect(cleanup.Status).toBe('SUCCESS');
    expect(bundles()).toEqual([`wsb-local00002 golden-power ${IMAGE} POWER`]);
  });

  test('to another compute type under the same name fails, keeping the physical ID, and the rollback keeps the bundle', async () => {
    await cfn.invoke(handler, cfn.createEvent(TYPE, 'Bundle', props()), context());

    // The stack as CloudFormation has it during the update, then during its rollback.
    endpoint.cloudformation.addStack(cfn.stackId, { status: 'UPDATE_IN_PROGRESS' });
    const failed = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Bundle', FIRST, props({ ComputeType: 'POWER' }), props()), context());
    expect(failed.Status).toBe('FAILED');
    expect(failed.PhysicalResourceId).toBe(FIRST);
    expect(failed.Reason).toContain('the bundle this update replaces');

    endpoint.cloudformation.setStatus(cfn.stackId, 'UPDATE_ROLLBACK_IN_PROGRESS');
    const rollback = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Bundle', FIRST, props(), props({ ComputeType: 'POWER' })), context());
    expect(rollback.Status).toBe('SUCCESS');
    expect(rollback.PhysicalResourceId).toBe(FIRST);
    expect(bundles()).toEqual([`${FIRST} golden-bundle ${IMAGE} STANDARD`]);
  });
});

describe('Delete', () => {
  test('deletes the bundle, and succeeds again once it is gone', async () => {
    await cfn.invoke(handler, cfn.createEvent(TYPE, 'Bundle', props()), context());

    expect((await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Bundle', FIRST, props()), context())).Status).toBe('SUCCESS');
    expect(bundles()).toEqual([]);
    expect((await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Bundle', FIRST, props()), context())).Status).toBe('SUCCESS');
  });

  test('of a bundle WorkSpaces still use fails with a Reason that says so, and keeps it', async () => {
    await cfn.invoke(handler, cfn.createEvent(TYPE, 'Bundle', props()), context());
    endpoint.bundles.useBundle(FIRST);

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Bundle', FIRST, props()), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`Bundle ${FIRST} is still used by WorkSpaces`);
    expect(response.Reason).toContain(`describe-workspaces --bundle-id ${FIRST}`);
    expect(bundles()).toHaveLength(1);
  });

  test('after a Create rejected for its properties calls nothing', async () => {
    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Bundle', 'Bundle-create-failed', props({ ComputeType: 'huge' })), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.calls).toHaveLength(0);
  });

  test('after a Create that never answered deletes the bundle it made, found by name and ownership, and no other', async () => {
    await cfn.invoke(handler, cfn.createEvent(TYPE, 'Bundle', props()), context());
    await cfn.invoke(handler, cfn.createEvent(TYPE, 'Other', props({ Name: 'other' })), context());

    // CloudFormation's own physical ID for a Create that never answered.
    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Bundle', 'Demo-Bundle-1Q2W3E4R5T6Y', props()), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.bundles.list().map(b => b.name)).toEqual(['other']);
  });
});
