import { AwsError, Operation, page } from './local-service';

const ALIAS_ID = /^wsca-[0-9a-z]{8,63}$/;
const ACCOUNT_ID = /^\d{12}$/;
const CONNECTION_STRING = /^[.0-9a-zA-Z-]{1,255}$/;
/** WorkSpaces' quota of connection aliases per account and Region (not adjustable). */
const MAX_ALIASES = 20;

type AliasState = 'CREATING' | 'CREATED' | 'DELETING';
export type AliasAssociationStatus = 'ASSOCIATED_WITH_OWNER_ACCOUNT' | 'ASSOCIATED_WITH_SHARED_ACCOUNT' | 'PENDING_ASSOCIATION' | 'PENDING_DISASSOCIATION';

interface Association {
  readonly accountId: string;
  readonly directoryId: string;
  status: AliasAssociationStatus;
  readonly connectionIdentifier: string;
  /** When a PENDING_ASSOCIATION turns associated, or a PENDING_DISASSOCIATION ends (epoch ms). */
  changesAt?: number;
}

interface Alias {
  readonly id: string;
  readonly connectionString: string;
  state: AliasState;
  /** When a CREATING alias turns CREATED, or a DELETING one disappears (epoch ms). */
  changesAt?: number;
  /** The one account the alias is shared with. */
  sharedWith?: string;
  association?: Association;
}

/** Options of a connection alias seeded into the local WorkSpaces. */
export interface SeedAlias {
  /** The alias starts CREATING and turns CREATED after this long. @default - CREATED at once */
  readonly creatingMs?: number;
  /** The account the alias is already shared with. */
  readonly sharedWith?: string;
  /** A directory the alias is already associated with, in the owner's or the shared account. */
  readonly associatedWith?: { readonly accountId: string; readonly directoryId: string; readonly status?: AliasAssociationStatus };
  /** @default 'local.example.com' with the alias ID in front */
  readonly connectionString?: string;
}

/**
 * A stateful stand-in for the WorkSpaces connection-alias operations, with the preconditions,
 * errors and paging of the WorkSpaces Smithy model (aws/api-models-aws, models/workspaces) (errors are HTTP 400, `message`).
 * Where the model lists several errors and the docs do not say which one answers a case, the
 * choice is commented; those choices are UNVERIFIED against a real account.
 *
 * The caller is the alias owner, or the account the alias is shared with (LocalAwsEndpoint.addAccount),
 * which sees the alias and can associate it with its directory and disassociate it; a test can
 * also do that directly through `associate` / `disassociate`.
 */
export class WorkSpacesConnectionAliases {
  /** How long an alias made by CreateConnectionAlias stays CREATING. */
  public creatingMs = 100;
  /** How long an alias stays DELETING after DeleteConnectionAlias. */
  public deletingMs = 100;
  /** How long an association made by AssociateConnectionAlias stays PENDING_ASSOCIATION. @default 0: none */
  public associatingMs = 0;
  /** How long a disassociation stays PENDING_DISASSOCIATION. @default 0: none */
  public disassociatingMs = 0;

  private readonly aliases = new Map<string, Alias>();
  private created = 0;

  constructor(private readonly ownerAccountId: string) {}

  /** Seed an alias (replacing one with the same ID). */
  public addAlias(aliasId: string, seed: SeedAlias = {}): void {
    if (!ALIAS_ID.test(aliasId)) throw new Error(`${aliasId} is not a connection alias ID`);
    const creating = seed.creatingMs !== undefined;
    this.aliases.set(aliasId, {
      id: aliasId,
      connectionString: seed.connectionString ?? `${aliasId}.local.example.com`,
      state: creating ? 'CREATING' : 'CREATED',
      changesAt: creating ? Date.now() + seed.creatingMs! : undefined,
      sharedWith: seed.sharedWith,
    });
    if (seed.associatedWith) {
      this.associate(aliasId, seed.associatedWith.accountId, seed.associatedWith.directoryId, seed.associatedWith.status);
    }
  }

