import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ts from 'typescript';
import * as library from '../src';
import { OrganizationsReadDelegation, OrganizationsReadRole, SharedWorkspaceImage, SharingProvider } from '../src';

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

/** The code block of README.md (or docs/*.md) that holds the one-app setup of the management account. */
function readmeOneApp(): string {
  const files = ['README.md', ...(fs.existsSync('docs') ? fs.readdirSync('docs').filter(f => f.endsWith('.md')).map(f => path.join('docs', f)) : [])];
  for (const file of files) {
    const blocks = [...fs.readFileSync(file, 'utf8').matchAll(/```ts fixture=app\n([\s\S]*?)```/g)].map(m => m[1]);
    const block = blocks.find(b => b.includes('new OrganizationsReadRole(management'));
    if (block) return block;
  }
  throw new Error('no ```ts fixture=app block with the management account\'s OrganizationsReadRole in README.md or docs/');
}

/** Run the README's app (TypeScript, transpiled), with the library from src/, and return its App. */
function runReadmeApp(): App {
  const js = ts.transpileModule(readmeOneApp(), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  // The README imports the package by its name: here, the library's source.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const requireFor = (name: string) => (name === 'cdk-cross-account-sharing' ? library : require(name));
  new Function('require', 'module', 'exports', `${js}\nmodule.exports.app = app;`)(requireFor, module, module.exports);
  return module.exports.app as App;
}

describe('one app for the management account and the image owner (the README\'s)', () => {
  test('synthesizes both stacks, each naming the other\'s role by a name CDK generated', () => {
    const assembly = runReadmeApp().synth();
    const management = assembly.getStackByName('OrganizationRead').template;
    const owner = assembly.getStackByName('ImageOwner').template;

    const roleOf = (template: any, part: string) => Object.entries(template.Resources).find(([id, r]: [string, any]) => r.Type === 'AWS::IAM::Role' && id.includes(part))![1] as any;
    const readRoleName = roleOf(management, 'OrgRead').Properties.RoleName;
    const providerRoleName = roleOf(owner, 'CrossAccountSharingProviderRole').Properties.RoleName;
    expect(readRoleName).toMatch(/^[a-z0-9]+$/i);
    expect(providerRoleName).toMatch(/^[a-z0-9]+$/i);

    // The trust policy: the owner account, only for the provider's role.
    expect(roleOf(management, 'OrgRead').Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:root']] } },
      Condition: { ArnEquals: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::123456789012:role/${providerRoleName}`]] } } },
    }]);
    // The owner's provider may assume that role, named, and nothing else.
    const statements = Object.values(owner.Resources).filter((r: any) => r.Type === 'AWS::IAM::Policy').flatMap((r: any) => r.Properties.PolicyDocument.Statement);
    expect(statements.filter((st: any) => st.Action === 'sts:AssumeRole')).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::999999999999:role/${readRoleName}`]] },
    }]);
    // No export, no import: the stacks refer to each other by name, and the owner deploys after the management account.
    expect(JSON.stringify(owner)).not.toContain('Fn::ImportValue');
    expect(management.Outputs ?? {}).toEqual({});
    expect(assembly.getStackByName('ImageOwner').dependencies.map(d => d.id)).toContain('OrganizationRead');
  });

  test('a provider in a stack without an account cannot be trusted: the error names it and the fix', () => {
    const app = new App();
    const provider = SharingProvider.getOrCreate(new Stack(app, 'NoEnv'));
    expect(() => new OrganizationsReadRole(stackOf(), 'OrgRead', { trustedProviders: [provider] }))
      .toThrow(/^Management\/OrgRead: trustedProviders\[0\] \(NoEnv\/CrossAccountSharingProvider\) is in a stack without an account: give that stack env: \{ account/);
  });
});

test('OrganizationsReadRole: trustedRoleArns trust each role\'s account for that role only; roleName names the role', () => {
  const stack = stackOf();
  new OrganizationsReadRole(stack, 'OrgRead', { trustedRoleArns: ['arn:aws:iam::123456789012:role/Sharing'], roleName: 'cdk-sharing-org-read' });
  const [role] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')) as any[];
  expect(role.Properties.RoleName).toBe('cdk-sharing-org-read');
  expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({
    Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:root']] } },
    Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/Sharing' } },
  })]);
});

test('OrganizationsReadRole: a trust that names nobody, a bad role ARN or a misspelt prop is told at synth', () => {
  expect(() => new OrganizationsReadRole(stackOf(), 'R', {})).toThrow(/^Management\/R: nobody may assume the role: name the image owners' sharing providers in trustedProviders/);
  expect(() => new OrganizationsReadRole(stackOf(), 'R', { trustedRoleArns: ['123456789012'] }))
    .toThrow(/Management\/R: trustedRoleArns must hold IAM role ARNs such as arn:aws:iam::123456789012:role\/name, got "123456789012"/);
  const stack = stackOf();
  new OrganizationsReadRole(stack, 'R', { trustedAccountIds: ['123456789012'], trustedProvider: [] } as any);
  expect(JSON.stringify(Annotations.fromStack(stack).findWarning('*', Match.anyValue()))).toContain('trustedProvider (did you mean trustedProviders?)');
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

  test('without units nothing changes: no table, no Organizations grant', () => {
    const stack = owner();
    new SharedWorkspaceImage(stack, 'Golden', { imageId: 'wsi-abc123def', accountIds: ['111122223333'] });
    const template = Template.fromStack(stack);
    expect(template.findResources('AWS::DynamoDB::Table')).toEqual({});
    expect(JSON.stringify(template.toJSON())).not.toContain('organizations:');
  });
});
