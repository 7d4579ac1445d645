import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { CallGuard } from './call-guard';
import { InputError } from './errors';
import type { Progress } from './progress';
import type { AttributesByType, ResourceType } from '../../src/contract/resources';

/** What a resource handler gets besides the event. */
export interface ResourceContext extends CallGuard {
  readonly progress: Progress;
  /** The account the function runs in: the owner of the shared resources. */
  readonly accountId: string;
  /**
   * Name the physical ID as soon as the input is valid, so that a failed Create reports the real
   * one and CloudFormation's Delete addresses what the Create began.
   */
  physicalResourceIdOnFailure?: string;
  /** Whether this invocation goes on with a request an earlier invocation handed over. */
  readonly continues?: boolean;
  /** What asks: a CloudFormation request's type, or undefined for a drift check (words of a Reason: "then delete again"). */
  readonly requestType?: 'Create' | 'Update' | 'Delete';
  /** The checkpoint an earlier invocation of the same request handed over, when this one goes on with it. */
  readonly resumeFrom?: Checkpoint;
  /**
   * How far this invocation got, kept up to date by the resource handler: what a new invocation
   * needs to go on without redoing work. Without one, a new invocation starts the request over.
   */
  checkpoint?: Checkpoint;
}

/** A resource handler's note of its progress: small, JSON, and only about the one request. */
export type Checkpoint = Readonly<Record<string, string | number | boolean>>;

/** What a resource handler returns when it succeeds; `A`, the attributes of its resource type. */
export interface ResourceResult<A = Record<string, string | number>> {
  readonly physicalResourceId: string;
  /** Attributes for Fn::GetAtt: a few short values, never lists that grow with the input. */
  readonly data?: A;
  /** Extra facts for the log line of the action (never secrets). */
  readonly log?: Record<string, unknown>;
}

/** The handler of resource type `T`: its answer carries the attributes the wire contract names for `T`. */
export type ResourceHandler<T extends ResourceType> =
  (event: CloudFormationCustomResourceEvent, context: ResourceContext) => Promise<ResourceResult<AttributesByType[T]>>;

/** One handler for every resource type: a type without one fails to compile. */
export type ResourceHandlers = { readonly [T in ResourceType]: ResourceHandler<T> };

/**
 * A Delete's properties when they pass the rules, else undefined. Create and Update check the
 * same rules before any API call, so properties that break them never changed anything: a
 * Delete that carries them has nothing to undo.
 */
export function validForDelete<T>(validate: () => T): T | undefined {
  try {
    return validate();
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
}

/** The answer of a Delete whose properties break the rules: success, with no call made. */
export const NOTHING_TO_UNDO = { skipped: 'the properties break the rules, so no Create or Update acted on them' };
