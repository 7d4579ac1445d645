import { App, Aspects, CfnResource, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as workspaces from 'aws-cdk-lib/aws-workspaces';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AwsSolutionsChecks as AwsSolutionsChecksV2 } from 'cdk-nag-v2';
import { IConstruct } from 'constructs';
import {
  ComputeType, ConnectionAccessType, ConnectionAliasAssociation, DriftAction, OrganizationsReadDelegation, OrganizationsReadRole,
  PartnerConnectionPreferences, SharedConnectionAlias, SharedWorkspaceImage, SharingProvider, WorkspaceBundle, WorkspaceImageCopy,
} from '../src';

/**
 * Every acknowledgement in the tree, with the construct it sits on. aws-cdk-lib 2.278 writes the
 * ones made with `Validations.acknowledge()` under `Annotation::<id>` (2.259: `<id>`), which
 * cdk-nag 3 reads either way: the rule IDs are compared without that prefix.
 */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap(c => c.node.metadata
    .filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap(m => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id: id.replace(/^Annotation::/, ''), reason }))));
}

function stackWithEveryConstruct(): Stack {
  const stack = new Stack(new App(), 'NagStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  // With drift checks: their schedules and the scheduler's role are checked too.
  new SharedWorkspaceImage(stack, 'GoldenImage', { imageId: 'wsi-abc123def', accountIds: ['111122223333'], driftCheck: { action: DriftAction.ENFORCE } });
  const alias = new workspaces.CfnConnectionAlias(stack, 'Alias', { connectionString: 'desktop.example.com' });
  new SharedConnectionAlias(stack, 'AliasShare', { aliasId: alias.attrAliasId, accountId: '111122223333', driftCheck: {} });
  new PartnerConnectionPreferences(stack, 'Connections', { accessType: ConnectionAccessType.DENY_ALL, driftCheck: { action: DriftAction.REPAIR } });
  // The receiving side, in the same stack, as nag sees it the same way in a stack of its own.
  const copy = new WorkspaceImageCopy(stack, 'Copy', { sourceImageId: 'wsi-golden1234', sourceRegion: 'us-east-1', name: 'golden-copy' });
  new WorkspaceBundle(stack, 'Bundle', { imageId: copy.imageId, computeType: ComputeType.STANDARD, name: 'golden-bundle' });
  new WorkspaceBundle(stack, 'LiteralBundle', { imageId: 'wsi-mine12345', computeType: ComputeType.VALUE, name: 'value-bundle' });
  new ConnectionAliasAssociation(stack, 'Association', { aliasId: 'wsca-abc12345de', directoryId: 'd-9067a1b2c3' });
  // An image that follows organizational units (the membership table, the Organizations reads), and
  // the management account's two constructs.
  new SharedWorkspaceImage(stack, 'UnitImage', { imageId: 'wsi-units12345', organizationalUnitIds: ['ou-ab12-cdefgh34'] });
  new SharedWorkspaceImage(stack, 'RoleImage', {
    imageId: 'wsi-role123456',
    organizationalUnitIds: ['r-ab12'],
    organizationsRole: iam.Role.fromRoleArn(stack, 'OrgRead', 'arn:aws:iam::999999999999:role/OrgRead'),
  });
  new OrganizationsReadRole(stack, 'OrganizationsReadRole', { trustedAccountIds: ['123456789012'] });
  new OrganizationsReadDelegation(stack, 'OrganizationsReadDelegation', { delegatedAccountIds: ['123456789012'] });
  return stack;
}

/** A stack whose constructs use a provider in a VPC (one with flow logs, as AwsSolutions-VPC7 asks of any VPC). */
function stackWithVpcProvider(env: StackProps['env'] = { account: '123456789012', region: 'eu-west-1' }): Stack {
  const stack = new Stack(new App(), 'NagVpcStack', { env });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  vpc.addFlowLog('FlowLog');
  const provider = new SharingProvider(stack, 'VpcProvider', { vpc });
  new SharedWorkspaceImage(stack, 'GoldenImage', { imageId: 'wsi-abc123def', accountIds: ['111122223333'], provider });
  new PartnerConnectionPreferences(stack, 'Connections', { accessType: ConnectionAccessType.DENY_ALL, provider });
  return stack;
}

// .ci/nag-versions.sh runs this file against other aws-cdk-lib versions (the newest on the
// registry): this proves the version it asked for is the one loaded.
test('runs against the aws-cdk-lib version asked for', () => {
  // require(), not import: the package.json the module mapper resolves, as the library's own imports do.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('aws-cdk-lib/package.json').version;
  expect(loaded).toBe(process.env.NAG_EXPECT_AWS_CDK_LIB ?? loaded);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect(require('constructs/package.json').version).toMatch(/^10\./);
});

describe('cdk-nag AwsSolutions', () => {
  test('finds nothing unacknowledged with a provider in a VPC, whose network-interface wildcards are acknowledged on their own policy', () => {
    const stack = stackWithVpcProvider();

    const report = new AwsSolutionsChecks().validateScope(stack);

    expect(report.violations.map(v => `${v.ruleName} at ${v.violatingResources.map(r => r.constructPath).join(', ')}`)).toEqual([]);
    const vpcAcks = acknowledgements(stack).filter(a => a.path.endsWith('VpcAccessPolicy'));
    expect(vpcAcks.map(a => a.id)).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:eu-west-1:123456789012:network-interface/*]',
    ]);
    expect(vpcAcks.map(a => a.reason)).toEqual([expect.stringMatching(/network interfaces/), expect.stringMatching(/network interfaces/)]);
  });

  test('finds nothing unacknowledged with a provider in a VPC of an environment-agnostic stack', () => {
    const report = new AwsSolutionsChecks().validateScope(stackWithVpcProvider(undefined));

    expect(report.violations.map(v => `${v.ruleName} at ${v.violatingResources.map(r => r.constructPath).join(', ')}`)).toEqual([]);
  });

  test('finds nothing unacknowledged in a stack holding the constructs', () => {
    const stack = stackWithEveryConstruct();

    const report = new AwsSolutionsChecks().validateScope(stack);

    expect(report.violations.map(v => `${v.ruleName} at ${v.violatingResources.map(r => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('acknowledges only the wildcard resource of actions that take none, each with its reason', () => {
    const stack = stackWithEveryConstruct();

    const acks = acknowledgements(stack);

    expect(acks.length).toBeGreaterThan(0);
    // The "*" of actions that take no resource, and the ARNs with a wildcard of the receiving side
    // (a copy's or bundle's ID, unknown at synth; the account of a shared image or alias), and the
    // stacks an ownership tag may name, and the path of the hand-over fences (named by request IDs,
    // known only at deploy).
    expect(acks.filter(a => a.id !== 'AwsSolutions-IAM5[Resource::*]').map(a => a.id).sort()).toEqual([
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:*:123456789012:stack/*/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:eu-west-1:123456789012:parameter/cdk-cross-account-sharing/hand-over/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:workspaces:eu-west-1:*:connectionalias/wsca-abc12345de]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:workspaces:eu-west-1:123456789012:workspacebundle/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:workspaces:eu-west-1:123456789012:workspaceimage/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:workspaces:us-east-1:*:workspaceimage/wsi-golden1234]',
    ]);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^AwsSolutions-IAM5\[Resource::(\*|arn:.*\*.*)\]$/);
      // The share policy, and the management account's read role (Organizations' reads of units take the organization's ID, which the stack does not know).
      expect(ack.path).toMatch(/(CrossAccountSharingProvider\/SharePolicy|OrganizationsReadRole\/Role)$/);
      expect(ack.reason.length).toBeGreaterThan(30);
    }
  });

  test('would report the wildcard without the acknowledgement', () => {
    const stack = stackWithEveryConstruct();
    // Strip the acknowledgements: the same check must now fail on the share policy.
    for (const c of stack.node.findAll()) {
      const kept = c.node.metadata.filter(m => m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
      (c.node as any)._metadata = kept;
    }
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map(v => v.ruleName)).toContain('AwsSolutions-IAM5[Resource::*]');
  });
});

