import { AttributeValue, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ANSWERED_KEPT, LEDGER, LEDGER_TABLE_ENV, MEMBERSHIP_KEY } from '../../src/contract/membership';
import { dynamoDbOf } from '../clients/dynamodb';
import { isErrorCode } from '../runtime/errors';
import type { ResourceContext } from '../runtime/resource';

/**
 * The ledger: what this provider's resources shared, one DynamoDB item per shared object (an
 * image, an alias, a catalog's preferences) in the provider's table. It is the engine's memory and
 * its fence (docs/engine.md):
 * - `Shared` holds every account this library shared on the object and has not unshared since. A
 *   grant is added before it is sent (write-ahead), so a throw, a hand-over or a killed invocation
 *   never leaves shared what the ledger does not hold.
 * - `InFlight` names the one write that passed its fence and whose outcome is not recorded yet
 *   (`+account` or `-account`): the next request reads the object once to settle it. Revokes
 *   leave `Shared` with the next fence after them, so `Shared` is exact but for that one account.
 * - `Version` is bumped by every deploy request (at its start and at its answer): every write,
 *   a deploy's or a check's, is preceded by a conditional write on the version it began with, so a
 *   newer request supersedes every older one and every check.
 * - `Owner`, `Declared`, `Digest`: the logical ID that deployed last, what it declared (resolved)
 *   and the digest of its declaration, which a drift check compares with its input.
 */

/** What one ledger item holds. */
export interface LedgerEntry {
  readonly exists: boolean;
  readonly version: number;
  readonly owner?: string;
  readonly requestId?: string;
  readonly requestUntil?: number;
  readonly shared: ReadonlySet<string>;
  /** The account of the write in flight (InFlight), if any: at most one. */
  readonly dirty: ReadonlySet<string>;
  /** Undefined when nothing was declared yet (an item written by an older release). */
  readonly declared?: ReadonlySet<string>;
  readonly previousOwner?: string;
  readonly previousDeclared?: ReadonlySet<string>;
  readonly digest?: string;
  /** When the last fenced write passed its fence (epoch ms): a write may still be in flight until `fenceAt + fenceWindowMs`. */
  readonly fenceAt?: number;
  /** The requests that answered last, newest last (at most ANSWERED_KEPT). */
  readonly answered: readonly string[];
}

/** Who holds the version: a deploy request (its ID), or a check (which requires no deploy in flight). */
export type Holder = { readonly requestId: string } | { readonly check: true };

/** Another delivery of the same request holds the object: this one stands down (no write, no answer). */
export class DuplicateDeliveryError extends Error {
  public readonly name = 'DuplicateDeliveryError';
}

/** A newer request holds the object: this writer's writes would undo its work. */
export class SupersededError extends Error {
  public readonly name = 'SupersededError';
}

const set = (value: AttributeValue | undefined): Set<string> => new Set(value?.SS ?? []);
const num = (value: AttributeValue | undefined): number | undefined => (value?.N === undefined ? undefined : Number(value.N));

function entryOf(item: Record<string, AttributeValue> | undefined): LedgerEntry {
  const i = item ?? {};
  return {
    exists: item !== undefined,
    version: num(i[LEDGER.version]) ?? 0,
    owner: i[LEDGER.owner]?.S,
    requestId: i[LEDGER.requestId]?.S,
    requestUntil: num(i[LEDGER.requestUntil]),
    shared: set(i[LEDGER.shared]),
    dirty: new Set(i[LEDGER.inFlight]?.S ? [i[LEDGER.inFlight]!.S!.slice(1)] : []),
    declared: i[LEDGER.declared] || i[LEDGER.declaredNone] ? set(i[LEDGER.declared]) : undefined,
    previousOwner: i[LEDGER.previousOwner]?.S,
    previousDeclared: i[LEDGER.previousOwner] ? set(i[LEDGER.previousDeclared]) : undefined,
    digest: i[LEDGER.digest]?.S,
    fenceAt: num(i[LEDGER.fenceAt]),
    answered: (i[LEDGER.answered]?.L ?? []).map(v => v.S ?? ''),
  };
}

