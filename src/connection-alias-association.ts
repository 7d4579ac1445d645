import { Construct } from 'constructs';
import { OWNERSHIP_TAG_PREFIX } from './contract/ownership-tags';
import { attributeName, RESOURCE_TYPES } from './contract/resources';
import { CONNECTION_ALIAS_ID, DIRECTORY_ID } from './contract/rules';
import { ALIAS_ASSOCIATION_CALLS } from './contract/time-budget';
import { claimInApp } from './private/claims';
import { allowOwnershipReads, DESCRIBE_ALIASES, ShareGrants } from './private/share-grants';
import { checkRule, checkString, requireProps } from './private/validate';
import { SharingConstructProps, SharingProvider } from './sharing-provider';

/**
 * Properties of a `ConnectionAliasAssociation`.
 */
export interface ConnectionAliasAssociationProps extends SharingConstructProps {
  /**
   * The ID of the connection alias, such as `wsca-abc12345`: one that another account shares with
   * the stack's account (a `SharedConnectionAlias` in the owner's stack), in the stack's Region.
   *
   * Changing it associates the new alias and then disassociates the old one (a replacement).
   */
  readonly aliasId: string;

  /**
   * The ID of the directory of the stack's account to associate the alias with, such as
   * `d-1234567890` (a WorkSpaces directory registered in the stack's Region).
   *
   * An alias is associated with one directory at a time: changing it disassociates the alias from
   * the old directory before associating it with the new one.
   */
  readonly directoryId: string;
}

/**
 * Associates a connection alias that another account shares with this one with a directory of
 * this account (cross-Region redirection), and disassociates it when the construct or its stack
 * is deleted, so that the owner's `SharedConnectionAlias` can then unshare it.
 *
 * Backed by a `Custom::ConnectionAliasAssociation` resource served by the stack's `SharingProvider`.
 *
 * @example
 * const association = new ConnectionAliasAssociation(this, 'DesktopAlias', {
 *   aliasId: 'wsca-abc12345',
 *   directoryId: 'd-1234567890',
 * });
 * association.connectionIdentifier; // for the DNS TXT record of the alias's domain
 */
export class ConnectionAliasAssociation extends Construct {
  /** The ID of the alias. */
  public readonly aliasId: string;

  /** The ID of the directory. */
  public readonly directoryId: string;

  /**
   * The identifier of the association (`Fn::GetAtt ConnectionIdentifier`), which the alias's
   * domain publishes in a DNS TXT record for cross-Region redirection.
   */
  public readonly connectionIdentifier: string;

  constructor(scope: Construct, id: string, props: ConnectionAliasAssociationProps) {
    super(scope, id);
    requireProps(this, props, 'aliasId and directoryId');
    checkString(this, 'aliasId', props.aliasId);
    checkString(this, 'directoryId', props.directoryId);
    checkRule(this, 'aliasId', props.aliasId, CONNECTION_ALIAS_ID);
    checkRule(this, 'directoryId', props.directoryId, DIRECTORY_ID);
    // A connection alias is associated with one directory at a time.
    claimInApp(this, 'aliasassociation', 'aliasId', props.aliasId,
      'a connection alias can be associated with only one directory per Region, so use one ConnectionAliasAssociation per alias');
    this.aliasId = props.aliasId;
    this.directoryId = props.directoryId;

    const provider = SharingProvider._for(this, props.provider);
    grantAliasAssociation(provider._grants, props.aliasId, props.directoryId);
    const resource = provider._createResource(this, 'Resource', RESOURCE_TYPES.connectionAliasAssociation, {
      AliasId: props.aliasId,
      DirectoryId: props.directoryId,
    }, () => ALIAS_ASSOCIATION_CALLS);
    this.connectionIdentifier = resource.getAttString(attributeName(RESOURCE_TYPES.connectionAliasAssociation, 'ConnectionIdentifier'));
  }
}

/**
 * Let the handler associate one shared connection alias with one directory of the stack's
 * account, and disassociate it.
 */
function grantAliasAssociation(grants: ShareGrants, aliasId: string, directoryId: string): void {
  // The alias belongs to the account that shares it, which the stack does not know: its ARN
  // names any account, as the WorkSpaces Administration Guide asks of the shared account's policy.
  const wildcardReason = 'A shared connection alias belongs to the account that shares it, which the receiving stack does not know: '
    + 'the alias is named by its ID in any account, as the WorkSpaces Administration Guide asks of the shared account\'s policy.';
  const alias = grants.workspacesArn('connectionalias', aliasId, '*');
  grants.allow('associate', ['workspaces:AssociateConnectionAlias'], [alias, grants.workspacesArn('directory', directoryId)], { wildcardReason });
  grants.allow('disassociate', ['workspaces:DisassociateConnectionAlias'], [alias], { wildcardReason });
  grants.allowDescribe(DESCRIBE_ALIASES);
  // The association's owner is recorded on the directory, under keys of this library only.
  const directory = grants.workspacesArn('directory', directoryId);
  grants.allow('association-ownership', ['workspaces:CreateTags', 'workspaces:DeleteTags'], [directory], {
    conditions: { 'ForAllValues:StringLike': { 'aws:TagKeys': [`${OWNERSHIP_TAG_PREFIX}*`] } },
  });
  grants.allow('association-ownership-read', ['workspaces:DescribeTags'], [directory]);
  allowOwnershipReads(grants);
}