describe('cdk-nag 2 AwsSolutions, through the Aspects API', () => {
  /** The errors cdk-nag 2 reports on a stack once its checks ran as an Aspect of the app. */
  function nag2Errors(stack: Stack): string[] {
    Aspects.of(stack.node.root).add(new AwsSolutionsChecksV2());
    return Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-')).map(e => `${String(e.entry.data)} at ${e.id}`);
  }

  test('finds nothing unsuppressed in a stack holding the constructs', () => {
    const stack = stackWithEveryConstruct();

    expect(nag2Errors(stack)).toEqual([]);
  });

  test('finds nothing unsuppressed with a provider in a VPC', () => {
    expect(nag2Errors(stackWithVpcProvider())).toEqual([]);
  });

  test('reads the suppression from the share policy\'s cdk_nag metadata, with each reason', () => {
    const stack = stackWithEveryConstruct();
    const policy = stack.node.findAll().find(c => c.node.path.endsWith('CrossAccountSharingProvider/SharePolicy/Resource')) as CfnResource;

    const suppressions = policy.getMetadata('cdk_nag').rules_to_suppress;
    expect(suppressions.length).toBeGreaterThan(1);
    for (const suppression of suppressions) {
      expect(suppression).toEqual({ id: 'AwsSolutions-IAM5', reason: expect.stringMatching(/.{30,}/), applies_to: [expect.stringMatching(/^Resource::(\*|arn:.*\*.*)$/)] });
    }
  });

  test('would report the wildcard without the suppression', () => {
    const stack = stackWithEveryConstruct();
    const policy = stack.node.findAll().find(c => c.node.path.endsWith('CrossAccountSharingProvider/SharePolicy/Resource')) as CfnResource;
    policy.addMetadata('cdk_nag', { rules_to_suppress: [] });

    expect(nag2Errors(stack).join('\n')).toMatch(/AwsSolutions-IAM5\[Resource::\*\].*SharePolicy/s);
  });
});
