import { AwsError, LocalService, page } from './local-service';

const IMAGE_ID = /^wsi-[0-9a-z]{9,63}$/;
const ACCOUNT_ID = /^\d{12}$/;

type ImageState = 'AVAILABLE' | 'PENDING' | 'ERROR';

interface Image {
  readonly id: string;
  /** The account that owns the image. */
  readonly owner: string;
  readonly name: string;
  readonly description?: string;
  state: ImageState;
  /** When a PENDING image becomes AVAILABLE (epoch ms). */
  availableAt?: number;
  /** The state a PENDING image turns into (a copy that fails turns ERROR). */
  endsAs?: 'AVAILABLE' | 'ERROR';
  permissions: string[];
  /** For a copy: the source image and Region it was copied from. */
  readonly copiedFrom?: { readonly imageId: string; readonly region: string };
}

const IMAGE_NAME = /^[a-zA-Z0-9_./()\\-]{1,64}$/;
const IMAGE_DESCRIPTION = /^[a-zA-Z0-9_./() -]{1,256}$/;
const REGION = /^[-0-9a-z]{1,31}$/;

/** Options of an image seeded into the local WorkSpaces. */
export interface SeedImage {
  /** @default 'AVAILABLE' */
  readonly state?: ImageState;
  /** A PENDING image turns AVAILABLE after this long. */
  readonly pendingMs?: number;
  /** Accounts the image is already shared with. */
  readonly sharedWith?: string[];
  /** The account that owns it. @default the endpoint's owner account */
  readonly owner?: string;
  /** @default 'image-' and the ID */
  readonly name?: string;
}

/**
 * The two answers of UpdateWorkspaceImagePermission that its API reference leaves
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
 * errors and paging of the WorkSpaces Smithy model (aws/api-models-aws, models/workspaces). Errors are HTTP 400, as the model
 * has no httpError traits and the API reference lists 400 for each.
 */
export class WorkSpacesImages {
  private readonly images = new Map<string, Image>();
  /** How long a copy made by CopyWorkspaceImage stays PENDING. */
  public copyPendingMs = 100;
  /** The state copies end in: ERROR stands for a copy that fails. */
  public copiesEndAs: 'AVAILABLE' | 'ERROR' = 'AVAILABLE';
  private copies = 0;
  /** How the UNVERIFIED answers behave. */
  public unverified: UnverifiedImageBehaviour = UNVERIFIED_READINGS['lenient re-grant, InvalidParameterValues on revoke'];

  constructor(private readonly ownerAccountId: string) {}

  /** Called with the tags of a copy's request (the endpoint's tag store). */
  public tagged: (imageId: string, tags: Record<string, string>) => void = () => undefined;
  /** Whether a bundle uses an image (the endpoint's bundles). */
  public inUse: (imageId: string) => boolean = () => false;

  public addImage(imageId: string, seed: SeedImage = {}): void {
    const pending = seed.pendingMs !== undefined;
    this.images.set(imageId, {
      id: imageId,
      owner: seed.owner ?? this.ownerAccountId,
      name: seed.name ?? `image-${imageId}`,
      state: seed.state ?? (pending ? 'PENDING' : 'AVAILABLE'),
      availableAt: pending ? Date.now() + seed.pendingMs! : undefined,
      permissions: [...(seed.sharedWith ?? [])],
    });
  }

  /** Whether the image exists. */
  public has(imageId: string): boolean {
    return this.images.has(imageId);
  }

  /** End a PENDING image now, as its copy would (AVAILABLE, or ERROR for a copy made to fail). */
  public finish(imageId: string): void {
    const image = this.images.get(imageId);
    if (image?.state === 'PENDING') image.availableAt = Date.now();
  }

  public deleteImage(imageId: string): void {
    this.images.delete(imageId);
  }

  /** Share (`grant`) or unshare an image by hand, outside the library, as the console or CLI would. */
  public byHand(imageId: string, accountId: string, grant: boolean): void {
    const image = this.images.get(imageId);
    if (!image) throw new Error(`no image ${imageId}`);
    image.permissions = image.permissions.filter(a => a !== accountId);
    if (grant) image.permissions.push(accountId);
  }

  /** The accounts an image is shared with now, sorted. */
  public sharesOf(imageId: string): string[] {
    return [...(this.images.get(imageId)?.permissions ?? [])].sort();
  }

  /** The image as it is now, or undefined. */
  public get(imageId: string): Pick<Image, 'id' | 'owner' | 'name' | 'state' | 'copiedFrom'> | undefined {
    return this.image(imageId);
  }

  /** The images an account owns, by name. */
  public ownedBy(accountId: string): { id: string; name: string; state: ImageState }[] {
    const owned = [...this.images.keys()].map(id => this.image(id)!).filter(i => i.owner === accountId);
    return owned.map(i => ({ id: i.id, name: i.name, state: i.state }));
  }

  private image(imageId: unknown): Image | undefined {
    const image = this.images.get(String(imageId));
    if (image?.state === 'PENDING' && image.availableAt !== undefined && Date.now() >= image.availableAt) {
      image.state = image.endsAs ?? 'AVAILABLE';
    }
    return image;
  }

