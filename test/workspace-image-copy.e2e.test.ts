/**
 * The bundled handler, as shipped, through the unmodified WorkSpaces SDK client against the local
 * endpoint, in the receiving account: Custom::WorkspaceImageCopy.
 */
import { CloudFormationStub, Handler, lambdaContext, signAs } from './support/handler-harness';
import { SHORT_INVOCATION_MS, useLocalAws, useShortInvocations } from './support/local-aws';
import { LocalAwsEndpoint } from './support/local-endpoint';

const TYPE = 'Custom::WorkspaceImageCopy';
const OWNER = '123456789012';
const RECEIVER = '210987654321';
const SOURCE = 'wsi-golden1234';
const FIRST_COPY = 'wsi-copy00001';

let endpoint: LocalAwsEndpoint;
let cfn: CloudFormationStub;
let handler: Handler;
const aws = useLocalAws(OWNER, e => {
  e.addAccount(RECEIVER);
  e.workspaces.addImage(SOURCE, { sharedWith: [RECEIVER] });
});
beforeEach(() => ({ endpoint, cfn, handler } = aws));

const context = (timeoutMs?: number) => lambdaContext(RECEIVER, timeoutMs);
const props = (extra: Record<string, unknown> = {}) => ({ SourceImageId: SOURCE, SourceRegion: 'eu-west-1', Name: 'golden-copy', RemovalPolicy: 'retain', ...extra });
const copies = () => endpoint.workspaces.ownedBy(RECEIVER);

