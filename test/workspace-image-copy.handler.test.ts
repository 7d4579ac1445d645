/**
 * The source handler with a mocked WorkSpaces client, for the branches of
 * Custom::WorkspaceImageCopy that the local endpoint does not reach.
 */
import {
  CopyWorkspaceImageCommand,
  DeleteWorkspaceImageCommand,
  DescribeWorkspaceBundlesCommand,
  DescribeWorkspaceImagesCommand,
  InvalidResourceStateException,
  ResourceAlreadyExistsException,
  ResourceAssociatedException,
} from '@aws-sdk/client-workspaces';
import 'aws-sdk-client-mock-jest';
import { handler } from '../lambda/handler';
import { $metadata, RECEIVER, useReceivingHandlerMocks } from './support/receiving-handler-mocks';

const SOURCE = 'wsi-golden1234';
const COPY = 'wsi-copy00001';

const { ws, cfn, context } = useReceivingHandlerMocks();

const copyProps = { SourceImageId: SOURCE, SourceRegion: 'eu-west-1', Name: 'golden-copy', RemovalPolicy: 'destroy' };

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
