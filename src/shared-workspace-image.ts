import { Annotations, CustomResource, Duration, Lazy, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DRIFT_METRICS } from './contract/drift';
import { RESOURCE_TYPES } from './contract/resources';
import { WORKSPACE_IMAGE_ID } from './contract/rules';
import { imageShareCalls } from './contract/time-budget';
import { DriftAction, DriftCheck } from './drift-check';
import { claimInApp } from './private/claims';
import { driftMetric, ResolvedDriftCheck, resolveDriftCheck, scheduleDriftCheck } from './private/drift-schedule';
import { checkUnitDeclaration, grantUnitReads, warnUnitsReportOnly } from './private/organization-units';
import { allowOwnershipReads, OWNERSHIP_ACTIONS, DESCRIBE_IMAGES, ShareGrants } from './private/share-grants';
import { checkRule, checkShareAccount, checkString, checkStringList, requireProps, shareRemovalPolicyOf, synthError, warnUnknownProps } from './private/validate';
import { SharingConstructProps, SharingProvider } from './sharing-provider';

/**
 * Properties of a `SharedWorkspaceImage`.
 */
export interface SharedWorkspaceImageProps extends SharingConstructProps {
  /**
   * The ID of the custom WorkSpaces image to share, such as `wsi-abc123def`.
   *
   * The image must be owned by the stack's account, in the stack's Region. Changing it
   * shares the new image and then unshares the old one (a replacement).
   */
  readonly imageId: string;

  /**
   * The 12-digit IDs of the accounts to share the image with.
   *
   * Only these accounts are managed: accounts the image is shared with by other means
   * are left alone. More can be added with `addAccount()`.
   *
   * @default - no account until `addAccount()` is called
   */
  readonly accountIds?: string[];

  /**
   * Organizational units (`ou-…`) or roots (`r-…`) whose accounts the image is shared with too:
   * every account whose state is ACTIVE in a unit or in the units nested under it, at each deploy
   * and at each scheduled check, which then shares the accounts that joined and unshares the ones
   * this construct shared that left (see `driftCheck`). The provider's role reads the organization
   * (from the management account or a delegated administrator), or assumes `organizationsRole`.
   *
   * @default - no unit: only `accountIds`
   */
  readonly organizationalUnitIds?: string[];

  /**
   * Accounts the image is never shared with, even when they are in one of the
   * `organizationalUnitIds`. Only with units (a synth error otherwise): to not share with an
   * account of `accountIds`, leave it out of that list.
   *
   * @default - none
   */
  readonly excludedAccountIds?: string[];

  /**
   * A role (in the management account, say: see `OrganizationsReadRole`) that the provider
   * assumes to read the `organizationalUnitIds`. Only with units.
   *
   * @default - the provider's own role reads the organization
   */
  readonly organizationsRole?: iam.IRole;

  /**
   * What deleting the construct, or its stack, does to the shares.
   *
   * `RemovalPolicy.DESTROY` unshares every listed account. `RemovalPolicy.RETAIN` leaves the
   * shares in place and releases the image (its ownership record), so that a construct in another
   * stack can take it over: the way to move a share from one stack to another. Either way, a
   * Delete after a Create that failed undoes what that Create shared.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * A scheduled check, between deploys, that the shares are still as declared: an EventBridge
   * Scheduler schedule (one per construct, plus one role per provider) invokes the provider's
   * function every `interval`, which reports, repairs or enforces them (see `DriftAction`).
   * `DriftAction.ENFORCE` removes shares made outside the stack. Alarm on `metricDrift()`.
   *
   * With `organizationalUnitIds`, the check is how the shares follow the units, so there is one by
   * default, every hour, with `DriftAction.REPAIR` (an action given here applies; REPAIR is the
   * default action of a construct with units). `DriftAction.REPORT` with units warns at synth
   * (`cdk-cross-account-sharing:unitsReportOnly`): it then follows the units only at deploys.
   *
   * @default - no drift check; with organizationalUnitIds, hourly with DriftAction.REPAIR
   */
  readonly driftCheck?: DriftCheck;
}

/**
 * Shares a custom WorkSpaces image with other AWS accounts in the same Region, and unshares it
 * from each of them when an account is removed from the list or the construct is deleted.
 *
 * Backed by a `Custom::SharedWorkspaceImage` resource served by the stack's `SharingProvider`.
 *
 * @example
 * new SharedWorkspaceImage(this, 'GoldenImage', {
 *   imageId: 'wsi-abc123def',
 *   accountIds: ['111122223333', '444455556666'],
 * });
 */
export class SharedWorkspaceImage extends Construct {
  /** The id of the synth warning for an image shared with no account, to acknowledge it by. */
  public static readonly NO_ACCOUNT_WARNING = 'cdk-cross-account-sharing:imageSharedWithNoAccount';

  /** The ID of the shared image. */
  public readonly imageId: string;

  private readonly accounts: string[] = [];

  /** The custom resource, which the drift metrics name. */
  private readonly resource: CustomResource;

  /** The construct's drift check, if it has one. */
  private readonly driftCheck?: ResolvedDriftCheck;

  /** The account list when it is one token as a whole (a CommaDelimitedList parameter, say), which only the handler can check. */
  private readonly accountListToken?: string[];

