/**
 * The bundled handler, as shipped, through the unmodified WorkSpaces SDK client
 * against the local wire-level endpoint: Custom::SharedConnectionAlias.
 */
import { DeleteConnectionAliasCommand, WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { CloudFormationStub, Handler, lambdaContext } from './support/handler-harness';
import { useLocalAws } from './support/local-aws';
import { LocalAwsEndpoint } from './support/local-endpoint';

const TYPE = 'Custom::SharedConnectionAlias';
const OWNER = '123456789012';
const ALIAS = 'wsca-abc12345de';
const OTHER_ALIAS = 'wsca-xyz98765uv';
const A = '111122223333';
const B = '444455556666';
const DIRECTORY = 'd-9067a1b2c3';

let endpoint: LocalAwsEndpoint;
let cfn: CloudFormationStub;
let handler: Handler;
const aws = useLocalAws(OWNER, e => e.aliases.addAlias(ALIAS));
beforeEach(() => ({ endpoint, cfn, handler } = aws));

const context = (timeoutMs?: number) => lambdaContext(OWNER, timeoutMs);
const props = (aliasId: string, accountId: string) => ({ AliasId: aliasId, AccountId: accountId });
/** Successful permission writes, as [alias, account, allow]. */
const writes = () => endpoint.callsOf('UpdateConnectionAliasPermission').filter(c => !c.error)
  .map(c => [c.input.AliasId, c.input.ConnectionAliasPermission.SharedAccountId, c.input.ConnectionAliasPermission.AllowAssociation]);

describe('Create', () => {
  test('waits while the alias is CREATING, then shares it, and answers with the alias ID as physical ID', async () => {
    const aliasId = endpoint.aliases.createAlias('desktop.example.com');
    expect(endpoint.aliases.stateOf(aliasId)).toBe('CREATING');

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(aliasId, A)), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(aliasId);
    expect(response.Data).toEqual({ AliasId: aliasId, SharedAccountId: A });
    expect(endpoint.callsOf('DescribeConnectionAliases').length).toBeGreaterThan(1);
    // Sharing a CREATING alias is refused by the endpoint: one successful write means it waited.
    expect(endpoint.callsOf('UpdateConnectionAliasPermission')).toHaveLength(1);
    expect(writes()).toEqual([[aliasId, A, true]]);
    expect(endpoint.aliases.shareOf(aliasId)).toBe(A);
  });

  test('stops waiting for a CREATING alias before the resource\'s time budget runs out and says so', async () => {
    endpoint.aliases.addAlias(ALIAS, { creatingMs: 60_000 });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', { ...props(ALIAS, A), TimeBudgetSeconds: '3' }), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toBe('Connection alias wsca-abc12345de is still CREATING and the time to wait for it ran out: deploy again once it is CREATED. '
      + 'The resource\'s time budget of 3 s ran out in invocation 1 of the request. Done: nothing. Not done: nothing.');
    // In virtual time, whatever the machine's pace: the budget's 3,000 ms less the answer margin
    // (100) and the stop margin (1,000) leave 1,900 ms of work; a poll every 50 ms, the last one
    // while a poll interval still fits before the stop margin, at 1,850 ms.
    const polls = endpoint.callsOf('DescribeConnectionAliases');
    expect(polls).toHaveLength(38);
    expect(polls[37].receivedAt - polls[0].receivedAt).toBe(1_850);
    // It failed before its claim: the physical ID of nothing done, whose Delete touches nothing.
    expect(response.PhysicalResourceId).toBe('Share-create-failed');
    expect(endpoint.callsOf('UpdateConnectionAliasPermission')).toHaveLength(0);
  });

  test('of an alias already shared with the account succeeds without a write', async () => {
    endpoint.aliases.addAlias(ALIAS, { sharedWith: A });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(ALIAS, A)), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(ALIAS);
    expect(endpoint.callsOf('UpdateConnectionAliasPermission')).toHaveLength(0);
  });

  test('of an alias shared with another account fails with a Reason naming both accounts, without a write', async () => {
    endpoint.aliases.addAlias(ALIAS, { sharedWith: B });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(ALIAS, A)), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`${ALIAS} is already shared with account ${B}`);
    expect(response.Reason).toContain(`cannot also be shared with ${A}`);
    expect(response.Reason).toMatch(/only one other account/);
    expect(endpoint.callsOf('UpdateConnectionAliasPermission')).toHaveLength(0);
    expect(endpoint.aliases.shareOf(ALIAS)).toBe(B);
  });

  test('fails with a clear Reason when the alias does not exist', async () => {
    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(OTHER_ALIAS, A)), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`Connection alias ${OTHER_ALIAS} does not exist`);
    expect(response.PhysicalResourceId).toBe('Share-create-failed');
    expect(endpoint.callsOf('UpdateConnectionAliasPermission')).toHaveLength(0);
  });

  test.each([
    ['a malformed alias ID', props('alias-123', A), /AliasId "alias-123"/],
    ['a malformed account ID', props(ALIAS, '1234'), /AccountId "1234"/],
    ['the owner account', props(ALIAS, OWNER), /account that owns the alias/],
  ])('rejects %s after resolution without calling any API', async (_name, properties, reason) => {
    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', properties), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(reason);
    expect(response.Reason).toContain('nothing was changed');
    expect(endpoint.calls).toHaveLength(0);
  });
});

