import { CreateWorkspaceBundleCommand, UpdateWorkspaceBundleCommand, WorkspaceBundle } from '@aws-sdk/client-workspaces';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CREATED_BUNDLE_TAG } from '../../src/contract/ownership-tags';
import { RESOURCE_TYPES, received, WorkspaceBundleAttributes, WorkspaceBundleProperties } from '../../src/contract/resources';
import {
  breaks, COMPUTE_TYPE_NAME, follows, ifFollows, Rule, STORAGE_GIB,
  WORKSPACE_BUNDLE_DESCRIPTION, WORKSPACE_BUNDLE_ID, WORKSPACE_IMAGE_ID, WORKSPACE_NAME,
} from '../../src/contract/rules';
import { workspacesOf } from '../clients/workspaces';
import {
  abandonReplacement, cleanUpReplaced, CreatedKind, endsRequest, ownedBy, refused, settleRecordedLeftover, tagsOf, useFound, WorkspacesTag,
} from '../ownership/created-objects';
import { nothingDoneIdOf } from '../ownership/failed-create';
import { NOTHING_DONE } from '../ownership/nothing-done';
import { Owner, ownerOf, ownerTags } from '../ownership/ownership';
import { StackFacts } from '../ownership/stacks';
import { deleteActionFrom, settleWorkspacesResource } from '../ownership/workspaces-tags';
import { bundleNamed, deleteBundle, describeBundle } from '../receiving/bundles';
import { sleep } from '../runtime/deadline';
import { InputError, isErrorCode, messageOf, PreconditionError } from '../runtime/errors';
import { NOTHING_TO_UNDO, validForDelete } from '../runtime/resource';
import type { ResourceContext, ResourceHandler, ResourceResult } from '../runtime/resource';

/** What this resource type's handler answers. */
type Result = ResourceResult<WorkspaceBundleAttributes>;

/** The resolved properties of a Custom::WorkspaceBundle. */
interface Bundle {
  readonly imageId: string;
  readonly computeType: string;
  readonly rootStorageGiB?: string;
  readonly userStorageGiB: string;
  readonly name: string;
  readonly description: string;
}

/** Check resolved properties before any API call; throws InputError naming each bad value. */
export function validateBundle(properties: Record<string, unknown> | undefined): Bundle {
  const p = received<WorkspaceBundleProperties>(properties);
  const problems: string[] = [];
  // CloudFormation sends numbers as strings.
  const text = (name: keyof WorkspaceBundleProperties) => (typeof p[name] === 'number' ? String(p[name]) : p[name]);
  const check = (name: keyof WorkspaceBundleProperties, rule: Rule, optional = false) => {
    const value = text(name);
    if (optional && (value === undefined || value === '')) return;
    if (!follows(rule, value)) problems.push(breaks(name, value, rule));
  };
  check('ImageId', WORKSPACE_IMAGE_ID);
  // The form only: a compute type newer than this release (ComputeType.of) is WorkSpaces' to check.
  check('ComputeType', COMPUTE_TYPE_NAME);
  check('RootStorageGiB', STORAGE_GIB, true);
  check('UserStorageGiB', STORAGE_GIB);
  check('Name', WORKSPACE_NAME);
  check('Description', WORKSPACE_BUNDLE_DESCRIPTION);
  if (problems.length > 0) throw new InputError(`Invalid properties, nothing was changed: ${problems.join('; ')}`);
  return {
    imageId: p.ImageId as string,
    computeType: p.ComputeType as string,
    rootStorageGiB: (text('RootStorageGiB') as string | undefined) || undefined,
    userStorageGiB: text('UserStorageGiB') as string,
    name: p.Name as string,
    description: p.Description as string,
  };
}

/** Whether an existing bundle is the one the properties declare. */
function sameBundle(found: WorkspaceBundle, bundle: Bundle): boolean {
  return found.ImageId === bundle.imageId
    && found.ComputeType?.Name === bundle.computeType
    && found.UserStorage?.Capacity === bundle.userStorageGiB
    && (bundle.rootStorageGiB === undefined || found.RootStorage?.Capacity === bundle.rootStorageGiB)
    && (found.Description ?? '') === bundle.description;
}

