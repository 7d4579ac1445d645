import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { ComputeType } from './compute-type';
import { CREATED_BUNDLE_TAG } from './contract/ownership-tags';
import { attributeName, RESOURCE_TYPES } from './contract/resources';
import { WORKSPACE_BUNDLE_DESCRIPTION, WORKSPACE_IMAGE_ID, WORKSPACE_NAME } from './contract/rules';
import { BUNDLE_CALLS } from './contract/time-budget';
import { claimInApp } from './private/claims';
import { allowOwnershipReads, DESCRIBE_IMAGES, ShareGrants } from './private/share-grants';
import { checkRule, checkString, checkWholeNumber, requireProps, synthError } from './private/validate';
import { SharingConstructProps, SharingProvider } from './sharing-provider';

/** The largest volume the construct accepts, in GiB (the sizes WorkSpaces accepts are its own rule). */
const MAX_STORAGE_GIB = 10_000;

/**
 * Properties of a `WorkspaceBundle`.
 */
export interface WorkspaceBundleProps extends SharingConstructProps {
  /**
   * The ID of an image of the stack's account, in the stack's Region, such as
   * `WorkspaceImageCopy.imageId`.
   *
   * Changing it updates the bundle in place (`UpdateWorkspaceBundle`): the bundle ID stays, and
   * WorkSpaces built from the bundle keep their image until they are rebuilt.
   */
  readonly imageId: string;

  /**
   * The compute type of the bundle, such as `ComputeType.STANDARD`.
   *
   * Changing it makes a new bundle (a replacement), which needs a new `name` too.
   */
  readonly computeType: ComputeType;

  /**
   * The size of the root volume, in GiB.
   *
   * Changing it makes a new bundle (a replacement), which needs a new `name` too.
   *
   * @default - WorkSpaces' size for the image and compute type (the request names none)
   */
  readonly rootStorageGiB?: number;

  /**
   * The size of the user volume, in GiB.
   *
   * Changing it makes a new bundle (a replacement), which needs a new `name` too.
   *
   * @default 50
   */
  readonly userStorageGiB?: number;

  /**
   * The name of the bundle, unique among the bundles of the account and Region: 1 to 64 letters,
   * digits and `_./()-`.
   *
   * Changing it makes a new bundle (a replacement).
   */
  readonly name: string;

  /**
   * The description of the bundle: 1 to 255 letters, digits, spaces and `_./()-`.
   *
   * Changing it makes a new bundle (a replacement), which needs a new `name` too.
   *
   * @default 'Created by cdk-cross-account-sharing'
   */
  readonly description?: string;
}

/**
 * A WorkSpaces bundle built from an image of the account (for example a `WorkspaceImageCopy`),
 * whose `bundleId` a `CfnWorkspace` can use. Deleting the construct deletes the bundle, which
 * fails, with a Reason that says so, while WorkSpaces still use it.
 *
 * Backed by a `Custom::WorkspaceBundle` resource served by the stack's `SharingProvider`.
 *
 * @example
 * const bundle = new WorkspaceBundle(this, 'Bundle', {
 *   imageId: 'wsi-abc123def',
 *   computeType: ComputeType.STANDARD,
 *   userStorageGiB: 50,
 *   name: 'golden-bundle',
 * });
 * bundle.bundleId; // for CfnWorkspace's bundleId
 */
export class WorkspaceBundle extends Construct {
  /** The ID of the bundle (`Fn::GetAtt BundleId`), for `CfnWorkspace`. */
  public readonly bundleId: string;

