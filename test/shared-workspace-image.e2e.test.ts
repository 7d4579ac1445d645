/**
 * The bundled handler, as shipped, through the unmodified WorkSpaces SDK client
 * against the local wire-level endpoint.
 */
import { CloudFormationStub, Handler, lambdaContext } from './support/handler-harness';
import { useLocalAws } from './support/local-aws';
import { LocalAwsEndpoint } from './support/local-endpoint';
import { UNVERIFIED_READINGS } from './support/workspaces-images-service';

const TYPE = 'Custom::SharedWorkspaceImage';
const OWNER = '123456789012';
const IMAGE = 'wsi-abc123def';
const OTHER_IMAGE = 'wsi-xyz987uvw';
const A = '111122223333';
const B = '444455556666';
const C = '777788889999';
const OUTSIDE = '222233334444';

let endpoint: LocalAwsEndpoint;
let cfn: CloudFormationStub;
let handler: Handler;
const aws = useLocalAws(OWNER, e => e.workspaces.addImage(IMAGE));
beforeEach(() => ({ endpoint, cfn, handler } = aws));

const context = (timeoutMs?: number) => lambdaContext(OWNER, timeoutMs);
const props = (imageId: string, accountIds: string[]) => ({ ImageId: imageId, AccountIds: accountIds });
const updates = () => endpoint.callsOf('UpdateWorkspaceImagePermission').filter(c => !c.error);

describe('Create', () => {
  test('shares the image with each listed account and answers with the image ID as physical ID', async () => {
    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(IMAGE, [A, B])), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(IMAGE);
    expect(response.Data).toEqual({ ImageId: IMAGE, SharedAccountCount: 2 });
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A, B]);
  });

  test.each(Object.entries(UNVERIFIED_READINGS))('re-grants an account shared already without harm (%s)', async (_reading, behaviour) => {
    endpoint.workspaces.unverified = behaviour;
    endpoint.workspaces.addImage(IMAGE, { sharedWith: [A] });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(IMAGE, [A, B])), context());

    expect(response.Status).toBe('SUCCESS');
    expect(updates().map(c => c.input.SharedAccountId)).toEqual(behaviour.regrant === 'succeeds' ? [A, B] : [B]);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A, B]);
    // The image read, the owner tags read, written and read again (the claim), one write per
    // account; a write refused as "already shared" adds one read.
    expect(endpoint.calls.length).toBeLessThanOrEqual(2 + 4 + 1);
  });

  test('confirms a refused re-grant with one read of every page, then skips what that read shows', async () => {
    endpoint.workspaces.unverified = UNVERIFIED_READINGS['strict re-grant, ResourceNotFound on revoke'];
    const many = Array.from({ length: 60 }, (_, i) => String(100000000000 + i));
    endpoint.workspaces.addImage(IMAGE, { sharedWith: many });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(IMAGE, [many[59], A, many[0]])), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.callsOf('DescribeWorkspaceImagePermissions')).toHaveLength(3);
    expect(endpoint.callsOf('UpdateWorkspaceImagePermission').map(c => [c.input.SharedAccountId, c.error ?? 'ok'])).toEqual([
      [many[59], 'InvalidParameterValuesException'],
      [A, 'ok'],
    ]);
  });

  test('reports a refused grant the read does not explain, as it is', async () => {
    endpoint.workspaces.unverified = UNVERIFIED_READINGS['strict re-grant, ResourceNotFound on revoke'];
    endpoint.workspaces.addImage(IMAGE, { state: 'AVAILABLE' });
    process.env.SHARING_IAM_PROPAGATION_MS = '0';
    endpoint.inject({ kind: 'access-denied', count: 1, operation: 'UpdateWorkspaceImagePermission' });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(IMAGE, [A])), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/AccessDeniedException/);
    expect(endpoint.callsOf('DescribeWorkspaceImagePermissions')).toHaveLength(0);
  });

  test('waits while the image is PENDING, then shares it', async () => {
    endpoint.workspaces.addImage(IMAGE, { pendingMs: 400 });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(IMAGE, [A])), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.callsOf('DescribeWorkspaceImages').length).toBeGreaterThan(1);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A]);
  });

  test('stops waiting for a PENDING image before the resource\'s time budget runs out and says so', async () => {
    endpoint.workspaces.addImage(IMAGE, { pendingMs: 60_000 });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', { ...props(IMAGE, [A]), TimeBudgetSeconds: '3' }), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toBe('Image wsi-abc123def is still PENDING and the time to wait for it ran out: deploy again once it is AVAILABLE. '
      + 'The resource\'s time budget of 3 s ran out in invocation 1 of the request. Done: nothing. Not done: nothing.');
    // In virtual time, whatever the machine's pace: the budget's 3,000 ms less the answer margin
    // (100) and the stop margin (1,000) leave 1,900 ms of work; a poll every 50 ms, the last one
    // while a poll interval still fits before the stop margin, at 1,850 ms.
    const polls = endpoint.callsOf('DescribeWorkspaceImages');
    expect(polls).toHaveLength(38);
    expect(polls[37].receivedAt - polls[0].receivedAt).toBe(1_850);
    // It failed before its claim: the physical ID of nothing done, whose Delete touches nothing.
    expect(response.PhysicalResourceId).toBe('Share-create-failed');
  });

  test('fails with a clear Reason when the image does not exist', async () => {
    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(OTHER_IMAGE, [A])), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`Image ${OTHER_IMAGE} does not exist`);
    expect(updates()).toHaveLength(0);
  });

  test.each([
    ['a malformed image ID', props('ami-123', [A]), /ImageId "ami-123"/],
    ['a malformed account ID', props(IMAGE, ['1234']), /"1234"/],
    ['a repeated account', props(IMAGE, [A, A]), /more than once: 111122223333/],
    ['the owner account', props(IMAGE, [OWNER]), /account that owns the image/],
  ])('rejects %s after resolution without calling any API', async (_name, properties, reason) => {
    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', properties), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(reason);
    expect(response.Reason).toContain('nothing was changed');
    expect(endpoint.calls).toHaveLength(0);
  });
});