/** Wait, across invocations within the budget, while the bundle is PENDING; fail on ERROR. */
async function waitAvailable(bundleId: string, state: string | undefined, ctx: ResourceContext): Promise<void> {
  let current = state;
  while (current === 'PENDING' || current === undefined) {
    if (current === 'PENDING') {
      if (!ctx.deadline.canWait(ctx.settings.pollIntervalMs)) {
        throw ctx.deadline.outOfTime(`Bundle ${bundleId} is still PENDING and the time to wait for it ran out: deploy again once it is AVAILABLE`);
      }
      await sleep(ctx.settings.pollIntervalMs);
    }
    const bundle = await describeBundle(workspacesOf(ctx), bundleId);
    if (!bundle) throw new PreconditionError(`Bundle ${bundleId} disappeared while it was being created: deploy again`);
    current = bundle.State ?? 'AVAILABLE';
  }
  if (current === 'ERROR') throw new PreconditionError(`Bundle ${bundleId} is in state ERROR: check its image, compute type and volume sizes; the failed bundle is deleted (a replacement's by this update, a new one's by the rollback)`);
}

function result(bundleId: string, bundle: Bundle): Result {
  return { physicalResourceId: bundleId, data: { BundleId: bundleId }, log: { bundleId, imageId: bundle.imageId } };
}

/** Explain the errors of CreateWorkspaceBundle that the user can fix. */
function createError(error: unknown, bundle: Bundle, ctx: ResourceContext): unknown {
  if (isErrorCode(error, 'ResourceNotFoundException')) {
    return new PreconditionError(`Image ${bundle.imageId} does not exist in account ${ctx.accountId} in this Region: a bundle is built from an image of the account (copy a shared image first)`);
  }
  if (isErrorCode(error, 'ResourceUnavailableException')) {
    return new PreconditionError(`Image ${bundle.imageId} is not AVAILABLE yet: deploy again once it is (${messageOf(error)})`);
  }
  if (isErrorCode(error, 'InvalidParameterValuesException')) {
    return new PreconditionError(`WorkSpaces refused the bundle ${JSON.stringify(bundle.name)} (${messageOf(error)}): check the compute type and the volume sizes, which WorkSpaces accepts in set combinations`);
  }
  if (isErrorCode(error, 'ResourceLimitExceededException')) {
    return new PreconditionError(`Account ${ctx.accountId} has as many bundles as its quota allows in this Region (${messageOf(error)}): delete one, or ask for a higher quota`);
  }
  return error;
}

/** The bundle a Create stands on, and how it came to it (as for copies: created-objects.ts). */
interface Made {
  readonly bundleId: string;
  readonly how: 'created' | 'made' | 'taken';
  readonly state?: string;
  readonly tags?: readonly WorkspacesTag[];
}

/**
 * Find the bundle that the properties declare, by its name, before anything else, or create it:
 * this resource's own is used (a Create run again, a rollback to it), one of a rename or of a
 * dead owner with the same settings is taken over, and any other bundle of that name fails the
 * request, changing nothing.
 */
