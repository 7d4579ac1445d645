/**
 * Input rules, each a pattern with what it means in words: the synth-time check (src/) and the
 * handler's check of resolved values (lambda/) test the same pattern and say the same thing.
 * Patterns and lengths are those of the services' Smithy models (WorkSpaces, Partner Central
 * Account), named after the model's shape. No aws-cdk-lib here.
 */

/** A pattern and what a value that follows it is, as an error says it ("must be …", "is not …"). */
export interface Rule {
  readonly pattern: RegExp;
  readonly means: string;
}

/** `WorkspaceImageId` in the WorkSpaces model. */
export const WORKSPACE_IMAGE_ID: Rule = { pattern: /^wsi-[0-9a-z]{9,63}$/, means: 'a WorkSpaces image ID' };

/** `AwsAccount` in the WorkSpaces model. */
export const AWS_ACCOUNT_ID: Rule = { pattern: /^\d{12}$/, means: 'a 12-digit AWS account ID' };

/** An organizational unit's ID: `OrganizationalUnitId` in the Organizations model. */
export const ORGANIZATIONAL_UNIT_ID: Rule = { pattern: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, means: 'an organizational unit ID (ou-…)' };

/** An organization's root ID: `RootId` in the Organizations model. */
export const ORGANIZATION_ROOT_ID: Rule = { pattern: /^r-[0-9a-z]{4,32}$/, means: 'an organization root ID (r-…)' };

/** What `organizationalUnitIds` holds: `ParentId` in the Organizations model, a unit or a root. */
export const ORGANIZATION_PARENT_ID: Rule = {
  pattern: /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/,
  means: 'an organizational unit ID (ou-…) or root ID (r-…)',
};

/** An IAM role's ARN, as `organizationsRole` gives it (`RoleArn` of STS AssumeRole, length 20-2048). */
export const IAM_ROLE_ARN: Rule = { pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, means: 'an IAM role ARN' };

/** `ConnectionAliasId` in the WorkSpaces model (length 13-68 follows from the pattern). */
export const CONNECTION_ALIAS_ID: Rule = { pattern: /^wsca-[0-9a-z]{8,63}$/, means: 'a WorkSpaces connection alias ID' };

/** `Catalog` in the Partner Central Account model (length 1-64). */
export const PARTNER_CATALOG: Rule = { pattern: /^[a-zA-Z0-9-]{1,64}$/, means: 'a Partner Central catalog such as AWS or Sandbox' };

/** `ParticipantIdentifier` in the Partner Central Account model (length 1-100). */
export const PARTICIPANT_ID: Rule = { pattern: /^[a-zA-Z0-9-]{1,100}$/, means: 'a Partner Central participant identifier' };

/** `ParticipantIdentifierList` holds at most this many unique identifiers. */
export const MAX_EXCLUDED_PARTICIPANTS = 100;

/** `WorkspaceImageName` and `WorkspaceBundleName` in the WorkSpaces model (length 1-64). */
export const WORKSPACE_NAME: Rule = { pattern: /^[a-zA-Z0-9_./()\\-]{1,64}$/, means: '1 to 64 letters, digits and _./()-' };

/** `WorkspaceImageDescription` in the WorkSpaces model (length 1-256). */
export const WORKSPACE_IMAGE_DESCRIPTION: Rule = { pattern: /^[a-zA-Z0-9_./() -]{1,256}$/, means: '1 to 256 letters, digits, spaces and _./()-' };

/** `WorkspaceBundleDescription` in the WorkSpaces model (length 1-255). */
export const WORKSPACE_BUNDLE_DESCRIPTION: Rule = { pattern: /^[a-zA-Z0-9_./() -]{1,255}$/, means: '1 to 255 letters, digits, spaces and _./()-' };

/** `BundleId` in the WorkSpaces model. */
export const WORKSPACE_BUNDLE_ID: Rule = { pattern: /^wsb-[0-9a-z]{8,63}$/, means: 'a WorkSpaces bundle ID' };

/**
 * `Region` in the WorkSpaces model (CopyWorkspaceImage's SourceRegion, length 1-31), whose pattern
 * `^[-0-9a-z]{1,31}$` lets `eu-west1` through: here the shape of a Region name too, a code of 2 to
 * 4 letters, one or more words and a number, joined by hyphens (eu-west-1, us-gov-west-1,
 * cn-northwest-1, us-isob-east-1, eusc-de-east-1).
 */
export const AWS_REGION: Rule = {
  pattern: /^(?=.{1,31}$)[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$/,
  means: 'a Region name: a code, one or more words and a number, joined by hyphens, such as eu-west-1',
};

/** `DirectoryId` in the WorkSpaces model (length 10-65 follows from the pattern). */
export const DIRECTORY_ID: Rule = { pattern: /^(d-[0-9a-f]{8,63}|wsd-[0-9a-z]{8,63})$/, means: 'a WorkSpaces directory ID' };

/**
 * The form of a compute type's API name: the handler checks it, so that a compute type newer than
 * this release (`ComputeType.of()`) reaches WorkSpaces, which checks the value itself.
 */
export const COMPUTE_TYPE_NAME: Rule = {
  pattern: /^[A-Z][A-Z0-9_]{0,63}$/,
  means: 'a WorkSpaces compute type\'s API name: upper-case letters, digits and underscores, such as GRAPHICS_G6_XLARGE',
};

/**
 * A volume size in GiB. The model types `RootStorage.Capacity` and `UserStorage.Capacity` as
 * non-empty strings; the sizes WorkSpaces accepts (and which root and user sizes combine) are
 * its own rule, which the handler reports as WorkSpaces answers it.
 */
export const STORAGE_GIB: Rule = { pattern: /^[1-9][0-9]{0,4}$/, means: 'a size in GiB' };

/** Whether a value follows a rule. */
export function follows(rule: Rule, value: unknown): value is string {
  return typeof value === 'string' && rule.pattern.test(value);
}

/** The value if it follows the rule, else undefined: old properties that break a rule never acted. */
export function ifFollows(rule: Rule, value: unknown): string | undefined {
  return follows(rule, value) ? value : undefined;
}

/** The handler's words for a property that breaks a rule. */
export function breaks(property: string, value: unknown, rule: Rule): string {
  return `${property} ${JSON.stringify(value)} is not ${rule.means} (${rule.pattern})`;
}

/** Values repeated in a list, each once, in first-seen order. */
export function duplicatesOf(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) repeated.add(value);
    seen.add(value);
  }
  return [...repeated];
}
