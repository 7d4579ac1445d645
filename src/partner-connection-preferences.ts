import { CustomResource, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { DRIFT_METRICS } from './contract/drift';
import { attributeName, RESOURCE_TYPES } from './contract/resources';
import { duplicatesOf, MAX_EXCLUDED_PARTICIPANTS, PARTICIPANT_ID, PARTNER_CATALOG } from './contract/rules';
import { AccessType } from './contract/values';
import { DriftCheck } from './drift-check';
import { claimInApp } from './private/claims';
import { driftMetric, ResolvedDriftCheck, resolveDriftCheck, scheduleDriftCheck } from './private/drift-schedule';
import { allowOwnershipReads, ShareGrants } from './private/share-grants';
import { checkRule, checkString, checkStringList, removalPolicyOf, requireProps, synthError, warnUnknownProps } from './private/validate';
import { SharingConstructProps, SharingProvider } from './sharing-provider';

/**
 * Who may send the account connection invitations in AWS Partner Central.
 */
export enum ConnectionAccessType {
  /** Every participant may connect. */
  ALLOW_ALL = 'ALLOW_ALL',
  /** No participant may connect. */
  DENY_ALL = 'DENY_ALL',
  /** Every participant may connect except those listed in `excludedParticipantIds`. */
  ALLOW_BY_DEFAULT_DENY_SOME = 'ALLOW_BY_DEFAULT_DENY_SOME',
}

/**
 * Properties of a `PartnerConnectionPreferences`.
 */
export interface PartnerConnectionPreferencesProps extends SharingConstructProps {
  /**
   * The Partner Central catalog whose preferences to set: `AWS` for production, `Sandbox` for testing.
   *
   * The preferences are a singleton per account and catalog, so at most one construct may name
   * a catalog. Changing it is a replacement: the new catalog is set, and the old one is then
   * handled by its removal policy.
   *
   * @default 'AWS'
   */
  readonly catalog?: string;

  /**
   * Who may connect with the account.
   */
  readonly accessType: ConnectionAccessType;

  /**
   * The participants that may not connect, when `accessType` is `ALLOW_BY_DEFAULT_DENY_SOME`.
   *
   * At most 100 identifiers, each listed once. The list replaces the one in Partner Central:
   * identifiers excluded by other means are removed. Only allowed with
   * `ALLOW_BY_DEFAULT_DENY_SOME`.
   *
   * @default - no exclusions
   */
  readonly excludedParticipantIds?: string[];

  /**
   * What happens to the preferences when the construct is removed from the stack, the stack is
   * deleted, or the catalog is changed.
   *
   * `RemovalPolicy.RETAIN` leaves them as they are; `RemovalPolicy.DESTROY` sets them back to
   * `ALLOW_ALL` with no exclusions. No other policy is accepted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * A scheduled check, between deploys, that the shares are still as declared: an EventBridge
   * Scheduler schedule (one per construct, plus one role per provider) invokes the provider's
   * function every `interval`, which reports, repairs or enforces the preferences (see `DriftAction`).
   * `DriftAction.ENFORCE` removes exclusions made outside the stack. Alarm on `metricDrift()`.
   *
   * @default - no drift check
   */
  readonly driftCheck?: DriftCheck;
}

/**
 * Sets the connection preferences of the account in AWS Partner Central: who may send it
 * connection invitations, and which participants are excluded.
 *
 * The preferences are one object per account and catalog, served from us-east-1 only, whatever
 * the stack's Region. Each deploy reads the current revision and writes the whole state
 * (optimistic locking), retrying a bounded number of times when someone else changes the
 * preferences between the read and the write.
 *
 * Backed by a `Custom::PartnerConnectionPreferences` resource served by the stack's `SharingProvider`.
 *
 * @example
 * new PartnerConnectionPreferences(this, 'Connections', {
 *   catalog: 'AWS',
 *   accessType: ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME,
 *   excludedParticipantIds: ['participant-1'],
 * });
 */
export class PartnerConnectionPreferences extends Construct {
  /** The catalog whose preferences are set. */
  public readonly catalog: string;

  /**
   * The access type declared. Compare the declared state with the preferences now:
   * `aws partnercentral-account get-connection-preferences --catalog <catalog>` (us-east-1).
   */
  public readonly accessType: ConnectionAccessType;

  /** The participants declared excluded (only with `ALLOW_BY_DEFAULT_DENY_SOME`); empty when none. */
  public readonly excludedParticipantIds: string[];

  /**
   * The revision of the preferences after the last deploy that changed or read them.
   *
   * @attribute
   */
  public readonly revision: string;

  /**
   * The ARN of the connection preferences, such as
   * `arn:aws:partnercentral:us-east-1:111122223333:catalog/AWS/connection-preferences`.
   *
   * @attribute
   */
  public readonly arn: string;

  /** The custom resource, which the drift metrics name. */
  private readonly resource: CustomResource;

  /** The construct's drift check, if it has one. */
  private readonly driftCheck?: ResolvedDriftCheck;

  constructor(scope: Construct, id: string, props: PartnerConnectionPreferencesProps) {
    super(scope, id);
    requireProps(this, props, 'accessType');
    warnUnknownProps(this, props, ['catalog', 'accessType', 'excludedParticipantIds', 'removalPolicy', 'provider', 'driftCheck']);
    checkString(this, 'catalog', props.catalog, true);
    checkString(this, 'accessType', props.accessType);
    checkStringList(this, 'excludedParticipantIds', props.excludedParticipantIds);
    const catalog = props.catalog ?? 'AWS';
    const excluded = [...(props.excludedParticipantIds ?? [])];
    checkRule(this, 'catalog', catalog, PARTNER_CATALOG);
    checkAccessType(this, props.accessType, excluded);
    checkExclusions(this, excluded);
    const removalPolicy = removalPolicyOf(this, props.removalPolicy, RemovalPolicy.RETAIN,
      'connection preferences cannot be snapshotted, and there is nothing to delete, only a state to keep or reset');
    // One construct per account and literal catalog in an app (a pipeline's stages may each set one).
    if (!Token.isUnresolved(catalog)) {
      claimInApp(this, 'catalog', 'catalog', catalog,
        'the connection preferences are one per account and catalog, so set them in one construct only', { verb: 'set', perAccount: true });
    }
    this.catalog = catalog;
    this.accessType = props.accessType;
    this.excludedParticipantIds = excluded;

    this.driftCheck = resolveDriftCheck(this, props.driftCheck);

    const provider = SharingProvider._for(this, props.provider);
    grantConnectionPreferences(provider._grants, catalog);
    provider._ledgerTable();
    const resource = provider._createResource(this, 'Resource', RESOURCE_TYPES.partnerConnectionPreferences, {
      Catalog: catalog,
      AccessType: props.accessType,
      ExcludedParticipantIds: excluded,
      RemovalPolicy: removalPolicy,
      ...(this.driftCheck ? { DriftCheck: true } : {}),
    }, () => 0); // Partner Central calls do not count against WorkSpaces' rate.
    this.resource = resource;
    if (this.driftCheck) {
      scheduleDriftCheck(this, provider, resource, this.driftCheck, () => ({
        Catalog: catalog, AccessType: props.accessType, ExcludedParticipantIds: excluded,
      }));
    }
    this.revision = resource.getAttString(attributeName(RESOURCE_TYPES.partnerConnectionPreferences, 'Revision'));
    this.arn = resource.getAttString(attributeName(RESOURCE_TYPES.partnerConnectionPreferences, 'Arn'));
  }

  /**
   * The differences the drift checks find (the access type, declared exclusions missing, exclusions nobody declared),
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

/** The enum's values, which the wire contract's access types must hold: one missing there fails to compile. */
const ACCESS_TYPE_VALUES: readonly AccessType[] = Object.values(ConnectionAccessType);

function checkAccessType(scope: IConstruct, accessType: ConnectionAccessType, excluded: readonly string[]): void {
  if (Token.isUnresolved(accessType)) return;
  if (!ACCESS_TYPE_VALUES.includes(accessType)) {
    throw synthError(scope, `accessType must be one of ${ACCESS_TYPE_VALUES.join(', ')}, got ${JSON.stringify(accessType)}`);
  }
  // A list token may resolve to []: the handler checks it once resolved.
  if (!Token.isUnresolved(excluded) && excluded.length > 0 && accessType !== ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME) {
    throw synthError(scope, `excludedParticipantIds are only allowed with accessType ALLOW_BY_DEFAULT_DENY_SOME; with ${accessType} they would mean nothing (got ${excluded.length}: ${excluded.slice(0, 3).map(e => JSON.stringify(e)).join(', ')}${excluded.length > 3 ? ', ...' : ''})`);
  }
}

function checkExclusions(scope: IConstruct, excluded: readonly string[]): void {
  // A list token stands for any number of values: they are known once resolved, by the handler.
  if (Token.isUnresolved(excluded)) return;
  for (const participant of excluded) {
    checkRule(scope, 'excludedParticipantIds', participant, PARTICIPANT_ID);
  }
  if (excluded.length > MAX_EXCLUDED_PARTICIPANTS) {
    throw synthError(scope, `excludedParticipantIds holds ${excluded.length} identifiers; Partner Central accepts at most ${MAX_EXCLUDED_PARTICIPANTS}`);
  }
  const repeated = duplicatesOf(excluded.filter(e => !Token.isUnresolved(e)));
  if (repeated.length > 0) {
    throw synthError(scope, `excludedParticipantIds lists ${repeated.map(r => JSON.stringify(r)).join(', ')} more than once: list each participant once`);
  }
}


/** Per share policy, the catalogs its statement's condition names, rendered at synth (the statement keeps the array by reference). */
const catalogsByPolicy = new WeakMap<ShareGrants, string[]>();

/** Let the handler read and update the connection preferences of one catalog, and tag them with their owner. */
function grantConnectionPreferences(grants: ShareGrants, catalog: string): void {
  const catalogs = catalogsByPolicy.get(grants) ?? [];
  catalogsByPolicy.set(grants, catalogs);
  grants.statement('partner-preferences', () => new iam.PolicyStatement({
    actions: ['partnercentral:GetConnectionPreferences', 'partnercentral:UpdateConnectionPreferences'],
    resources: ['*'],
    conditions: { StringEquals: { 'partnercentral:Catalog': catalogs } },
  }), 'partnercentral:GetConnectionPreferences and partnercentral:UpdateConnectionPreferences take no resource and accept only "*"; '
    + 'the statement is scoped to the stack\'s catalogs by the partnercentral:Catalog condition.');
  if (catalogs.includes(catalog)) return;
  catalogs.push(catalog);
  // Partner Central answers from us-east-1 only; that its preferences ARNs name that Region is
  // UNVERIFIED. Were IAM to refuse, the handler treats the tags as unsupported (see the README).
  const preferences = grants.stack.formatArn({
    service: 'partnercentral', region: 'us-east-1', resource: 'catalog', resourceName: `${catalog}/connection-preferences`,
  });
  grants.allow('partner-tags', ['partnercentral:TagResource', 'partnercentral:ListTagsForResource', 'partnercentral:UntagResource'], [preferences]);
  allowOwnershipReads(grants);
}