async function findOrCreate(bundle: Bundle, me: Owner, facts: StackFacts, ctx: ResourceContext, replacing?: string): Promise<Made> {
  const ws = workspacesOf(ctx);
  const existing = await bundleNamed(ws, bundle.name);
  if (existing?.BundleId) {
    const existingId = existing.BundleId;
    const tags = await tagsOf(existingId, ctx) ?? [];
    const found = await useFound('bundle', existingId, tags, sameBundle(existing, bundle), me, facts, ctx, () => {
      const whose = existingId === replacing ? 'the bundle this update replaces' : 'a bundle this resource did not create with these settings';
      return new PreconditionError(
        `A bundle named ${JSON.stringify(bundle.name)} already exists in account ${ctx.accountId} in this Region (${existingId}, ${whose}): `
        + 'bundle names are unique; choose another name (a renamed construct keeps its bundle only with the same settings: rename it in one deploy, change it in another), then deploy again',
      );
    }, replacing);
    return { bundleId: found.id, how: found.how, state: existing.State, tags };
  }
  ctx.progress.plan('created', [bundle.name]);
  // Should the Create fail with the create request in flight, its Delete looks the bundle up by name.
  ctx.physicalResourceIdOnFailure = `${me.logicalId}-creating`;
  try {
    const { WorkspaceBundle: made } = await ws.send(new CreateWorkspaceBundleCommand({
      BundleName: bundle.name,
      BundleDescription: bundle.description,
      ImageId: bundle.imageId,
      ComputeType: { Name: bundle.computeType as never },
      UserStorage: { Capacity: bundle.userStorageGiB },
      RootStorage: bundle.rootStorageGiB ? { Capacity: bundle.rootStorageGiB } : undefined,
      // The owner tags and the mark of what this library created: the IAM policy lets tags be written later only on what carries them.
      Tags: [...ownerTags(me), { Key: CREATED_BUNDLE_TAG, Value: 'CreateWorkspaceBundle' }],
    }));
    if (!made?.BundleId) throw new Error(`CreateWorkspaceBundle answered without a bundle ID for ${bundle.name}`);
    ctx.progress.record('created', made.BundleId);
    return { bundleId: made.BundleId, how: 'created', state: made.State };
  } catch (error) {
    // The same Create delivered twice (Lambda delivers at least once): the twin's bundle is this resource's.
    if (isErrorCode(error, 'ResourceAlreadyExistsException')) {
      const twin = await bundleNamed(ws, bundle.name);
      if (twin?.BundleId && sameBundle(twin, bundle) && ownedBy(await tagsOf(twin.BundleId, ctx), me)) {
        return { bundleId: twin.BundleId, how: 'made', state: twin.State };
      }
    }
    // Refused: nothing was made, so the Delete that follows a failed Create has nothing to look up.
    if (refused(error)) ctx.physicalResourceIdOnFailure = undefined;
    throw createError(error, bundle, ctx);
  }
}

/**
 * Create the bundle, unless this resource created it already or takes it over from a rename,
 * then wait while it is PENDING. `replacing` is the bundle an Update replaces: a replacement
 * whose new bundle fails deletes it (in ERROR) or records it on the old bundle (still PENDING)
 * before failing, since no Delete will ever name it.
 */
async function create(bundle: Bundle, me: Owner, facts: StackFacts, ctx: ResourceContext, replacing?: string): Promise<Made> {
  const made = await findOrCreate(bundle, me, facts, ctx, replacing);
  // A failed Create names the bundle, so that the Delete that follows deletes it (by the ownership rows).
  ctx.physicalResourceIdOnFailure = made.bundleId;
  try {
    await waitAvailable(made.bundleId, made.state, ctx);
  } catch (error) {
    if (replacing === undefined || made.how !== 'created' || !endsRequest(error, ctx)) throw error;
    throw await abandonReplacement(BUNDLES, made.bundleId, replacing, me, ctx, error);
  }
  return made;
}

/**
 * The Delete: by the ownership table (a rename's old resource, or the rollback of a rename,
 * deletes nothing and settles the tags), else delete the bundle. A Create that never answered
 * with the bundle's ID: the bundle it made, if any, found by its name and ownership tags. A
 * leftover of a failed replacement recorded on the bundle is deleted first.
 */
