import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { checkEachAccount } from './private/organization-units';

/** The Organizations reads an image owner needs of the management account, and nothing else. */
const READ_ACTIONS = [
  'organizations:ListRoots', 'organizations:ListChildren', 'organizations:ListAccountsForParent',
  'organizations:ListOrganizationalUnitsForParent', 'organizations:DescribeAccount', 'organizations:DescribeOrganization',
  'organizations:ListParents',
];

/**
 * Properties of an `OrganizationsReadRole`.
 */
export interface OrganizationsReadRoleProps {
  /** The 12-digit IDs of the image owner accounts whose sharing providers may assume the role. */
  readonly trustedAccountIds: string[];
}

/**
 * A read-only role for the management account's stack, which the image owner accounts you name
 * may assume to resolve organizational units (pass it to `SharedWorkspaceImage` as
 * `organizationsRole`). It allows the Organizations List and Describe reads of units and
 * accounts, nothing else.
 *
 * @example
 * new OrganizationsReadRole(this, 'OrgRead', { trustedAccountIds: ['123456789012'] });
 */
export class OrganizationsReadRole extends Construct {
  /** The role the image owners assume. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OrganizationsReadRoleProps) {
    super(scope, id);
    checkEachAccount(this, 'trustedAccountIds', props?.trustedAccountIds);
    this.role = new iam.Role(this, 'Role', {
      description: 'Lets cdk-cross-account-sharing providers of the trusted accounts read organizational units',
      assumedBy: new iam.CompositePrincipal(...props.trustedAccountIds.map(a => new iam.AccountPrincipal(a))),
      inlinePolicies: {
        ReadOrganization: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: READ_ACTIONS, resources: ['*'] })] }),
      },
    });
    const reason = 'The Organizations reads of units and accounts take ARNs that name the organization\'s ID, which the stack does not know; '
      + 'they only list and describe, and change nothing.';
    (this.role.node.defaultChild as iam.CfnRole).addMetadata('cdk_nag', { rules_to_suppress: [{ id: 'AwsSolutions-IAM5', reason, applies_to: ['Resource::*'] }] });
    acknowledgeWildcard(this.role, reason);
  }
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