  /** Whether `caller` sees the image: it owns it, or the image is shared with it. */
  private visible(image: Image, caller: string): boolean {
    return image.owner === caller || image.permissions.includes(caller);
  }

  /** CopyWorkspaceImage, as the calling account: a new image it owns, PENDING for copyPendingMs. */
  private copy(input: Record<string, any>, caller: string): Record<string, unknown> {
    if (typeof input.Name !== 'string' || !IMAGE_NAME.test(input.Name)) throw new AwsError('InvalidParameterValuesException', `The image name ${input.Name} is not valid`);
    if (input.Description !== undefined && (typeof input.Description !== 'string' || !IMAGE_DESCRIPTION.test(input.Description))) {
      throw new AwsError('InvalidParameterValuesException', `The image description ${input.Description} is not valid`);
    }
    if (typeof input.SourceRegion !== 'string' || !REGION.test(input.SourceRegion)) throw new AwsError('InvalidParameterValuesException', 'SourceRegion is not valid');
    const source = this.image(input.SourceImageId);
    if (!source || !this.visible(source, caller)) {
      throw new AwsError('ResourceNotFoundException', 'The resource could not be found.', 400, { ResourceId: input.SourceImageId });
    }
    if (source.state !== 'AVAILABLE') throw new AwsError('ResourceUnavailableException', `The image ${source.id} is not available`, 400, { ResourceId: source.id });
    // Image names are unique per account and Region (UNVERIFIED: the model has ResourceAlreadyExists, the docs do not say on what).
    if ([...this.images.values()].some(i => i.owner === caller && i.name === input.Name)) {
      throw new AwsError('ResourceAlreadyExistsException', `An image named ${input.Name} already exists`);
    }
    const id = `wsi-copy${String(++this.copies).padStart(5, '0')}`;
    this.images.set(id, {
      id,
      owner: caller,
      name: input.Name,
      description: input.Description,
      state: 'PENDING',
      availableAt: Date.now() + this.copyPendingMs,
      endsAs: this.copiesEndAs,
      permissions: [],
      copiedFrom: { imageId: source.id, region: input.SourceRegion },
    });
    const tags: { Key: string; Value?: string }[] = input.Tags ?? [];
    if (tags.length > 0) this.tagged(id, Object.fromEntries(tags.map(t => [t.Key, t.Value ?? ''])));
    return { ImageId: id };
  }

  /** DeleteWorkspaceImage, as the owner: refused while PENDING, shared or used by a bundle. */
  private delete(input: Record<string, any>, caller: string): Record<string, unknown> {
    const image = this.image(input.ImageId);
    // The model lists no ResourceNotFoundException for this operation: the stand-in answers a
    // missing image with success (UNVERIFIED; the handler reads the image first).
    if (!image) return {};
    if (image.owner !== caller) throw new AwsError('AccessDeniedException', `The image ${image.id} belongs to another account`);
    if (image.state === 'PENDING') throw new AwsError('InvalidResourceStateException', `The image ${image.id} is PENDING`);
    if (this.inUse(image.id)) throw new AwsError('ResourceAssociatedException', `The image ${image.id} is used by a bundle`);
    if (image.permissions.length > 0) throw new AwsError('InvalidResourceStateException', `The image ${image.id} is shared with other accounts`);
    this.images.delete(image.id);
    return {};
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
        DescribeWorkspaceImages: (input, caller) => {
          const ids: string[] | undefined = input.ImageIds;
          if (ids && (ids.length < 1 || ids.length > 25)) throw new AwsError('InvalidParameterValuesException', 'ImageIds must hold 1 to 25 IDs');
          if (input.ImageType !== undefined && !['OWNED', 'SHARED'].includes(input.ImageType)) throw new AwsError('InvalidParameterValuesException', 'ImageType is not valid');
          // An account sees the images it owns and those shared with it; ImageType keeps one kind.
          const all = (ids ?? [...this.images.keys()]).map(id => this.image(id))
            .filter((i): i is Image => i !== undefined && this.visible(i, caller))
            .filter(i => input.ImageType === undefined || (input.ImageType === 'OWNED') === (i.owner === caller));
          const { items, NextToken } = page(all, input);
          return {
            Images: items.map(i => ({
              ImageId: i.id,
              Name: i.name,
              ...(i.description ? { Description: i.description } : {}),
              State: i.state,
              OwnerAccountId: i.owner,
              OperatingSystem: { Type: 'WINDOWS' },
              RequiredTenancy: 'DEFAULT',
              ...(i.state === 'ERROR' ? {
                ErrorCode: 'ImageCreationFailed',
                ErrorMessage: 'The image could not be created',
                ErrorDetails: [{ ErrorCode: 'DISK_FREE_SPACE', ErrorMessage: 'The image needs more free disk space' }],
              } : {}),
            })),
            NextToken,
          };
        },
        CopyWorkspaceImage: (input, caller) => this.copy(input, caller),
        DeleteWorkspaceImage: (input, caller) => this.delete(input, caller),
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
