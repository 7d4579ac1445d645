import { AwsError, LocalService } from './local-service';

const CATALOG = /^[a-zA-Z0-9-]{1,64}$/;
const PARTICIPANT_ID = /^[a-zA-Z0-9-]{1,100}$/;
const ACCESS_TYPES = ['ALLOW_ALL', 'DENY_ALL', 'ALLOW_BY_DEFAULT_DENY_SOME'];

/** The connection preferences of one catalog, as the local Partner Central keeps them. */
export interface ConnectionPreferencesState {
  readonly AccessType: string;
  readonly ExcludedParticipantIds: string[];
  readonly Revision: number;
  readonly UpdatedAt: string;
}

/** Options of preferences seeded into the local Partner Central. */
export interface SeedPreferences {
  /** @default 'ALLOW_ALL' */
  readonly accessType?: string;
  /** @default [] */
  readonly excludedParticipantIds?: string[];
  /** @default 1 */
  readonly revision?: number;
}

/** How the next writes fail. */
export type WriteFailure =
  | { readonly kind: 'conflict'; readonly reason: string }
  | { readonly kind: 'business-validation'; readonly code: string; readonly message?: string }
  | { readonly kind: 'field-validation'; readonly name: string; readonly code: string; readonly message?: string };

interface FieldError {
  readonly Name: string;
  readonly Code: string;
  readonly Message: string;
}

function catalogErrors(input: Record<string, any>): FieldError[] {
  if (input.Catalog === undefined) return [{ Name: 'Catalog', Code: 'REQUIRED_FIELD_MISSING', Message: 'Catalog is required' }];
  if (typeof input.Catalog !== 'string' || !CATALOG.test(input.Catalog)) {
    return [{ Name: 'Catalog', Code: 'INVALID_STRING_FORMAT', Message: `Catalog must match ${CATALOG}` }];
  }
  return [];
}

function validationError(errors: FieldError[]): AwsError {
  return new AwsError('ValidationException', 'The request failed validation', 400, {
    Reason: 'REQUEST_VALIDATION_FAILED',
    // ValidationError is a union: on the wire, an object with the one member that is set.
    ErrorDetails: errors.map(e => ({ FieldValidationError: e })),
  });
}

function updateErrors(input: Record<string, any>): FieldError[] {
  const errors = catalogErrors(input);
  if (input.Revision === undefined) {
    errors.push({ Name: 'Revision', Code: 'REQUIRED_FIELD_MISSING', Message: 'Revision is required' });
  } else if (typeof input.Revision !== 'number' || !Number.isInteger(input.Revision)) {
    // A long: the awsJson protocol sends it as a JSON number.
    errors.push({ Name: 'Revision', Code: 'INVALID_VALUE', Message: 'Revision must be a long' });
  }
  if (input.AccessType === undefined) {
    errors.push({ Name: 'AccessType', Code: 'REQUIRED_FIELD_MISSING', Message: 'AccessType is required' });
  } else if (!ACCESS_TYPES.includes(input.AccessType)) {
    errors.push({ Name: 'AccessType', Code: 'INVALID_ENUM_VALUE', Message: `AccessType must be one of ${ACCESS_TYPES.join(', ')}` });
  }
  const ids = input.ExcludedParticipantIdentifiers;
  if (ids !== undefined) {
    if (!Array.isArray(ids)) {
      errors.push({ Name: 'ExcludedParticipantIdentifiers', Code: 'INVALID_VALUE', Message: 'ExcludedParticipantIdentifiers must be a list' });
    } else {
      if (ids.length > 100) errors.push({ Name: 'ExcludedParticipantIdentifiers', Code: 'TOO_MANY_VALUES', Message: 'At most 100 participant identifiers' });
      if (new Set(ids).size !== ids.length) errors.push({ Name: 'ExcludedParticipantIdentifiers', Code: 'DUPLICATE_VALUE', Message: 'Participant identifiers must be unique' });
      if (ids.some(id => typeof id !== 'string' || !PARTICIPANT_ID.test(id))) {
        errors.push({ Name: 'ExcludedParticipantIdentifiers', Code: 'INVALID_STRING_FORMAT', Message: `Participant identifiers must match ${PARTICIPANT_ID}` });
      }
    }
  }
  return errors;
}

