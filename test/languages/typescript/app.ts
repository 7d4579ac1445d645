/**
 * The TypeScript twin of the Python, Java and Go apps beside it (test/languages/<lang>/): the same
 * stacks, constructs, IDs and properties, line for line. `npm run test:languages` synthesizes each
 * and compares their templates with this app's (test/languages/compare.ts).
 *
 * Keep the four apps in step: a construct or property added here and not there makes the
 * comparison fail, which is the point.
 */
import { App, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  ComputeType,
  ConnectionAccessType,
  ConnectionAliasAssociation,
  DriftAction,
  PartnerConnectionPreferences,
  SharedConnectionAlias,
  SharedWorkspaceImage,
  WorkspaceBundle,
  WorkspaceImageCopy,
} from '../../../src';

// The app writes to CDK_OUTDIR, which the runner sets.
const app = new App();

// The owner's shares.
const owner = new Stack(app, 'OwnerStack', { env: { account: '111111111111', region: 'eu-west-1' } });
const image = new SharedWorkspaceImage(owner, 'GoldenImage', {
  imageId: 'wsi-abc123def',
  accountIds: ['222222222222', '333333333333'],
  driftCheck: { interval: Duration.hours(6), action: DriftAction.REPAIR },
});
image.addAccount('444444444444');
new SharedConnectionAlias(owner, 'AliasShare', {
  aliasId: 'wsca-abc12345',
  accountId: '222222222222',
});

// Partner Central's connection preferences: its API is in us-east-1.
const partner = new Stack(app, 'PartnerStack', { env: { account: '111111111111', region: 'us-east-1' } });
new PartnerConnectionPreferences(partner, 'PartnerConnections', {
  catalog: 'Sandbox',
  accessType: ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME,
  excludedParticipantIds: ['competitor-1'],
  removalPolicy: RemovalPolicy.DESTROY,
});

// The receiving side, in the account the image and the alias are shared with.
const receiving = new Stack(app, 'ReceivingStack', { env: { account: '222222222222', region: 'eu-west-1' } });
const copy = new WorkspaceImageCopy(receiving, 'GoldenImageCopy', {
  sourceImageId: 'wsi-abc123def',
  sourceRegion: 'eu-west-1',
  name: 'golden-image',
  description: 'Copy of the shared golden image',
  removalPolicy: RemovalPolicy.DESTROY,
});
const bundle = new WorkspaceBundle(receiving, 'GoldenBundle', {
  imageId: copy.imageId,
  computeType: ComputeType.STANDARD,
  userStorageGiB: 50,
  name: 'golden-standard',
});
const association = new ConnectionAliasAssociation(receiving, 'AliasAssociation', {
  aliasId: 'wsca-abc12345',
  directoryId: 'd-1234567890',
});
new CfnOutput(receiving, 'BundleId', { value: bundle.bundleId });
new CfnOutput(receiving, 'ConnectionIdentifier', { value: association.connectionIdentifier });

app.synth();