  constructor(scope: Construct, id: string, props: WorkspaceBundleProps) {
    super(scope, id);
    requireProps(this, props, 'imageId, computeType and name');
    checkString(this, 'imageId', props.imageId);
    checkComputeType(this, props.computeType);
    checkString(this, 'name', props.name);
    checkString(this, 'description', props.description, true);
    checkRule(this, 'imageId', props.imageId, WORKSPACE_IMAGE_ID);
    checkWholeNumber(this, 'rootStorageGiB', props.rootStorageGiB, 1, MAX_STORAGE_GIB);
    checkWholeNumber(this, 'userStorageGiB', props.userStorageGiB, 1, MAX_STORAGE_GIB);
    checkRule(this, 'name', props.name, WORKSPACE_NAME);
    if (props.description !== undefined) {
      checkRule(this, 'description', props.description, WORKSPACE_BUNDLE_DESCRIPTION);
    }

    // Bundle names are unique in an account and Region: two bundles of one name would fail only at deploy.
    claimInApp(this, `bundle:${Stack.of(this).region}`, 'name', props.name,
      'bundle names are unique in an account and Region, so give each WorkspaceBundle of the account its own name', { verb: 'used', perAccount: true });
    const provider = SharingProvider._for(this, props.provider);
    const imagePolicy = grantBundle(this, provider._grants, props.imageId);
    const resource = provider._createResource(this, 'Resource', RESOURCE_TYPES.workspaceBundle, {
      ImageId: props.imageId,
      ComputeType: props.computeType.name,
      RootStorageGiB: props.rootStorageGiB,
      UserStorageGiB: props.userStorageGiB ?? 50,
      Name: props.name,
      Description: props.description ?? 'Created by cdk-cross-account-sharing',
    }, () => BUNDLE_CALLS);
    if (imagePolicy) resource.node.addDependency(imagePolicy);
    this.bundleId = resource.getAttString(attributeName(RESOURCE_TYPES.workspaceBundle, 'BundleId'));
  }
}

/** A compute type must be a `ComputeType` (plain JavaScript callers may pass anything). */
function checkComputeType(scope: IConstruct, computeType: unknown): void {
  if (!(computeType instanceof ComputeType)) {
    const hint = typeof computeType === 'string' ? `: write ComputeType.${computeType}, or ComputeType.of(${JSON.stringify(computeType)}) for a newer one` : '';
    throw synthError(scope, `computeType must be a ComputeType, such as ComputeType.STANDARD, got ${JSON.stringify(computeType) ?? 'nothing (undefined)'}${hint}`);
  }
}

/**
 * Let the handler create a bundle from one image of the stack's account, and delete the bundles
 * that carry the stack's ownership tag. An image ID that is a token (say a copy of the stack) is
 * granted in a policy of its own under `scope`, returned for the bundle to depend on: in the share
 * policy, on which every resource of the provider depends, it would make a cycle.
 */
function grantBundle(scope: Construct, grants: ShareGrants, imageId: string): iam.Policy | undefined {
  const wildcardReason = 'A bundle\'s ID is known only once CreateWorkspaceBundle made it: CreateWorkspaceBundle is allowed on the stack\'s '
    + 'bundles only with the stack\'s ownership tag in the request, CreateTags only on bundles that carry it or that this library created '
    + 'and nobody owns, and the delete only on bundles that carry it.';
  const create = ['workspaces:CreateWorkspaceBundle'];
  const anyBundle = grants.workspacesArn('workspacebundle', '*');
  grants.allow('bundle', create, [anyBundle], { conditions: grants.requestTaggedByStack(), wildcardReason });
  // Never the image: the account's own image could then be tagged as the stack's, and deleted by a copy's statement.
  grants.allowOwnershipTagWrites('workspacebundle', CREATED_BUNDLE_TAG, wildcardReason);
  // A new imageId updates the bundle in place, and DeleteTags settles a kept bundle's ownership: the bundle must carry the stack's tag; the image is named.
  grants.allow('bundle-delete', ['workspaces:DeleteWorkspaceBundle', 'workspaces:UpdateWorkspaceBundle', 'workspaces:DeleteTags'], [anyBundle],
    { conditions: grants.taggedByStack(), wildcardReason });
  grants.allow('bundle-tags', ['workspaces:DescribeTags'], [anyBundle], {
    wildcardReason: 'DescribeTags reads the ownership tags of a bundle of the stack\'s account found by the bundle\'s name, whose ID is not known at synth; it changes nothing.',
  });
  grants.allowDescribe({
    action: 'workspaces:DescribeWorkspaceBundles',
    reason: 'workspaces:DescribeWorkspaceBundles accepts only the "*" resource; it reads bundle state and changes nothing.',
  });
  grants.allowDescribe(DESCRIBE_IMAGES);
  allowOwnershipReads(grants);
  const image = grants.workspacesArn('workspaceimage', imageId);
  if (Token.isUnresolved(imageId)) {
    return new iam.Policy(scope, 'ImagePolicy', {
      roles: [grants.role],
      statements: [
        new iam.PolicyStatement({ actions: create, resources: [image], conditions: grants.requestTaggedByStack() }),
        new iam.PolicyStatement({ actions: ['workspaces:UpdateWorkspaceBundle'], resources: [image] }),
      ],
    });
  }
  grants.allow('bundle', create, [image]);
  grants.allow('bundle-image', ['workspaces:UpdateWorkspaceBundle'], [image]);
  return undefined;
}