describe('Update', () => {
  test('to another account unshares the old account first, then shares the new one, keeping the physical ID', async () => {
    endpoint.aliases.addAlias(ALIAS, { sharedWith: A });

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Share', ALIAS, props(ALIAS, B), props(ALIAS, A)), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(ALIAS);
    expect(response.Data).toEqual({ AliasId: ALIAS, SharedAccountId: B });
    expect(writes()).toEqual([[ALIAS, A, false], [ALIAS, B, true]]);
    expect(endpoint.aliases.shareOf(ALIAS)).toBe(B);
  });

  test('to another account fails at once, changing nothing, while the old account has the alias associated', async () => {
    endpoint.aliases.addAlias(ALIAS, { sharedWith: A, associatedWith: { accountId: A, directoryId: DIRECTORY } });

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Share', ALIAS, props(ALIAS, B), props(ALIAS, A)), context());

    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe(ALIAS);
    expect(response.Reason).toContain(`account ${A} must disassociate the alias from directory ${DIRECTORY}`);
    expect(endpoint.callsOf('UpdateConnectionAliasPermission')).toHaveLength(0);
    expect(endpoint.aliases.shareOf(ALIAS)).toBe(A);
  });

  test('to another alias answers with a new physical ID and leaves the old alias to the cleanup Delete', async () => {
    endpoint.aliases.addAlias(ALIAS, { sharedWith: A });
    endpoint.aliases.addAlias(OTHER_ALIAS);

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Share', ALIAS, props(OTHER_ALIAS, A), props(ALIAS, A)), context());
    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(OTHER_ALIAS);
    expect(endpoint.aliases.shareOf(OTHER_ALIAS)).toBe(A);
    expect(endpoint.aliases.shareOf(ALIAS)).toBe(A);

    const cleanup = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', ALIAS, props(ALIAS, A)), context());
    expect(cleanup.Status).toBe('SUCCESS');
    expect(endpoint.aliases.shareOf(ALIAS)).toBeUndefined();
    expect(endpoint.aliases.shareOf(OTHER_ALIAS)).toBe(A);
  });

  test('rollback of a failed replacement unshares what it shared on the other alias', async () => {
    endpoint.aliases.addAlias(ALIAS, { sharedWith: A });
    endpoint.aliases.addAlias(OTHER_ALIAS, { sharedWith: B }); // the failed replacement got this far

    const rollback = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Share', ALIAS, props(ALIAS, A), props(OTHER_ALIAS, B)), context());

    expect(rollback.Status).toBe('SUCCESS');
    expect(rollback.PhysicalResourceId).toBe(ALIAS);
    expect(endpoint.aliases.shareOf(OTHER_ALIAS)).toBeUndefined();
    expect(endpoint.aliases.shareOf(ALIAS)).toBe(A);
    expect(writes()).toEqual([[OTHER_ALIAS, B, false]]);
  });

  test('that fails keeps the physical ID CloudFormation sent', async () => {
    endpoint.aliases.addAlias(ALIAS, { sharedWith: A });
    endpoint.aliases.addAlias(OTHER_ALIAS, { sharedWith: B });

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Share', 'previous-physical-id', props(OTHER_ALIAS, A), props(ALIAS, A)), context());

    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe('previous-physical-id');
    expect(response.Reason).toContain(`already shared with account ${B}`);
  });
});

