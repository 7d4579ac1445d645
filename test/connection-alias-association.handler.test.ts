/**
 * The source handler with a mocked WorkSpaces client, for the branches of
 * Custom::ConnectionAliasAssociation that the local endpoint does not reach.
 */
import {
  AssociateConnectionAliasCommand,
  DescribeConnectionAliasesCommand,
  ResourceAssociatedException,
} from '@aws-sdk/client-workspaces';
import 'aws-sdk-client-mock-jest';
import { handler } from '../lambda/handler';
import { $metadata, useReceivingHandlerMocks } from './support/receiving-handler-mocks';

const ALIAS = 'wsca-abc12345de';
const DIRECTORY = 'd-9067a1b2c3';

const { ws, cfn, context } = useReceivingHandlerMocks();

describe('Custom::ConnectionAliasAssociation', () => {
  test('an association refused again and again while no directory shows fails instead of trying for the whole budget', async () => {
    ws.on(DescribeConnectionAliasesCommand).resolves({ ConnectionAliases: [{ AliasId: ALIAS, State: 'CREATED', OwnerAccountId: '123456789012' }] });
    ws.on(AssociateConnectionAliasCommand).rejects(new ResourceAssociatedException({ message: 'The resource is associated with a directory.', $metadata }));

    const response = await cfn.invoke(handler, cfn.createEvent('Custom::ConnectionAliasAssociation', 'Association', { AliasId: ALIAS, DirectoryId: DIRECTORY }), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`WorkSpaces says connection alias ${ALIAS} is associated with a directory`);
    expect(ws).toHaveReceivedCommandTimes(AssociateConnectionAliasCommand, 2);
  });

  test('an alias being deleted cannot be associated', async () => {
    ws.on(DescribeConnectionAliasesCommand).resolves({ ConnectionAliases: [{ AliasId: ALIAS, State: 'DELETING' }] });

    const response = await cfn.invoke(handler, cfn.createEvent('Custom::ConnectionAliasAssociation', 'Association', { AliasId: ALIAS, DirectoryId: DIRECTORY }), context());

    expect(response.Reason).toContain('is being deleted (state DELETING)');
    expect(ws).not.toHaveReceivedCommand(AssociateConnectionAliasCommand);
  });
});
