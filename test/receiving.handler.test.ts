/**
 * The source handler with a mocked WorkSpaces client, for the branches of the receiving side's
 * resources that the local endpoint does not reach.
 */
import {
  AssociateConnectionAliasCommand,
  CopyWorkspaceImageCommand,
  CreateWorkspaceBundleCommand,
  DeleteWorkspaceImageCommand,
  DescribeConnectionAliasesCommand,
  DescribeTagsCommand,
  DescribeWorkspaceBundlesCommand,
  DescribeWorkspaceImagesCommand,
  InvalidParameterValuesException,
  InvalidResourceStateException,
  ResourceAlreadyExistsException,
  ResourceAssociatedException,
  ResourceLimitExceededException,
  WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../lambda/handler';
import { lambdaContext, useFastSettings } from './support/handler-harness';
import { useCloudFormationStub } from './support/local-aws';

const RECEIVER = '210987654321';
const SOURCE = 'wsi-golden1234';
const COPY = 'wsi-copy00001';
const ALIAS = 'wsca-abc12345de';
const DIRECTORY = 'd-9067a1b2c3';
const $metadata = {};

const ws = mockClient(WorkSpacesClient);
const cfn = useCloudFormationStub();

beforeAll(() => useFastSettings());
afterAll(() => ws.restore());
beforeEach(() => {
  ws.reset();
  ws.on(DescribeTagsCommand).resolves({ TagList: [] });
});

const context = () => lambdaContext(RECEIVER);
const copyProps = { SourceImageId: SOURCE, SourceRegion: 'eu-west-1', Name: 'golden-copy', RemovalPolicy: 'destroy' };
const bundleProps = { ImageId: COPY, ComputeType: 'STANDARD', UserStorageGiB: '50', Name: 'golden', Description: 'Golden' };

describe('Custom::WorkspaceImageCopy', () => {
  test('a copy refused because its name was taken after the check is reported as the name clash', async () => {
    ws.on(DescribeWorkspaceImagesCommand, { ImageType: 'SHARED' }).resolves({ Images: [{ ImageId: SOURCE, State: 'AVAILABLE', OwnerAccountId: '123456789012' }] });
    ws.on(DescribeWorkspaceImagesCommand, { ImageType: 'OWNED' }).resolves({ Images: [] });
    ws.on(CopyWorkspaceImageCommand).rejects(new ResourceAlreadyExistsException({ message: 'The image name is in use', $metadata }));

    const response = await cfn.invoke(handler, cfn.createEvent('Custom::WorkspaceImageCopy', 'Copy', copyProps), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`An image named "golden-copy" already exists in account ${RECEIVER}`);
  });

  test('a source that is shared but not AVAILABLE fails before any copy', async () => {
    ws.on(DescribeWorkspaceImagesCommand).resolves({ Images: [{ ImageId: SOURCE, State: 'PENDING', OwnerAccountId: '123456789012' }] });

    const response = await cfn.invoke(handler, cfn.createEvent('Custom::WorkspaceImageCopy', 'Copy', copyProps), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`Image ${SOURCE} in eu-west-1 is PENDING, not AVAILABLE`);
    expect(ws).not.toHaveReceivedCommand(CopyWorkspaceImageCommand);
  });

  test('a delete refused for the image\'s state says what to do', async () => {
    ws.on(DescribeWorkspaceImagesCommand).resolves({ Images: [{ ImageId: COPY, State: 'AVAILABLE', OwnerAccountId: RECEIVER }] });
    ws.on(DeleteWorkspaceImageCommand).rejects(new InvalidResourceStateException({ message: 'The image is shared', $metadata }));

    const response = await cfn.invoke(handler, cfn.deleteEvent('Custom::WorkspaceImageCopy', 'Copy', COPY, copyProps), context());

    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe(COPY);
    expect(response.Reason).toContain(`Image copy ${COPY} cannot be deleted in its present state`);
    expect(response.Reason).toContain('unshared first');
  });

  test('a delete refused while a bundle uses the copy names the bundle, read through every page', async () => {
    ws.on(DescribeWorkspaceImagesCommand).resolves({ Images: [{ ImageId: COPY, State: 'AVAILABLE', OwnerAccountId: RECEIVER }] });
    ws.on(DeleteWorkspaceImageCommand).rejects(new ResourceAssociatedException({ message: 'in use', $metadata }));
    ws.on(DescribeWorkspaceBundlesCommand)
      .resolvesOnce({ Bundles: [{ BundleId: 'wsb-other0001', ImageId: 'wsi-other12345' }], NextToken: 'page-2' })
      .resolvesOnce({ Bundles: [{ BundleId: 'wsb-golden001', ImageId: COPY }] });

    const response = await cfn.invoke(handler, cfn.deleteEvent('Custom::WorkspaceImageCopy', 'Copy', COPY, copyProps), context());

    expect(response.Reason).toContain('still used by bundle wsb-golden001');
  });
});

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
