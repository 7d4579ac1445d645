/**
 * The source handler with a mocked WorkSpaces client, for the branches of
 * Custom::WorkspaceBundle that the local endpoint does not reach.
 */
import {
  CreateWorkspaceBundleCommand,
  DescribeWorkspaceBundlesCommand,
  InvalidParameterValuesException,
  ResourceLimitExceededException,
} from '@aws-sdk/client-workspaces';
import 'aws-sdk-client-mock-jest';
import { handler } from '../lambda/handler';
import { $metadata, useReceivingHandlerMocks } from './support/receiving-handler-mocks';

const COPY = 'wsi-copy00001';

const { ws, cfn, context } = useReceivingHandlerMocks();

const bundleProps = { ImageId: COPY, ComputeType: 'STANDARD', UserStorageGiB: '50', Name: 'golden', Description: 'Golden' };

describe('Custom::WorkspaceBundle', () => {
  beforeEach(() => ws.on(DescribeWorkspaceBundlesCommand).resolves({ Bundles: [] }));

  test.each([
    [new ResourceLimitExceededException({ message: 'Limit reached', $metadata }), /as many bundles as its quota allows/],
    [new InvalidParameterValuesException({ message: 'Invalid storage', $metadata }), /WorkSpaces refused the bundle "golden" \(InvalidParameterValuesException: Invalid storage\): check the compute type and the volume sizes/],
  ])('a create refused with %s says what to do', async (error, reason) => {
    ws.on(CreateWorkspaceBundleCommand).rejects(error);

    const response = await cfn.invoke(handler, cfn.createEvent('Custom::WorkspaceBundle', 'Bundle', bundleProps), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(reason);
    expect(response.PhysicalResourceId).toBe('Bundle-create-failed');
  });

  test('a bundle that ends in ERROR fails, naming it, so that the rollback Delete deletes it', async () => {
    ws.on(CreateWorkspaceBundleCommand).resolves({ WorkspaceBundle: { BundleId: 'wsb-golden001', State: 'PENDING' } });
    ws.on(DescribeWorkspaceBundlesCommand, { BundleIds: ['wsb-golden001'] }).resolves({ Bundles: [{ BundleId: 'wsb-golden001', State: 'ERROR' }] });

    const response = await cfn.invoke(handler, cfn.createEvent('Custom::WorkspaceBundle', 'Bundle', bundleProps), context());

    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe('wsb-golden001');
    expect(response.Reason).toContain('Bundle wsb-golden001 is in state ERROR');
  });
});