describe('Update', () => {
  /** Create the share through the handler (its ledger records what it shared), then forget the calls it made. */
  async function deployed(accountIds: string[]): Promise<void> {
    const create = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(IMAGE, accountIds)), context());
    expect(create.Status).toBe('SUCCESS');
    endpoint.resetCalls();
  }

  test('shares added and unshares removed accounts with one call each, leaving other shares alone', async () => {
    endpoint.workspaces.addImage(IMAGE, { sharedWith: [OUTSIDE] });
    await deployed([A, B]);

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Share', IMAGE, props(IMAGE, [B, C]), props(IMAGE, [A, B])), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(IMAGE);
    expect(updates().map(c => [c.input.SharedAccountId, c.input.AllowCopyImage])).toEqual([[A, false], [C, true]]);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([OUTSIDE, B, C].sort());
    expect(endpoint.callsOf('DescribeWorkspaceImages')).toHaveLength(0);
  });

  test('with no account added or removed makes no call at all', async () => {
    await deployed([A, B]);

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Share', IMAGE, props(IMAGE, [B, A]), props(IMAGE, [A, B])), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.calls).toHaveLength(0);
  });

  test('shares only the added account, even when a listed account was unshared by hand', async () => {
    await deployed([A]);
    endpoint.workspaces.byHand(IMAGE, A, false);

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Share', IMAGE, props(IMAGE, [A, B]), props(IMAGE, [A])), context());

    expect(response.Status).toBe('SUCCESS');
    expect(updates().map(c => c.input.SharedAccountId)).toEqual([B]);
  });

  test('to another image answers with a new physical ID and leaves the old image to the cleanup Delete', async () => {
    endpoint.workspaces.addImage(IMAGE, { sharedWith: [A] });
    endpoint.workspaces.addImage(OTHER_IMAGE);

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Share', IMAGE, props(OTHER_IMAGE, [A]), props(IMAGE, [A])), context());
    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(OTHER_IMAGE);
    expect(endpoint.workspaces.sharesOf(OTHER_IMAGE)).toEqual([A]);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A]);

    const cleanup = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', IMAGE, props(IMAGE, [A])), context());
    expect(cleanup.Status).toBe('SUCCESS');
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
    expect(endpoint.workspaces.sharesOf(OTHER_IMAGE)).toEqual([A]);
  });

  test('that fails keeps the physical ID CloudFormation sent, and its rollback undoes the partial change', async () => {
    process.env.SHARING_IAM_PROPAGATION_MS = '0';
    endpoint.workspaces.addImage(IMAGE, { sharedWith: [A] });
    // The first share goes through, the second is refused: a partial Update.
    endpoint.inject({ kind: 'access-denied', count: 1, operation: 'UpdateWorkspaceImagePermission', after: 1 });
    const failing = props(IMAGE, [A, B, C]);

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Share', 'previous-physical-id', failing, props(IMAGE, [A])), context());
    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe('previous-physical-id');
    expect(response.Reason).toMatch(/AccessDeniedException/);
    expect(response.Reason).toMatch(/Done: shared 1 \(444455556666\)\. Not done: shared 1 \(777788889999\)/);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A, B]);

    const rollback = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Share', 'previous-physical-id', props(IMAGE, [A]), failing), context());
    expect(rollback.Status).toBe('SUCCESS');
    expect(rollback.PhysicalResourceId).toBe('previous-physical-id');
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A]);
  });

  test('rollback of a failed replacement unshares what it shared on the new image', async () => {
    endpoint.workspaces.addImage(IMAGE, { sharedWith: [A] });
    endpoint.workspaces.addImage(OTHER_IMAGE, { sharedWith: [A] }); // the failed replacement got this far

    const rollback = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Share', IMAGE, props(IMAGE, [A]), props(OTHER_IMAGE, [A, B])), context());

    expect(rollback.Status).toBe('SUCCESS');
    expect(rollback.PhysicalResourceId).toBe(IMAGE);
    expect(endpoint.workspaces.sharesOf(OTHER_IMAGE)).toEqual([]);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A]);
  });
});

describe('Delete', () => {
  test('unshares each listed account that is still shared and leaves other shares alone', async () => {
    endpoint.workspaces.addImage(IMAGE, { sharedWith: [A, OUTSIDE] });

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', IMAGE, props(IMAGE, [A, B])), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(IMAGE);
    expect(updates().map(c => c.input.SharedAccountId)).toEqual([A]);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([OUTSIDE]);
  });

  test('of an image that no longer exists succeeds', async () => {
    endpoint.workspaces.deleteImage(IMAGE);

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', IMAGE, props(IMAGE, [A])), context());

    expect(response.Status).toBe('SUCCESS');
    expect(updates()).toHaveLength(0);
  });

  test('with properties a Create rejected succeeds without calling any API', async () => {
    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', 'Share-create-failed', props('bad', [A])), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.calls).toHaveLength(0);
  });

  test('after a Create that failed part-way leaves nothing shared', async () => {
    process.env.SHARING_IAM_PROPAGATION_MS = '0';
    endpoint.inject({ kind: 'access-denied', count: 1, operation: 'UpdateWorkspaceImagePermission', after: 1 });

    const create = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(IMAGE, [A, B])), context());
    expect(create.Status).toBe('FAILED');
    expect(create.PhysicalResourceId).toBe(IMAGE);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A]);

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', create.PhysicalResourceId, props(IMAGE, [A, B])), context());
    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
  });
});