/**
 * A stateful stand-in for the connection-preferences operations of Partner Central Account
 * (awsJson1_0, target prefix `PartnerCentralAccount`), with the members, errors and HTTP codes of
 * the Partner Central Account Smithy model (aws/api-models-aws, models/partnercentral-account).
 *
 * UNVERIFIED behaviours it picks: a catalog never configured answers ALLOW_ALL with no
 * exclusions at revision 1; any catalog matching the model's pattern exists (the real service
 * likely knows only AWS and Sandbox); every successful write adds 1 to the revision, even one
 * that changes nothing; exclusions are stored whatever the AccessType; ErrorDetails name fields
 * by their member name.
 */
export class PartnerCentralPreferences {
  /**
   * Whether TagResource, ListTagsForResource and UntagResource accept a connection-preferences
   * ARN: the model's TaggableResourceArn pattern admits it, but whether the service does is
   * UNVERIFIED. When false they answer ValidationException for it, as a service that does not
   * support tags on that resource type plausibly would.
   */
  public preferencesTaggable = true;
  private readonly catalogs = new Map<string, ConnectionPreferencesState>();
  private readonly tags = new Map<string, Map<string, string>>();
  private readonly writeFailures: WriteFailure[] = [];
  private changesAfterRead = 0;

  constructor(private readonly accountId: string) {}

  /** Set the preferences of a catalog, as if configured before the deploy. */
  public seed(catalog: string, seed: SeedPreferences = {}): void {
    this.catalogs.set(catalog, {
      AccessType: seed.accessType ?? 'ALLOW_ALL',
      ExcludedParticipantIds: [...(seed.excludedParticipantIds ?? [])],
      Revision: seed.revision ?? 1,
      UpdatedAt: new Date().toISOString(),
    });
  }

  /** The preferences of a catalog now (the default ones if never written). */
  public preferencesOf(catalog: string): ConnectionPreferencesState {
    const state = this.state(catalog);
    return { ...state, ExcludedParticipantIds: [...state.ExcludedParticipantIds] };
  }

  /** The ARN of the preferences of a catalog. */
  public arnOf(catalog: string): string {
    return `arn:aws:partnercentral:us-east-1:${this.accountId}:catalog/${catalog}/connection-preferences`;
  }

  /** The tags of a resource ARN, as a plain object. */
  public tagsOf(arn: string): Record<string, string> {
    return Object.fromEntries(this.tags.get(arn) ?? []);
  }

  /** The tags of an ARN the tag operations accept, else ValidationException (see `preferencesTaggable`). */
  private taggable(arn: unknown): Map<string, string> {
    const match = typeof arn === 'string' ? /^arn:aws:partnercentral:us-east-1:(\d{12}):catalog\/([a-zA-Z0-9-]+)\/connection-preferences$/.exec(arn) : null;
    if (!match || match[1] !== this.accountId || !this.preferencesTaggable) {
      throw validationError([{ Name: 'ResourceArn', Code: 'INVALID_VALUE', Message: `${String(arn)} is not a taggable resource` }]);
    }
    let tags = this.tags.get(arn as string);
    if (!tags) {
      tags = new Map();
      this.tags.set(arn as string, tags);
    }
    return tags;
  }

  /** Make the next `count` UpdateConnectionPreferences calls fail as `failure` says. */
  public failNextWrites(count: number, failure: WriteFailure): void {
    for (let i = 0; i < count; i++) this.writeFailures.push(failure);
  }

