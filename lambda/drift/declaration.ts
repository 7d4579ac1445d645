import { createHash } from 'crypto';

/**
 * The digest of a declaration, as both the share handler (which records it in the ledger) and the
 * drift check (which compares its input's with the recorded one) compute it: SHA-256 of the resource type and
 * the declared values in a canonical order (account lists sorted), in hex.
 */
export function declarationDigest(resourceType: string, values: readonly (string | readonly string[])[]): string {
  const canonical = values.map(v => (typeof v === 'string' ? v : [...v].sort()));
  return createHash('sha256').update(JSON.stringify([resourceType, ...canonical])).digest('hex');
}
