import {
  Account, ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand, OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { pages } from '../clients/paging';
import { isErrorCode, messageOf, PreconditionError } from '../runtime/errors';

/** The largest page the Organizations List operations answer. */
export const ORGANIZATIONS_PAGE_SIZE = 20;

/** Whether an account counts: its `State` ACTIVE (`Status`, which Organizations retires, when an older answer has no State). */
export function isActive(account: Account): boolean {
  return (account.State ?? account.Status) === 'ACTIVE';
}

/** What a refusal of Organizations means for the user, and what to do. */
function refused(unitId: string, error: unknown, roleArn: string | undefined): Error {
  if (isErrorCode(error, 'ParentNotFoundException')) {
    return new PreconditionError(`Organizational unit ${unitId} does not exist in the organization (${messageOf(error)}), so nothing was shared: `
      + 'fix organizationalUnitIds (the ou-… or r-… IDs of the organization\'s units and roots)');
  }
  const who = roleArn ? `the role ${roleArn}` : 'the provider\'s role';
  if (isErrorCode(error, 'AccessDeniedException')) {
    return new PreconditionError(`Organizations refused ${who} the accounts of unit ${unitId} (${messageOf(error)}), so nothing was shared: `
      + 'only the management account or a delegated administrator may list units. Deploy in such an account, allow this account with '
      + 'OrganizationsReadDelegation in the management account, or give organizationsRole (an OrganizationsReadRole of the management account)');
  }
  if (isErrorCode(error, 'AWSOrganizationsNotInUseException')) {
    return new PreconditionError(`The account of ${who} is not in an organization (${messageOf(error)}), so unit ${unitId} cannot be read and nothing was shared: `
      + 'give organizationsRole (an OrganizationsReadRole of the management account)');
  }
  if (isErrorCode(error, 'InvalidInputException')) {
    return new PreconditionError(`Organizations rejected unit ${unitId} (${messageOf(error)}), so nothing was shared: fix organizationalUnitIds`);
  }
  return error as Error;
}

/**
 * The ACTIVE accounts in the units and every unit nested under them: per unit, every page of
 * ListAccountsForParent and of ListOrganizationalUnitsForParent (20 a page, until NextToken is
 * null, even after an empty page). Throttling is the SDK's adaptive retry's. A unit seen twice
 * (listed, and nested under another listed one) is read once.
 */
export async function resolveUnits(unitIds: readonly string[], orgs: OrganizationsClient, roleArn?: string): Promise<Set<string>> {
  const accounts = new Set<string>();
  const seen = new Set<string>();
  const queue = unitIds.map(unitId => ({ unitId, listed: unitId }));
  while (queue.length > 0) {
    const { unitId, listed } = queue.shift()!;
    if (seen.has(unitId)) continue;
    seen.add(unitId);
    try {
      const readAccounts = (nextToken: string | undefined) =>
        orgs.send(new ListAccountsForParentCommand({ ParentId: unitId, NextToken: nextToken, MaxResults: ORGANIZATIONS_PAGE_SIZE }));
      for await (const page of pages(readAccounts)) {
        for (const account of page.Accounts ?? []) if (account.Id && isActive(account)) accounts.add(account.Id);
      }
      const readUnits = (nextToken: string | undefined) =>
        orgs.send(new ListOrganizationalUnitsForParentCommand({ ParentId: unitId, NextToken: nextToken, MaxResults: ORGANIZATIONS_PAGE_SIZE }));
      for await (const page of pages(readUnits)) {
        for (const unit of page.OrganizationalUnits ?? []) if (unit.Id) queue.push({ unitId: unit.Id, listed });
      }
    } catch (error) {
      throw refused(unitId === listed ? unitId : `${unitId} (under ${listed})`, error, roleArn);
    }
  }
  return accounts;
}