/** The name of the provider's ledger table, from the function's environment. */
export function ledgerTable(): string {
  const table = process.env[LEDGER_TABLE_ENV];
  if (!table) {
    throw new Error(`The function has no ${LEDGER_TABLE_ENV} environment variable, so it cannot record what it shares: deploy the stack with this release of cdk-cross-account-sharing, whose SharingProvider creates the table`);
  }
  return table;
}

/** An update expression built clause by clause, with its names and values. */
class Expression {
  public readonly names: Record<string, string> = {};
  public readonly values: Record<string, AttributeValue> = {};
  private readonly clauses: Record<'SET' | 'ADD' | 'DELETE' | 'REMOVE', string[]> = { SET: [], ADD: [], DELETE: [], REMOVE: [] };

  public name(attribute: string): string {
    const key = `#${attribute}`;
    this.names[key] = attribute;
    return key;
  }

  public value(value: AttributeValue): string {
    const key = `:v${Object.keys(this.values).length}`;
    this.values[key] = value;
    return key;
  }

  /** A SET clause written out (an arithmetic one). */
  public raw(clause: string): this {
    this.clauses.SET.push(clause);
    return this;
  }

  public set(attribute: string, value: AttributeValue): this {
    this.clauses.SET.push(`${this.name(attribute)} = ${this.value(value)}`);
    return this;
  }

  /** ADD or DELETE members of a string set; nothing for an empty list (DynamoDB has no empty set). */
  public members(action: 'ADD' | 'DELETE', attribute: string, members: Iterable<string>): this {
    const list = [...new Set(members)];
    if (list.length > 0) this.clauses[action].push(`${this.name(attribute)} ${this.value({ SS: list })}`);
    return this;
  }

  public remove(attribute: string): this {
    this.clauses.REMOVE.push(this.name(attribute));
    return this;
  }

  /** A string set, or its removal when empty (with `noneMarker` set so that "declared nothing" is told from "never declared"). */
  public setOrNone(attribute: string, members: Iterable<string>, noneMarker?: string): this {
    const list = [...new Set(members)];
    if (list.length > 0) {
      this.set(attribute, { SS: list });
      if (noneMarker) this.remove(noneMarker);
    } else {
      this.remove(attribute);
      if (noneMarker) this.set(noneMarker, { BOOL: true });
    }
    return this;
  }

  public get text(): string {
    return Object.entries(this.clauses).filter(([, c]) => c.length > 0).map(([action, c]) => `${action} ${c.join(', ')}`).join(' ');
  }
}

/** The ledger item of one shared object. */
export class Ledger {
  /** The answered requests each item held when this process last read or wrote it (the answer rewrites the list). */
  private static readonly answered = new Map<string, readonly string[]>();
  private readonly table = ledgerTable();

  /** @param key the object, e.g. `image:wsi-0123456789` (see ledgerKey) */
  constructor(public readonly key: string, private readonly ctx: ResourceContext) {}

  private get itemKey(): Record<string, AttributeValue> {
    return { [MEMBERSHIP_KEY]: { S: this.key } };
  }

  /** The item, strongly consistent. */
  public async read(): Promise<LedgerEntry> {
    const { Item } = await dynamoDbOf(this.ctx).send(new GetItemCommand({ TableName: this.table, Key: this.itemKey, ConsistentRead: true }));
    return this.seen(entryOf(Item));
  }

  /** Remember the entry's answered requests, for the answer's rewrite of the list. */
  private seen(entry: LedgerEntry): LedgerEntry {
    Ledger.answered.set(`${this.table}/${this.key}`, entry.answered);
    return entry;
  }

  /** An update of the item, conditioned on `condition` (with `holder` held); SupersededError when it fails. */
  private update(e: Expression, condition?: { version: number; holder: Holder }): Promise<LedgerEntry> {
    const conditionText = condition ? this.conditionOf(e, condition.version, condition.holder) : undefined;
    const who = condition && 'check' in condition.holder ? 'check' : 'request';
    return this.send(e, conditionText, () => new SupersededError(`A newer deploy of ${this.key} started: this ${who} stops without another write`));
  }

