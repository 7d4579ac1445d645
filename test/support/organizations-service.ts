import { AwsError, LocalQueryService, LocalService } from './local-service';

/** The states an account of an organization can be in (`State` of the Organizations model). */
export type AccountState = 'PENDING_ACTIVATION' | 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';

interface Member {
  readonly id: string;
  parent: string;
  state: AccountState;
}

/**
 * A stateful stand-in for the AWS Organizations reads that resolve units (awsJson 1.1, target
 * prefix AWSOrganizationsV20161128): one root, nested units, accounts in every state, paging of
 * at most 20 with opaque tokens (with `emptyPages`, an empty page with a NextToken before each
 * page, as the model warns may happen), and who may call: the management account, a delegated
 * administrator; any other member gets AccessDeniedException, an account outside the
 * organization AWSOrganizationsNotInUseException.
 */
export class LocalOrganizations {
  public readonly rootId = 'r-ab12';
  public readonly organizationId = 'o-abcd123456';
  /** Member accounts that may make the reads (a resource-based delegation policy, or a delegated administrator). */
  public readonly delegated = new Set<string>();
  /** Answer an empty page with a NextToken before each page. */
  public emptyPages = false;
  private readonly units = new Map<string, string>();
  private readonly members = new Map<string, Member>();

  constructor(public managementAccountId: string) {
    this.members.set(managementAccountId, { id: managementAccountId, parent: this.rootId, state: 'ACTIVE' });
  }

  /** A unit under `parent` (the root by default). */
  public addUnit(unitId: string, parent = this.rootId): void {
    this.units.set(unitId, parent);
  }

  /** An account in `parent`, or moved there. */
  public addAccount(accountId: string, parent = this.rootId, state: AccountState = 'ACTIVE'): void {
    this.members.set(accountId, { id: accountId, parent, state });
  }

  public setState(accountId: string, state: AccountState): void {
    this.members.get(accountId)!.state = state;
  }

  /** The account leaves the organization. */
  public removeAccount(accountId: string): void {
    this.members.delete(accountId);
  }

  private allow(caller: string): void {
    if (caller === this.managementAccountId || this.delegated.has(caller)) return;
    if (this.members.has(caller)) {
      throw new AwsError('AccessDeniedException', 'You don\'t have permissions to access this resource.');
    }
    throw new AwsError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
  }

  private parent(input: Record<string, any>): string {
    const id = String(input.ParentId ?? '');
    if (!/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/.test(id)) {
      throw new AwsError('InvalidInputException', 'You provided a value that does not match the required pattern.', 400, { Reason: 'INVALID_PATTERN' });
    }
    if (id !== this.rootId && !this.units.has(id)) throw new AwsError('ParentNotFoundException', 'We can\'t find a root or OU with the ParentId that you specified.');
    return id;
  }

  /** One page of `items`, 20 at most; tokens `p:N` (a page from N) and `e:N` (an empty page first). */
  private page<T>(items: T[], input: Record<string, any>): { items: T[]; NextToken?: string } {
    const max = input.MaxResults ?? 20;
    if (!Number.isInteger(max) || max < 1 || max > 20) {
      throw new AwsError('InvalidInputException', 'MaxResults must be between 1 and 20.', 400, { Reason: 'INVALID_INPUT' });
    }
    const token = input.NextToken === undefined ? undefined : Buffer.from(String(input.NextToken), 'base64').toString();
    if (token !== undefined && !/^[pe]:\d+$/.test(token)) throw new AwsError('InvalidInputException', 'The NextToken is not valid.', 400, { Reason: 'INVALID_NEXT_TOKEN' });
    const offset = token === undefined ? 0 : Number(token.slice(2));
    const encode = (t: string) => Buffer.from(t).toString('base64');
    if (this.emptyPages && !token?.startsWith('e:')) return { items: [], NextToken: encode(`e:${offset}`) };
    const next = offset + max < items.length ? encode(`p:${offset + max}`) : undefined;
    return { items: items.slice(offset, offset + max), NextToken: next };
  }

