import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { OrganizationsReadDelegation, OrganizationsReadRole, SharedWorkspaceImage } from '../src';

const READS = [
  'organizations:ListRoots', 'organizations:ListChildren', 'organizations:ListAccountsForParent',
  'organizations:ListOrganizationalUnitsForParent', 'organizations:DescribeAccount', 'organizations:DescribeOrganization',
  'organizations:ListParents',
];
const stackOf = (account = '999999999999') => new Stack(new App(), 'Management', { env: { account, region: 'us-east-1' } });

test('OrganizationsReadRole: the trusted owners may assume it, and it allows only the listed reads', () => {
  const stack = stackOf();
  const read = new OrganizationsReadRole(stack, 'OrgRead', { trustedAccountIds: ['123456789012'] });
  expect(read.role).toBeDefined();
  const template = Template.fromStack(stack);
  const [role] = Object.values(template.findResources('AWS::IAM::Role')) as any[];
  expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain(':iam::123456789012:root');
  const statements = role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
  expect(statements).toEqual([{ Action: READS, Effect: 'Allow', Resource: '*' }]);
  expect(Object.keys(template.findResources('AWS::IAM::Policy'))).toEqual([]);
});

test('OrganizationsReadDelegation: one resource policy with the same reads for the delegated accounts', () => {
  const stack = stackOf();
  new OrganizationsReadDelegation(stack, 'Delegation', { delegatedAccountIds: ['123456789012', '111122223333'] });
  Template.fromStack(stack).hasResourceProperties('AWS::Organizations::ResourcePolicy', {
    Content: { Statement: [{ Effect: 'Allow', Action: READS, Resource: '*', Principal: { AWS: ['arn:aws:iam::123456789012:root', 'arn:aws:iam::111122223333:root'] } }] },
  });
});

test('account lists of the management-account constructs are checked at synth', () => {
  expect(() => new OrganizationsReadRole(stackOf(), 'R', { trustedAccountIds: ['12'] })).toThrow(/Management\/R: trustedAccountIds must be a 12-digit AWS account ID.*"12"/);
  expect(() => new OrganizationsReadDelegation(stackOf(), 'D', { delegatedAccountIds: [] })).toThrow(/delegatedAccountIds must list at least one account/);
});

describe('SharedWorkspaceImage with organizational units', () => {
  const owner = () => new Stack(new App(), 'Owner', { env: { account: '123456789012', region: 'eu-west-1' } });

  test('synth checks unit and root IDs, repeats and exclusions, naming the construct and the value', () => {
    const make = (props: Record<string, unknown>) => () => new SharedWorkspaceImage(owner(), 'Golden', { imageId: 'wsi-abc123def', ...props });
    expect(make({ organizationalUnitIds: ['ou-12'] })).toThrow(/Owner\/Golden: organizationalUnitIds must be an organizational unit ID \(ou-…\) or root ID \(r-…\).*"ou-12"/);
    expect(make({ organizationalUnitIds: ['r-ab12', 'r-ab12'] })).toThrow(/lists r-ab12 more than once/);
    expect(make({ organizationalUnitIds: ['r-ab12'], accountIds: ['111122223333'], excludedAccountIds: ['111122223333'] })).toThrow(/both in accountIds and in excludedAccountIds/);
    expect(make({ organizationsRole: iam.Role.fromRoleArn(new Stack(), 'R', 'arn:aws:iam::999999999999:role/OrgRead') })).toThrow(/only to read organizationalUnitIds/);
    expect(make({ organizationalUnitIds: ['ou-ab12-cdefgh34', 'r-ab12'] })).not.toThrow();
  });

  test('a membership table (on demand, encrypted, point-in-time recovery), an hourly REPAIR check, and sts:AssumeRole on the role only', () => {
    const stack = owner();
    new SharedWorkspaceImage(stack, 'Golden', {
      imageId: 'wsi-abc123def',
      organizationalUnitIds: ['ou-ab12-cdefgh34'],
      organizationsRole: iam.Role.fromRoleArn(stack, 'OrgRead', 'arn:aws:iam::999999999999:role/OrgRead'),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST', SSESpecification: { SSEEnabled: true }, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    const [schedule] = Object.values(template.findResources('AWS::Scheduler::Schedule')) as any[];
    expect(schedule.Properties.ScheduleExpression).toBe('rate(1 hour)');
    expect(JSON.stringify(schedule.Properties.Target.Input)).toContain('REPAIR');
    const policy = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policy).toContain('"Action":"sts:AssumeRole","Effect":"Allow","Resource":"arn:aws:iam::999999999999:role/OrgRead"');
    expect(policy).not.toContain('organizations:');
  });

  test('without units: no Organizations grant, and the one ledger table every share has', () => {
    const stack = owner();
    new SharedWorkspaceImage(stack, 'Golden', { imageId: 'wsi-abc123def', accountIds: ['111122223333'] });
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::DynamoDB::Table'))).toHaveLength(1);
    expect(JSON.stringify(template.toJSON())).not.toContain('organizations:');
  });
});
