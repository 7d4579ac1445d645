import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SOURCE_IMAGE_TAG } from './contract/ownership-tags';
import { attributeName, RESOURCE_TYPES } from './contract/resources';
import { AWS_REGION, WORKSPACE_IMAGE_DESCRIPTION, WORKSPACE_IMAGE_ID, WORKSPACE_NAME } from './contract/rules';
import { IMAGE_COPY_CALLS, IMAGE_COPY_MIN_BUDGET_SECONDS } from './contract/time-budget';
import { claimInApp } from './private/claims';
import { allowOwnershipReads, DESCRIBE_IMAGES, ShareGrants } from './private/share-grants';
import { checkRule, checkString, removalPolicyOf, requireProps } from './private/validate';
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
    checkRule(this, 'sourceImageId', props.sourceImageId, WORKSPACE_IMAGE_ID);
    if (props.sourceRegion !== undefined) checkRule(this, 'sourceRegion', props.sourceRegion, AWS_REGION);
    checkRule(this, 'name', props.name, WORKSPACE_NAME);
    if (props.description !== undefined) {
      checkRule(this, 'description', props.description, WORKSPACE_IMAGE_DESCRIPTION);
    }
    const removalPolicy = removalPolicyOf(this, props.removalPolicy, RemovalPolicy.RETAIN, 'an image copy is either kept or deleted');
    const sourceRegion = props.sourceRegion ?? Stack.of(this).region;
    // Image names are unique in an account and Region: two copies of one name would fail only at deploy.
    claimInApp(this, `imagecopy:${Stack.of(this).region}`, 'name', props.name,
      'image names are unique in an account and Region, so give each WorkspaceImageCopy of the account its own name', { verb: 'used', perAccount: true });

    const provider = SharingProvider._for(this, props.provider);
    grantImageCopy(provider._grants, props.sourceImageId, sourceRegion);
    const resource = provider._createResource(this, 'Resource', RESOURCE_TYPES.workspaceImageCopy, {
      SourceImageId: props.sourceImageId,
      SourceRegion: sourceRegion,
      Name: props.name,
      Description: props.description,
      RemovalPolicy: removalPolicy,
    }, () => IMAGE_COPY_CALLS, IMAGE_COPY_MIN_BUDGET_SECONDS);
    this.imageId = resource.getAttString(attributeName(RESOURCE_TYPES.workspaceImageCopy, 'ImageId'));
  }
}

/**
 * Let the handler copy one image into the stack's account and Region, and delete the copies
 * that carry the stack's ownership tag.
 */
function grantImageCopy(grants: ShareGrants, sourceImageId: string, sourceRegion: string): void {
  const wildcardReason = 'The copy\'s image ID is known only once CopyWorkspaceImage made it, and the shared source belongs to an account the '
    + 'stack does not know: CopyWorkspaceImage is allowed on the stack\'s images only with the stack\'s ownership tag in the request, '
    + 'CreateTags only on images that carry it or that a copy of this library made and nobody owns, the delete only on images that carry it, '
    + 'and the source image by its own ID in any account.';
  const anyImage = grants.workspacesArn('workspaceimage', '*');
  grants.allow('copy', ['workspaces:CopyWorkspaceImage'],
    [grants.workspacesArn('workspaceimage', sourceImageId, '*', sourceRegion), anyImage],
    { conditions: grants.requestTaggedByStack(), wildcardReason });
  // The source image is never tagged: an image of the account's that is a source (in another Region) could then be made the stack's.
  grants.allowOwnershipTagWrites('workspaceimage', SOURCE_IMAGE_TAG, wildcardReason);
  // DeleteTags settles a kept copy's ownership (released, handed back after a rename's rollback).
  // Only copies (the mark their create request wrote), so that an image the stack shares (tagged by the stack on the owning side) is never deleted.
  grants.allow('copy-delete', ['workspaces:DeleteWorkspaceImage', 'workspaces:DeleteTags'], [anyImage], {
    conditions: { ...grants.taggedByStack(), Null: { [`aws:ResourceTag/${SOURCE_IMAGE_TAG}`]: 'false' } },
    wildcardReason,
  });
  grants.allow('copy-tags', ['workspaces:DescribeTags'], [anyImage], {
    wildcardReason: 'DescribeTags reads the ownership tags of an image of the stack\'s account found by the copy\'s name, whose ID is not known at synth; it changes nothing.',
  });
  grants.allowDescribe(DESCRIBE_IMAGES);
  allowOwnershipReads(grants);
}
