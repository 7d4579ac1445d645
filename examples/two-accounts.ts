/**
 * Both halves of the shares, one stack per account, in one app:
 *
 *   npx cdk deploy --all --app "npx ts-node --prefer-ts-exts examples/app.ts" \
 *     -c ownerAccount=111111111111 -c receivingAccount=222222222222 -c directoryId=d-1234567890
 *   # then, with the alias ID the owner's stack outputs:
 *   npx cdk deploy --all ... -c sharedAliasId=wsca-...
 *   npx cdk destroy --all ...   # the receiving stack first: it depends on the owner's
 *
 * Context values: ownerAccount, receivingAccount (both required), directoryId (the receiving
 * account's directory), sharedAliasId (the owner's alias, once deployed), goldenImageId.
 */
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as workspaces from 'aws-cdk-lib/aws-workspaces';
import { DEFAULT_IMAGE_ID } from './app';
import { buildReceivingStack } from './receiving-stack';
// In your own app: import { ... } from 'cdk-cross-account-sharing';
import { SharedConnectionAlias, SharedWorkspaceImage } from '../src';

export const DEFAULT_DIRECTORY_ID = 'd-1234567890';

/** The owner's and the receiving account's stacks; the receiving one deploys after, and is destroyed before, the owner's. */
export function buildTwoAccountStacks(app: App): { owner: Stack; receiving: Stack } {
  const ownerAccount = app.node.tryGetContext('ownerAccount');
  const receivingAccount = app.node.tryGetContext('receivingAccount');
  if (typeof ownerAccount !== 'string' || typeof receivingAccount !== 'string') {
    throw new Error('The two-account example needs both accounts: -c ownerAccount=111111111111 -c receivingAccount=222222222222');
  }
  const region = process.env.CDK_DEFAULT_REGION;
  const imageId = app.node.tryGetContext('goldenImageId') ?? DEFAULT_IMAGE_ID;

  const owner = new Stack(app, 'CrossAccountSharingOwner', { env: { account: ownerAccount, region } });
  new SharedWorkspaceImage(owner, 'GoldenImage', { imageId, accountIds: [receivingAccount] });
  const alias = new workspaces.CfnConnectionAlias(owner, 'DesktopAlias', { connectionString: 'desktop.example.com' });
  new SharedConnectionAlias(owner, 'DesktopAliasShare', { aliasId: alias.attrAliasId, accountId: receivingAccount });
  new CfnOutput(owner, 'SharedAliasId', { value: alias.attrAliasId, description: 'Pass it to the receiving stack: -c sharedAliasId=...' });

  const receiving = buildReceivingStack(app, 'CrossAccountSharingReceiving', {
    env: { account: receivingAccount, region },
    sourceImageId: imageId,
    aliasId: app.node.tryGetContext('sharedAliasId'),
    directoryId: app.node.tryGetContext('directoryId') ?? DEFAULT_DIRECTORY_ID,
  });
  // Deploy order, and the teardown order: the association goes before the owner unshares the alias.
  addStackDependency(receiving, owner);
  return { owner, receiving };
}

/**
 * `consumer` deploys after `producer` and is destroyed before it. aws-cdk-lib 2.276 renames
 * `Stack.addDependency` to `addStackDependency` and deprecates the old name (a warning at every
 * synth); the versions before it have only `addDependency`. In an app on 2.276 or later, write
 * `consumer.addStackDependency(producer)`.
 */
export function addStackDependency(consumer: Stack, producer: Stack, reason?: string): void {
  const renamed = (consumer as unknown as { addStackDependency?: (target: Stack, why?: string) => void }).addStackDependency;
  if (typeof renamed === 'function') renamed.call(consumer, producer, reason);
  else consumer.addDependency(producer, reason);
}