describe('Delete', () => {
  test('unshares the alias', async () => {
    endpoint.aliases.addAlias(ALIAS, { sharedWith: A });

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', ALIAS, props(ALIAS, A)), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(ALIAS);
    expect(writes()).toEqual([[ALIAS, A, false]]);
    expect(endpoint.aliases.shareOf(ALIAS)).toBeUndefined();
  });

  test('of an alias that no longer exists succeeds without a write', async () => {
    endpoint.aliases.deleteAlias(ALIAS);

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', ALIAS, props(ALIAS, A)), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.callsOf('UpdateConnectionAliasPermission')).toHaveLength(0);
  });

  test('of an alias not shared with the account succeeds without a write, leaving another share alone', async () => {
    endpoint.aliases.addAlias(ALIAS, { sharedWith: B });

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', ALIAS, props(ALIAS, A)), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.callsOf('UpdateConnectionAliasPermission')).toHaveLength(0);
    expect(endpoint.aliases.shareOf(ALIAS)).toBe(B);
  });

  test('with properties a Create rejected succeeds without calling any API', async () => {
    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', 'Share-create-failed', props('bad', A)), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.calls).toHaveLength(0);
  });

  test('while the shared account has the alias associated fails at once, naming alias, account and directory', async () => {
    endpoint.aliases.addAlias(ALIAS, { sharedWith: A, associatedWith: { accountId: A, directoryId: DIRECTORY } });

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', ALIAS, props(ALIAS, A)), context());

    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe(ALIAS);
    expect(response.Reason).toContain(`Connection alias ${ALIAS} cannot be unshared from account ${A}`);
    expect(response.Reason).toContain(`directory ${DIRECTORY}`);
    expect(response.Reason).toContain('DisassociateConnectionAlias');
    expect(response.Reason).toMatch(/then delete again/);
    // No retry loop: one read of the owner tags, of the alias and of its permissions, no write.
    expect(endpoint.callsOf('DescribeConnectionAliases')).toHaveLength(1);
    expect(endpoint.callsOf('UpdateConnectionAliasPermission')).toHaveLength(0);
    expect(endpoint.calls).toHaveLength(3);
    expect(endpoint.aliases.shareOf(ALIAS)).toBe(A);
  });

  test('while the shared account has a pending association fails at once as well', async () => {
    endpoint.aliases.addAlias(ALIAS, { sharedWith: A, associatedWith: { accountId: A, directoryId: DIRECTORY, status: 'PENDING_ASSOCIATION' } });

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', ALIAS, props(ALIAS, A)), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('PENDING_ASSOCIATION');
    expect(endpoint.calls).toHaveLength(3);
  });

  test('the teardown order works: the alias can be deleted only once the shared account disassociated it and the share was deleted', async () => {
    endpoint.aliases.addAlias(ALIAS, { sharedWith: A, associatedWith: { accountId: A, directoryId: DIRECTORY } });
    const ws = new WorkSpacesClient({});
    const deleteAlias = () => ws.send(new DeleteConnectionAliasCommand({ AliasId: ALIAS }));

    await expect(deleteAlias()).rejects.toMatchObject({ name: 'ResourceAssociatedException' });
    const blocked = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', ALIAS, props(ALIAS, A)), context());
    expect(blocked.Status).toBe('FAILED');

    endpoint.aliases.disassociate(ALIAS); // what the shared account does
    await expect(deleteAlias()).rejects.toMatchObject({ name: 'InvalidResourceStateException' }); // still shared

    const unshared = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', ALIAS, props(ALIAS, A)), context());
    expect(unshared.Status).toBe('SUCCESS');
    await deleteAlias();
    expect(endpoint.aliases.stateOf(ALIAS)).toBe('DELETING');

    // The share's Delete, retried once the alias is going away, has nothing to do.
    const again = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', ALIAS, props(ALIAS, A)), context());
    expect(again.Status).toBe('SUCCESS');
    ws.destroy();
  });
});
