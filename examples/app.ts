/**
 * An app that shares a golden WorkSpaces image with two accounts.
 *
 *   npx cdk deploy --app "npx ts-node --prefer-ts-exts examples/app.ts"
 *
 * Context values change what it declares without editing it:
 *   -c goldenImageId=wsi-...        the image to share (default wsi-abc123def)
 *   -c imageAccounts=1111...,2222... the accounts to share it with
 */
import { App, Stack } from 'aws-cdk-lib';
// In your own app: import { SharedWorkspaceImage } from 'cdk-cross-account-sharing';
import { SharedWorkspaceImage } from '../src';

export const DEFAULT_IMAGE_ID = 'wsi-abc123def';
export const DEFAULT_IMAGE_ACCOUNTS = ['111122223333', '444455556666'];

function list(value: unknown, fallback: string[]): string[] {
  return typeof value === 'string' ? value.split(',').map(v => v.trim()).filter(v => v) : fallback;
}

/** Build the example stack in `app`. */
export function buildExampleStack(app: App): Stack {
  const stack = new Stack(app, 'CrossAccountSharingExample', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });

  new SharedWorkspaceImage(stack, 'GoldenImage', {
    imageId: app.node.tryGetContext('goldenImageId') ?? DEFAULT_IMAGE_ID,
    accountIds: list(app.node.tryGetContext('imageAccounts'), DEFAULT_IMAGE_ACCOUNTS),
  });

  return stack;
}

if (require.main === module) {
  const app = new App();
  buildExampleStack(app);
  app.synth();
}
