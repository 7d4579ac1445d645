import { Construct } from 'constructs';
import { claimInApp } from './private/claims';
import { CONNECTION_ALIAS_ID, DIRECTORY_ID, RESOURCE_TYPES } from './private/patterns';
import { ALIAS_ASSOCIATION_CALLS } from './private/time-budget';
import { checkPattern, checkString, requireProps } from './private/validate';
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
    checkPattern(this, 'aliasId', props.aliasId, CONNECTION_ALIAS_ID, 'a WorkSpaces connection alias ID');
    checkPattern(this, 'directoryId', props.directoryId, DIRECTORY_ID, 'a WorkSpaces directory ID');
    // A connection alias is associated with one directory at a time.
    claimInApp(this, 'aliasassociation', 'aliasId', props.aliasId,
      'a connection alias can be associated with only one directory per Region, so use one ConnectionAliasAssociation per alias');
    this.aliasId = props.aliasId;
    this.directoryId = props.directoryId;

    const provider = SharingProvider._for(this, props.provider);
    provider._grantAliasAssociation(props.aliasId, props.directoryId);
    const resource = provider._createResource(this, 'Resource', RESOURCE_TYPES.connectionAliasAssociation, {
      AliasId: props.aliasId,
      DirectoryId: props.directoryId,
    }, () => ALIAS_ASSOCIATION_CALLS);
    this.node.defaultChild = resource;
    this.connectionIdentifier = resource.getAttString('ConnectionIdentifier');
  }
}
