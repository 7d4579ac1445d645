/**
 * Integration test of SharedWorkspaceImage: a stack that shares a custom WorkSpaces image with
 * one other account, and an assertion that the image's permissions list that account.
 *
 * `npm test` only synthesizes it and compares the template with the committed snapshot. To
 * deploy it for real (see docs/developing.md), name an image the deploying account
 * owns and an account to share it with; the assertion runs in the deployment:
 *
 *   npx cdk deploy --app "npx ts-node --prefer-ts-exts test/integ.shared-workspace-image.ts" \
 *     --parameters ImageId=wsi-... --parameters ShareAccountId=111122223333
 *
 * Both are stack parameters, so the values never reach the template or its snapshot.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { SharedWorkspaceImage } from '../src';

const app = new App();
const stack = new Stack(app, 'SharedWorkspaceImageInteg');

const imageId = new CfnParameter(stack, 'ImageId', {
  description: 'A custom WorkSpaces image that the deploying account owns, in the stack\'s Region',
  default: 'wsi-abc123def',
});
const accountId = new CfnParameter(stack, 'ShareAccountId', {
  description: 'The account to share the image with',
  default: '111122223333',
});

const share = new SharedWorkspaceImage(stack, 'GoldenImage', {
  imageId: imageId.valueAsString,
  accountIds: [accountId.valueAsString],
});

const integ = new IntegTest(app, 'SharedWorkspaceImageTest', {
  testCases: [stack],
  // The assertions read the stack's parameters, so they live in the stack, after the share.
  assertionStack: stack,
});

integ.assertions
  .awsApiCall('WorkSpaces', 'DescribeWorkspaceImagePermissions', { ImageId: imageId.valueAsString })
  .expect(ExpectedResult.objectLike({
    ImagePermissions: Match.arrayWith([{ SharedAccountId: accountId.valueAsString }]),
  }))
  .node.addDependency(share);