  constructor(scope: Construct, id: string, props: SharedWorkspaceImageProps) {
    super(scope, id);
    requireProps(this, props, 'imageId');
    warnUnknownProps(this, props, ['imageId', 'accountIds', 'removalPolicy', 'provider', 'driftCheck', 'organizationalUnitIds', 'excludedAccountIds', 'organizationsRole']);
    checkString(this, 'imageId', props.imageId);
    checkStringList(this, 'accountIds', props.accountIds);
    checkRule(this, 'imageId', props.imageId, WORKSPACE_IMAGE_ID);
    // One owner per image: a second construct's Delete would unshare what the first one declares.
    claimInApp(this, 'workspaceimage', 'imageId', props.imageId, 'one image has one owner, so list all its accounts in one SharedWorkspaceImage');
    this.imageId = props.imageId;

    if (props.accountIds !== undefined && Token.isUnresolved(props.accountIds)) {
      this.accountListToken = props.accountIds;
    } else {
      for (const accountId of props.accountIds ?? []) this.addAccount(accountId);
    }

    const units = checkUnitDeclaration(this, props.organizationalUnitIds, props.excludedAccountIds, props.accountIds, props.organizationsRole);
    const followsUnits = units.unitIds.length > 0;
    // With units, the scheduled check is how the shares follow them: hourly REPAIR unless told otherwise.
    this.driftCheck = resolveDriftCheck(this, followsUnits
      ? { interval: props.driftCheck?.interval ?? Duration.hours(1), action: props.driftCheck?.action ?? DriftAction.REPAIR }
      : props.driftCheck);
    if (followsUnits) warnUnitsReportOnly(this, this.driftCheck!.action);

    const provider = SharingProvider._for(this, props.provider);
    grantWorkspaceImageShare(provider._grants, props.imageId);
    provider._ledgerTable();
    const accountIds = Lazy.list({ produce: () => this.accountListToken ?? [...this.accounts] });
    const drift = this.driftCheck !== undefined;
    const unitProperties = followsUnits ? unitPropertiesOf(provider, units) : {};
    this.resource = provider._createResource(this, 'Resource', RESOURCE_TYPES.sharedWorkspaceImage, {
      ImageId: props.imageId,
      AccountIds: accountIds,
      ...unitProperties,
      RemovalPolicy: shareRemovalPolicyOf(this, props.removalPolicy),
      ...(drift ? { DriftCheck: true } : {}),
    }, () => {
      // The units' accounts are known only at deploy: the budget is CloudFormation's longest.
      const unknown = followsUnits || this.accountListToken !== undefined || this.accounts.some(a => Token.isUnresolved(a));
      if (unknown) return undefined;
      // The budget covers the costliest Update of the list (every account swapped for another), the synth check its Create.
      // A drift check adds no WorkSpaces call: the deployed declaration's digest goes to the ledger (DynamoDB).
      return imageShareCalls(this.accounts.length);
    });
    if (this.driftCheck) {
      scheduleDriftCheck(this, provider, this.resource, this.driftCheck, () => ({
        ImageId: props.imageId, AccountIds: this.accountListToken ?? [...this.accounts], ...unitProperties,
      }));
    }
    this.warnWhenSharedWithNoAccount(followsUnits);
  }

  /** A share of nothing deploys and does nothing: most likely a list left empty or a misspelt prop. */
  private warnWhenSharedWithNoAccount(followsUnits: boolean): void {
    this.node.addValidation({
      validate: () => {
        if (!followsUnits && this.accountListToken === undefined && this.accounts.length === 0) {
          Annotations.of(this).addWarningV2(SharedWorkspaceImage.NO_ACCOUNT_WARNING,
            `${this.node.path}: image ${this.imageId} is shared with no account: list the accounts in accountIds or add them with addAccount(), `
            + 'or remove the construct (its deploy would share nothing)');
        }
        return [];
      },
    });
  }

  /**
   * The accounts the image is declared to be shared with: the list given and the accounts added
   * with `addAccount()`, or the list token when `accountIds` is one (a CommaDelimitedList
   * parameter's `valueAsList`, say). Compare it with what the image is shared with now:
   * `aws workspaces describe-workspace-image-permissions --image-id <imageId>`.
   */
  public get accountIds(): string[] {
    return this.accountListToken ?? [...this.accounts];
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


  /**
   * Share the image with one more account.
   *
   * @param accountId the 12-digit ID of the account
   */
  public addAccount(accountId: string): void {
    if (this.accountListToken) {
      throw synthError(this, `accountIds is a list token (a CommaDelimitedList parameter, say), so addAccount(${JSON.stringify(accountId)}) cannot add to it: `
        + 'add the account where the list comes from, or pass accountIds as a list of strings');
    }
    checkString(this, 'accountId', accountId);
    checkShareAccount(this, 'accountIds', accountId);
    if (!Token.isUnresolved(accountId) && this.accounts.includes(accountId)) {
      throw synthError(this, `account ${accountId} is listed more than once: list each account once`);
    }
    this.accounts.push(accountId);
  }
}

/** Let the handler share and unshare one image, and record itself as its owner in the image's tags. */
function grantWorkspaceImageShare(grants: ShareGrants, imageId: string): void {
  grants.allowOnWorkspaces('workspaceimage', imageId,
    ['workspaces:UpdateWorkspaceImagePermission', 'workspaces:DescribeWorkspaceImagePermissions', ...OWNERSHIP_ACTIONS], DESCRIBE_IMAGES);
  allowOwnershipReads(grants);
}

/** The properties of a share that follows units, its Organizations reads granted. */
function unitPropertiesOf(provider: SharingProvider, units: ReturnType<typeof checkUnitDeclaration>): Record<string, string | string[]> {
  grantUnitReads(provider, units.roleArn);
  return {
    OrganizationalUnitIds: units.unitIds,
    ExcludedAccountIds: units.excludedAccountIds,
    // The table an older release kept its membership in: the engine adopts those accounts from it.
    MembershipTable: provider._ledgerTable().tableName,
    ...(units.roleArn !== undefined ? { OrganizationsRoleArn: units.roleArn } : {}),
  };
}
