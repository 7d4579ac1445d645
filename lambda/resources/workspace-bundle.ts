import {
  CreateWorkspaceBundleCommand, DeleteWorkspaceBundleCommand, DescribeWorkspaceBundlesCommand, UpdateWorkspaceBundleCommand,
  WorkspaceBundle, WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { RESOURCE_TYPES, received, WorkspaceBundleAttributes, WorkspaceBundleProperties } from '../../src/contract/resources';
import {
  breaks, COMPUTE_TYPE_NAME, follows, Rule, STORAGE_GIB, WORKSPACE_BUNDLE_DESCRIPTION, WORKSPACE_BUNDLE_ID, WORKSPACE_IMAGE_ID, WORKSPACE_NAME,
} from '../../src/contract/rules';
import { pages } from '../clients/paging';
import { workspacesOf } from '../clients/workspaces';
import { ownedBy, tagsOf } from '../ownership/created-objects';
import { Owner, ownerOf, ownerTags } from '../ownership/ownership';
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

/** The account's own bundle named `name` in this Region, if any (DescribeWorkspaceBundles without a filter lists the account's bundles). */
async function bundleNamed(ws: WorkSpacesClient, name: string): Promise<WorkspaceBundle | undefined> {
  for await (const page of pages(nextToken => ws.send(new DescribeWorkspaceBundlesCommand({ NextToken: nextToken })))) {
    const found = page.Bundles?.find(b => b.Name === name);
    if (found) return found;
  }
  return undefined;
}

async function describeBundle(ws: WorkSpacesClient, bundleId: string): Promise<WorkspaceBundle | undefined> {
  const { Bundles } = await ws.send(new DescribeWorkspaceBundlesCommand({ BundleIds: [bundleId] }));
  return Bundles?.find(b => b.BundleId === bundleId);
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
  if (current === 'ERROR') throw new PreconditionError(`Bundle ${bundleId} is in state ERROR: check its image, compute type and volume sizes; the rollback deletes it`);
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

/**
 * Create the bundle, unless this resource created it already (found by its name, with its
 * ownership tags and the declared settings); any other bundle of that name fails the request,
 * changing nothing. Then wait while it is PENDING.
 */
async function create(bundle: Bundle, me: Owner, ctx: ResourceContext, replacing?: string): Promise<Result> {
  const ws = workspacesOf(ctx);
  let bundleId: string;
  let state: string | undefined;
  const existing = await bundleNamed(ws, bundle.name);
  if (existing?.BundleId) {
    if (!ownedBy(await tagsOf(existing.BundleId, ctx), me) || !sameBundle(existing, bundle)) {
      const whose = existing.BundleId === replacing ? 'the bundle this update replaces' : 'a bundle this resource did not create with these settings';
      throw new PreconditionError(
        `A bundle named ${JSON.stringify(bundle.name)} already exists in account ${ctx.accountId} in this Region (${existing.BundleId}, ${whose}): `
        + 'bundle names are unique; choose another name, then deploy again',
      );
    }
    bundleId = existing.BundleId;
    state = existing.State;
  } else {
    ctx.progress.plan('created', [bundle.name]);
    try {
      const { WorkspaceBundle: made } = await ws.send(new CreateWorkspaceBundleCommand({
        BundleName: bundle.name,
        BundleDescription: bundle.description,
        ImageId: bundle.imageId,
        ComputeType: { Name: bundle.computeType as never },
        UserStorage: { Capacity: bundle.userStorageGiB },
        RootStorage: bundle.rootStorageGiB ? { Capacity: bundle.rootStorageGiB } : undefined,
        Tags: ownerTags(me),
      }));
      if (!made?.BundleId) throw new Error(`CreateWorkspaceBundle answered without a bundle ID for ${bundle.name}`);
      bundleId = made.BundleId;
      state = made.State;
    } catch (error) {
      throw createError(error, bundle, ctx);
    }
    ctx.progress.record('created', bundleId);
  }
  // A failed Create names the bundle, so that the Delete that follows deletes it.
  ctx.physicalResourceIdOnFailure = bundleId;
  await waitAvailable(bundleId, state, ctx);
  return result(bundleId, bundle);
}

/** Delete the bundle; gone counts as deleted, WorkSpaces that still use it fail the request. */
async function deleteBundle(bundleId: string, ctx: ResourceContext): Promise<void> {
  ctx.progress.plan('deleted', [bundleId]);
  try {
    await workspacesOf(ctx).send(new DeleteWorkspaceBundleCommand({ BundleId: bundleId }));
  } catch (error) {
    if (isErrorCode(error, 'ResourceAssociatedException')) {
      throw new PreconditionError(
        `Bundle ${bundleId} is still used by WorkSpaces (${messageOf(error)}): terminate them, or rebuild them from another bundle `
        + `(aws workspaces describe-workspaces --bundle-id ${bundleId} lists them), then delete again`,
      );
    }
    if (!isErrorCode(error, 'ResourceNotFoundException')) throw error;
  }
  ctx.progress.record('deleted', bundleId);
}

async function remove(event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }, ctx: ResourceContext): Promise<Result> {
  const bundle = validForDelete(() => validateBundle(event.ResourceProperties));
  if (!bundle) return { physicalResourceId: event.PhysicalResourceId, log: NOTHING_TO_UNDO };
  let bundleId = event.PhysicalResourceId;
  if (!follows(WORKSPACE_BUNDLE_ID, bundleId)) {
    // A Create that never answered with the bundle's ID: delete the bundle it made, if any.
    const existing = await bundleNamed(workspacesOf(ctx), bundle.name);
    if (!existing?.BundleId || !ownedBy(await tagsOf(existing.BundleId, ctx), ownerOf(event))) {
      return { physicalResourceId: bundleId, log: { created: false } };
    }
    bundleId = existing.BundleId;
  }
  await deleteBundle(bundleId, ctx);
  return { physicalResourceId: event.PhysicalResourceId, log: { bundleId, deleted: true } };
}

/** What a bundle is made of besides its image: a change of any of them makes a new bundle. */
const BUNDLE_PROPERTIES: readonly (keyof WorkspaceBundleProperties)[] = ['ComputeType', 'RootStorageGiB', 'UserStorageGiB', 'Name', 'Description'];

async function update(event: CloudFormationCustomResourceEvent & { RequestType: 'Update' }, bundle: Bundle, ctx: ResourceContext): Promise<Result> {
  const old = received<WorkspaceBundleProperties>(event.OldResourceProperties);
  const props = received<WorkspaceBundleProperties>(event.ResourceProperties);
  const differs = (k: keyof WorkspaceBundleProperties) => String(old[k] ?? '') !== String(props[k] ?? '');
  const bundleId = event.PhysicalResourceId;
  if (BUNDLE_PROPERTIES.some(differs) || !follows(WORKSPACE_BUNDLE_ID, bundleId)) {
    // WorkSpaces changes only the image of a bundle: a new one replaces it, and CloudFormation's cleanup Delete deletes the old one.
    return create(bundle, ownerOf(event), ctx, bundleId);
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
  return event.RequestType === 'Create' ? create(bundle, ownerOf(event), ctx) : update(event, bundle, ctx);
};
