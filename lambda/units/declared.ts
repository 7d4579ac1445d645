import { resolveUnits } from './resolve';
import { organizationsOf } from '../clients/organizations';
import type { ResourceContext } from '../runtime/resource';

/** What a share that follows organizational units declares, besides its image. */
export interface UnitDeclaration {
  readonly accountIds: readonly string[];
  readonly unitIds: readonly string[];
  readonly excludedAccountIds: readonly string[];
  readonly roleArn?: string;
  /** The table an older release kept its membership in (the ledger's table is the function's, see ledger.ts). */
  readonly table: string;
}

/**
 * The declared set: the listed accounts and the ACTIVE accounts of the units (nested ones
 * included), less the excluded ones and the account that owns the image; sorted.
 */
export async function declaredAccounts(declaration: UnitDeclaration, ctx: ResourceContext): Promise<string[]> {
  const orgs = await organizationsOf(ctx, declaration.roleArn);
  const inUnits = await resolveUnits(declaration.unitIds, orgs, declaration.roleArn);
  const excluded = new Set([...declaration.excludedAccountIds, ctx.accountId]);
  return [...new Set([...declaration.accountIds, ...inUnits])].filter(a => !excluded.has(a)).sort();
}