  /**
   * After each of the next `count` GetConnectionPreferences calls, move the revision on, as
   * another editor writing between the read and the write would: the next Update is stale.
   */
  public changeBetweenReadAndWrite(count: number): void {
    this.changesAfterRead = count;
  }

  /** Another editor writes now: the revision moves on (the content stays). */
  public bumpRevision(catalog: string): void {
    const state = this.state(catalog);
    this.catalogs.set(catalog, { ...state, Revision: state.Revision + 1, UpdatedAt: new Date().toISOString() });
  }

  private state(catalog: string): ConnectionPreferencesState {
    let state = this.catalogs.get(catalog);
    if (!state) {
      state = { AccessType: 'ALLOW_ALL', ExcludedParticipantIds: [], Revision: 1, UpdatedAt: new Date(0).toISOString() };
      this.catalogs.set(catalog, state);
    }
    return state;
  }

  private output(catalog: string): Record<string, unknown> {
    const state = this.state(catalog);
    return {
      Catalog: catalog,
      Arn: this.arnOf(catalog),
      AccessType: state.AccessType,
      ExcludedParticipantIds: [...state.ExcludedParticipantIds],
      UpdatedAt: state.UpdatedAt,
      Revision: state.Revision,
    };
  }

  public service(): LocalService {
    return {
      targetPrefix: 'PartnerCentralAccount',
      contentType: 'application/x-amz-json-1.0',
      messageMember: 'Message',
      operations: {
        GetConnectionPreferences: input => {
          const errors = catalogErrors(input);
          if (errors.length > 0) throw validationError(errors);
          const output = this.output(input.Catalog);
          if (this.changesAfterRead > 0) {
            this.changesAfterRead -= 1;
            this.bumpRevision(input.Catalog);
          }
          return output;
        },
        UpdateConnectionPreferences: input => {
          const errors = updateErrors(input);
          if (errors.length > 0) throw validationError(errors);
          const failure = this.writeFailures.shift();
          if (failure?.kind === 'conflict') {
            throw new AwsError('ConflictException', `The request conflicts with the current state (${failure.reason})`, 409, { Reason: failure.reason });
          }
          if (failure?.kind === 'business-validation') {
            throw new AwsError('ValidationException', failure.message ?? 'The request breaks a business rule', 400, {
              Reason: 'BUSINESS_VALIDATION_FAILED',
              ErrorDetails: [{ BusinessValidationError: { Code: failure.code, Message: failure.message ?? `Business rule ${failure.code} failed` } }],
            });
          }
          if (failure?.kind === 'field-validation') {
            throw validationError([{ Name: failure.name, Code: failure.code, Message: failure.message ?? `${failure.name} is not valid` }]);
          }
          const state = this.state(input.Catalog);
          if (input.Revision !== state.Revision) {
            throw new AwsError('ConflictException', `Revision ${input.Revision} is not the current revision of the connection preferences`, 409, {
              Reason: 'INCOMPATIBLE_CONNECTION_PREFERENCES_REVISION',
            });
          }
          this.catalogs.set(input.Catalog, {
            AccessType: input.AccessType,
            ExcludedParticipantIds: [...(input.ExcludedParticipantIdentifiers ?? [])],
            Revision: state.Revision + 1,
            UpdatedAt: new Date().toISOString(),
          });
          return this.output(input.Catalog);
        },
        TagResource: input => {
          const tags = this.taggable(input.ResourceArn);
          for (const tag of input.Tags ?? []) tags.set(tag.Key, tag.Value);
          return {};
        },
        ListTagsForResource: input => {
          const tags = this.taggable(input.ResourceArn);
          return { ResourceArn: input.ResourceArn, Tags: [...tags].map(([Key, Value]) => ({ Key, Value })) };
        },
        UntagResource: input => {
          const tags = this.taggable(input.ResourceArn);
          for (const key of input.TagKeys ?? []) tags.delete(key);
          return {};
        },
      },
    };
  }
}
