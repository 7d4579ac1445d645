/**
 * The setup shared by the handler tests of the receiving side's resources: the source handler
 * with a mocked WorkSpaces client, run in the receiving account.
 */
import { WorkSpacesClient } from '@aws-sdk/client-workspaces';
import type { Context } from 'aws-lambda';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { CloudFormationStub, lambdaContext, useFastSettings } from './handler-harness';
import { useCloudFormationStub } from './local-aws';
import { mockWorkspacesTags } from './mocked-tags';

/** The receiving account, in which the handler runs. */
export const RECEIVER = '210987654321';
/** The metadata of a mocked SDK error. */
export const $metadata = {};

export interface ReceivingHandlerMocks {
  /** The mocked WorkSpaces client, reset before each test with no tags on any resource (tags written are kept, see mockWorkspacesTags). */
  ws: AwsClientStub<WorkSpacesClient>;
  /** The CloudFormation stub that receives the handler's answers. */
  cfn: CloudFormationStub;
  /** A Lambda context in the receiving account. */
  context: () => Context;
}

/** Jest hooks for a receiving-side handler test file, and what its tests use. */
export function useReceivingHandlerMocks(): ReceivingHandlerMocks {
  const ws = mockClient(WorkSpacesClient);
  const cfn = useCloudFormationStub();

  beforeAll(() => useFastSettings());
  afterAll(() => ws.restore());
  beforeEach(() => {
    ws.reset();
    mockWorkspacesTags(ws);
  });

  return { ws, cfn, context: () => lambdaContext(RECEIVER) };
}
