/**
 * The provider's table, part of the wire contract: the key, the attributes of the ledger
 * (lambda/reconcile/ledger.ts: what each shared object's resources shared, and the fence of its
 * writes) and the environment variable that names the table. No aws-cdk-lib here.
 */

/** The partition key: `<kind>:<object ID>` for a ledger item; `<stack ID>|<logical ID>|<image ID>` for an item of an older release's membership. */
export const MEMBERSHIP_KEY = 'Share';

/** In an older release's membership item: the string set of the accounts the resource shared. */
export const MEMBERSHIP_ACCOUNTS = 'SharedAccounts';

/** The function's environment variable that names the table. */
export const LEDGER_TABLE_ENV = 'SHARING_LEDGER_TABLE';

/** The attributes of a ledger item. */
export const LEDGER = {
  version: 'Version',
  owner: 'Owner',
  requestId: 'RequestId',
  requestUntil: 'RequestUntil',
  shared: 'Shared',
  inFlight: 'InFlight',
  declared: 'Declared',
  declaredNone: 'DeclaredNone',
  previousOwner: 'PreviousOwner',
  previousDeclared: 'PreviousDeclared',
  digest: 'Digest',
  fenceAt: 'FenceAt',
  /** The last requests that answered (newest last): a late delivery of any of them makes no write. */
  answered: 'Answered',
} as const;

/** How many answered requests a ledger item remembers. */
export const ANSWERED_KEPT = 16;