  /** Create an alias as CreateConnectionAlias does (CREATING for `creatingMs`); returns its ID. */
  public createAlias(connectionString: string): string {
    return this.create(connectionString);
  }

  /** Remove an alias at once, as if deleted long ago. */
  public deleteAlias(aliasId: string): void {
    this.aliases.delete(aliasId);
  }

  /** The account the alias is shared with now, if any. */
  public shareOf(aliasId: string): string | undefined {
    return this.alias(aliasId)?.sharedWith;
  }

  /** Every alias there is now, with its state and share. */
  public list(): { id: string; state: AliasState; sharedWith?: string }[] {
    return [...this.aliases.keys()]
      .map(id => this.alias(id))
      .filter((a): a is Alias => a !== undefined)
      .map(a => ({ id: a.id, state: a.state, sharedWith: a.sharedWith }));
  }

  /** The alias's state now, or undefined once it is gone. */
  public stateOf(aliasId: string): AliasState | undefined {
    return this.alias(aliasId)?.state;
  }

  /**
   * Associate the alias with a directory, as the account that owns the directory does. The status
   * follows the account unless given (e.g. PENDING_ASSOCIATION).
   */
  public associate(aliasId: string, accountId: string, directoryId: string, status?: AliasAssociationStatus): void {
    const alias = this.aliases.get(aliasId);
    if (!alias) throw new Error(`no alias ${aliasId}`);
    alias.association = {
      accountId,
      directoryId,
      status: status ?? (accountId === this.ownerAccountId ? 'ASSOCIATED_WITH_OWNER_ACCOUNT' : 'ASSOCIATED_WITH_SHARED_ACCOUNT'),
      connectionIdentifier: `conn${directoryId.replace(/[^a-zA-Z0-9]/g, '')}`.slice(0, 20),
    };
  }

  /** Disassociate the alias from its directory, as the account that owns the directory does. */
  public disassociate(aliasId: string): void {
    const alias = this.aliases.get(aliasId);
    if (alias) alias.association = undefined;
  }

  private create(connectionString: unknown): string {
    if (typeof connectionString !== 'string' || !CONNECTION_STRING.test(connectionString)) {
      throw new AwsError('InvalidParameterValuesException', `The connection string ${connectionString} is not valid`);
    }
    if ([...this.aliases.values()].some(a => a.connectionString === connectionString)) {
      throw new AwsError('ResourceAlreadyExistsException', `The connection string ${connectionString} is already in use`);
    }
    if (this.aliases.size >= MAX_ALIASES) {
      throw new AwsError('ResourceLimitExceededException', `The limit of ${MAX_ALIASES} connection aliases was reached`);
    }
    const id = `wsca-local${String(++this.created).padStart(5, '0')}`;
    this.aliases.set(id, { id, connectionString, state: 'CREATING', changesAt: Date.now() + this.creatingMs });
    return id;
  }

  /** The directory the alias is associated with now, and the status. */
  public associationOf(aliasId: string): { accountId: string; directoryId: string; status: AliasAssociationStatus } | undefined {
    const association = this.alias(aliasId)?.association;
    return association && { accountId: association.accountId, directoryId: association.directoryId, status: association.status };
  }

  /** The alias after its timed transitions, or undefined when it does not exist (any more). */
  private alias(aliasId: unknown): Alias | undefined {
    const alias = this.aliases.get(String(aliasId));
    const association = alias?.association;
    if (association?.changesAt !== undefined && Date.now() >= association.changesAt) {
      if (association.status === 'PENDING_DISASSOCIATION') {
        alias!.association = undefined;
      } else {
        association.status = association.accountId === this.ownerAccountId ? 'ASSOCIATED_WITH_OWNER_ACCOUNT' : 'ASSOCIATED_WITH_SHARED_ACCOUNT';
        association.changesAt = undefined;
      }
    }
    if (alias?.changesAt !== undefined && Date.now() >= alias.changesAt) {
      if (alias.state === 'CREATING') {
        alias.state = 'CREATED';
        alias.changesAt = undefined;
      } else if (alias.state === 'DELETING') {
        this.aliases.delete(alias.id);
        return undefined;
      }
    }
    return alias;
  }

