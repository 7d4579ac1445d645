import { CustomResource, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { DRIFT_METRICS } from './contract/drift';
import { RESOURCE_TYPES } from './contract/resources';
import { CONNECTION_ALIAS_ID } from './contract/rules';
import { ALIAS_SHARE_CALLS } from './contract/time-budget';
import { DriftCheck } from './drift-check';
import { claimInApp } from './private/claims';
import { driftMetric, ResolvedDriftCheck, resolveDriftCheck, scheduleDriftCheck } from './private/drift-schedule';
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

  /**
   * A scheduled check, between deploys, that the shares are still as declared: an EventBridge
   * Scheduler schedule (one per construct, plus one role per provider) invokes the provider's
   * function every `interval`, which reports, repairs or enforces the share (see `DriftAction`).
   * `DriftAction.ENFORCE` removes shares made outside the stack. Alarm on `metricDrift()`.
   *
   * @default - no drift check
   */
  readonly driftCheck?: DriftCheck;
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

  /** The custom resource, which the drift metrics name. */
  private readonly resource: CustomResource;

  /** The construct's drift check, if it has one. */
  private readonly driftCheck?: ResolvedDriftCheck;

  constructor(scope: Construct, id: string, props: SharedConnectionAliasProps) {
    super(scope, id);
    requireProps(this, props, 'aliasId and accountId');
    warnUnknownProps(this, props, ['aliasId', 'accountId', 'removalPolicy', 'provider', 'driftCheck']);
    checkString(this, 'aliasId', props.aliasId);
    checkString(this, 'accountId', props.accountId);
    checkRule(this, 'aliasId', props.aliasId, CONNECTION_ALIAS_ID);
    checkShareAccount(this, 'accountId', props.accountId);
    // A connection alias can be shared with only one account: two constructs would take the share from each other.
    claimInApp(this, 'connectionalias', 'aliasId', props.aliasId,
      'a connection alias can be shared with only one other account per Region, so use one SharedConnectionAlias per alias');
    this.aliasId = props.aliasId;
    this.accountId = props.accountId;

    this.driftCheck = resolveDriftCheck(this, props.driftCheck);

    const provider = SharingProvider._for(this, props.provider);
    grantConnectionAliasShare(provider._grants, props.aliasId);
    provider._ledgerTable();
    // A token aliasId (e.g. CfnConnectionAlias.attrAliasId) becomes a Fn::GetAtt, so CloudFormation
    // creates the share after the alias and deletes it (unshares) before deleting the alias.
    const drift = this.driftCheck !== undefined;
    this.resource = provider._createResource(this, 'Resource', RESOURCE_TYPES.sharedConnectionAlias, {
      AliasId: props.aliasId,
      AccountId: props.accountId,
      RemovalPolicy: shareRemovalPolicyOf(this, props.removalPolicy),
      ...(drift ? { DriftCheck: true } : {}),
    }, () => ALIAS_SHARE_CALLS); // The deployed declaration's digest goes to the ledger (DynamoDB), not a WorkSpaces call.
    if (this.driftCheck) {
      scheduleDriftCheck(this, provider, this.resource, this.driftCheck, () => ({ AliasId: props.aliasId, AccountId: props.accountId }));
    }
  }

  /**
   * The differences the drift checks find (declared shares missing plus shares nobody declared),
   * the largest in each period: alarm on it being above 0. Published only with a `driftCheck`.
   *
   * @default - maximum over one check interval (one day at most)
   */
  public metricDrift(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return driftMetric(this, this.resource, this.driftCheck, DRIFT_METRICS.drift, 'Maximum', props);
  }

  /**
   * The drift checks that failed (throttled, access denied, ...): alarm on it being above 0, since
   * a failing check sees no drift. Published only with a `driftCheck`.
   *
   * @default - sum over one check interval (one day at most)
   */
  public metricDriftCheckFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return driftMetric(this, this.resource, this.driftCheck, DRIFT_METRICS.failed, 'Sum', props);
  }

}

/** Let the handler share and unshare one alias, and record itself as its owner in the alias's tags. */
function grantConnectionAliasShare(grants: ShareGrants, aliasId: string): void {
  grants.allowOnWorkspaces('connectionalias', aliasId,
    ['workspaces:UpdateConnectionAliasPermission', 'workspaces:DescribeConnectionAliasPermissions', ...OWNERSHIP_ACTIONS], DESCRIBE_ALIASES);
  allowOwnershipReads(grants);
}
