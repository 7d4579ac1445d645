/**
 * The bundled handler, as shipped, through the unmodified WorkSpaces SDK client against the local
 * endpoint, in the account an alias is shared with: Custom::ConnectionAliasAssociation, and the
 * teardown order it makes possible for the owner's Custom::SharedConnectionAlias.
 */
import { CloudFormationStub, Handler, lambdaContext } from './support/handler-harness';
import { SHORT_INVOCATION_MS, useLocalAws, useShortInvocations } from './support/local-aws';
import { LocalAwsEndpoint } from './support/local-endpoint';

const TYPE = 'Custom::ConnectionAliasAssociation';
const OWNER = '123456789012';
const RECEIVER = '210987654321';
const ALIAS = 'wsca-abc12345de';
const DIRECTORY = 'd-9067a1b2c3';
const OTHER_DIRECTORY = 'd-9067ffff00';

let endpoint: LocalAwsEndpoint;
let cfn: CloudFormationStub;
let handler: Handler;
const aws = useLocalAws(OWNER, e => {
  e.addAccount(RECEIVER);
  e.aliases.addAlias(ALIAS, { sharedWith: RECEIVER });
});
beforeEach(() => ({ endpoint, cfn, handler } = aws));

const context = (account = RECEIVER, timeoutMs?: number) => lambdaContext(account, timeoutMs);
const props = (directoryId = DIRECTORY, aliasId = ALIAS) => ({ AliasId: aliasId, DirectoryId: directoryId });

describe('Create', () => {
  test('associates the shared alias with the directory, waits through PENDING_ASSOCIATION and answers the connection identifier', async () => {
    endpoint.aliases.associatingMs = 200;

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Association', props()), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(ALIAS);
    expect(response.Data).toEqual({ AliasId: ALIAS, DirectoryId: DIRECTORY, ConnectionIdentifier: 'connd9067a1b2c3' });
    expect(endpoint.aliases.associationOf(ALIAS)).toEqual({ accountId: RECEIVER, directoryId: DIRECTORY, status: 'ASSOCIATED_WITH_SHARED_ACCOUNT' });
    expect(endpoint.callsOf('AssociateConnectionAlias')).toHaveLength(1);
    expect(endpoint.callsOf('DescribeConnectionAliases').length).toBeGreaterThan(2);
  });

  test('waits until the owner shares the alias and it is CREATED', async () => {
    endpoint.aliases.addAlias(ALIAS, { creatingMs: 200 });
    setTimeout(() => endpoint.aliases.addAlias(ALIAS, { sharedWith: RECEIVER, creatingMs: 100 }), 300);

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Association', props()), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.aliases.associationOf(ALIAS)?.directoryId).toBe(DIRECTORY);
  });

  test('of an alias never shared with the account fails when the budget runs out, naming the account', async () => {
    endpoint.aliases.addAlias(ALIAS);

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Association', { ...props(), TimeBudgetSeconds: '2' }), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`Connection alias ${ALIAS} is not shared with account ${RECEIVER}`);
    expect(response.Reason).toContain('SharedConnectionAlias');
    expect(endpoint.callsOf('AssociateConnectionAlias')).toHaveLength(0);
  });

  test('of an alias associated with another directory fails at once, naming it, and changes nothing', async () => {
    endpoint.aliases.addAlias(ALIAS, { sharedWith: RECEIVER, associatedWith: { accountId: OWNER, directoryId: OTHER_DIRECTORY } });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Association', props()), context());

    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe(ALIAS);
    expect(response.Reason).toContain(`already associated with directory ${OTHER_DIRECTORY} of account ${OWNER}`);
    expect(endpoint.callsOf('AssociateConnectionAlias')).toHaveLength(0);

    // The rollback Delete leaves the other directory's association alone.
    const rollback = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Association', ALIAS, props()), context());
    expect(rollback.Status).toBe('SUCCESS');
    expect(endpoint.aliases.associationOf(ALIAS)?.directoryId).toBe(OTHER_DIRECTORY);
  });

  test('of an alias already associated with the directory succeeds without a write', async () => {
    endpoint.aliases.addAlias(ALIAS, { sharedWith: RECEIVER, associatedWith: { accountId: RECEIVER, directoryId: DIRECTORY } });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Association', props()), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.callsOf('AssociateConnectionAlias')).toHaveLength(0);
  });

  test('rejects a malformed directory ID after resolution without calling any API', async () => {
    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Association', props('directory-1')), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/nothing was changed.*DirectoryId "directory-1"/);
    expect(endpoint.calls).toHaveLength(0);
  });
});

describe('waits that outlast one invocation', () => {
  beforeEach(() => useShortInvocations(aws));

  test('a long PENDING_ASSOCIATION goes on in a new invocation, with one association and one answer', async () => {
    endpoint.aliases.associatingMs = 3_000;
    const event = cfn.createEvent(TYPE, 'Association', { ...props(), TimeBudgetSeconds: '60' });

    const response = await cfn.invoke(handler, event, context(RECEIVER, SHORT_INVOCATION_MS));
    await endpoint.lambda.settled();

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.callsOf('Invoke').length).toBeGreaterThanOrEqual(1);
    expect(endpoint.callsOf('AssociateConnectionAlias')).toHaveLength(1);
    expect(cfn.answersTo(event)).toHaveLength(1);
  });
});

