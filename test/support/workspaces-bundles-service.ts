import { AwsError, Operation } from './local-service';
import type { WorkSpacesImages } from './workspaces-images-service';

const BUNDLE_ID = /^wsb-[0-9a-z]{8,63}$/;
const BUNDLE_NAME = /^[a-zA-Z0-9_./()\\-]{1,64}$/;
const BUNDLE_DESCRIPTION = /^[a-zA-Z0-9_./() -]{1,255}$/;
/** The `Compute` enum of the WorkSpaces model (a few of its values are enough here). */
const COMPUTE = new Set(['VALUE', 'STANDARD', 'PERFORMANCE', 'POWER', 'POWERPRO', 'GRAPHICS', 'GRAPHICSPRO']);

interface Bundle {
  readonly id: string;
  readonly owner: string;
  readonly name: string;
  readonly description: string;
  imageId: string;
  readonly computeType: string;
  readonly rootStorage?: string;
  readonly userStorage: string;
  /** WorkSpaces built from the bundle. */
  workspaces: number;
  /** Until when (epoch ms) the new bundle is PENDING. */
  pendingUntil: number;
}

/**
 * A stateful stand-in for the WorkSpaces bundle operations the receiving side uses
 * (CreateWorkspaceBundle, DescribeWorkspaceBundles, UpdateWorkspaceBundle, DeleteWorkspaceBundle),
 * with the errors of the WorkSpaces Smithy model (aws/api-models-aws, models/workspaces). Bundles are AVAILABLE at once, or after
 * `pendingMs`.
 */
export class WorkSpacesBundles {
  /** How long a new bundle is PENDING before it is AVAILABLE. */
  public pendingMs = 0;
  private readonly bundles = new Map<string, Bundle>();
  private created = 0;

  constructor(private readonly images: WorkSpacesImages) {}

  /** Called with the tags of a create request (the endpoint's tag store). */
  public tagged: (bundleId: string, tags: Record<string, string>) => void = () => undefined;

  public has(bundleId: string): boolean {
    return this.bundles.has(bundleId);
  }

  /** Whether a bundle is built from the image. */
  public usingImage(imageId: string): boolean {
    return [...this.bundles.values()].some(b => b.imageId === imageId);
  }

  /** The bundles there are now. */
  public list(): { id: string; owner: string; name: string; imageId: string; computeType: string }[] {
    return [...this.bundles.values()].map(b => ({ id: b.id, owner: b.owner, name: b.name, imageId: b.imageId, computeType: b.computeType }));
  }

  /** End a PENDING bundle now: it is AVAILABLE. */
  public finish(bundleId: string): void {
    const bundle = this.bundles.get(bundleId);
    if (bundle) bundle.pendingUntil = Math.min(bundle.pendingUntil, Date.now());
  }

  /** The state of a bundle now, or undefined. */
  public stateOf(bundleId: string): 'PENDING' | 'AVAILABLE' | undefined {
    const bundle = this.bundles.get(bundleId);
    return bundle && (Date.now() < bundle.pendingUntil ? 'PENDING' : 'AVAILABLE');
  }

  /** Launch (or, with -1, terminate) a WorkSpace built from the bundle. */
  public useBundle(bundleId: string, count = 1): void {
    this.bundles.get(bundleId)!.workspaces += count;
  }

  private requireBundle(bundleId: unknown, caller: string): Bundle {
    if (typeof bundleId !== 'string' || !BUNDLE_ID.test(bundleId)) throw new AwsError('InvalidParameterValuesException', `The bundle ID ${bundleId} is not valid`);
    const bundle = this.bundles.get(bundleId);
    if (!bundle || bundle.owner !== caller) throw new AwsError('ResourceNotFoundException', 'The resource could not be found.', 400, { ResourceId: bundleId });
    return bundle;
  }

  /** The image a bundle may be built from: the caller's own, AVAILABLE. */
  private requireImage(imageId: unknown, caller: string): string {
    const image = typeof imageId === 'string' ? this.images.get(imageId) : undefined;
    if (!image || image.owner !== caller) throw new AwsError('ResourceNotFoundException', 'The resource could not be found.', 400, { ResourceId: imageId });
    if (image.state !== 'AVAILABLE') throw new AwsError('ResourceUnavailableException', `The image ${image.id} is not available`, 400, { ResourceId: image.id });
    return image.id;
  }

