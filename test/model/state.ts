/**
 * The model: what the stack declares (its last deployed declaration), the organization as the
 * model knows it, what was shared by hand, and what may legitimately still be shared: what a
 * RETAIN removal left, and what a unit-following construct shared under an earlier state of the
 * organization (a leaver stays shared until the construct's next deploy or REPAIR/ENFORCE check).
 */
import type { ImageDecl, StackDecl } from './declarations';
import { IMAGE_SLOTS, imageConstructId } from './declarations';
import type { ReceivingDecl } from './receiving-decl';
import { ACCOUNTS, OWNER, START_PARENTS, UNIT_PARENTS } from './world-constants';

export type AccountState = 'ACTIVE' | 'SUSPENDED';

/** An account of the organization: where it is and its state. */
export interface Member {
  parent: string;
  state: AccountState;
}

export interface ModelState {
  /** The declaration CloudFormation holds for the stack (empty when it has none). */
  decl: StackDecl;
  live: boolean;
  org: Map<string, Member>;
  /** Per image, accounts shared with by hand (outside the library). */
  handImage: Map<string, Set<string>>;
  /** The alias's share made by hand, if any. */
  handAlias?: string;
  /** Per image, accounts unshared by hand (the ledger still holds those the library had shared). */
  handUnshared: Map<string, Set<string>>;
  /** Per image, accounts a RETAIN removal left shared (the library's promise allows them). */
  retainedImage: Map<string, Set<string>>;
  retainedAlias: Set<string>;
  /** Per construct key (`slot/constructId/image`), accounts resolved under earlier organization states. */
  lingering: Map<string, Set<string>>;
  /** The receiving stack's declaration (see receiving-decl.ts), and whether it exists. */
  receiving: ReceivingDecl;
  receivingLive: boolean;
  /** Images of the receiving account made by hand (names taken), which the library must leave. */
  madeByHand: Set<string>;
  /** Every copy the receiving stack held at the end of a step, with its removal policy: a RETAIN copy may stay. */
  knownCopies: Map<string, string>;
  /** Replay notes: one line per command run. */
  log: string[];
}

export const EMPTY: StackDecl = { images: {} };

export function initialState(): ModelState {
  const org = new Map<string, Member>();
  for (const [account, parent] of Object.entries(START_PARENTS)) if (parent) org.set(account, { parent, state: 'ACTIVE' });
  return {
    decl: EMPTY,
    live: false,
    org,
    handImage: new Map(),
    handUnshared: new Map(),
    retainedImage: new Map(),
    retainedAlias: new Set(),
    lingering: new Map(),
    receiving: {},
    receivingLive: false,
    madeByHand: new Set(),
    knownCopies: new Map(),
    log: [],
  };
}

/** Whether `parent` is `unit` or nested under it. */
function within(parent: string, unit: string): boolean {
  for (let p: string | undefined = parent; p; p = UNIT_PARENTS[p]) if (p === unit) return true;
  return false;
}

/** The accounts an image declaration resolves to under `org`: its list, and the ACTIVE accounts of its units, less exclusions and the owner. */
export function resolve(decl: ImageDecl, org: Map<string, Member>): Set<string> {
  const fromUnits = [...org.entries()]
    .filter(([, m]) => m.state === 'ACTIVE' && decl.unitIds.some(u => within(m.parent, u)))
    .map(([a]) => a)
    .filter(a => !decl.excluded.includes(a));
  return new Set([...decl.accountIds, ...fromUnits].filter(a => a !== OWNER));
}

export const imageKey = (slot: string, decl: ImageDecl) => `${slot}/${imageConstructId(slot as 'S1', decl)}/${decl.imageId}`;

/** The image declarations of a stack declaration, with their keys. */
export function imagesOf(decl: StackDecl): { key: string; slot: string; decl: ImageDecl }[] {
  return IMAGE_SLOTS.flatMap(slot => {
    const d = decl.images[slot];
    return d ? [{ key: imageKey(slot, d), slot, decl: d }] : [];
  });
}

export const setOf = <K>(map: Map<K, Set<string>>, key: K): Set<string> => {
  if (!map.has(key)) map.set(key, new Set());
  return map.get(key)!;
};

/** A copy of the organization (a snapshot). */
export const snapshot = (org: Map<string, Member>) => new Map([...org.entries()].map(([a, m]) => [a, { ...m }]));

export const ALL_ACCOUNTS: readonly string[] = ACCOUNTS;
