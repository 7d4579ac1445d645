import { Construct, IConstruct } from 'constructs';
import { ComputeType } from './compute-type';
import { RESOURCE_TYPES, WORKSPACE_BUNDLE_DESCRIPTION, WORKSPACE_IMAGE_ID, WORKSPACE_NAME } from './private/patterns';
import { BUNDLE_CALLS } from './private/time-budget';
import { checkPattern, checkString, checkWholeNumber, requireProps, synthError } from './private/validate';
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
    checkPattern(this, 'imageId', props.imageId, WORKSPACE_IMAGE_ID, 'a WorkSpaces image ID');
    checkWholeNumber(this, 'rootStorageGiB', props.rootStorageGiB, 1, MAX_STORAGE_GIB);
    checkWholeNumber(this, 'userStorageGiB', props.userStorageGiB, 1, MAX_STORAGE_GIB);
    checkPattern(this, 'name', props.name, WORKSPACE_NAME, '1 to 64 letters, digits and _./()-');
    if (props.description !== undefined) {
      checkPattern(this, 'description', props.description, WORKSPACE_BUNDLE_DESCRIPTION, '1 to 255 letters, digits, spaces and _./()-');
    }

    const provider = SharingProvider._for(this, props.provider);
    const imagePolicy = provider._grantBundle(this, props.imageId);
    const resource = provider._createResource(this, 'Resource', RESOURCE_TYPES.workspaceBundle, {
      ImageId: props.imageId,
      ComputeType: props.computeType.name,
      RootStorageGiB: props.rootStorageGiB,
      UserStorageGiB: props.userStorageGiB ?? 50,
      Name: props.name,
      Description: props.description ?? 'Created by cdk-cross-account-sharing',
    }, () => BUNDLE_CALLS);
    if (imagePolicy) resource.node.addDependency(imagePolicy);
    this.node.defaultChild = resource;
    this.bundleId = resource.getAttString('BundleId');
  }
}

/** A compute type must be a `ComputeType` (plain JavaScript callers may pass anything). */
function checkComputeType(scope: IConstruct, computeType: unknown): void {
  if (!(computeType instanceof ComputeType)) {
    const hint = typeof computeType === 'string' ? `: write ComputeType.${computeType}, or ComputeType.of(${JSON.stringify(computeType)}) for a newer one` : '';
    throw synthError(scope, `computeType must be a ComputeType, such as ComputeType.STANDARD, got ${JSON.stringify(computeType) ?? 'nothing (undefined)'}${hint}`);
  }
}
