/**
 * The memory of unit-following shares (lambda/units/membership.ts), part of the wire contract:
 * the table's key and the attribute that holds the accounts a resource shared. No aws-cdk-lib here.
 */

/** The partition key of the membership table: `<stack ID>|<logical ID>|<image ID>`. */
export const MEMBERSHIP_KEY = 'Share';

/** The string set of the accounts the resource shared and has not unshared since. */
export const MEMBERSHIP_ACCOUNTS = 'SharedAccounts';
