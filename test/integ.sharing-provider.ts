/**
 * Integration test of SharingProvider: a provider of its own in a VPC (private subnets, with the
 * endpoints the handler needs, no NAT), with more memory, a year's logs and DEBUG lines, next to
 * the stack's default provider; each serves one image share, and the assertions check both shares.
 *
 * `npm test` only synthesizes it and compares the template with the committed snapshot. To
 * deploy it for real (see docs/developing.md), name two images the deploying account
 * owns and an account to share them with:
 *
 *   npx cdk deploy --app "npx ts-node --prefer-ts-exts test/integ.sharing-provider.ts" \
 *     --parameters VpcImageId=wsi-... --parameters DefaultImageId=wsi-... --parameters ShareAccountId=111122223333
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { SharedWorkspaceImage, SharingProvider } from '../src';

const app = new App();
const stack = new Stack(app, 'SharingProviderInteg');

const vpcImageId = new CfnParameter(stack, 'VpcImageId', { description: 'An image the deploying account owns, shared by the VPC provider', default: 'wsi-abc123def' });
const defaultImageId = new CfnParameter(stack, 'DefaultImageId', { description: 'Another image, shared by the default provider', default: 'wsi-def456abc' });
const accountId = new CfnParameter(stack, 'ShareAccountId', { description: 'The account to share both images with', default: '111122223333' });

// No NAT: the handler reaches WorkSpaces and Lambda through interface endpoints, and
// CloudFormation's response bucket through the S3 gateway endpoint (docs/provider.md, "Run the provider in a VPC").
const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});
vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
vpc.addInterfaceEndpoint('WorkSpaces', { service: ec2.InterfaceVpcEndpointAwsService.WORKSPACES });
vpc.addInterfaceEndpoint('Lambda', { service: ec2.InterfaceVpcEndpointAwsService.LAMBDA });

const provider = new SharingProvider(stack, 'VpcProvider', {
  vpc,
  vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  memorySize: 512,
  logRetention: logs.RetentionDays.ONE_YEAR,
  logLevel: lambda.ApplicationLogLevel.DEBUG,
});

const inVpc = new SharedWorkspaceImage(stack, 'VpcShare', { imageId: vpcImageId.valueAsString, accountIds: [accountId.valueAsString], provider });
const byDefault = new SharedWorkspaceImage(stack, 'DefaultShare', { imageId: defaultImageId.valueAsString, accountIds: [accountId.valueAsString] });

const integ = new IntegTest(app, 'SharingProviderTest', {
  testCases: [stack],
  // The assertions read the stack's parameters, so they live in the stack, after the shares.
  assertionStack: stack,
});

for (const [share, imageId] of [[inVpc, vpcImageId], [byDefault, defaultImageId]] as const) {
  integ.assertions
    .awsApiCall('WorkSpaces', 'DescribeWorkspaceImagePermissions', { ImageId: imageId.valueAsString })
    .expect(ExpectedResult.objectLike({ ImagePermissions: Match.arrayWith([{ SharedAccountId: accountId.valueAsString }]) }))
    .node.addDependency(share);
}
