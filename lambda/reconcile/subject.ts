import type { Step } from './plan';
import type { RemovalPolicyValue } from '../../src/contract/values';
import type { ResourceContext, ResourceResult } from '../runtime/resource';

/**
 * What a resource module tells the engine about a share of one object with a set of accounts (an
 * image, an alias): everything that differs per resource type. The engine does the rest: the
 * ledger, the fences, the plan, pacing, hand-overs and the answer.
 */
export interface SetShareType<S extends Share> {
  /** The ledger's kind of object. */
  readonly kind: 'image' | 'alias';
  /** How a Reason names the object: "image", "connection alias". */
  readonly noun: string;
  /** The resource type, for the declaration's digest. */
  readonly resourceType: string;
  /** The property that lists the declared accounts literally (a rename's other declaration is read from it on items of older releases). */
  readonly listProperty: string;
  /** Check resolved properties before any call; throws InputError naming each bad value. */
  validate(properties: Record<string, unknown> | undefined, ownAccountId: string): S;
  /** The declared accounts, resolved (organizational units included), sorted. */
  declared(share: S, ctx: ResourceContext): Promise<string[]>;
  /** Accounts an older release may have shared for this declaration without a ledger: its literal list and its membership item. */
  legacy(share: S, stackId: string, logicalId: string, ctx: ResourceContext): Promise<string[]>;
  /** Before a deploy's first write: the object exists, is ready and may be shared as declared (waits, bounded, while it is not ready). */
  prepare(share: S, ctx: ResourceContext): Promise<void>;
  /** The accounts the object is shared with, every page; null when the object does not exist. */
  readEffect(objectId: string, ctx: ResourceContext): Promise<Set<string> | null>;
  /** Wait for the service's pace, so that the write that follows goes at once after its fence. */
  pace(ctx: ResourceContext): Promise<void>;
  /** One write, confirmed as the type confirms its writes; `signal` aborts it. */
  write(objectId: string, step: Step, ctx: ResourceContext, signal: AbortSignal): Promise<void>;
  /** The values the declaration's digest covers. */
  digestValues(share: S): readonly (string | readonly string[])[];
  /** The answer of a deploy that succeeded. */
  result(physicalResourceId: string, share: S, declaredCount: number): ResourceResult<any>;
}

/** What every share declares. */
export interface Share {
  readonly objectId: string;
  readonly removalPolicy: RemovalPolicyValue;
}
