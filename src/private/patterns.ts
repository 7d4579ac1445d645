/**
 * Input rules shared by synth-time validation (src/) and the handler (lambda/),
 * taken from the Smithy models in shared/aws-models. One definition, two checks.
 */

/** `WorkspaceImageId` in the WorkSpaces model. */
export const WORKSPACE_IMAGE_ID = /^wsi-[0-9a-z]{9,63}$/;

/** `AwsAccount` in the WorkSpaces model. */
export const AWS_ACCOUNT_ID = /^\d{12}$/;

/** `ConnectionAliasId` in the WorkSpaces model (length 13-68 follows from the pattern). */
export const CONNECTION_ALIAS_ID = /^wsca-[0-9a-z]{8,63}$/;

/** `Catalog` in the Partner Central Account model (length 1-64). */
export const PARTNER_CATALOG = /^[a-zA-Z0-9-]{1,64}$/;

/** `ParticipantIdentifier` in the Partner Central Account model (length 1-100). */
export const PARTICIPANT_ID = /^[a-zA-Z0-9-]{1,100}$/;

/** `ParticipantIdentifierList` holds at most this many unique identifiers. */
export const MAX_EXCLUDED_PARTICIPANTS = 100;

/** `WorkspaceImageName` and `WorkspaceBundleName` in the WorkSpaces model (length 1-64). */
export const WORKSPACE_NAME = /^[a-zA-Z0-9_./()\\-]{1,64}$/;

/** `WorkspaceImageDescription` in the WorkSpaces model (length 1-256). */
export const WORKSPACE_IMAGE_DESCRIPTION = /^[a-zA-Z0-9_./() -]{1,256}$/;

/** `WorkspaceBundleDescription` in the WorkSpaces model (length 1-255). */
export const WORKSPACE_BUNDLE_DESCRIPTION = /^[a-zA-Z0-9_./() -]{1,255}$/;

/** `BundleId` in the WorkSpaces model. */
export const WORKSPACE_BUNDLE_ID = /^wsb-[0-9a-z]{8,63}$/;

/** `Region` in the WorkSpaces model (CopyWorkspaceImage's SourceRegion, length 1-31). */
export const AWS_REGION = /^[-0-9a-z]{1,31}$/;

/** `DirectoryId` in the WorkSpaces model (length 10-65 follows from the pattern). */
export const DIRECTORY_ID = /^(d-[0-9a-f]{8,63}|wsd-[0-9a-z]{8,63})$/;

/**
 * The form of a compute type's API name: the handler checks it, so that a compute type newer than
 * this release (`ComputeType.of()`) reaches WorkSpaces, which checks the value itself.
 */
export const COMPUTE_TYPE_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * A volume size in GiB. The model types `RootStorage.Capacity` and `UserStorage.Capacity` as
 * non-empty strings; the sizes WorkSpaces accepts (and which root and user sizes combine) are
 * its own rule, which the handler reports as WorkSpaces answers it.
 */
export const STORAGE_GIB = /^[1-9][0-9]{0,4}$/;

/**
 * The ownership tag that names the owning stack (lambda/resources/ownership.ts writes it): the
 * receiving side's IAM statements test it in their conditions.
 */
export const OWNER_STACK_TAG = 'cdk-cross-account-sharing:owner-stack';

/** The custom resource types, part of the library's contract: never rename them. */
export const RESOURCE_TYPES = {
  workspaceImage: 'Custom::SharedWorkspaceImage',
  connectionAlias: 'Custom::SharedConnectionAlias',
  partnerConnectionPreferences: 'Custom::PartnerConnectionPreferences',
  workspaceImageCopy: 'Custom::WorkspaceImageCopy',
  workspaceBundle: 'Custom::WorkspaceBundle',
  connectionAliasAssociation: 'Custom::ConnectionAliasAssociation',
} as const;

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
