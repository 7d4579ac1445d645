import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledgeFinding, wildcardArnFinding } from './nag';

/**
 * Let Lambda create and remove the function's network interfaces in the VPC, as
 * AWSLambdaVPCAccessExecutionRole does, but on the ARNs the function uses rather than on "*":
 * interfaces in the stack's account and Region, in the selected subnets, with its security groups.
 * That Lambda's check of the role at CreateFunction accepts resource-scoped statements is
 * UNVERIFIED here (the Lambda guide's example names account-scoped ARNs); see the README.
 */
export function grantVpcAccess(
  scope: Construct, fn: lambda.Function, role: iam.IRole, vpc: ec2.IVpc, subnets: ec2.SubnetSelection | undefined,
): void {
  const stack = Stack.of(scope);
  const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'ec2', resource, resourceName });
  const interfaces = arn('network-interface', '*');
  // A policy of its own, which the function waits for: Lambda creates the interfaces when it creates the function.
  const policy = new iam.Policy(scope, 'VpcAccessPolicy', {
    roles: [role],
    statements: [
      new iam.PolicyStatement({
        actions: ['ec2:CreateNetworkInterface'],
        resources: [
          interfaces,
          ...vpc.selectSubnets(subnets).subnetIds.map(id => arn('subnet', id)),
          ...fn.connections.securityGroups.map(sg => arn('security-group', sg.securityGroupId)),
        ],
      }),
      new iam.PolicyStatement({
        actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        resources: [interfaces],
      }),
      new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }),
    ],
  });
  fn.node.defaultChild!.node.addDependency(policy);
  // The wildcards of this policy are the interfaces' IDs, unknown before Lambda creates them, and
  // the Describe actions, which take no resource: acknowledged on this policy alone, for both cdk-nag lines.
  const reason = 'Lambda creates and deletes the function\'s network interfaces with the execution role: their IDs are unknown '
    + 'in advance, so the interface actions name every interface of the stack\'s account and Region (creation is limited '
    + 'to the selected subnets and security groups), and ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets accept only "*".';
  Validations.of(policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
  acknowledgeFinding(policy, wildcardArnFinding(policy, interfaces), reason);
  (policy.node.defaultChild as CfnResource).addMetadata('cdk_nag', { rules_to_suppress: [{ id: 'AwsSolutions-IAM5', reason }] });
}