  /** The alias, which `caller` must see: it owns it, or it is shared with it (UNVERIFIED: what another account gets is not documented). */
  private requireAlias(aliasId: unknown, caller = this.ownerAccountId): Alias {
    if (typeof aliasId !== 'string' || !ALIAS_ID.test(aliasId)) {
      throw new AwsError('InvalidParameterValuesException', `The connection alias ID ${aliasId} is not valid`);
    }
    const alias = this.alias(aliasId);
    if (!alias || !this.visible(alias, caller)) throw new AwsError('ResourceNotFoundException', 'The resource could not be found.', 400, { ResourceId: aliasId });
    return alias;
  }

  private visible(alias: Alias, caller: string): boolean {
    return caller === this.ownerAccountId || alias.sharedWith === caller;
  }

  /** Only the owner changes an alias's permissions or deletes it. */
  private requireOwner(caller: string, operation: string): void {
    if (caller !== this.ownerAccountId) throw new AwsError('AccessDeniedException', `Only the owner of a connection alias can call ${operation}`);
  }

  /** The model: "Before performing this operation, ... make sure that the current state of the connection alias is CREATED." */
  private requireCreated(alias: Alias): void {
    if (alias.state !== 'CREATED') {
      throw new AwsError('InvalidResourceStateException', `The state of the connection alias ${alias.id} is ${alias.state}, not CREATED.`);
    }
  }

