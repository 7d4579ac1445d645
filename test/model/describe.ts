/** One-line descriptions of declarations, for the sequences a failure prints. */
import type { AliasDecl, ImageDecl, PartnerDecl, StackDecl } from './declarations';
import { IMAGE_SLOTS, imageConstructId } from './declarations';
import { UNIT_A, UNIT_B, UNIT_C } from './world-constants';

const UNIT_NAMES: Record<string, string> = { [UNIT_A]: 'A', [UNIT_B]: 'A/B', [UNIT_C]: 'C' };
/** An account by its last digit: a1 … a6. */
export const short = (account: string) => `a${account.slice(-1)}`;
const list = (accounts: readonly string[]) => `[${accounts.map(short).join(',')}]`;

function image(slot: (typeof IMAGE_SLOTS)[number], d: ImageDecl): string {
  const units = d.unitIds.length > 0 ? ` units ${d.unitIds.map(u => UNIT_NAMES[u]).join('+')} except ${list(d.excluded)}` : '';
  return `${imageConstructId(slot, d)}(${d.imageId.slice(-1) === '1' ? 'img1' : 'img2'} ${list(d.accountIds)}${units} ${d.removal}${d.drift ? ` ${d.drift}` : ''})`;
}

const alias = (d: AliasDecl) => `Alias${d.renamed ? 'Renamed' : ''}(${short(d.accountId)} ${d.removal}${d.drift ? ` ${d.drift}` : ''})`;
const partner = (d: PartnerDecl) => `Connections(${d.accessType} [${d.excluded.join(',')}] ${d.removal}${d.drift ? ` ${d.drift}` : ''})`;

export function describeDecl(decl: StackDecl): string {
  const parts = [
    ...IMAGE_SLOTS.flatMap(slot => (decl.images[slot] ? [image(slot, decl.images[slot]!)] : [])),
    ...(decl.alias ? [alias(decl.alias)] : []),
    ...(decl.partner ? [partner(decl.partner)] : []),
  ];
  return parts.length > 0 ? parts.join(' ') : '(nothing)';
}
