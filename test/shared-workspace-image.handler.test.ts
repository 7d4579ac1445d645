/**
 * Fine-grained branches of the image handler, with aws-sdk-client-mock in place of WorkSpaces.
 */
import {
  DescribeWorkspaceImagePermissionsCommand,
  DescribeWorkspaceImagesCommand,
  UpdateWorkspaceImagePermissionCommand,
  WorkspaceImage,
  WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../lambda/handler';
import { lambdaContext, useFastSettings } from './support/handler-harness';
import { useCloudFormationStub } from './support/local-aws';
import { mockWorkspacesTags } from './support/mocked-tags';

const TYPE = 'Custom::SharedWorkspaceImage';
const OWNER = '123456789012';
const IMAGE = 'wsi-abc123def';
const A = '111122223333';
const B = '444455556666';

const ws = mockClient(WorkSpacesClient);
const cfn = useCloudFormationStub();

function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

beforeEach(() => {
  ws.reset();
  // No owner recorded yet: a Create claims the resource, a Delete unshares as before ownership.
  mockWorkspacesTags(ws);
  useFastSettings({ SHARING_IAM_PROPAGATION_MS: 0 });
});

const props = (accountIds: string[]) => ({ ImageId: IMAGE, AccountIds: accountIds });
const image = (extra: Partial<WorkspaceImage> = {}) => ({ Images: [{ ImageId: IMAGE, State: 'AVAILABLE' as const, OwnerAccountId: OWNER, ...extra }] });

test('refuses to share an image that another account owns (shared with this one)', async () => {
  ws.on(DescribeWorkspaceImagesCommand).resolves(image({ OwnerAccountId: '999988887777' }));

  const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props([A])), lambdaContext(OWNER));

  expect(response.Status).toBe('FAILED');
  expect(response.Reason).toMatch(/owned by account 999988887777.*cannot be shared again/);
  expect(ws).not.toHaveReceivedCommand(UpdateWorkspaceImagePermissionCommand);
});

test('fails on an image in state ERROR with its error code and message', async () => {
  ws.on(DescribeWorkspaceImagesCommand).resolves(image({ State: 'ERROR', ErrorCode: 'OfficeInstalled', ErrorMessage: 'Office is installed' }));

  const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props([A])), lambdaContext(OWNER));

  expect(response.Status).toBe('FAILED');
  expect(response.Reason).toMatch(/state ERROR \(OfficeInstalled: Office is installed\)/);
  expect(ws).not.toHaveReceivedCommand(UpdateWorkspaceImagePermissionCommand);
});

test('confirms a refused grant by reading every page of the permissions, then skips what they show', async () => {
  ws.on(DescribeWorkspaceImagesCommand).resolves(image());
  ws.on(UpdateWorkspaceImagePermissionCommand).rejectsOnce(awsError('InvalidParameterValuesException', 'already shared'));
  ws.on(DescribeWorkspaceImagePermissionsCommand)
    .resolvesOnce({ ImagePermissions: [{ SharedAccountId: B }], NextToken: 'page-2' })
    .resolvesOnce({ ImagePermissions: [{ SharedAccountId: A }] });

  const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props([A, B])), lambdaContext(OWNER));

  expect(response.Status).toBe('SUCCESS');
  expect(ws).toHaveReceivedCommandWith(DescribeWorkspaceImagePermissionsCommand, { ImageId: IMAGE, NextToken: 'page-2' });
  expect(ws).toHaveReceivedCommandTimes(UpdateWorkspaceImagePermissionCommand, 1);
});

test('counts an image deleted meanwhile as unshared: one read of an older release\'s share, and no write', async () => {
  ws.on(UpdateWorkspaceImagePermissionCommand).rejects(awsError('ResourceNotFoundException'));
  ws.on(DescribeWorkspaceImagePermissionsCommand).rejects(awsError('ResourceNotFoundException'));

  // No ledger item: the Delete adopts what an older release shared, which the read shows is nothing.
  const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', IMAGE, props([A, B])), lambdaContext(OWNER));

  expect(response.Status).toBe('SUCCESS');
  expect(ws).toHaveReceivedCommandTimes(UpdateWorkspaceImagePermissionCommand, 0);
  expect(ws).toHaveReceivedCommandTimes(DescribeWorkspaceImagePermissionsCommand, 1);
});

test('fails a Delete on an unexpected error, keeping the physical ID', async () => {
  ws.on(DescribeWorkspaceImagePermissionsCommand).resolves({ ImagePermissions: [{ SharedAccountId: A }] });
  ws.on(UpdateWorkspaceImagePermissionCommand).rejects(awsError('OperationNotSupportedException', 'Sharing is not supported in this Region'));

  const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', IMAGE, props([A])), lambdaContext(OWNER));

  expect(response.Status).toBe('FAILED');
  expect(response.PhysicalResourceId).toBe(IMAGE);
  expect(response.Reason).toMatch(/OperationNotSupportedException: Sharing is not supported in this Region/);
});

test('sends AllowCopyImage true to share and false to unshare, one account per call', async () => {
  // An older release's share (no ledger item): the Update claims the image and adopts A, shared.
  ws.on(DescribeWorkspaceImagesCommand).resolves(image());
  ws.on(DescribeWorkspaceImagePermissionsCommand).resolves({ ImagePermissions: [{ SharedAccountId: A }] });
  ws.on(UpdateWorkspaceImagePermissionCommand).resolves({});

  const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Share', IMAGE, props([B]), props([A])), lambdaContext(OWNER));

  expect(response.Status).toBe('SUCCESS');
  expect(ws.commandCalls(UpdateWorkspaceImagePermissionCommand).map(c => c.args[0].input)).toEqual([
    { ImageId: IMAGE, SharedAccountId: A, AllowCopyImage: false },
    { ImageId: IMAGE, SharedAccountId: B, AllowCopyImage: true },
  ]);
});

test.each(['Custom::Unknown', 'toString', 'constructor'])('answers FAILED for a resource type it does not serve (%s)', async type => {
  const response = await cfn.invoke(handler, cfn.createEvent(type, 'Thing', {}), lambdaContext(OWNER));

  expect(response.Status).toBe('FAILED');
  expect(response.Reason).toContain(`does not serve resource type ${type};`);
  expect(response.PhysicalResourceId).toBe('Thing-create-failed');
});

test('answers a Create that fails before its claim with the ID of nothing done, whose Delete makes no call', async () => {
  ws.on(DescribeWorkspaceImagesCommand).rejects(awsError('InvalidParameterValuesException'));

  const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props([A])), lambdaContext(OWNER));
  expect(response.Status).toBe('FAILED');
  expect(response.PhysicalResourceId).toBe('Share-create-failed');

  ws.resetHistory();
  const deleted = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', response.PhysicalResourceId, props([A])), lambdaContext(OWNER));
  expect(deleted.Status).toBe('SUCCESS');
  expect(ws.calls()).toHaveLength(0);
});

test('answers a Create that fails after its claim with the image ID, so the Delete addresses it', async () => {
  ws.on(DescribeWorkspaceImagesCommand).resolves(image());
  ws.on(UpdateWorkspaceImagePermissionCommand).rejects(awsError('AccessDeniedException'));

  const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props([A])), lambdaContext(OWNER));

  expect(response.Status).toBe('FAILED');
  expect(response.PhysicalResourceId).toBe(IMAGE);
});