  private view(b: Bundle): Record<string, unknown> {
    return {
      BundleId: b.id,
      Name: b.name,
      Owner: b.owner,
      Description: b.description,
      ImageId: b.imageId,
      State: Date.now() < b.pendingUntil ? 'PENDING' : 'AVAILABLE',
      BundleType: 'REGULAR',
      ComputeType: { Name: b.computeType },
      UserStorage: { Capacity: b.userStorage },
      ...(b.rootStorage ? { RootStorage: { Capacity: b.rootStorage } } : {}),
    };
  }

  public operations(): Record<string, Operation> {
    return {
      CreateWorkspaceBundle: (input, caller) => {
        if (typeof input.BundleName !== 'string' || !BUNDLE_NAME.test(input.BundleName)) throw new AwsError('InvalidParameterValuesException', 'BundleName is not valid');
        if (typeof input.BundleDescription !== 'string' || !BUNDLE_DESCRIPTION.test(input.BundleDescription)) {
          throw new AwsError('InvalidParameterValuesException', 'BundleDescription is not valid');
        }
        if (!COMPUTE.has(input.ComputeType?.Name)) throw new AwsError('InvalidParameterValuesException', 'ComputeType is not valid');
        if (typeof input.UserStorage?.Capacity !== 'string' || input.UserStorage.Capacity === '') throw new AwsError('InvalidParameterValuesException', 'UserStorage is required');
        const imageId = this.requireImage(input.ImageId, caller);
        if ([...this.bundles.values()].some(b => b.owner === caller && b.name === input.BundleName)) {
          throw new AwsError('ResourceAlreadyExistsException', `A bundle named ${input.BundleName} already exists`);
        }
        const id = `wsb-local${String(++this.created).padStart(5, '0')}`;
        const bundle: Bundle = {
          id,
          owner: caller,
          name: input.BundleName,
          description: input.BundleDescription,
          imageId,
          computeType: input.ComputeType.Name,
          rootStorage: input.RootStorage?.Capacity,
          userStorage: input.UserStorage.Capacity,
          workspaces: 0,
          pendingUntil: Date.now() + this.pendingMs,
        };
        this.bundles.set(id, bundle);
        const tags: { Key: string; Value?: string }[] = input.Tags ?? [];
        if (tags.length > 0) this.tagged(id, Object.fromEntries(tags.map(t => [t.Key, t.Value ?? ''])));
        return { WorkspaceBundle: this.view(bundle) };
      },
      DescribeWorkspaceBundles: (input, caller) => {
        if (input.BundleIds !== undefined && input.Owner !== undefined) throw new AwsError('InvalidParameterValuesException', 'BundleIds and Owner cannot be combined');
        const owner = input.Owner ?? caller;
        const all = input.BundleIds
          ? (input.BundleIds as string[]).map(id => this.bundles.get(id)).filter((b): b is Bundle => b !== undefined && b.owner === caller)
          : [...this.bundles.values()].filter(b => b.owner === owner);
        // Pages of 25; the token carries the offset.
        const offset = input.NextToken ? Number(Buffer.from(String(input.NextToken), 'base64').toString('utf8')) : 0;
        const items = all.slice(offset, offset + 25);
        const NextToken = offset + 25 < all.length ? Buffer.from(String(offset + 25)).toString('base64') : undefined;
        return { Bundles: items.map(b => this.view(b)), NextToken };
      },
      UpdateWorkspaceBundle: (input, caller) => {
        const bundle = this.requireBundle(input.BundleId, caller);
        bundle.imageId = this.requireImage(input.ImageId, caller);
        return {};
      },
      DeleteWorkspaceBundle: (input, caller) => {
        const bundle = this.requireBundle(input.BundleId, caller);
        if (bundle.workspaces > 0) throw new AwsError('ResourceAssociatedException', `The bundle ${bundle.id} is used by ${bundle.workspaces} WorkSpaces`);
        // Whether WorkSpaces deletes a PENDING bundle is UNVERIFIED: refused here, so that a test fails if the handler asks.
        if (Date.now() < bundle.pendingUntil) throw new AwsError('InvalidResourceStateException', `The bundle ${bundle.id} is PENDING`);
        this.bundles.delete(bundle.id);
        return {};
      },
    };
  }
}
