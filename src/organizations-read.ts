import { Arn, ArnFormat, PhysicalName, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { checkEachAccount } from './private/organization-units';
import { checkString, checkStringList, requireProps, shown, synthError, warnUnknownProps } from './private/validate';
import { SharingProvider } from './sharing-provider';

/** The Organizations reads an image owner needs of the management account, and nothing else. */
const READ_ACTIONS = [
  'organizations:ListRoots', 'organizations:ListChildren', 'organizations:ListAccountsForParent',
  'organizations:ListOrganizationalUnitsForParent', 'organizations:DescribeAccount', 'organizations:DescribeOrganization',
  'organizations:ListParents',
];

/**
 * Properties of an `OrganizationsReadRole`. Name who may assume it with `trustedProviders` (or
 * `trustedRoleArns`); at least one of the three trust props.
 */
export interface OrganizationsReadRoleProps {
  /**
   * The sharing providers (in the image owners' stacks, in the same app) whose roles may assume
   * the role: the trust policy allows each provider's account only for that provider's role (an
   * `aws:PrincipalArn` condition). Their stacks must name their account (`env`). The providers'
   * roles then get a physical name, generated, so that this stack can name them.
   *
   * @default - none
   */
  readonly trustedProviders?: SharingProvider[];

  /**
   * The ARNs of roles that may assume the role (a provider's role of another app, say):
   * each role's account is trusted only for that role (an `aws:PrincipalArn` condition).
   *
   * @default - none
   */
  readonly trustedRoleArns?: string[];

  /**
   * The 12-digit IDs of accounts any role of which (with the right to call sts:AssumeRole) may
   * assume the role. Prefer `trustedProviders` or `trustedRoleArns`, which trust one role only.
   *
   * @default - none
   */
  readonly trustedAccountIds?: string[];

  /**
   * The name of the role.
   *
   * @default - a name CloudFormation generates, or, when a stack of another account refers to the
   * role (`organizationsRole: orgRead.role` in the owner's stack), one that CDK generates at synth,
   * so that the owner's stack can name it
   */
  readonly roleName?: string;
}

/**
 * A read-only role for the management account's stack, which the image owners' sharing providers
 * may assume to resolve organizational units (pass `role` to `SharedWorkspaceImage` as
 * `organizationsRole`). It allows the Organizations List and Describe reads of units and
 * accounts, nothing else. Declared in the same app as the owners' stacks, with the providers it
 * trusts, each stack refers to the other by name: no ARN to copy between deploys.
 *
 * @example
 * declare const provider: SharingProvider; // in the image owner's stack, whose env names its account
 *
 * const orgRead = new OrganizationsReadRole(this, 'OrgRead', { trustedProviders: [provider] });
 * // In the owner's stack: new SharedWorkspaceImage(ownerStack, 'Golden', { ..., provider, organizationsRole: orgRead.role });
 */
export class OrganizationsReadRole extends Construct {
  /** The role the image owners assume. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OrganizationsReadRoleProps) {
    super(scope, id);
    const trust = trustedPrincipals(this, props);
    this.role = new iam.Role(this, 'Role', {
      // Named when another account's stack refers to it, so that a share's organizationsRole can be this role in one app.
      roleName: props.roleName ?? PhysicalName.GENERATE_IF_NEEDED,
      description: 'Lets cdk-cross-account-sharing providers of the trusted accounts read organizational units',
      assumedBy: trust[0],
      inlinePolicies: {
        ReadOrganization: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: READ_ACTIONS, resources: ['*'] })] }),
      },
    });
    for (const principal of trust.slice(1)) {
      this.role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [principal] }));
    }
    const reason = 'The Organizations reads of units and accounts take ARNs that name the organization\'s ID, which the stack does not know; '
      + 'they only list and describe, and change nothing.';
    (this.role.node.defaultChild as iam.CfnRole).addMetadata('cdk_nag', { rules_to_suppress: [{ id: 'AwsSolutions-IAM5', reason, applies_to: ['Resource::*'] }] });
    acknowledgeWildcard(this.role, reason);
  }
}

/**
 * The principals of the role's trust policy, checked: each trusted role's account with an
 * `aws:PrincipalArn` condition naming the role (a principal that names the role itself would need
 * the role to exist when this stack deploys, and would break when it is replaced), after the
 * trusted accounts as a whole.
 */
function trustedPrincipals(scope: Construct, props: OrganizationsReadRoleProps): iam.IPrincipal[] {
  requireProps(scope, props, 'trustedProviders, trustedRoleArns or trustedAccountIds');
  warnUnknownProps(scope, props, ['trustedProviders', 'trustedRoleArns', 'trustedAccountIds', 'roleName']);
  const providers = props.trustedProviders ?? [];
  if (!Array.isArray(providers)) throw synthError(scope, `trustedProviders must be a list of SharingProvider, got ${shown(providers)}`);
  const roles = providers.map((provider, i) => trustedProviderRole(scope, provider, i));
  checkStringList(scope, 'trustedRoleArns', props.trustedRoleArns);
  for (const arn of props.trustedRoleArns ?? []) roles.push({ account: roleArnAccount(scope, arn), arn });
  if (props.trustedAccountIds !== undefined) checkEachAccount(scope, 'trustedAccountIds', props.trustedAccountIds);
  checkString(scope, 'roleName', props.roleName, true);
  const principals: iam.IPrincipal[] = roles.map(({ account, arn }) =>
    new iam.AccountPrincipal(account).withConditions({ ArnEquals: { 'aws:PrincipalArn': arn } }));
  // Whole accounts in one statement, as before trustedProviders: the same template for those who name accounts only.
  const accounts = (props.trustedAccountIds ?? []).map(account => new iam.AccountPrincipal(account));
  if (accounts.length > 0) principals.unshift(new iam.CompositePrincipal(...accounts));
  if (principals.length === 0) {
    throw synthError(scope, 'nobody may assume the role: name the image owners\' sharing providers in trustedProviders (or their roles in trustedRoleArns)');
  }
  return principals;
}

/** A trusted provider's role and account: the provider's stack must name its account, which the condition's principal needs. */
function trustedProviderRole(scope: Construct, provider: SharingProvider, i: number): { account: string; arn: string } {
  if (!(provider instanceof SharingProvider)) throw synthError(scope, `trustedProviders[${i}] must be a SharingProvider, got ${shown(provider)}`);
  const account = Stack.of(provider).account;
  if (Token.isUnresolved(account)) {
    throw synthError(scope, `trustedProviders[${i}] (${provider.node.path}) is in a stack without an account: give that stack env: { account: '123456789012', region: ... }, `
      + 'so that the trust policy can name its role');
  }
  return { account, arn: provider.role.roleArn };
}

/** The account of a trusted role's ARN: literal ARNs are checked, a token's account is read by CloudFormation. */
function roleArnAccount(scope: Construct, arn: string): string {
  if (Token.isUnresolved(arn)) return Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).account!;
  const match = /^arn:aws[a-z-]*:iam::(\d{12}):role\/.+$/.exec(arn);
  if (!match) throw synthError(scope, `trustedRoleArns must hold IAM role ARNs such as arn:aws:iam::123456789012:role/name, got ${JSON.stringify(arn)}`);
  return match[1];
}

/**
 * Properties of an `OrganizationsReadDelegation`.
 */
export interface OrganizationsReadDelegationProps {
  /** The 12-digit IDs of the image owner accounts that may read the organization with their own roles. */
  readonly delegatedAccountIds: string[];
}

/**
 * The organization's resource-based delegation policy (`AWS::Organizations::ResourcePolicy`), for
 * the management account's stack: it lets the accounts you name make the same Organizations
 * reads as `OrganizationsReadRole` with their own roles, so that their sharing providers need no
 * `organizationsRole`. An organization has one such policy: merge it with any you have.
 *
 * @example
 * new OrganizationsReadDelegation(this, 'OrgReadDelegation', { delegatedAccountIds: ['123456789012'] });
 */
export class OrganizationsReadDelegation extends Construct {
  /** The resource policy. */
  public readonly resourcePolicy: organizations.CfnResourcePolicy;

  constructor(scope: Construct, id: string, props: OrganizationsReadDelegationProps) {
    super(scope, id);
    checkEachAccount(this, 'delegatedAccountIds', props?.delegatedAccountIds);
    this.resourcePolicy = new organizations.CfnResourcePolicy(this, 'Resource', {
      content: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'CdkCrossAccountSharingReadUnits',
          Effect: 'Allow',
          Principal: { AWS: props.delegatedAccountIds.map(a => `arn:aws:iam::${a}:root`) },
          Action: READ_ACTIONS,
          Resource: '*',
        }],
      },
    });
  }
}

/** Acknowledge cdk-nag 3's finding for the role's "*" resource, with the reason. */
function acknowledgeWildcard(role: iam.Role, reason: string): void {
  Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
}
