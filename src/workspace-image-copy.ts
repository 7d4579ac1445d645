import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AWS_REGION, RESOURCE_TYPES, WORKSPACE_IMAGE_DESCRIPTION, WORKSPACE_IMAGE_ID, WORKSPACE_NAME } from './private/patterns';
import { IMAGE_COPY_CALLS, IMAGE_COPY_MIN_BUDGET_SECONDS } from './private/time-budget';
import { checkPattern, checkString, removalPolicyOf, requireProps } from './private/validate';
import { SharingConstructProps, SharingProvider } from './sharing-provider';

/**
 * Properties of a `WorkspaceImageCopy`.
 */
export interface WorkspaceImageCopyProps extends SharingConstructProps {
  /**
   * The ID of the image to copy, such as `wsi-abc123def`: an image another account shares with
   * the stack's account (a `SharedWorkspaceImage` in the owner's stack), or one of the account's
   * own images in another Region.
   *
   * Changing it makes a new copy (a replacement), which needs a new `name` too.
   */
  readonly sourceImageId: string;

  /**
   * The Region the source image is in.
   *
   * @default - the stack's Region
   */
  readonly sourceRegion?: string;

  /**
   * The name of the copy, unique among the images of the account and Region: 1 to 64 letters,
   * digits and `_./()-`.
   *
   * WorkSpaces cannot rename an image: changing it makes a new copy (a replacement).
   */
  readonly name: string;

  /**
   * The description of the copy: 1 to 256 letters, digits, spaces and `_./()-`.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * What deleting the construct, or its stack, or replacing the copy does to the copy.
   *
   * `RemovalPolicy.RETAIN` keeps the copy in the account; `RemovalPolicy.DESTROY` deletes it
   * (which fails, with a Reason that says so, while a bundle still uses it). Either way, a
   * Delete after a Create that failed deletes the copy that Create made.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Copies a WorkSpaces image that another account shares with this one (or an image of this
 * account in another Region) into the stack's account and Region, and waits until the copy is
 * `AVAILABLE`, so that a `WorkspaceBundle` can be built from it.
 *
 * Backed by a `Custom::WorkspaceImageCopy` resource served by the stack's `SharingProvider`,
 * with CloudFormation's longest time budget (one hour): a copy can stay `PENDING` for long.
 *
 * @example
 * const copy = new WorkspaceImageCopy(this, 'GoldenImageCopy', {
 *   sourceImageId: 'wsi-abc123def',
 *   name: 'golden-image',
 * });
 * new WorkspaceBundle(this, 'GoldenBundle', {
 *   imageId: copy.imageId,
 *   computeType: ComputeType.STANDARD,
 *   name: 'golden-bundle',
 * });
 */
export class WorkspaceImageCopy extends Construct {
  /** The ID of the copy (`Fn::GetAtt ImageId`), for a `WorkspaceBundle`. */
  public readonly imageId: string;

  constructor(scope: Construct, id: string, props: WorkspaceImageCopyProps) {
    super(scope, id);
    requireProps(this, props, 'sourceImageId and name');
    checkString(this, 'sourceImageId', props.sourceImageId);
    checkString(this, 'sourceRegion', props.sourceRegion, true);
    checkString(this, 'name', props.name);
    checkString(this, 'description', props.description, true);
    checkPattern(this, 'sourceImageId', props.sourceImageId, WORKSPACE_IMAGE_ID, 'a WorkSpaces image ID');
    if (props.sourceRegion !== undefined) checkPattern(this, 'sourceRegion', props.sourceRegion, AWS_REGION, 'a Region name, such as eu-west-1');
    checkPattern(this, 'name', props.name, WORKSPACE_NAME, '1 to 64 letters, digits and _./()-');
    if (props.description !== undefined) {
      checkPattern(this, 'description', props.description, WORKSPACE_IMAGE_DESCRIPTION, '1 to 256 letters, digits, spaces and _./()-');
    }
    const removalPolicy = removalPolicyOf(this, props.removalPolicy, RemovalPolicy.RETAIN, 'an image copy is either kept or deleted');
    const sourceRegion = props.sourceRegion ?? Stack.of(this).region;

    const provider = SharingProvider._for(this, props.provider);
    provider._grantImageCopy(props.sourceImageId, sourceRegion);
    const resource = provider._createResource(this, 'Resource', RESOURCE_TYPES.workspaceImageCopy, {
      SourceImageId: props.sourceImageId,
      SourceRegion: sourceRegion,
      Name: props.name,
      Description: props.description,
      RemovalPolicy: removalPolicy,
    }, () => IMAGE_COPY_CALLS, IMAGE_COPY_MIN_BUDGET_SECONDS);
    this.node.defaultChild = resource;
    this.imageId = resource.getAttString('ImageId');
  }
}