  private account(m: Member): Record<string, unknown> {
    const status = m.state === 'ACTIVE' || m.state === 'SUSPENDED' || m.state === 'PENDING_CLOSURE' ? m.state : undefined;
    return {
      Id: m.id,
      Arn: `arn:aws:organizations::${this.managementAccountId}:account/${this.organizationId}/${m.id}`,
      Name: `account-${m.id}`,
      Email: `${m.id}@example.com`,
      State: m.state,
      ...(status ? { Status: status } : {}),
    };
  }

  public service(): LocalService {
    const children = (parent: string) => [...this.units.entries()].filter(([, p]) => p === parent).map(([id]) => id).sort();
    const accountsIn = (parent: string) => [...this.members.values()].filter(m => m.parent === parent).sort((a, b) => a.id.localeCompare(b.id));
    return {
      targetPrefix: 'AWSOrganizationsV20161128',
      contentType: 'application/x-amz-json-1.1',
      messageMember: 'Message',
      operations: {
        ListAccountsForParent: (input, caller) => {
          this.allow(caller);
          const { items, NextToken } = this.page(accountsIn(this.parent(input)), input);
          return { Accounts: items.map(m => this.account(m)), NextToken };
        },
        ListOrganizationalUnitsForParent: (input, caller) => {
          this.allow(caller);
          const { items, NextToken } = this.page(children(this.parent(input)), input);
          return {
            OrganizationalUnits: items.map(id => ({ Id: id, Name: id, Arn: `arn:aws:organizations::${this.managementAccountId}:ou/${this.organizationId}/${id}` })),
            NextToken,
          };
        },
        ListChildren: (input, caller) => {
          this.allow(caller);
          const parent = this.parent(input);
          const ids = input.ChildType === 'ACCOUNT' ? accountsIn(parent).map(m => m.id) : children(parent);
          const { items, NextToken } = this.page(ids, input);
          return { Children: items.map(Id => ({ Id, Type: input.ChildType })), NextToken };
        },
        DescribeOrganization: (_input, caller) => {
          if (!this.members.has(caller)) throw new AwsError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
          return { Organization: { Id: this.organizationId, MasterAccountId: this.managementAccountId, FeatureSet: 'ALL' } };
        },
      },
    };
  }
}

/**
 * STS AssumeRole (awsQuery): each role names the accounts its trust policy lets assume it; the
 * credentials it answers sign as the role's account (the local endpoint tells accounts by key).
 */
export class LocalSts {
  private readonly roles = new Map<string, Set<string>>();

  constructor(private readonly onAccount: (accountId: string) => void) {}

  /** A role that `trusted` accounts may assume. */
  public addRole(roleArn: string, trusted: string[]): void {
    this.roles.set(roleArn, new Set(trusted));
    this.onAccount(roleArn.split(':')[4]);
  }

  public service(): LocalQueryService {
    return {
      signingName: 'sts',
      version: '2011-06-15',
      xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
      operations: {
        AssumeRole: (input, caller) => {
          const arn = String(input.RoleArn);
          if (!this.roles.get(arn)?.has(caller)) {
            throw new AwsError('AccessDenied', `User: arn:aws:sts::${caller}:assumed-role/provider is not authorized to perform: sts:AssumeRole on resource: ${arn}`, 403);
          }
          const account = arn.split(':')[4];
          return {
            Credentials: {
              AccessKeyId: `AKIDLOCAL${account}`,
              SecretAccessKey: 'local-assumed-secret',
              SessionToken: 'local-session',
              Expiration: new Date(Date.now() + 900_000),
            },
            AssumedRoleUser: { AssumedRoleId: `AROALOCAL:${input.RoleSessionName}`, Arn: `arn:aws:sts::${account}:assumed-role/${arn.split('/').pop()}/${input.RoleSessionName}` },
          };
        },
      },
    };
  }
}
