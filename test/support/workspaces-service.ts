import { AwsError, LocalService, page } from './aws-error';

const IMAGE_ID = /^wsi-[0-9a-z]{9,63}$/;
const ACCOUNT_ID = /^\d{12}$/;

type ImageState = 'AVAILABLE' | 'PENDING' | 'ERROR';

interface Image {
  readonly id: string;
  state: ImageState;
  /** When a PENDING image becomes AVAILABLE (epoch ms). */
  availableAt?: number;
  readonly permissions: string[];
}

/** Options of an image seeded into the local WorkSpaces. */
export interface SeedImage {
  /** @default 'AVAILABLE' */
  readonly state?: ImageState;
  /** A PENDING image turns AVAILABLE after this long. */
  readonly pendingMs?: number;
  /** Accounts the image is already shared with. */
  readonly sharedWith?: string[];
}

/**
 * The two answers of UpdateWorkspaceImagePermission that shared/aws-api-facts.md §2.1 leaves
 * UNVERIFIED, switchable so that the handler is tested under each reading.
 */
export interface UnverifiedImageBehaviour {
  /** Granting an account the image is already shared with: succeeds and changes nothing, or fails with this error. */
  readonly regrant: 'succeeds' | 'InvalidParameterValuesException' | 'ResourceAlreadyExistsException';
  /** The error revoking an account the image was never shared with returns. */
  readonly revokeUnshared: 'InvalidParameterValuesException' | 'ResourceNotFoundException';
}

/** Both readings of the UNVERIFIED behaviours, for tests that run under each. */
export const UNVERIFIED_READINGS: Record<string, UnverifiedImageBehaviour> = {
  'lenient re-grant, InvalidParameterValues on revoke': { regrant: 'succeeds', revokeUnshared: 'InvalidParameterValuesException' },
  'strict re-grant, ResourceNotFound on revoke': { regrant: 'InvalidParameterValuesException', revokeUnshared: 'ResourceNotFoundException' },
};

/**
 * A stateful stand-in for the WorkSpaces image-sharing operations, with the preconditions,
 * errors and paging of shared/aws-models/workspaces.json. Errors are HTTP 400, as the model
 * has no httpError traits and the API reference lists 400 for each.
 */
export class WorkSpacesImages {
  private readonly images = new Map<string, Image>();
  /** How the UNVERIFIED answers behave. */
  public unverified: UnverifiedImageBehaviour = UNVERIFIED_READINGS['lenient re-grant, InvalidParameterValues on revoke'];

  constructor(private readonly ownerAccountId: string) {}

  public addImage(imageId: string, seed: SeedImage = {}): void {
    const pending = seed.pendingMs !== undefined;
    this.images.set(imageId, {
      id: imageId,
      state: seed.state ?? (pending ? 'PENDING' : 'AVAILABLE'),
      availableAt: pending ? Date.now() + seed.pendingMs! : undefined,
      permissions: [...(seed.sharedWith ?? [])],
    });
  }

  /** Whether the image exists. */
  public has(imageId: string): boolean {
    return this.images.has(imageId);
  }

  public deleteImage(imageId: string): void {
    this.images.delete(imageId);
  }

  /** The accounts an image is shared with now, sorted. */
  public sharesOf(imageId: string): string[] {
    return [...(this.images.get(imageId)?.permissions ?? [])].sort();
  }

  private image(imageId: unknown): Image | undefined {
    const image = this.images.get(String(imageId));
    if (image?.state === 'PENDING' && image.availableAt !== undefined && Date.now() >= image.availableAt) {
      image.state = 'AVAILABLE';
    }
    return image;
  }

  private requireImage(imageId: unknown): Image {
    if (typeof imageId !== 'string' || !IMAGE_ID.test(imageId)) {
      throw new AwsError('InvalidParameterValuesException', `The image ID ${imageId} is not valid`);
    }
    const image = this.image(imageId);
    if (!image) throw new AwsError('ResourceNotFoundException', 'The resource could not be found.', 400, { ResourceId: imageId });
    return image;
  }

  public service(): LocalService {
    return {
      targetPrefix: 'WorkspacesService',
      contentType: 'application/x-amz-json-1.1',
      messageMember: 'message',
      operations: {
        DescribeWorkspaceImages: input => {
          const ids: string[] | undefined = input.ImageIds;
          if (ids && (ids.length < 1 || ids.length > 25)) throw new AwsError('InvalidParameterValuesException', 'ImageIds must hold 1 to 25 IDs');
          const all = (ids ?? [...this.images.keys()]).map(id => this.image(id)).filter((i): i is Image => i !== undefined);
          const { items, NextToken } = page(all, input);
          return {
            Images: items.map(i => ({
              ImageId: i.id,
              Name: `image-${i.id}`,
              State: i.state,
              OwnerAccountId: this.ownerAccountId,
              OperatingSystem: { Type: 'WINDOWS' },
              RequiredTenancy: 'DEFAULT',
              ...(i.state === 'ERROR' ? { ErrorCode: 'ImageCreationFailed', ErrorMessage: 'The image could not be created' } : {}),
            })),
            NextToken,
          };
        },
        DescribeWorkspaceImagePermissions: input => {
          const image = this.requireImage(input.ImageId);
          const { items, NextToken } = page(image.permissions, input);
          return { ImageId: image.id, ImagePermissions: items.map(a => ({ SharedAccountId: a })), NextToken };
        },
        UpdateWorkspaceImagePermission: input => {
          if (typeof input.AllowCopyImage !== 'boolean') throw new AwsError('InvalidParameterValuesException', 'AllowCopyImage is required');
          const account = input.SharedAccountId;
          if (typeof account !== 'string' || !ACCOUNT_ID.test(account)) throw new AwsError('InvalidParameterValuesException', `The account ID ${account} is not valid`);
          const image = this.requireImage(input.ImageId);
          if (image.state !== 'AVAILABLE') throw new AwsError('ResourceUnavailableException', `The image ${image.id} is not available`, 400, { ResourceId: image.id });
          if (account === this.ownerAccountId) throw new AwsError('InvalidParameterValuesException', 'An image cannot be shared with the account that owns it');
          const index = image.permissions.indexOf(account);
          if (input.AllowCopyImage) {
            if (index >= 0 && this.unverified.regrant !== 'succeeds') {
              throw new AwsError(this.unverified.regrant, `The image ${image.id} is already shared with ${account}`);
            }
            if (index < 0) image.permissions.push(account);
          } else {
            // The model: "This permission can be revoked only after an image has been shared."
            if (index < 0) throw new AwsError(this.unverified.revokeUnshared, `The image ${image.id} is not shared with ${account}`, 400, { ResourceId: image.id });
            image.permissions.splice(index, 1);
          }
          return {};
        },
      },
    };
  }
}
