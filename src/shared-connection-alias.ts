import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { RESOURCE_TYPES } from './contract/resources';
import { CONNECTION_ALIAS_ID } from './contract/rules';
import { ALIAS_SHARE_CALLS } from './contract/time-budget';
import { claimInApp } from './private/claims';
import { allowOwnershipReads, DESCRIBE_ALIASES, OWNERSHIP_ACTIONS, ShareGrants } from './private/share-grants';
import { checkRule, checkShareAccount, checkString, requireProps, shareRemovalPolicyOf, warnUnknownProps } from './private/validate';
import { SharingConstructProps, SharingProvider } from './sharing-provider';

/**
 * Properties of a `SharedConnectionAlias`.
 */
export interface SharedConnectionAliasProps extends SharingConstructProps {
  /**
   * The ID of the WorkSpaces connection alias to share, such as `wsca-abc12345`, usually
   * `CfnConnectionAlias.attrAliasId`.
   *
   * The alias must be owned by the stack's account, in the stack's Region. When it comes from a
   * `CfnConnectionAlias` of the same app, the share is created after the alias and deleted before
   * it. Changing it shares the new alias and then unshares the old one (a replacement).
   */
  readonly aliasId: string;

  /**
   * The 12-digit ID of the one account to share the alias with.
   *
   * A connection alias can be shared with only one other account per Region. Changing it
   * unshares the alias from the old account before sharing it with the new one.
   */
  readonly accountId: string;

  /**
   * What deleting the construct, or its stack, does to the shares.
   *
   * `RemovalPolicy.DESTROY` unshares the alias. `RemovalPolicy.RETAIN` leaves the
   * shares in place and releases the alias (its ownership record), so that a construct in another
   * stack can take it over: the way to move a share from one stack to another. Either way, a
   * Delete after a Create that failed undoes what that Create shared.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Shares a WorkSpaces connection alias (cross-Region redirection) with one other AWS account in
 * the same Region, and unshares it when the construct is deleted.
 *
 * To delete a shared alias, the shared account must first disassociate it from its directory;
 * then this construct's resource unshares it, and only then the alias can be deleted. While the
 * shared account still has it associated, deleting the share fails with a Reason that says so.
 *
 * Backed by a `Custom::SharedConnectionAlias` resource served by the stack's `SharingProvider`.
 *
 * @example
 * const alias = new workspaces.CfnConnectionAlias(this, 'Alias', { connectionString: 'desktop.example.com' });
 * new SharedConnectionAlias(this, 'AliasShare', { aliasId: alias.attrAliasId, accountId: '111122223333' });
 */
export class SharedConnectionAlias extends Construct {
  /** The ID of the shared connection alias. */
  public readonly aliasId: string;

  /**
   * The ID of the account the alias is declared to be shared with. Compare it with what the alias
   * is shared with now: `aws workspaces describe-connection-alias-permissions --alias-id <aliasId>`.
   */
  public readonly accountId: string;

  constructor(scope: Construct, id: string, props: SharedConnectionAliasProps) {
    super(scope, id);
    requireProps(this, props, 'aliasId and accountId');
    warnUnknownProps(this, props, ['aliasId', 'accountId', 'removalPolicy', 'provider']);
    checkString(this, 'aliasId', props.aliasId);
    checkString(this, 'accountId', props.accountId);
    checkRule(this, 'aliasId', props.aliasId, CONNECTION_ALIAS_ID);
    checkShareAccount(this, 'accountId', props.accountId);
    // A connection alias can be shared with only one account: two constructs would take the share from each other.
    claimInApp(this, 'connectionalias', 'aliasId', props.aliasId,
      'a connection alias can be shared with only one other account per Region, so use one SharedConnectionAlias per alias');
    this.aliasId = props.aliasId;
    this.accountId = props.accountId;

    const provider = SharingProvider._for(this, props.provider);
    grantConnectionAliasShare(provider._grants, props.aliasId);
    // A token aliasId (e.g. CfnConnectionAlias.attrAliasId) becomes a Fn::GetAtt, so CloudFormation
    // creates the share after the alias and deletes it (unshares) before deleting the alias.
    provider._createResource(this, 'Resource', RESOURCE_TYPES.sharedConnectionAlias, {
      AliasId: props.aliasId,
      AccountId: props.accountId,
      RemovalPolicy: shareRemovalPolicyOf(this, props.removalPolicy),
    }, () => ALIAS_SHARE_CALLS);
  }
}

/** Let the handler share and unshare one alias, and record itself as its owner in the alias's tags. */
function grantConnectionAliasShare(grants: ShareGrants, aliasId: string): void {
  grants.allowOnWorkspaces('connectionalias', aliasId,
    ['workspaces:UpdateConnectionAliasPermission', 'workspaces:DescribeConnectionAliasPermissions', ...OWNERSHIP_ACTIONS], DESCRIBE_ALIASES);
  allowOwnershipReads(grants);
}
