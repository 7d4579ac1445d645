import { createHash } from 'crypto';
import { CreateTagsCommand } from '@aws-sdk/client-workspaces';
import { DRIFT_CHECK_PROPERTY } from '../../src/contract/drift';
import { DECLARATION_TAG } from '../../src/contract/ownership-tags';
import { workspacesOf } from '../clients/workspaces';
import type { ResourceContext } from '../runtime/resource';

/**
 * The digest of a declaration, as both the share handler (which records it) and the drift check
 * (which compares its input's with the recorded one) compute it: SHA-256 of the resource type and
 * the declared values in a canonical order (account lists sorted), in hex.
 */
export function declarationDigest(resourceType: string, values: readonly (string | readonly string[])[]): string {
  const canonical = values.map(v => (typeof v === 'string' ? v : [...v].sort()));
  return createHash('sha256').update(JSON.stringify([resourceType, ...canonical])).digest('hex');
}

/** Whether a request's properties ask for the declaration to be recorded (the construct has a drift check). */
export function recordsDeclaration(properties: Record<string, unknown> | undefined): boolean {
  const value = properties?.[DRIFT_CHECK_PROPERTY];
  return value === true || value === 'true';
}

/** Record the digest of the declaration just deployed on a WorkSpaces image or alias: one tag write. */
export async function recordWorkspacesDeclaration(resourceId: string, digest: string, ctx: ResourceContext): Promise<void> {
  await workspacesOf(ctx).send(new CreateTagsCommand({ ResourceId: resourceId, Tags: [{ Key: DECLARATION_TAG, Value: digest }] }));
}