  /** One UpdateItem returning the item as it is after it; `refused()` is thrown when its condition fails. */
  private async send(e: Expression, condition: string | undefined, refused: () => Error): Promise<LedgerEntry> {
    try {
      const { Attributes } = await dynamoDbOf(this.ctx).send(new UpdateItemCommand({
        TableName: this.table,
        Key: this.itemKey,
        UpdateExpression: e.text,
        ConditionExpression: condition,
        ExpressionAttributeNames: e.names,
        ExpressionAttributeValues: Object.keys(e.values).length > 0 ? e.values : undefined,
        ReturnValues: 'ALL_NEW',
      }));
      return this.seen(entryOf(Attributes));
    } catch (error) {
      if (isErrorCode(error, 'ConditionalCheckFailedException')) throw refused();
      throw error;
    }
  }

  private conditionOf(e: Expression, version: number, holder: Holder): string {
    const same = `${e.name(LEDGER.version)} = ${e.value({ N: String(version) })}`;
    if ('requestId' in holder) return `${same} AND ${e.name(LEDGER.requestId)} = ${e.value({ S: holder.requestId })}`;
    // A check holds the version only while no deploy is in flight (a request past its budget is over).
    return `${same} AND (attribute_not_exists(${e.name(LEDGER.requestId)}) OR ${e.name(LEDGER.requestUntil)} < ${e.value({ N: String(Date.now()) })})`;
  }

  /**
   * Start a deploy request: bump the version and hold it until `until` (epoch ms). Another
   * delivery of the same request (Lambda delivers at least once) finds it held and stands down
   * with DuplicateDeliveryError: the delivery that holds it works and answers.
   */
  public begin(requestId: string, until: number, continues = false): Promise<LedgerEntry> {
    const e = new Expression();
    const version = e.name(LEDGER.version);
    const held = e.name(LEDGER.requestId);
    e.raw(`${version} = if_not_exists(${version}, ${e.value({ N: '0' })}) + ${e.value({ N: '1' })}`)
      .set(LEDGER.requestId, { S: requestId })
      .set(LEDGER.requestUntil, { N: String(until) });
    const me = e.value({ S: requestId });
    // A request that answered already: a late delivery of any of its invocations.
    const unanswered = `NOT contains(${e.name(LEDGER.answered)}, ${me})`;
    if (continues) {
      // A hand-over of a request that stopped before it planned takes the hold again, whoever holds
      // it: the request may have held it before (a hop that began), or never (a hop that stopped
      // before it began, while an older request's hold still ran). Once the request answered, a late
      // delivery makes no write and no answer (a duplicate before the answer meets its hop's fence).
      return this.send(e, unanswered, () => new SupersededError(`Request ${requestId} answered already: this late delivery of one of its hand-overs neither writes nor answers`));
    }
    const free = `(attribute_not_exists(${held}) OR ${held} <> ${me} OR ${e.name(LEDGER.requestUntil)} < ${e.value({ N: String(Date.now()) })}) AND ${unanswered}`;
    return this.send(e, free, () => new DuplicateDeliveryError(`Another delivery of request ${requestId} holds ${this.key} or answered it: this one neither writes nor answers`));
  }

  /**
   * The fence of one write: a conditional write on the version, which names the write in flight
   * and, for a grant, records the account as shared before it is sent (write-ahead); a revoke's
   * fence also records the revokes done since the last fence (`unshared`, only with a revoke: one
   * expression cannot both ADD to and DELETE from a set). SupersededError when a newer request holds the object.
   */
  public fence(version: number, holder: Holder, step: { accountId: string; grant: boolean }, unshared: readonly string[] = []): Promise<LedgerEntry> {
    const e = new Expression()
      .set(LEDGER.inFlight, { S: `${step.grant ? '+' : '-'}${step.accountId}` })
      .set(LEDGER.fenceAt, { N: String(Date.now()) });
    if (step.grant) e.members('ADD', LEDGER.shared, [step.accountId]);
    else e.members('DELETE', LEDGER.shared, unshared);
    return this.update(e, { version, holder });
  }

