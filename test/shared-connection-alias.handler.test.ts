/**
 * The source handler with a mocked WorkSpaces client, for the branches of
 * Custom::SharedConnectionAlias that the local endpoint does not reach.
 */
import {
  DeleteTagsCommand,
  ConnectionAlias,
  ConnectionAliasState,
  DescribeConnectionAliasesCommand,
  DescribeConnectionAliasPermissionsCommand,
  InvalidResourceStateException,
  ResourceAssociatedException,
  ResourceLimitExceededException,
  ResourceNotFoundException,
  UpdateConnectionAliasPermissionCommand,
  WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../lambda/handler';
import { lambdaContext, useFastSettings } from './support/handler-harness';
import { useCloudFormationStub } from './support/local-aws';
import { mockWorkspacesTags } from './support/mocked-tags';

const TYPE = 'Custom::SharedConnectionAlias';
const OWNER = '123456789012';
const ALIAS = 'wsca-abc12345de';
const A = '111122223333';
const B = '444455556666';
const DIRECTORY = 'd-9067a1b2c3';

const ws = mockClient(WorkSpacesClient);
const cfn = useCloudFormationStub();

beforeAll(() => useFastSettings());
afterAll(() => ws.restore());
beforeEach(() => {
  ws.reset();
  // No owner recorded yet: a Create claims the resource, a Delete unshares as before ownership.
  mockWorkspacesTags(ws);
  ws.on(DeleteTagsCommand).resolves({});
});

const context = () => lambdaContext(OWNER);
const props = (aliasId: string, accountId: string) => ({ AliasId: aliasId, AccountId: accountId });
const alias = (state: ConnectionAliasState, extra: Partial<ConnectionAlias> = {}): { ConnectionAliases: ConnectionAlias[] } => ({
  ConnectionAliases: [{ AliasId: ALIAS, ConnectionString: 'desktop.example.com', State: state, OwnerAccountId: OWNER, ...extra }],
});
const $metadata = {};
const sharedWithA = { AliasId: ALIAS, ConnectionAliasPermissions: [{ SharedAccountId: A, AllowAssociation: true }] };

describe('Create', () => {
  test('reads every page of the permissions before deciding', async () => {
    ws.on(DescribeConnectionAliasesCommand).resolves(alias('CREATED'));
    ws.on(DescribeConnectionAliasPermissionsCommand)
      .resolvesOnce({ AliasId: ALIAS, ConnectionAliasPermissions: [{ SharedAccountId: B, AllowAssociation: false }], NextToken: 'page-2' })
      .resolvesOnce({ AliasId: ALIAS, ConnectionAliasPermissions: [{ SharedAccountId: A, AllowAssociation: true }] });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(ALIAS, A)), context());

    expect(response.Status).toBe('SUCCESS');
    expect(ws).toHaveReceivedCommandTimes(DescribeConnectionAliasPermissionsCommand, 2);
    expect(ws).toHaveReceivedNthSpecificCommandWith(2, DescribeConnectionAliasPermissionsCommand, { AliasId: ALIAS, NextToken: 'page-2' });
    // A is shared on page 2 (B with AllowAssociation false is not a share): nothing to write.
    expect(ws).not.toHaveReceivedCommand(UpdateConnectionAliasPermissionCommand);
  });

  test('sends the documented request shape', async () => {
    ws.on(DescribeConnectionAliasesCommand).resolves(alias('CREATED'));
    ws.on(DescribeConnectionAliasPermissionsCommand).resolves({ AliasId: ALIAS, ConnectionAliasPermissions: [] });
    ws.on(UpdateConnectionAliasPermissionCommand).resolves({});

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(ALIAS, A)), context());

    expect(response.Status).toBe('SUCCESS');
    expect(ws).toHaveReceivedCommandWith(DescribeConnectionAliasesCommand, { AliasIds: [ALIAS] });
    expect(ws).toHaveReceivedCommandWith(UpdateConnectionAliasPermissionCommand, {
      AliasId: ALIAS,
      ConnectionAliasPermission: { SharedAccountId: A, AllowAssociation: true },
    });
  });

  test('maps ResourceLimitExceededException to the one-account-per-alias Reason', async () => {
    ws.on(DescribeConnectionAliasesCommand).resolves(alias('CREATED'));
    ws.on(DescribeConnectionAliasPermissionsCommand).resolves({ AliasId: ALIAS, ConnectionAliasPermissions: [] });
    ws.on(UpdateConnectionAliasPermissionCommand).rejects(new ResourceLimitExceededException({ message: 'limit', $metadata }));

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(ALIAS, A)), context());

    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe(ALIAS);
    expect(response.Reason).toContain(`Connection alias ${ALIAS} is already shared with another account`);
    expect(response.Reason).toContain(`cannot also be shared with ${A}`);
    expect(response.Reason).toMatch(/Not done: shared 1 \(111122223333\)/);
    expect(ws).toHaveReceivedCommandTimes(UpdateConnectionAliasPermissionCommand, 1);
  });

  test('maps InvalidResourceStateException to a Reason about the alias state', async () => {
    ws.on(DescribeConnectionAliasesCommand).resolves(alias('CREATED'));
    ws.on(DescribeConnectionAliasPermissionsCommand).resolves({ AliasId: ALIAS, ConnectionAliasPermissions: [] });
    ws.on(UpdateConnectionAliasPermissionCommand).rejects(new InvalidResourceStateException({ message: 'not valid', $metadata }));

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(ALIAS, A)), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/must be CREATED/);
    expect(ws).toHaveReceivedCommandTimes(UpdateConnectionAliasPermissionCommand, 1);
  });

  test('of an alias being deleted fails without reading or writing permissions', async () => {
    ws.on(DescribeConnectionAliasesCommand).resolves(alias('DELETING'));

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(ALIAS, A)), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`Connection alias ${ALIAS} is being deleted (state DELETING)`);
    expect(ws).not.toHaveReceivedCommand(DescribeConnectionAliasPermissionsCommand);
    expect(ws).not.toHaveReceivedCommand(UpdateConnectionAliasPermissionCommand);
  });

  test('of an alias owned by another account fails without a write', async () => {
    ws.on(DescribeConnectionAliasesCommand).resolves(alias('CREATED', { OwnerAccountId: B }));

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(ALIAS, A)), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`owned by account ${B}`);
    expect(ws).not.toHaveReceivedCommand(UpdateConnectionAliasPermissionCommand);
  });
});

