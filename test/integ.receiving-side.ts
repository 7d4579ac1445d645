/**
 * Integration test of the receiving side: a stack, in the account a golden image and a connection
 * alias are shared with, that copies the image, builds a bundle from the copy and associates the
 * alias with one of its directories, and assertions that the bundle is built from the copy and
 * the alias is associated with the directory.
 *
 * `npm test` only synthesizes it and compares the template with the committed snapshot. To
 * deploy it for real (see docs/developing.md), in the receiving account, once the
 * owner shares the image and the alias with it:
 *
 *   npx cdk deploy --app "npx ts-node --prefer-ts-exts test/integ.receiving-side.ts" \
 *     --parameters SourceImageId=wsi-... --parameters AliasId=wsca-... --parameters DirectoryId=d-...
 *
 * All three are stack parameters, so the values never reach the template or its snapshot.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ComputeType, ConnectionAliasAssociation, WorkspaceBundle, WorkspaceImageCopy } from '../src';

const app = new App();
const stack = new Stack(app, 'ReceivingSideInteg');

const sourceImageId = new CfnParameter(stack, 'SourceImageId', { description: 'The image shared with this account', default: 'wsi-abc123def' });
const aliasId = new CfnParameter(stack, 'AliasId', { description: 'The connection alias shared with this account', default: 'wsca-abc12345' });
const directoryId = new CfnParameter(stack, 'DirectoryId', { description: 'The directory of this account to associate it with', default: 'd-1234567890' });

const copy = new WorkspaceImageCopy(stack, 'Copy', {
  sourceImageId: sourceImageId.valueAsString,
  name: 'receiving-side-integ',
  // The test leaves nothing behind.
  removalPolicy: RemovalPolicy.DESTROY,
});
const bundle = new WorkspaceBundle(stack, 'Bundle', { imageId: copy.imageId, computeType: ComputeType.VALUE, name: 'receiving-side-integ' });
const association = new ConnectionAliasAssociation(stack, 'Association', {
  aliasId: aliasId.valueAsString,
  directoryId: directoryId.valueAsString,
});

const integ = new IntegTest(app, 'ReceivingSideTest', {
  testCases: [stack],
  // The assertions read the stack's resources, so they live in the stack, after them.
  assertionStack: stack,
});

integ.assertions
  .awsApiCall('WorkSpaces', 'DescribeWorkspaceBundles', { BundleIds: [bundle.bundleId] })
  .expect(ExpectedResult.objectLike({ Bundles: Match.arrayWith([Match.objectLike({ ImageId: copy.imageId, State: 'AVAILABLE' })]) }))
  .node.addDependency(bundle);

integ.assertions
  .awsApiCall('WorkSpaces', 'DescribeConnectionAliases', { AliasIds: [aliasId.valueAsString] })
  .expect(ExpectedResult.objectLike({
    ConnectionAliases: Match.arrayWith([Match.objectLike({
      Associations: Match.arrayWith([Match.objectLike({
        ResourceId: directoryId.valueAsString,
        ConnectionIdentifier: association.connectionIdentifier,
      })]),
    })]),
  }))
  .node.addDependency(association);
