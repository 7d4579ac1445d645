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

/** The custom resource types, part of the library's contract: never rename them. */
export const RESOURCE_TYPES = {
  workspaceImage: 'Custom::SharedWorkspaceImage',
  connectionAlias: 'Custom::SharedConnectionAlias',
  partnerConnectionPreferences: 'Custom::PartnerConnectionPreferences',
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
