import { Annotations, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { checkRule, checkShareAccount, checkString, checkStringList, synthError } from './validate';
import { AWS_ACCOUNT_ID, ORGANIZATION_PARENT_ID } from '../contract/rules';
import { DriftAction } from '../drift-check';
import type { SharingProvider } from '../sharing-provider';

/** The Organizations reads with which the handler resolves units: the accounts and the units under each unit, every page. */
export const UNIT_READ_ACTIONS = ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent', 'organizations:ListChildren'];

/** What a construct's units, exclusions and role say, checked at synth. */
export interface UnitDeclaration {
  readonly unitIds: string[];
  readonly excludedAccountIds: string[];
  readonly roleArn?: string;
}

/** Check a list once: each value by `check`, each listed once (tokens skipped: the handler checks them). */
function checkEach(scope: IConstruct, prop: string, values: string[], check: (value: string) => void): void {
  const seen = new Set<string>();
  for (const value of values) {
    checkString(scope, prop, value);
    check(value);
    if (Token.isUnresolved(value)) continue;
    if (seen.has(value)) throw synthError(scope, `${prop} lists ${value} more than once: list each once`);
    seen.add(value);
  }
}

/**
 * Check `organizationalUnitIds`, `excludedAccountIds` and `organizationsRole` at synth: unit and
 * root IDs by the Organizations model's patterns, excluded accounts as 12-digit IDs, each listed
 * once, none both shared and excluded. A list that is one token is left to the handler.
 */
export function checkUnitDeclaration(
  scope: IConstruct, unitIds: string[] | undefined, excluded: string[] | undefined, accountIds: string[] | undefined, role: iam.IRole | undefined,
): UnitDeclaration {
  checkStringList(scope, 'organizationalUnitIds', unitIds);
  checkStringList(scope, 'excludedAccountIds', excluded);
  if (unitIds !== undefined && !Token.isUnresolved(unitIds)) {
    checkEach(scope, 'organizationalUnitIds', unitIds, id => checkRule(scope, 'organizationalUnitIds', id, ORGANIZATION_PARENT_ID));
  }
  if (excluded !== undefined && !Token.isUnresolved(excluded)) {
    checkEach(scope, 'excludedAccountIds', excluded, id => checkShareAccount(scope, 'excludedAccountIds', id));
    const both = (accountIds ?? []).filter(a => !Token.isUnresolved(a) && excluded.includes(a));
    if (both.length > 0) throw synthError(scope, `account ${both[0]} is both in accountIds and in excludedAccountIds: list it in one of them`);
  }
  const hasUnits = unitIds !== undefined && (Token.isUnresolved(unitIds) || unitIds.length > 0);
  if (!hasUnits && excluded !== undefined && (Token.isUnresolved(excluded) || excluded.length > 0)) {
    throw synthError(scope, `excludedAccountIds (${Token.isUnresolved(excluded) ? 'a list token' : excluded.join(', ')}) applies only to the accounts of organizationalUnitIds, `
      + 'and there are no units: give organizationalUnitIds, or drop excludedAccountIds (an account that is not to be shared with is one left out of accountIds)');
  }
  if (role !== undefined && !hasUnits) {
    throw synthError(scope, 'organizationsRole is used only to read organizationalUnitIds: give units, or leave the role out');
  }
  if (role !== undefined && (typeof role !== 'object' || role === null || typeof (role as iam.IRole).roleArn !== 'string')) {
    throw synthError(scope, `organizationsRole must be an iam.IRole, such as iam.Role.fromRoleArn(...), got ${JSON.stringify(role)}`);
  }
  return { unitIds: hasUnits ? unitIds! : [], excludedAccountIds: excluded ?? [], roleArn: role?.roleArn };
}

/**
 * Let the provider read the units: with a role, assume that role only (sts:AssumeRole on its ARN);
 * without one, the Organizations reads on "*" (they take the management account's ARNs of units
 * and roots, which the stack does not know; they read and change nothing).
 */
export function grantUnitReads(provider: SharingProvider, roleArn: string | undefined): void {
  if (roleArn !== undefined) {
    provider._grants.allow('organizations-role', ['sts:AssumeRole'], [roleArn]);
    return;
  }
  provider._grants.statement('organizations-read', () => new iam.PolicyStatement({ actions: UNIT_READ_ACTIONS, resources: ['*'] }),
    'The Organizations reads that resolve organizational units name units and roots by ARNs of the management account and the '
    + 'organization, which the stack does not know; the actions only list accounts and units and change nothing.');
}

/** Check a required list of 12-digit account IDs, each listed once (tokens skipped), at least one. */
export function checkEachAccount(scope: IConstruct, prop: string, values: string[] | undefined): void {
  checkStringList(scope, prop, values, false);
  if (Token.isUnresolved(values)) return;
  if (values!.length === 0) throw synthError(scope, `${prop} must list at least one account`);
  checkEach(scope, prop, values!, id => checkRule(scope, prop, id, AWS_ACCOUNT_ID));
}

/** The id of the synth warning for a unit share whose drift check only reports, to acknowledge it by. */
export const UNITS_REPORT_ONLY_WARNING = 'cdk-cross-account-sharing:unitsReportOnly';

/**
 * A share that follows units with a REPORT drift check: the check is how the shares follow the
 * units between deploys, and REPORT changes nothing, so accounts that join are shared (and those
 * that leave unshared) only at the next deploy. A warning, not an error: report-only is a choice
 * (deploy to act, alarm on metricDrift() meanwhile), which the warning's id acknowledges.
 */
export function warnUnitsReportOnly(scope: IConstruct, action: DriftAction): void {
  if (action !== DriftAction.REPORT) return;
  Annotations.of(scope).addWarningV2(UNITS_REPORT_ONLY_WARNING,
    `${scope.node.path}: driftCheck.action is DriftAction.REPORT with organizationalUnitIds, so the scheduled check only reports: accounts that join the units `
    + 'are never shared, and accounts that leave never unshared, until the next deploy. For shares that follow the units, use DriftAction.REPAIR (the default '
    + `with units) or DriftAction.ENFORCE; to keep report-only, acknowledge this warning: Annotations.of(construct).acknowledgeWarning('${UNITS_REPORT_ONLY_WARNING}')`);
}