describe('Update', () => {
  test('to another directory disassociates the old one first, waits, then associates the new one, keeping the physical ID', async () => {
    endpoint.aliases.addAlias(ALIAS, { sharedWith: RECEIVER, associatedWith: { accountId: RECEIVER, directoryId: DIRECTORY } });
    endpoint.aliases.disassociatingMs = 200;

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Association', ALIAS, props(OTHER_DIRECTORY), props()), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(ALIAS);
    expect(endpoint.calls.filter(c => !c.operation.startsWith('Describe')).map(c => c.operation)).toEqual(['CreateTags', 'DisassociateConnectionAlias', 'AssociateConnectionAlias']);
    expect(endpoint.aliases.associationOf(ALIAS)?.directoryId).toBe(OTHER_DIRECTORY);
  });
});

describe('ownership on the directory', () => {
  const OWNER_RESOURCE_KEY = `cdk-cross-account-sharing:${ALIAS}:owner-resource`;

  test('a Create records its owner on the directory, under keys of the alias, before it associates (RA2)', async () => {
    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Association', props()), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.tags.of(DIRECTORY)).toEqual({
      [`cdk-cross-account-sharing:${ALIAS}:owner-stack`]: cfn.stackId,
      [OWNER_RESOURCE_KEY]: 'Association',
    });
    const writes = endpoint.calls.filter(c => !c.operation.startsWith('Describe')).map(c => c.operation);
    expect(writes).toEqual(['CreateTags', 'AssociateConnectionAlias']);
  });

  test('a directory that is not registered fails the Create, changing nothing (RA1)', async () => {
    endpoint.deregisteredDirectories.add(DIRECTORY);

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Association', props()), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`Directory ${DIRECTORY} is not registered with WorkSpaces in account ${RECEIVER} in this Region`);
    expect(response.PhysicalResourceId).toBe('Association-create-failed');
    expect(endpoint.calls.filter(c => !c.operation.startsWith('Describe'))).toEqual([]);
  });

  test('a replacement (another alias) that fails after its claim releases the new alias before it fails (RU5)', async () => {
    const NEW_ALIAS = 'wsca-newalias01';
    endpoint.aliases.addAlias(ALIAS, { sharedWith: RECEIVER, associatedWith: { accountId: RECEIVER, directoryId: DIRECTORY } });
    // The new alias is held by another account's directory: the replacement fails after its claim.
    endpoint.aliases.addAlias(NEW_ALIAS, { sharedWith: RECEIVER, associatedWith: { accountId: OWNER, directoryId: 'd-9067eeee00' } });

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Association', ALIAS, props(DIRECTORY, NEW_ALIAS), props()), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`Connection alias ${NEW_ALIAS} is already associated with directory d-9067eeee00`);
    expect(endpoint.callsOf('CreateTags')).toHaveLength(1);
    expect(endpoint.callsOf('DeleteTags')).toHaveLength(1);
    expect(endpoint.callsOf('DisassociateConnectionAlias')).toHaveLength(0);
    expect(response.PhysicalResourceId).toBe(ALIAS);
    expect(Object.keys(endpoint.tags.of(DIRECTORY)).filter(k => k.includes(NEW_ALIAS))).toEqual([]);
    // The old alias keeps its association, as the physical ID CloudFormation keeps says.
    expect(endpoint.aliases.associationOf(ALIAS)?.directoryId).toBe(DIRECTORY);
  });
});

describe('Delete', () => {
  test('disassociates the alias and waits through PENDING_DISASSOCIATION', async () => {
    await cfn.invoke(handler, cfn.createEvent(TYPE, 'Association', props()), context());
    endpoint.aliases.disassociatingMs = 200;

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Association', ALIAS, props()), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.aliases.associationOf(ALIAS)).toBeUndefined();
    expect(endpoint.callsOf('DisassociateConnectionAlias')).toHaveLength(1);
  });

  test('of an alias no longer shared with the account succeeds without a write', async () => {
    endpoint.aliases.addAlias(ALIAS);

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Association', ALIAS, props()), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.callsOf('DisassociateConnectionAlias')).toHaveLength(0);
  });
});

describe('teardown order', () => {
  const SHARE = 'Custom::SharedConnectionAlias';
  const share = { AliasId: ALIAS, AccountId: RECEIVER };

  test('the owner\'s unshare fails while the receiving account holds the alias, and succeeds once the receiving stack is deleted', async () => {
    const associated = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Association', props()), context());
    expect(associated.Status).toBe('SUCCESS');

    // Owner first: refused, naming the receiving account's directory.
    const ownerFirst = await cfn.invoke(handler, cfn.deleteEvent(SHARE, 'AliasShare', ALIAS, share), context(OWNER));
    expect(ownerFirst.Status).toBe('FAILED');
    expect(ownerFirst.Reason).toContain(`account ${RECEIVER} must disassociate the alias from directory ${DIRECTORY}`);

    // Receiving stack first: the association goes, then the owner's share.
    const receiving = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Association', ALIAS, props()), context());
    expect(receiving.Status).toBe('SUCCESS');
    const owner = await cfn.invoke(handler, cfn.deleteEvent(SHARE, 'AliasShare', ALIAS, share), context(OWNER));
    expect(owner.Status).toBe('SUCCESS');
    expect(endpoint.aliases.shareOf(ALIAS)).toBeUndefined();
  });
});
