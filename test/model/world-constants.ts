/** The fixed names of the model's world: the owner, its images, alias, accounts, units and participants. */
export const OWNER = '123456789012';
export const IMAGES = ['wsi-model0001', 'wsi-model0002'] as const;
export const ALIAS = 'wsca-model12345';
/** Accounts the declarations and hand-made shares pick from (the last is never in the organization at first). */
export const ACCOUNTS = ['111100000001', '111100000002', '111100000003', '111100000004', '111100000005', '111100000006'] as const;
/** Units: A with B nested in it, and C; the root holds the owner (the management account). */
export const UNIT_A = 'ou-ab12-unitaaaa';
export const UNIT_B = 'ou-ab12-unitbbbb';
export const UNIT_C = 'ou-ab12-unitcccc';
export const UNITS = [UNIT_A, UNIT_B, UNIT_C] as const;
export const ROOT = 'r-ab12';
/** Where each account starts: 1 and 2 in A, 3 in B (under A), 4 in C, 5 in the root, 6 outside. */
export const START_PARENTS: Record<string, string | undefined> = {
  [ACCOUNTS[0]]: UNIT_A, [ACCOUNTS[1]]: UNIT_A, [ACCOUNTS[2]]: UNIT_B, [ACCOUNTS[3]]: UNIT_C, [ACCOUNTS[4]]: ROOT, [ACCOUNTS[5]]: undefined,
};
export const UNIT_PARENTS: Record<string, string> = { [UNIT_A]: ROOT, [UNIT_B]: UNIT_A, [UNIT_C]: ROOT };
export const PARTICIPANTS = ['participant-1', 'participant-2', 'participant-3'] as const;
/** The receiving account: the last of ACCOUNTS (outside the organization at first), so the owner's constructs may share with it. */
export const RECEIVER = ACCOUNTS[5];
/** An image of the owner that only the receiving side copies: shared with the receiver by hand, and deleted at random moments. */
export const SOURCE_ONLY = 'wsi-model0003';
/** The images a receiving copy may copy from. */
export const SOURCES = [IMAGES[0], IMAGES[1], SOURCE_ONLY] as const;
export const DIRECTORY = 'd-9067a1b2c3';
export const RECEIVING_STACK = `arn:aws:cloudformation:eu-west-1:${RECEIVER}:stack/Receiving/11111111-2222-3333-4444-555555555555`;