  /** A fence with no account (a write of the whole state, Partner Central's). */
  public touch(version: number, holder: Holder): Promise<LedgerEntry> {
    return this.update(new Expression().set(LEDGER.fenceAt, { N: String(Date.now()) }), { version, holder });
  }

  /**
   * Record the outcome of writes: `unshared` leave the shared set, the write in flight is over,
   * and the owner, declaration and digest change as given. With `answer`, also end the request: bump the
   * version (so that no late delivery of its hand-overs writes again) and release it.
   */
  public async record(version: number, holder: Holder, change: LedgerChange): Promise<LedgerEntry> {
    const e = new Expression().members('DELETE', LEDGER.shared, change.unshared ?? []);
    if (change.settled) e.remove(LEDGER.inFlight);
    if (change.owner !== undefined) e.set(LEDGER.owner, { S: change.owner });
    if (change.declared) e.setOrNone(LEDGER.declared, change.declared, LEDGER.declaredNone);
    if (change.digest !== undefined) (change.digest === '' ? e.remove(LEDGER.digest) : e.set(LEDGER.digest, { S: change.digest }));
    if (change.previous === null) e.remove(LEDGER.previousOwner).remove(LEDGER.previousDeclared);
    if (change.previous) e.set(LEDGER.previousOwner, { S: change.previous.owner }).setOrNone(LEDGER.previousDeclared, change.previous.declared);
    // A request's writes have all answered when it answers (a check's when it ends): none is in flight.
    if (change.answer || change.quiet) e.remove(LEDGER.fenceAt);
    if (change.answer) {
      e.set(LEDGER.version, { N: String(version + 1) }).remove(LEDGER.requestId).remove(LEDGER.requestUntil);
      if ('requestId' in holder) e.set(LEDGER.answered, { L: this.answeredWith(holder.requestId).map(id => ({ S: id })) });
    }
    if (e.text === '') return this.read();
    return this.update(e, { version, holder });
  }

  /** The answered requests with `requestId` added last, the oldest dropped past ANSWERED_KEPT. */
  private answeredWith(requestId: string): string[] {
    const before = (Ledger.answered.get(`${this.table}/${this.key}`) ?? []).filter(id => id !== requestId);
    return [...before.slice(-(ANSWERED_KEPT - 1)), requestId];
  }

  /**
   * Settle the dirty accounts against what is in effect (`shared`, read after the fence window):
   * those shared stay in the ledger, the others leave it. Two writes at most (ADD and DELETE of
   * one set cannot share an expression).
   */
  public async recover(version: number, holder: Holder, dirty: ReadonlySet<string>, shared: ReadonlySet<string>): Promise<LedgerEntry> {
    const kept = [...dirty].filter(a => shared.has(a));
    if (kept.length > 0) await this.update(new Expression().members('ADD', LEDGER.shared, kept), { version, holder });
    const gone = [...dirty].filter(a => !shared.has(a));
    return this.update(new Expression().members('DELETE', LEDGER.shared, gone).remove(LEDGER.inFlight), { version, holder });
  }
}

/** What `Ledger.record` changes. */
export interface LedgerChange {
  /** The writes are over: none is in flight. */
  readonly settled?: boolean;
  readonly unshared?: readonly string[];
  readonly owner?: string;
  readonly declared?: readonly string[];
  /** The digest of the declaration deployed; '' removes it. */
  readonly digest?: string;
  /** A rename's takeover: the owner it took over from and what that one declared; null forgets it. */
  readonly previous?: { readonly owner: string; readonly declared: readonly string[] } | null;
  readonly answer?: boolean;
  /** The holder's writes have all answered: no newer request need wait for them. */
  readonly quiet?: boolean;
}

/** The ledger key of an object. */
export function ledgerKey(kind: 'image' | 'alias' | 'preferences', id: string): string {
  return `${kind}:${id}`;
}
