/**
 * The wire contract between the constructs (src/) and the handler (lambda/): the custom resource
 * types, the properties each construct writes and the attributes each handler answers. Both sides
 * import these names and types, so that a property or attribute renamed on one side fails to
 * compile on the other. No aws-cdk-lib here (eslint keeps it so): the handler bundles this module.
 */
import type { RemovalPolicyValue } from './values';

/** The custom resource types, part of the library's contract: never rename them. */
export const RESOURCE_TYPES = {
  sharedWorkspaceImage: 'Custom::SharedWorkspaceImage',
  sharedConnectionAlias: 'Custom::SharedConnectionAlias',
  partnerConnectionPreferences: 'Custom::PartnerConnectionPreferences',
  workspaceImageCopy: 'Custom::WorkspaceImageCopy',
  workspaceBundle: 'Custom::WorkspaceBundle',
  connectionAliasAssociation: 'Custom::ConnectionAliasAssociation',
} as const;

/** One of the custom resource types. */
export type ResourceType = typeof RESOURCE_TYPES[keyof typeof RESOURCE_TYPES];

/** What a `Custom::SharedWorkspaceImage` declares. */
export interface SharedWorkspaceImageProperties {
  readonly ImageId: string;
  readonly AccountIds: string[];
  /** Organizational units and roots whose ACTIVE accounts (nested units included) are shared too. */
  readonly OrganizationalUnitIds?: string[];
  /** Accounts never shared, even inside a unit. */
  readonly ExcludedAccountIds?: string[];
  /** The role the handler assumes to read the organization; absent: its own role reads it. */
  readonly OrganizationsRoleArn?: string;
  /** With units: the DynamoDB table that remembers which accounts this resource shared. */
  readonly MembershipTable?: string;
  readonly RemovalPolicy: RemovalPolicyValue;
  /** Present (true) when the construct has a drift check: the handler records the declaration it deploys (see drift.ts). */
  readonly DriftCheck?: boolean;
}

/** What a `Custom::SharedConnectionAlias` declares. */
export interface SharedConnectionAliasProperties {
  readonly AliasId: string;
  readonly AccountId: string;
  readonly RemovalPolicy: RemovalPolicyValue;
  /** Present (true) when the construct has a drift check: the handler records the declaration it deploys (see drift.ts). */
  readonly DriftCheck?: boolean;
}

/** What a `Custom::PartnerConnectionPreferences` declares. */
export interface PartnerConnectionPreferencesProperties {
  readonly Catalog: string;
  readonly AccessType: string;
  readonly ExcludedParticipantIds: string[];
  readonly RemovalPolicy: RemovalPolicyValue;
  /** Present (true) when the construct has a drift check: the handler records the declaration it deploys (see drift.ts). */
  readonly DriftCheck?: boolean;
}

/** What a `Custom::WorkspaceImageCopy` declares. */
export interface WorkspaceImageCopyProperties {
  readonly SourceImageId: string;
  readonly SourceRegion: string;
  readonly Name: string;
  readonly Description?: string;
  readonly RemovalPolicy: RemovalPolicyValue;
}

/** What a `Custom::WorkspaceBundle` declares. */
export interface WorkspaceBundleProperties {
  readonly ImageId: string;
  readonly ComputeType: string;
  readonly RootStorageGiB?: number;
  readonly UserStorageGiB: number;
  readonly Name: string;
  readonly Description: string;
}

/** What a `Custom::ConnectionAliasAssociation` declares. */
export interface ConnectionAliasAssociationProperties {
  readonly AliasId: string;
  readonly DirectoryId: string;
}

/** The properties of each resource type, as the construct writes them (besides the time budget, time-budget.ts). */
export interface PropertiesByType {
  [RESOURCE_TYPES.sharedWorkspaceImage]: SharedWorkspaceImageProperties;
  [RESOURCE_TYPES.sharedConnectionAlias]: SharedConnectionAliasProperties;
  [RESOURCE_TYPES.partnerConnectionPreferences]: PartnerConnectionPreferencesProperties;
  [RESOURCE_TYPES.workspaceImageCopy]: WorkspaceImageCopyProperties;
  [RESOURCE_TYPES.workspaceBundle]: WorkspaceBundleProperties;
  [RESOURCE_TYPES.connectionAliasAssociation]: ConnectionAliasAssociationProperties;
}

/** What a `Custom::SharedWorkspaceImage` answers (`Fn::GetAtt`). */
export interface SharedWorkspaceImageAttributes { readonly ImageId: string; readonly SharedAccountCount: number }
/** What a `Custom::SharedConnectionAlias` answers. */
export interface SharedConnectionAliasAttributes { readonly AliasId: string; readonly SharedAccountId: string }
/** What a `Custom::PartnerConnectionPreferences` answers. */
export interface PartnerConnectionPreferencesAttributes { readonly Revision: string; readonly Arn: string }
/** What a `Custom::WorkspaceImageCopy` answers. */
export interface WorkspaceImageCopyAttributes { readonly ImageId: string }
/** What a `Custom::WorkspaceBundle` answers. */
export interface WorkspaceBundleAttributes { readonly BundleId: string }
/** What a `Custom::ConnectionAliasAssociation` answers. */
export interface ConnectionAliasAssociationAttributes {
  readonly AliasId: string;
  readonly DirectoryId: string;
  readonly ConnectionIdentifier: string;
}

/** The attributes each resource type's handler answers: a few short values, never lists that grow with the input. */
export interface AttributesByType {
  [RESOURCE_TYPES.sharedWorkspaceImage]: SharedWorkspaceImageAttributes;
  [RESOURCE_TYPES.sharedConnectionAlias]: SharedConnectionAliasAttributes;
  [RESOURCE_TYPES.partnerConnectionPreferences]: PartnerConnectionPreferencesAttributes;
  [RESOURCE_TYPES.workspaceImageCopy]: WorkspaceImageCopyAttributes;
  [RESOURCE_TYPES.workspaceBundle]: WorkspaceBundleAttributes;
  [RESOURCE_TYPES.connectionAliasAssociation]: ConnectionAliasAssociationAttributes;
}

/**
 * Properties as the handler receives them: any member may be missing or of another type (an old
 * release's resource, a hand-written template), and CloudFormation sends numbers as strings.
 */
export type Received<P> = { readonly [K in keyof P]?: unknown };

/** A request's properties (or old properties), read by the names its resource type's properties have. */
export function received<P>(properties: object | undefined): Received<P> {
  return (properties ?? {}) as Received<P>;
}

/** The name of an attribute of a resource type, checked against what its handler answers. */
export function attributeName<T extends ResourceType>(_type: T, name: keyof AttributesByType[T] & string): string {
  return name;
}
