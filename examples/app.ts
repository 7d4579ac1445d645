/**
 * An app that declares each kind of share this library offers:
 * - a golden WorkSpaces image shared with two accounts;
 * - a connection alias for cross-Region redirection, shared with the account whose directory uses it;
 * - the Partner Central connection preferences of the Sandbox catalog.
 *
 *   npx cdk deploy --app "npx ts-node --prefer-ts-exts examples/app.ts"
 *
 * Context values change what it declares without editing it:
 *   -c goldenImageId=wsi-...          the image to share (default wsi-abc123def)
 *   -c imageAccounts=1111...,2222...   the accounts to share it with
 *   -c aliasAccount=3333...            the account the connection alias is shared with
 *   -c excludedParticipants=a,b        participants that may not send connection requests
 *
 * With -c ownerAccount=... -c receivingAccount=..., it declares instead an owner stack and a
 * receiving stack, one per account (examples/two-accounts.ts).
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as workspaces from 'aws-cdk-lib/aws-workspaces';
// In your own app: import { ... } from 'cdk-cross-account-sharing';
import { buildTwoAccountStacks } from './two-accounts';
import { ConnectionAccessType, PartnerConnectionPreferences, SharedConnectionAlias, SharedWorkspaceImage } from '../src';

export const DEFAULT_IMAGE_ID = 'wsi-abc123def';
export const DEFAULT_IMAGE_ACCOUNTS = ['111122223333', '444455556666'];
export const DEFAULT_ALIAS_ACCOUNT = '555566667777';
export const PARTNER_CATALOG = 'Sandbox';

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

  const alias = new workspaces.CfnConnectionAlias(stack, 'DesktopAlias', { connectionString: 'desktop.example.com' });
  new SharedConnectionAlias(stack, 'DesktopAliasShare', {
    aliasId: alias.attrAliasId,
    accountId: app.node.tryGetContext('aliasAccount') ?? DEFAULT_ALIAS_ACCOUNT,
  });

  new PartnerConnectionPreferences(stack, 'PartnerConnections', {
    catalog: PARTNER_CATALOG,
    accessType: ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME,
    excludedParticipantIds: list(app.node.tryGetContext('excludedParticipants'), ['competitor-1']),
    // Reset to ALLOW_ALL when the stack is deleted (the default, RETAIN, leaves them as they are).
    removalPolicy: RemovalPolicy.DESTROY,
  });

  return stack;
}

if (require.main === module) {
  const app = new App();
  if (app.node.tryGetContext('receivingAccount')) {
    // -c ownerAccount=... -c receivingAccount=...: both halves of the shares, one stack per account.
    buildTwoAccountStacks(app);
  } else {
    buildExampleStack(app);
  }
  app.synth();
}
