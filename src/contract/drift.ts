/**
 * The wire contract of the drift checks: what a schedule sends the provider's function (the
 * construct writes it, the handler reads it), the resource property that asks the share handlers
 * to record the declaration they deployed, and the metrics the check publishes (the constructs'
 * metric methods name the same). No aws-cdk-lib here: the handler bundles this module.
 */

import { RESOURCE_TYPES } from './resources';

/** The resource types that have drift checks: the handler has a check for each one, or fails to compile. */
export const DRIFT_CHECKED_TYPES = [
  RESOURCE_TYPES.sharedWorkspaceImage, RESOURCE_TYPES.sharedConnectionAlias, RESOURCE_TYPES.partnerConnectionPreferences,
] as const;
export type DriftCheckedType = typeof DRIFT_CHECKED_TYPES[number];

/** Whether a value is a resource type that has a drift check. */
export function isDriftCheckedType(value: unknown): value is DriftCheckedType {
  return typeof value === 'string' && (DRIFT_CHECKED_TYPES as readonly string[]).includes(value);
}

/** The member that marks an event as a drift check (CloudFormation's events never carry it). */
export const DRIFT_CHECK_KEY = 'CrossAccountSharingDriftCheck';

/** The actions of a check, as the event spells them (the values of the construct's DriftAction). */
export const DRIFT_ACTIONS = ['REPORT', 'REPAIR', 'ENFORCE'] as const;
export type DriftActionValue = typeof DRIFT_ACTIONS[number];

/** Whether a value is a drift action the handler knows. */
export function isDriftAction(value: unknown): value is DriftActionValue {
  return typeof value === 'string' && (DRIFT_ACTIONS as readonly string[]).includes(value);
}

/**
 * The event a schedule sends: which resource to check (its type, its stack, and its physical ID
 * as CloudFormation resolved its `Ref`), what to do, and the declaration as CloudFormation
 * resolved it when the schedule was last deployed (the resource's properties, under the same
 * names). It carries no logical ID: nothing the library synthesizes does, so that a rename moved
 * by `cdk refactor` changes no property (the check finds the resource by the ledger's owner, or by
 * its physical ID when `cdk refactor` moved it: lambda/drift/check.ts).
 */
export interface DriftCheckEvent {
  /** The version of this event's shape: 1. */
  readonly [DRIFT_CHECK_KEY]: number;
  readonly ResourceType: string;
  readonly StackId: string;
  /** The resource's physical ID (its `Ref`): also the value of the metrics' resource dimension. */
  readonly PhysicalResourceId?: string;
  /** Written by the schedules of older releases instead of the physical ID: the resource's logical ID. */
  readonly LogicalResourceId?: string;
  readonly Action: DriftActionValue;
  readonly Declaration: Record<string, unknown>;
}

/**
 * The declaration's list properties, which the event carries as one comma-separated string each
 * (13 bytes per account ID in the template): the check splits them before validating.
 */
export const DRIFT_LIST_PROPERTIES = ['AccountIds', 'ExcludedParticipantIds', 'OrganizationalUnitIds', 'ExcludedAccountIds'] as const;

/** A declaration as the event carries it, its lists split back into lists (an empty string is an empty list). */
export function declarationOf(event: Pick<DriftCheckEvent, 'Declaration'>): Record<string, unknown> {
  const declaration: Record<string, unknown> = { ...(event.Declaration ?? {}) };
  for (const key of DRIFT_LIST_PROPERTIES) {
    const value = declaration[key];
    if (typeof value === 'string') declaration[key] = value === '' ? [] : value.split(',').map(v => v.trim());
  }
  return declaration;
}

/**
 * The resource property that says a share has a drift check. The handler records the digest of
 * every deploy's declaration in the ledger (lambda/reconcile/ledger.ts), with a check or without,
 * and a check compares its input's with it; the property stays for resources already deployed.
 */
export const DRIFT_CHECK_PROPERTY = 'DriftCheck';

/** The CloudWatch namespace of the drift metrics. */
export const DRIFT_NAMESPACE = 'CdkCrossAccountSharing';

/**
 * The dimensions of every drift metric: the stack's name and the resource's physical ID (the
 * image, the alias, `connection-preferences:<catalog>`), which a rename does not change (releases
 * before `cdk refactor` support published the logical ID, as `LogicalId`).
 */
export const DRIFT_DIMENSIONS = { stack: 'StackName', resource: 'PhysicalResourceId' } as const;

/** The metrics one check publishes, each a count (Unit Count), one value per check. */
export const DRIFT_METRICS = {
  /** Differences found: accounts missing plus accounts unexpected (for preferences, fields that differ). */
  drift: 'Drift',
  /** Declared accounts (or exclusions, or the access type) found missing. */
  missing: 'DriftMissing',
  /** Accounts (or exclusions) nobody declared. */
  unexpected: 'DriftUnexpected',
  /** Differences the check wrote back (REPAIR, ENFORCE). */
  repaired: 'DriftRepaired',
  /** Undeclared shares the check removed (ENFORCE). */
  unshared: 'DriftUnshared',
  /** 1 when the check acted on nothing because its declaration might be stale (see the README). */
  skipped: 'DriftCheckSkipped',
  /** 1 when the check failed (throttled, access denied, ...). */
  failed: 'DriftCheckFailed',
} as const;

/** The shortest interval between two checks of one resource, in minutes: no two checks of it overlap (an invocation lasts 15 minutes at most). */
export const MIN_DRIFT_INTERVAL_MINUTES = 15;

/** The longest interval, in minutes (30 days): a check less often than that is no check. */
export const MAX_DRIFT_INTERVAL_MINUTES = 30 * 24 * 60;

/** The stack name in a stack ID (`arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`). */
export function stackNameOf(stackId: string): string {
  return stackId.split(':stack/')[1]?.split('/')[0] ?? stackId;
}
