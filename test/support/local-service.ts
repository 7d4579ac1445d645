/** An error the local endpoint answers with, shaped as the service's Smithy model says. */
export class AwsError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status = 400,
    public readonly members: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * One operation of a local service: takes the JSON input and the calling account (from the
 * request's access key, see LocalAwsEndpoint.addAccount), returns the JSON output or throws AwsError.
 */
export type Operation = (input: Record<string, any>, caller: string) => Record<string, unknown>;

/** A service the local endpoint speaks: its X-Amz-Target prefix, protocol and operations. */
export interface LocalService {
  /** The prefix of `X-Amz-Target`, e.g. `WorkspacesService`. */
  readonly targetPrefix: string;
  /** `application/x-amz-json-1.1` for WorkSpaces, `1.0` for Partner Central Account. */
  readonly contentType: string;
  /** The casing of the message member in the service's errors (`message` or `Message`). */
  readonly messageMember: 'message' | 'Message';
  readonly operations: Record<string, Operation>;
}

/** Paging as the Describe* operations do it: an opaque token that carries the offset. */
export function page<T>(items: readonly T[], input: { NextToken?: string; MaxResults?: number }, limit = 25, limitMember = 'MaxResults'): { items: T[]; NextToken?: string } {
  const max = input.MaxResults ?? limit;
  if (!Number.isInteger(max) || max < 1 || max > limit) {
    throw new AwsError('InvalidParameterValuesException', `${limitMember} must be between 1 and ${limit}`);
  }
  let offset = 0;
  if (input.NextToken !== undefined) {
    offset = Number(Buffer.from(String(input.NextToken), 'base64').toString('utf8').replace(/^offset:/, ''));
    if (!Number.isInteger(offset) || offset < 0) throw new AwsError('InvalidParameterValuesException', 'The NextToken is not valid');
  }
  const slice = items.slice(offset, offset + max);
  const next = offset + max < items.length ? Buffer.from(`offset:${offset + max}`).toString('base64') : undefined;
  return { items: slice, NextToken: next };
}

/**
 * A service the local endpoint speaks in the awsQuery protocol (CloudFormation): a form-encoded
 * POST with `Action` and `Version`, answered in XML. Found by the SigV4 signing name in the
 * request's credential scope, or else by its Action.
 */
export interface LocalQueryService {
  /** The signing name in the credential scope, e.g. `cloudformation`. */
  readonly signingName: string;
  /** The API version the requests carry, e.g. `2010-05-15`. */
  readonly version: string;
  /** The namespace of the XML answers. */
  readonly xmlNamespace: string;
  /** Operations by Action: the input is the decoded form, the output is turned into XML. */
  readonly operations: Record<string, Operation>;
}