describe('Create', () => {
  test('copies the shared image into the receiving account, waits until the copy is AVAILABLE and answers its ID', async () => {
    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Copy', props({ Description: 'Golden image' })), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(FIRST_COPY);
    expect(response.Data).toEqual({ ImageId: FIRST_COPY });
    expect(copies()).toEqual([{ id: FIRST_COPY, name: 'golden-copy', state: 'AVAILABLE' }]);
    expect(endpoint.workspaces.get(FIRST_COPY)?.copiedFrom).toEqual({ imageId: SOURCE, region: 'eu-west-1' });
    expect(endpoint.callsOf('CopyWorkspaceImage')).toHaveLength(1);
    expect(endpoint.callsOf('CopyWorkspaceImage')[0].input).toMatchObject({ Name: 'golden-copy', Description: 'Golden image', SourceImageId: SOURCE });
    // The copy carries its owner and its source from the create request on.
    expect(endpoint.tags.of(FIRST_COPY)).toEqual({
      'cdk-cross-account-sharing:owner-stack': cfn.stackId,
      'cdk-cross-account-sharing:owner-resource': 'Copy',
      'cdk-cross-account-sharing:source-image': `eu-west-1/${SOURCE}`,
    });
    // The shared image is left as it was.
    expect(endpoint.workspaces.sharesOf(SOURCE)).toEqual([RECEIVER]);
  });

  test('reads the source in its own Region', async () => {
    await cfn.invoke(handler, cfn.createEvent(TYPE, 'Copy', props({ SourceRegion: 'us-east-1' })), context());

    // The copy's name is looked up first (in the stack's Region), then the source in its own.
    const read = endpoint.callsOf('DescribeWorkspaceImages').find(c => c.input.ImageType === 'SHARED')!;
    expect(endpoint.callsOf('DescribeWorkspaceImages')[0].authorization).toMatch(/\/eu-west-1\/workspaces\//);
    expect(read.authorization).toMatch(/\/us-east-1\/workspaces\//);
    expect(endpoint.callsOf('CopyWorkspaceImage')[0].authorization).toMatch(/\/eu-west-1\/workspaces\//);
    expect(endpoint.callsOf('CopyWorkspaceImage')[0].input.SourceRegion).toBe('us-east-1');
  });

  test('fails with a clear Reason, copying nothing, when the source is not shared with the account', async () => {
    endpoint.workspaces.addImage(SOURCE, { sharedWith: ['444455556666'] });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Copy', props()), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`Image ${SOURCE} in eu-west-1 is not shared with account ${RECEIVER}`);
    expect(response.Reason).toContain('SharedWorkspaceImage');
    expect(endpoint.callsOf('CopyWorkspaceImage')).toHaveLength(0);
    expect(copies()).toEqual([]);
  });

  test('fails with the image\'s ErrorCode and ErrorDetails when the copy ends in ERROR, and the rollback Delete deletes the copy', async () => {
    endpoint.workspaces.copiesEndAs = 'ERROR';

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Copy', props()), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`Image copy ${FIRST_COPY} of ${SOURCE} failed (state ERROR, ImageCreationFailed: The image could not be created; details: DISK_FREE_SPACE`);
    expect(response.PhysicalResourceId).toBe(`${FIRST_COPY}:create-failed`);

    // RETAIN keeps a copy that was made, not one whose Create failed.
    const rollback = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Copy', response.PhysicalResourceId, props()), context());
    expect(rollback.Status).toBe('SUCCESS');
    expect(copies()).toEqual([]);
  });

  test('reports an image that already exists by that name, and copies nothing', async () => {
    endpoint.workspaces.addImage('wsi-handmade01', { owner: RECEIVER, name: 'golden-copy' });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Copy', props()), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`An image named "golden-copy" already exists in account ${RECEIVER} in this Region (wsi-handmade01`);
    expect(response.Reason).toContain('choose another name');
    expect(endpoint.callsOf('CopyWorkspaceImage')).toHaveLength(0);
  });

  test('run again (a lost answer), finds its own copy by name and tags instead of copying twice', async () => {
    await cfn.invoke(handler, cfn.createEvent(TYPE, 'Copy', props()), context());
    const again = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Copy', props()), context());

    expect(again.Status).toBe('SUCCESS');
    expect(again.PhysicalResourceId).toBe(FIRST_COPY);
    expect(endpoint.callsOf('CopyWorkspaceImage')).toHaveLength(1);
    expect(copies()).toHaveLength(1);
  });

  test('rejects bad properties after resolution without calling any API', async () => {
    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Copy', props({ Name: 'no spaces allowed', SourceRegion: 'EU' })), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/nothing was changed.*SourceRegion "EU".*Name "no spaces allowed"/);
    expect(endpoint.calls).toHaveLength(0);
  });

  test('stops waiting for a PENDING copy when the time budget runs out, and says what to do', async () => {
    endpoint.workspaces.copyPendingMs = 60_000;

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Copy', props({ TimeBudgetSeconds: '3' })), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/Image copy wsi-copy00001 of wsi-golden1234 is still PENDING.*Deploy again later.*time budget of 3 s ran out/);
    expect(response.PhysicalResourceId).toBe(`${FIRST_COPY}:create-failed`);
  });
});

describe('a copy that stays PENDING longer than one invocation', () => {
  beforeEach(() => useShortInvocations(aws));

  test('is waited for across invocations, with one copy and one answer', async () => {
    endpoint.workspaces.copyPendingMs = 3_500;
    const event = cfn.createEvent(TYPE, 'Copy', props({ TimeBudgetSeconds: '60' }));

    const response = await cfn.invoke(handler, event, lambdaContext(RECEIVER, SHORT_INVOCATION_MS));
    await endpoint.lambda.settled();

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(FIRST_COPY);
    expect(endpoint.callsOf('Invoke').length).toBeGreaterThanOrEqual(1);
    expect(endpoint.callsOf('Invoke')[0].input.CrossAccountSharingContinuation.checkpoint).toEqual({ imageId: FIRST_COPY, how: 'copied' });
    expect(cfn.answersTo(event)).toHaveLength(1);
    expect(endpoint.callsOf('CopyWorkspaceImage')).toHaveLength(1);
    // Every invocation signed as the receiving account.
    expect(endpoint.calls.filter(c => c.operation !== 'Invoke').every(c => c.authorization?.includes(`AKIDLOCAL${RECEIVER}`))).toBe(true);
  });
});

describe('a Create delivered twice at once', () => {
  test('makes one copy: the delivery whose copy request is refused for the name finds its twin\'s copy and answers it', async () => {
    endpoint.workspaces.copyPendingMs = 0;
    const event = cfn.createEvent(TYPE, 'Copy', props());
    // Both deliveries' name checks find nothing; their copy requests then arrive together.
    const together = endpoint.gate('CopyWorkspaceImage', 2);

    signAs(RECEIVER);
    await Promise.all([handler(event, context()), handler({ ...event }, context()), together]);

    const answers = cfn.answersTo(event);
    expect(answers.map(a => `${a.Status} ${a.PhysicalResourceId}`)).toEqual([`SUCCESS ${FIRST_COPY}`, `SUCCESS ${FIRST_COPY}`]);
    expect(copies()).toHaveLength(1);
    expect(endpoint.callsOf('CopyWorkspaceImage').map(c => c.error ?? 'ok').sort()).toEqual(['ResourceAlreadyExistsException', 'ok']);
  });
});

describe('Update', () => {
  test('of the removal policy alone keeps the copy, with no call', async () => {
    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Copy', 'wsi-existing01', props({ RemovalPolicy: 'destroy' }), props()), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe('wsi-existing01');
    expect(response.Data).toEqual({ ImageId: 'wsi-existing01' });
    expect(endpoint.calls).toHaveLength(0);
  });

  test('to another name makes a new copy, and the cleanup Delete of a DESTROY copy deletes the old one', async () => {
    const first = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Copy', props({ RemovalPolicy: 'destroy' })), context());
    const renamed = props({ RemovalPolicy: 'destroy', Name: 'golden-copy-2' });

    const updated = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Copy', first.PhysicalResourceId, renamed, props({ RemovalPolicy: 'destroy' })), context());
    expect(updated.Status).toBe('SUCCESS');
    expect(updated.PhysicalResourceId).toBe('wsi-copy00002');
    expect(copies().map(c => c.name)).toEqual(['golden-copy', 'golden-copy-2']);

    const cleanup = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Copy', first.PhysicalResourceId, props({ RemovalPolicy: 'destroy' })), context());
    expect(cleanup.Status).toBe('SUCCESS');
    expect(copies().map(c => c.name)).toEqual(['golden-copy-2']);
  });

  test('to another source under the same name fails, keeping the physical ID, and its rollback finds the copy it goes back to', async () => {
    const first = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Copy', props()), context());
    endpoint.workspaces.addImage('wsi-silver1234', { sharedWith: [RECEIVER] });
    const moved = props({ SourceImageId: 'wsi-silver1234' });

    // The stack as CloudFormation has it during the update, then during its rollback.
    endpoint.cloudformation.addStack(cfn.stackId, { status: 'UPDATE_IN_PROGRESS' });
    const failed = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Copy', first.PhysicalResourceId, moved, props()), context());
    expect(failed.Status).toBe('FAILED');
    expect(failed.PhysicalResourceId).toBe(FIRST_COPY);
    expect(failed.Reason).toContain('the copy this update replaces');

    endpoint.cloudformation.setStatus(cfn.stackId, 'UPDATE_ROLLBACK_IN_PROGRESS');
    const rollback = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Copy', first.PhysicalResourceId, props(), moved), context());
    expect(rollback.Status).toBe('SUCCESS');
    expect(rollback.PhysicalResourceId).toBe(FIRST_COPY);
    expect(endpoint.callsOf('CopyWorkspaceImage')).toHaveLength(1);
  });
});

describe('Delete', () => {
  test('with RETAIN, the default, keeps the copy and releases it: only its ownership tags are removed', async () => {
    const created = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Copy', props()), context());
    endpoint.resetCalls();

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Copy', created.PhysicalResourceId, props()), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.calls.map(c => c.operation)).toEqual(['DescribeTags', 'DeleteTags']);
    expect(copies()).toHaveLength(1);
    // Kept, and no longer the stack's: a later stack that declares it takes it over.
    expect(endpoint.tags.of(FIRST_COPY)).toEqual({ 'cdk-cross-account-sharing:source-image': `eu-west-1/${SOURCE}` });
  });

  test('with DESTROY deletes the copy, and succeeds again once it is gone', async () => {
    const created = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Copy', props({ RemovalPolicy: 'destroy' })), context());

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Copy', created.PhysicalResourceId, props({ RemovalPolicy: 'destroy' })), context());
    expect(response.Status).toBe('SUCCESS');
    expect(copies()).toEqual([]);

    const again = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Copy', created.PhysicalResourceId, props({ RemovalPolicy: 'destroy' })), context());
    expect(again.Status).toBe('SUCCESS');
    expect(endpoint.callsOf('DeleteWorkspaceImage')).toHaveLength(1);
  });

  test('with DESTROY of a copy a bundle still uses fails, naming the bundle', async () => {
    const created = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Copy', props({ RemovalPolicy: 'destroy' })), context());
    const bundle = await cfn.invoke(handler, cfn.createEvent('Custom::WorkspaceBundle', 'Bundle', {
      ImageId: created.PhysicalResourceId, ComputeType: 'STANDARD', UserStorageGiB: '50', Name: 'golden', Description: 'Golden',
    }), context());

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Copy', created.PhysicalResourceId, props({ RemovalPolicy: 'destroy' })), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`Image copy ${FIRST_COPY} is still used by bundle ${bundle.PhysicalResourceId}: delete the bundle first`);
    expect(copies()).toHaveLength(1);
  });

  test('after a Create that never answered finds the copy by name and ownership, and deletes it', async () => {
    endpoint.workspaces.copyPendingMs = 0;
    await cfn.invoke(handler, cfn.createEvent(TYPE, 'Copy', props()), context());
    endpoint.workspaces.addImage('wsi-otherstack1', { owner: RECEIVER, name: 'other' });

    // CloudFormation's own physical ID for a Create that never answered.
    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Copy', 'Demo-Copy-1Q2W3E4R5T6Y', props()), context());

    expect(response.Status).toBe('SUCCESS');
    expect(copies().map(c => c.id)).toEqual(['wsi-otherstack1']);
  });

  test('after a Create that failed before copying deletes nothing', async () => {
    endpoint.workspaces.addImage('wsi-handmade01', { owner: RECEIVER, name: 'golden-copy' });

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Copy', 'Copy-create-failed', props()), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.callsOf('DeleteWorkspaceImage')).toHaveLength(0);
    expect(copies()).toHaveLength(1);
  });
});