describe('Delete', () => {
  test('maps ResourceAssociatedException on unshare to a Reason naming alias, account and directory, without retrying', async () => {
    // The association is not visible in the first read (it appeared meanwhile), only in the second.
    ws.on(DescribeConnectionAliasesCommand)
      .resolvesOnce(alias('CREATED'))
      .resolves(alias('CREATED', { Associations: [{ AssociationStatus: 'ASSOCIATED_WITH_SHARED_ACCOUNT', AssociatedAccountId: A, ResourceId: DIRECTORY }] }));
    ws.on(DescribeConnectionAliasPermissionsCommand).resolves(sharedWithA);
    ws.on(UpdateConnectionAliasPermissionCommand).rejects(new ResourceAssociatedException({ message: 'The resource is associated with a directory.', $metadata }));

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', ALIAS, props(ALIAS, A)), context());

    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe(ALIAS);
    expect(response.Reason).toContain(`Connection alias ${ALIAS} cannot be unshared from account ${A}`);
    expect(response.Reason).toContain(`account ${A} must disassociate the alias from directory ${DIRECTORY} (DisassociateConnectionAlias)`);
    expect(response.Reason).toContain('then delete again');
    expect(ws).toHaveReceivedCommandTimes(UpdateConnectionAliasPermissionCommand, 1);
    expect(ws).toHaveReceivedCommandWith(UpdateConnectionAliasPermissionCommand, {
      AliasId: ALIAS,
      ConnectionAliasPermission: { SharedAccountId: A, AllowAssociation: false },
    });
  });

  test('an association seen in DescribeConnectionAliases fails before any write', async () => {
    ws.on(DescribeConnectionAliasesCommand).resolves(alias('CREATED', {
      Associations: [{ AssociationStatus: 'ASSOCIATED_WITH_SHARED_ACCOUNT', AssociatedAccountId: A, ResourceId: DIRECTORY }],
    }));
    ws.on(DescribeConnectionAliasPermissionsCommand).resolves(sharedWithA);

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', ALIAS, props(ALIAS, A)), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`directory ${DIRECTORY}`);
    expect(ws).not.toHaveReceivedCommand(UpdateConnectionAliasPermissionCommand);
  });

  test('an association in the owner account does not block unsharing', async () => {
    ws.on(DescribeConnectionAliasesCommand).resolves(alias('CREATED', {
      Associations: [{ AssociationStatus: 'ASSOCIATED_WITH_OWNER_ACCOUNT', AssociatedAccountId: OWNER, ResourceId: 'd-owner00001' }],
    }));
    ws.on(DescribeConnectionAliasPermissionsCommand).resolves(sharedWithA);
    ws.on(UpdateConnectionAliasPermissionCommand).resolves({});

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', ALIAS, props(ALIAS, A)), context());

    expect(response.Status).toBe('SUCCESS');
    expect(ws).toHaveReceivedCommandTimes(UpdateConnectionAliasPermissionCommand, 1);
  });

  test('waits while the shared account\'s disassociation is pending, then unshares', async () => {
    ws.on(DescribeConnectionAliasesCommand)
      .resolvesOnce(alias('CREATED', { Associations: [{ AssociationStatus: 'PENDING_DISASSOCIATION', AssociatedAccountId: A, ResourceId: DIRECTORY }] }))
      .resolves(alias('CREATED', { Associations: [{ AssociationStatus: 'NOT_ASSOCIATED' }] }));
    ws.on(DescribeConnectionAliasPermissionsCommand).resolves(sharedWithA);
    ws.on(UpdateConnectionAliasPermissionCommand).resolves({});

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', ALIAS, props(ALIAS, A)), context());

    expect(response.Status).toBe('SUCCESS');
    expect(ws).toHaveReceivedCommandTimes(DescribeConnectionAliasesCommand, 2);
    expect(ws).toHaveReceivedCommandTimes(UpdateConnectionAliasPermissionCommand, 1);
  });

  test('treats ResourceNotFoundException on unshare (alias deleted meanwhile) as done', async () => {
    ws.on(DescribeConnectionAliasesCommand).resolves(alias('CREATED'));
    ws.on(DescribeConnectionAliasPermissionsCommand).resolves(sharedWithA);
    ws.on(UpdateConnectionAliasPermissionCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata }));

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', ALIAS, props(ALIAS, A)), context());

    expect(response.Status).toBe('SUCCESS');
  });

  test('treats ResourceNotFoundException on the permissions read as an alias that is gone', async () => {
    ws.on(DescribeConnectionAliasesCommand).resolves(alias('CREATED'));
    ws.on(DescribeConnectionAliasPermissionsCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata }));

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', ALIAS, props(ALIAS, A)), context());

    expect(response.Status).toBe('SUCCESS');
    expect(ws).not.toHaveReceivedCommand(UpdateConnectionAliasPermissionCommand);
  });

  test('of an alias being deleted succeeds without reading permissions', async () => {
    ws.on(DescribeConnectionAliasesCommand).resolves(alias('DELETING'));

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', ALIAS, props(ALIAS, A)), context());

    expect(response.Status).toBe('SUCCESS');
    expect(ws).not.toHaveReceivedCommand(DescribeConnectionAliasPermissionsCommand);
  });
});

describe('Update', () => {
  test('a ResourceAssociatedException while unsharing the old account leaves the new account unshared', async () => {
    ws.on(DescribeConnectionAliasesCommand).resolves(alias('CREATED'));
    ws.on(DescribeConnectionAliasPermissionsCommand).resolves(sharedWithA);
    ws.on(UpdateConnectionAliasPermissionCommand).rejects(new ResourceAssociatedException({ message: 'associated', $metadata }));

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Share', ALIAS, props(ALIAS, B), props(ALIAS, A)), context());

    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe(ALIAS);
    expect(response.Reason).toContain(`cannot be unshared from account ${A}`);
    expect(response.Reason).toContain('then update again');
    expect(ws).toHaveReceivedCommandTimes(UpdateConnectionAliasPermissionCommand, 1);
    expect(ws).not.toHaveReceivedCommandWith(UpdateConnectionAliasPermissionCommand, {
      ConnectionAliasPermission: { SharedAccountId: B, AllowAssociation: true },
    });
  });
});