  /** The operations, to merge into the local WorkSpaces service (same `WorkspacesService` target prefix). */
  public operations(): Record<string, Operation> {
    return {
      CreateConnectionAlias: input => ({ AliasId: this.create(input.ConnectionString) }),

      DescribeConnectionAliases: (input, caller) => {
        const ids: unknown = input.AliasIds;
        if (ids !== undefined) {
          if (!Array.isArray(ids) || ids.length < 1 || ids.length > 25) throw new AwsError('InvalidParameterValuesException', 'AliasIds must hold 1 to 25 IDs');
          const bad = ids.find(id => typeof id !== 'string' || !ALIAS_ID.test(id));
          if (bad !== undefined) throw new AwsError('InvalidParameterValuesException', `The connection alias ID ${bad} is not valid`);
        }
        const all = (ids as string[] | undefined ?? [...this.aliases.keys()])
          .map(id => this.alias(id))
          .filter((a): a is Alias => a !== undefined && this.visible(a, caller))
          .filter(a => input.ResourceId === undefined || a.association?.directoryId === input.ResourceId);
        // This operation pages with `Limit`, not `MaxResults`.
        const { items, NextToken } = page(all, { NextToken: input.NextToken, MaxResults: input.Limit }, 25, 'Limit');
        return {
          ConnectionAliases: items.map(a => ({
            ConnectionString: a.connectionString,
            AliasId: a.id,
            State: a.state,
            OwnerAccountId: this.ownerAccountId,
            ...(a.association ? {
              Associations: [{
                AssociationStatus: a.association.status,
                AssociatedAccountId: a.association.accountId,
                ResourceId: a.association.directoryId,
                ConnectionIdentifier: a.association.connectionIdentifier,
              }],
            } : {}),
          })),
          NextToken,
        };
      },

      DescribeConnectionAliasPermissions: input => {
        const alias = this.requireAlias(input.AliasId);
        const permissions = alias.sharedWith ? [{ SharedAccountId: alias.sharedWith, AllowAssociation: true }] : [];
        const { items, NextToken } = page(permissions, input);
        return { AliasId: alias.id, ConnectionAliasPermissions: items, NextToken };
      },

      UpdateConnectionAliasPermission: (input, caller) => {
        this.requireOwner(caller, 'UpdateConnectionAliasPermission');
        const permission = input.ConnectionAliasPermission;
        if (!permission || typeof permission !== 'object') throw new AwsError('InvalidParameterValuesException', 'ConnectionAliasPermission is required');
        const account = permission.SharedAccountId;
        if (typeof account !== 'string' || !ACCOUNT_ID.test(account)) throw new AwsError('InvalidParameterValuesException', `The account ID ${account} is not valid`);
        if (typeof permission.AllowAssociation !== 'boolean') throw new AwsError('InvalidParameterValuesException', 'AllowAssociation is required');
        const alias = this.requireAlias(input.AliasId);
        if (account === this.ownerAccountId) throw new AwsError('InvalidParameterValuesException', 'A connection alias cannot be shared with the account that owns it');
        this.requireCreated(alias);
        if (permission.AllowAssociation) {
          // The admin guide: an alias can be shared with only one other account per Region.
          if (alias.sharedWith !== undefined && alias.sharedWith !== account) {
            throw new AwsError('ResourceLimitExceededException', `The connection alias ${alias.id} is already shared with another account`);
          }
          alias.sharedWith = account;
        } else {
          // The model: the shared account must first disassociate the alias from its directories.
          if (alias.association && alias.association.accountId === account) {
            throw new AwsError('ResourceAssociatedException', 'The resource is associated with a directory.');
          }
          // Revoking an account never granted is undocumented; this stand-in refuses it.
          if (alias.sharedWith !== account) throw new AwsError('InvalidParameterValuesException', `The connection alias ${alias.id} is not shared with ${account}`);
          alias.sharedWith = undefined;
        }
        return {};
      },

      AssociateConnectionAlias: (input, caller) => {
        const alias = this.requireAlias(input.AliasId, caller);
        if (typeof input.ResourceId !== 'string' || input.ResourceId.length < 1) throw new AwsError('InvalidParameterValuesException', 'ResourceId is required');
        this.requireCreated(alias);
        // One directory per alias per Region, whichever account owns it.
        if (alias.association) throw new AwsError('ResourceAssociatedException', 'The resource is associated with a directory.');
        this.associate(alias.id, caller, input.ResourceId, this.associatingMs > 0 ? 'PENDING_ASSOCIATION' : undefined);
        if (this.associatingMs > 0) alias.association!.changesAt = Date.now() + this.associatingMs;
        return { ConnectionIdentifier: alias.association!.connectionIdentifier };
      },

      DisassociateConnectionAlias: (input, caller) => {
        const alias = this.requireAlias(input.AliasId, caller);
        this.requireCreated(alias);
        // Not associated: the model lists no dedicated error; InvalidResourceState is the closest.
        if (!alias.association) throw new AwsError('InvalidResourceStateException', `The connection alias ${alias.id} is not associated with a directory`);
        // Only the account that owns the directory can disassociate.
        if (alias.association.accountId !== caller) {
          throw new AwsError('AccessDeniedException', `The connection alias ${alias.id} is associated with a directory of account ${alias.association.accountId}; only that account can disassociate it`);
        }
        if (alias.association.status.startsWith('PENDING')) {
          throw new AwsError('InvalidResourceStateException', `The association of the connection alias ${alias.id} is ${alias.association.status}`);
        }
        if (this.disassociatingMs > 0) {
          alias.association.status = 'PENDING_DISASSOCIATION';
          alias.association.changesAt = Date.now() + this.disassociatingMs;
        } else {
          alias.association = undefined;
        }
        return {};
      },

      DeleteConnectionAlias: (input, caller) => {
        this.requireOwner(caller, 'DeleteConnectionAlias');
        const alias = this.requireAlias(input.AliasId);
        this.requireCreated(alias);
        // "The resource is associated with a directory" is ResourceAssociatedException's own text.
        if (alias.association) throw new AwsError('ResourceAssociatedException', 'The resource is associated with a directory.');
        // Still shared, not associated: no error of the model names that case, and
        // ResourceAssociated speaks of directories only, so the stand-in answers with
        // InvalidResourceState ("The state of the resource is not valid for this operation").
        if (alias.sharedWith) {
          throw new AwsError('InvalidResourceStateException', `The connection alias ${alias.id} is shared with account ${alias.sharedWith}: unshare it before deleting it`);
        }
        alias.state = 'DELETING';
        alias.changesAt = Date.now() + this.deletingMs;
        return {};
      },
    };
  }
}