async function remove(event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }, ctx: ResourceContext): Promise<Result> {
  const physical = event.PhysicalResourceId;
  if (physical === nothingDoneIdOf(event.LogicalResourceId)) return { physicalResourceId: physical, log: NOTHING_DONE };
  const bundle = validForDelete(() => validateBundle(event.ResourceProperties));
  if (!bundle) return { physicalResourceId: physical, log: NOTHING_TO_UNDO };
  const me = ownerOf(event);
  let bundleId = physical;
  if (!follows(WORKSPACE_BUNDLE_ID, bundleId)) {
    const existing = await bundleNamed(workspacesOf(ctx), bundle.name);
    if (!existing?.BundleId || !ownedBy(await tagsOf(existing.BundleId, ctx), me)) return { physicalResourceId: physical, log: { created: false } };
    bundleId = existing.BundleId;
  }
  const tags = await tagsOf(bundleId, ctx);
  await settleRecordedLeftover(bundleId, tags, me, ctx, deleteBundle, true);
  const action = await deleteActionFrom(tags, me, new StackFacts(event.StackId, ctx), bundleId);
  if (action.kind === 'unshare') {
    await deleteBundle(bundleId, ctx);
    return { physicalResourceId: physical, log: { bundleId, deleted: true, ownership: action.kind } };
  }
  await settleWorkspacesResource(bundleId, action, me, ctx);
  return { physicalResourceId: physical, log: { bundleId, ownership: action.kind } };
}

/** Bundles, for the receiving side's shared steps (created-objects.ts). */
const BUNDLES: CreatedKind = {
  what: 'Bundle',
  idRule: WORKSPACE_BUNDLE_ID,
  remove: deleteBundle,
  deleteCommand: id => `aws workspaces delete-workspace-bundle --bundle-id ${id} --region ${process.env.AWS_REGION ?? '<region>'}`,
  findByName: async (name, ctx) => (await bundleNamed(workspacesOf(ctx), name))?.BundleId,
};

/** What a bundle is made of besides its image: a change of any of them makes a new bundle. */
const BUNDLE_PROPERTIES: readonly (keyof WorkspaceBundleProperties)[] = ['ComputeType', 'RootStorageGiB', 'UserStorageGiB', 'Name', 'Description'];

async function update(event: CloudFormationCustomResourceEvent & { RequestType: 'Update' }, bundle: Bundle, ctx: ResourceContext): Promise<Result> {
  const old = received<WorkspaceBundleProperties>(event.OldResourceProperties);
  const props = received<WorkspaceBundleProperties>(event.ResourceProperties);
  const differs = (k: keyof WorkspaceBundleProperties) => String(old[k] ?? '') !== String(props[k] ?? '');
  const bundleId = event.PhysicalResourceId;
  if (BUNDLE_PROPERTIES.some(differs) || !follows(WORKSPACE_BUNDLE_ID, bundleId)) {
    // WorkSpaces changes only the image of a bundle: a new one replaces it, and CloudFormation's
    // cleanup Delete deletes the old one. An Update that finds its bundle rather than creating one
    // may be the rollback of a failed replacement: the bundle that replacement created (the old
    // properties' name, this resource's, not the physical ID) is deleted, or recorded while PENDING.
    const me = ownerOf(event);
    const made = await create(bundle, me, new StackFacts(event.StackId, ctx), ctx, bundleId);
    if (made.how !== 'created') {
      await cleanUpReplaced(BUNDLES, { id: made.bundleId, tags: made.tags }, ifFollows(WORKSPACE_NAME, old.Name), bundle.name, bundleId, me, ctx);
    }
    return result(made.bundleId, bundle);
  }
  if (differs('ImageId')) {
    // The image alone changes in place: the bundle ID stays; WorkSpaces built from it keep their image until rebuilt.
    ctx.progress.plan('updated', [bundleId]);
    try {
      await workspacesOf(ctx).send(new UpdateWorkspaceBundleCommand({ BundleId: bundleId, ImageId: bundle.imageId }));
    } catch (error) {
      throw createError(error, bundle, ctx);
    }
    ctx.progress.record('updated', bundleId);
  }
  return result(bundleId, bundle);
}

export const handleWorkspaceBundle: ResourceHandler<typeof RESOURCE_TYPES.workspaceBundle> = async (event, ctx) => {
  if (event.RequestType === 'Delete') return remove(event, ctx);
  const bundle = validateBundle(event.ResourceProperties);
  if (event.RequestType === 'Create') return result((await create(bundle, ownerOf(event), new StackFacts(event.StackId, ctx), ctx)).bundleId, bundle);
  return update(event, bundle, ctx);
};
