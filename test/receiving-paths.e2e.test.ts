/**
 * The receiving side at its edges (issue: renames, rollbacks after the owner unshares, failed
 * replacements, two stacks on one directory), each deployed through the bundled handler, the
 * local endpoint and its local CloudFormation, in the receiving account: every scenario ends as
 * the receiving side's state table (docs/state-table.md) says, and after the stack's delete nothing the stack
 * made is left in the account.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ComputeType, ConnectionAliasAssociation, WorkspaceBundle, WorkspaceImageCopy } from '../src';
import { CloudFormationStub, lambdaContext } from './support/handler-harness';
import { useLocalAws } from './support/local-aws';
import { LocalDeployment, StepResult, TemplateJson } from './support/local-deployment';

const OWNER = '123456789012';
const RECEIVER = '210987654321';
const SOURCE = 'wsi-golden1234';
const ALIAS = 'wsca-abc12345de';
const DIRECTORY = 'd-9067a1b2c3';
const OWNER_STACK = 'cdk-cross-account-sharing:owner-stack';
const OWNER_RESOURCE = 'cdk-cross-account-sharing:owner-resource';
const PREVIOUS = 'cdk-cross-account-sharing:previous-owner-resource';
const LEFTOVER = 'cdk-cross-account-sharing:unfinished-replacement';
const ALIAS_OWNER_RESOURCE = `cdk-cross-account-sharing:${ALIAS}:owner-resource`;

const aws = useLocalAws(OWNER, endpoint => {
  endpoint.addAccount(RECEIVER);
  endpoint.workspaces.addImage(SOURCE, { sharedWith: [RECEIVER] });
  endpoint.aliases.addAlias(ALIAS, { sharedWith: RECEIVER });
});

/** The receiving account's stacks. */
const receiving = new CloudFormationStub('arn:aws:cloudformation:eu-west-1:210987654321:stack/Receiving/11111111-2222-3333-4444-555555555555');
const other = new CloudFormationStub('arn:aws:cloudformation:eu-west-1:210987654321:stack/Other/22222222-3333-4444-5555-666666666666');
beforeAll(() => Promise.all([receiving.start(), other.start()]));
afterAll(() => Promise.all([receiving.stop(), other.stop()]));

const deployment = (stub = receiving) => new LocalDeployment(aws.endpoint, stub, aws.handler, () => lambdaContext(RECEIVER));
const statuses = (steps: StepResult[]) => steps.filter(s => s.response).map(s => `${s.phase} ${s.action} ${s.logicalId.replace(/[0-9A-F]{8}$/, '')} ${s.response!.Status}`);
const tags = (id: string) => aws.endpoint.tags.of(id);
const images = () => aws.endpoint.workspaces.ownedBy(RECEIVER);
const bundles = () => aws.endpoint.bundles.list();

/** The template of a receiving stack whose constructs `declare` builds. */
function synth(declare: (stack: Stack) => void, name = 'Receiving'): TemplateJson {
  const app = new App();
  const stack = new Stack(app, name, { env: { account: RECEIVER, region: 'eu-west-1' } });
  declare(stack);
  return app.synth().getStackArtifact(stack.artifactId).template;
}
const associationStack = (id: string, name?: string) =>
  synth(s => new ConnectionAliasAssociation(s, id, { aliasId: ALIAS, directoryId: DIRECTORY }), name);
/** A copy that fails at once: its source is not shared with the receiving account. */
const failing = (s: Stack) => new WorkspaceImageCopy(s, 'Unshared', { sourceImageId: 'wsi-notshared01', name: 'never' });
const copyAndBundle = (s: Stack, copyId: string, bundleId: string, names = { copy: 'golden-copy', bundle: 'golden-standard' }) => {
  const copy = new WorkspaceImageCopy(s, copyId, { sourceImageId: SOURCE, name: names.copy, removalPolicy: RemovalPolicy.DESTROY });
  new WorkspaceBundle(s, bundleId, { imageId: copy.imageId, computeType: ComputeType.STANDARD, name: names.bundle });
};

/** Set the time budget of every resource of `type` in a template (the budget a construct sets is CloudFormation's longest for copies). */
function withBudget(template: TemplateJson, type: string, seconds: number): TemplateJson {
  const resources = Object.fromEntries(Object.entries(template.Resources).map(([id, r]) => [id, r.Type === type
    ? { ...r, Properties: { ...r.Properties, TimeBudgetSeconds: String(seconds), ServiceTimeout: String(seconds) } } : r]));
  return { ...template, Resources: resources };
}

describe('ConnectionAliasAssociation', () => {
  test('a rename keeps the association (rows RA2, RD3), and the stack\'s later delete removes it (RD1)', async () => {
    const stack = deployment();
    await stack.deploy(associationStack('DesktopAlias'));
    expect(aws.endpoint.aliases.associationOf(ALIAS)?.directoryId).toBe(DIRECTORY);

    const renamed = await stack.deploy(associationStack('Desktop'));
    expect(statuses(renamed)).toEqual(['deploy Create Desktop SUCCESS', 'cleanup Delete DesktopAlias SUCCESS']);
    expect(stack.status).toBe('UPDATE_COMPLETE');
    expect(aws.endpoint.aliases.associationOf(ALIAS)).toMatchObject({ accountId: RECEIVER, directoryId: DIRECTORY, status: 'ASSOCIATED_WITH_SHARED_ACCOUNT' });
    expect(aws.endpoint.callsOf('DisassociateConnectionAlias')).toHaveLength(0);
    expect(tags(DIRECTORY)[ALIAS_OWNER_RESOURCE]).toMatch(/^Desktop[0-9A-F]{8}$/);
    expect(Object.keys(tags(DIRECTORY))).not.toContain(`cdk-cross-account-sharing:${ALIAS}:previous-owner-resource`);

    await stack.destroy();
    expect(aws.endpoint.aliases.associationOf(ALIAS)).toBeUndefined();
    expect(tags(DIRECTORY)).toEqual({});
  });

  test('the rollback of a rename hands the association back and keeps it (RD2)', async () => {
    const stack = deployment();
    await stack.deploy(associationStack('DesktopAlias'));

    const steps = await stack.deploy(synth(s => {
      new ConnectionAliasAssociation(s, 'Desktop', { aliasId: ALIAS, directoryId: DIRECTORY });
      failing(s);
    }));
    expect(statuses(steps)).toContain('rollback-cleanup Delete Desktop SUCCESS');
    expect(stack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(aws.endpoint.aliases.associationOf(ALIAS)?.directoryId).toBe(DIRECTORY);
    expect(tags(DIRECTORY)[ALIAS_OWNER_RESOURCE]).toMatch(/^DesktopAlias/);

    await stack.destroy();
    expect(aws.endpoint.aliases.associationOf(ALIAS)).toBeUndefined();
  });

  test('a second stack\'s claim on the same association fails before it changes anything (RA3), and its delete leaves it (RD0)', async () => {
    const first = deployment();
    await first.deploy(associationStack('Desktop'));
    aws.endpoint.resetCalls();

    const second = deployment(other);
    const steps = await second.deploy(associationStack('Desktop', 'Other'));
    expect(statuses(steps)).toEqual(['deploy Create Desktop FAILED', 'rollback Delete Desktop SUCCESS']);
    expect(steps[0].response!.Reason).toContain(`already owns the association of connection alias ${ALIAS} with directory ${DIRECTORY}; nothing was changed`);
    expect(steps[0].response!.Reason).toContain(receiving.stackId);
    expect(aws.endpoint.calls.filter(c => !c.operation.startsWith('Describe')).map(c => c.operation)).toEqual([]);
    expect(aws.endpoint.aliases.associationOf(ALIAS)?.directoryId).toBe(DIRECTORY);
    expect(tags(DIRECTORY)[`cdk-cross-account-sharing:${ALIAS}:owner-stack`]).toBe(receiving.stackId);

    await first.destroy();
    expect(aws.endpoint.aliases.associationOf(ALIAS)).toBeUndefined();
  });

  test('a rollback to a directory whose alias the owner has unshared meanwhile succeeds without it (RU2)', async () => {
    const stack = deployment();
    const OTHER_DIRECTORY = 'd-9067ffff00';
    await stack.deploy(associationStack('Desktop'));

    // The update moves the association to another directory and fails elsewhere; before its
    // rollback reaches the association, the owner unshares the alias (it is free then).
    aws.endpoint.onCall = (operation, input) => {
      if (operation === 'DescribeWorkspaceImages' && input.ImageType === 'SHARED') aws.endpoint.aliases.addAlias(ALIAS, {});
    };
    const steps = await stack.deploy(synth(s => {
      new ConnectionAliasAssociation(s, 'Desktop', { aliasId: ALIAS, directoryId: OTHER_DIRECTORY });
      failing(s);
    }));
    expect(statuses(steps)).toEqual([
      'deploy Update Desktop SUCCESS', 'deploy Create Unshared FAILED', 'rollback Update Desktop SUCCESS', 'rollback-cleanup Delete Unshared SUCCESS',
    ]);
    expect(stack.status).toBe('UPDATE_ROLLBACK_COMPLETE');

    await stack.destroy();
    expect(stack.status).toBe('DELETE_COMPLETE');
  });
});

describe('WorkspaceImageCopy and WorkspaceBundle', () => {
  test('a rename keeps the copy and the bundle (RC2, RD3), and the stack\'s delete deletes both', async () => {
    const stack = deployment();
    await stack.deploy(synth(s => copyAndBundle(s, 'GoldenImageCopy', 'GoldenBundle')));
    const [copy] = images();
    const [bundle] = bundles();

    const renamed = await stack.deploy(synth(s => copyAndBundle(s, 'Golden', 'Standard')));
    expect(statuses(renamed)).toEqual([
      'deploy Create Golden SUCCESS', 'deploy Create Standard SUCCESS', 'cleanup Delete GoldenBundle SUCCESS', 'cleanup Delete GoldenImageCopy SUCCESS',
    ]);
    expect(stack.status).toBe('UPDATE_COMPLETE');
    expect(images()).toEqual([copy]);
    expect(bundles()).toEqual([bundle]);
    expect(aws.endpoint.callsOf('CopyWorkspaceImage')).toHaveLength(1);
    expect(aws.endpoint.callsOf('CreateWorkspaceBundle')).toHaveLength(1);
    expect(tags(copy.id)[OWNER_RESOURCE]).toMatch(/^Golden[0-9A-F]{8}$/);
    expect(tags(bundle.id)[OWNER_RESOURCE]).toMatch(/^Standard[0-9A-F]{8}$/);
    expect(tags(copy.id)[PREVIOUS]).toBeUndefined();
    expect(tags(bundle.id)[PREVIOUS]).toBeUndefined();

    await stack.destroy();
    expect(images()).toEqual([]);
    expect(bundles()).toEqual([]);
  });

  test('the rollback of a rename hands the copy and the bundle back (RD2)', async () => {
    const stack = deployment();
    await stack.deploy(synth(s => copyAndBundle(s, 'GoldenImageCopy', 'GoldenBundle')));
    const [copy] = images();

    const steps = await stack.deploy(synth(s => {
      copyAndBundle(s, 'Golden', 'Standard');
      failing(s);
    }));
    expect(stack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(statuses(steps).filter(s => s.startsWith('rollback-cleanup Delete'))).toHaveLength(3);
    expect(images()).toEqual([copy]);
    expect(bundles()).toHaveLength(1);
    expect(tags(copy.id)[OWNER_RESOURCE]).toMatch(/^GoldenImageCopy/);
    expect(tags(bundles()[0].id)[OWNER_RESOURCE]).toMatch(/^GoldenBundle/);

    await stack.destroy();
    expect(images()).toEqual([]);
    expect(bundles()).toEqual([]);
  });

  test('a copy update that fails after the owner unshared the source rolls back to the old copy (RU1)', async () => {
    const stack = deployment();
    await stack.deploy(synth(s => new WorkspaceImageCopy(s, 'Golden', { sourceImageId: SOURCE, name: 'golden-copy', removalPolicy: RemovalPolicy.DESTROY })));
    const [copy] = images();
    // The owner unshares the source: docs/behaviour.md says a copy stays usable.
    aws.endpoint.workspaces.addImage(SOURCE, { sharedWith: [] });

    const steps = await stack.deploy(synth(s => new WorkspaceImageCopy(s, 'Golden', {
      sourceImageId: SOURCE, name: 'golden-copy-2', removalPolicy: RemovalPolicy.DESTROY,
    })));
    expect(statuses(steps)).toEqual(['deploy Update Golden FAILED', 'rollback Update Golden SUCCESS']);
    expect(steps[0].response!.Reason).toContain(`Image ${SOURCE} in eu-west-1 is not shared with account ${RECEIVER}`);
    expect(steps[1].response!.PhysicalResourceId).toBe(copy.id);
    expect(stack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(images()).toEqual([copy]);

    await stack.destroy();
    expect(images()).toEqual([]);
  });

  test('a copy replacement still PENDING when its budget ends: the Reason says what is left, the rollback records it, the stack\'s delete deletes it (RU3, RD4)', async () => {
    const stack = deployment();
    const declare = (name: string) => synth(s => new WorkspaceImageCopy(s, 'Golden', { sourceImageId: SOURCE, name, removalPolicy: RemovalPolicy.DESTROY }));
    await stack.deploy(declare('golden-copy'));
    const [copy] = images();
    aws.endpoint.workspaces.copyPendingMs = 3_600_000;

    const steps = await stack.deploy(withBudget(declare('golden-copy-2'), 'Custom::WorkspaceImageCopy', 3));
    expect(statuses(steps)).toEqual(['deploy Update Golden FAILED', 'rollback Update Golden SUCCESS']);
    const replacement = images().find(i => i.name === 'golden-copy-2')!;
    expect(replacement.state).toBe('PENDING');
    expect(steps[0].response!.Reason).toContain(`Image copy ${replacement.id} is left in account ${RECEIVER} in eu-west-1`);
    expect(steps[0].response!.Reason).toContain(`aws workspaces delete-workspace-image --image-id ${replacement.id} --region eu-west-1`);
    expect(steps[1].response!.PhysicalResourceId).toBe(copy.id);
    expect(tags(copy.id)[LEFTOVER]).toBe(replacement.id);

    // WorkSpaces ends the copy later; the stack's delete deletes both.
    aws.endpoint.workspaces.finish(replacement.id);
    await stack.destroy();
    expect(stack.status).toBe('DELETE_COMPLETE');
    expect(images()).toEqual([]);
  });

  test('a bundle replacement still PENDING when its budget ends is deleted by the rollback once WorkSpaces has made it (RU3)', async () => {
    const stack = deployment();
    const declare = (name: string) => synth(s => new WorkspaceBundle(s, 'Standard', { imageId: 'wsi-ownimage01', computeType: ComputeType.STANDARD, name }));
    aws.endpoint.workspaces.addImage('wsi-ownimage01', { owner: RECEIVER, name: 'own' });
    await stack.deploy(declare('golden-standard'));
    const [bundle] = bundles();
    aws.endpoint.bundles.pendingMs = 3_600_000;
    // The rollback's first look for its bundle comes after the failure: the new bundle is made by then.
    let failed = false;
    aws.endpoint.onCall = (operation, input) => {
      const replacement = bundles().find(b => b.name === 'golden-standard-2');
      if (replacement && operation === 'DescribeWorkspaceBundles' && input.BundleIds === undefined && failed) aws.endpoint.bundles.finish(replacement.id);
      if (replacement && operation === 'DescribeWorkspaceBundles' && input.BundleIds !== undefined) failed = true;
    };

    const steps = await stack.deploy(withBudget(declare('golden-standard-2'), 'Custom::WorkspaceBundle', 3));
    expect(statuses(steps)).toEqual(['deploy Update Standard FAILED', 'rollback Update Standard SUCCESS']);
    expect(steps[0].response!.Reason).toMatch(/Bundle wsb-\w+ is left in account 210987654321 in eu-west-1.*aws workspaces delete-workspace-bundle --bundle-id wsb-\w+ --region eu-west-1/);
    expect(steps[1].response!.PhysicalResourceId).toBe(bundle.id);
    expect(bundles()).toEqual([bundle]);
    expect(tags(bundle.id)[LEFTOVER]).toBeUndefined();

    await stack.destroy();
    expect(bundles()).toEqual([]);
  });

  test('another stack\'s copy of the same name and source fails the Create, changing nothing (RC3)', async () => {
    await deployment(other).deploy(synth(s => new WorkspaceImageCopy(s, 'Golden', { sourceImageId: SOURCE, name: 'golden-copy' }), 'Other'));
    const [copy] = images();

    const steps = await deployment().deploy(synth(s => new WorkspaceImageCopy(s, 'Golden', { sourceImageId: SOURCE, name: 'golden-copy' })));
    expect(statuses(steps)).toEqual(['deploy Create Golden FAILED', 'rollback Delete Golden SUCCESS']);
    expect(steps[0].response!.Reason).toContain(`of stack ${other.stackId} already owns image copy ${copy.id}; nothing was changed`);
    expect(images()).toEqual([copy]);
    expect(tags(copy.id)[OWNER_STACK]).toBe(other.stackId);
  });

  test('a copy that a deleted stack retained is taken over by the next stack that declares it, copying nothing (RC5, RD1 with RETAIN)', async () => {
    const declare = (name: string) => synth(s => new WorkspaceImageCopy(s, 'Golden', { sourceImageId: SOURCE, name: 'golden-copy' }), name);
    const first = deployment(other);
    await first.deploy(declare('Other'));
    const [copy] = images();
    await first.destroy();
    // Retained and released: only its source is recorded.
    expect(images()).toEqual([copy]);
    expect(tags(copy.id)[OWNER_STACK]).toBeUndefined();

    const steps = await deployment().deploy(declare('Receiving'));
    expect(statuses(steps)).toEqual(['deploy Create Golden SUCCESS']);
    expect(steps[0].response!.PhysicalResourceId).toBe(copy.id);
    expect(aws.endpoint.callsOf('CopyWorkspaceImage')).toHaveLength(1);
    expect(tags(copy.id)[OWNER_STACK]).toBe(receiving.stackId);
  });

  test('a copy replacement that ends in ERROR deletes its new copy before it fails, and the rollback keeps the old one (RU3)', async () => {
    const stack = deployment();
    const declare = (name: string) => synth(s => new WorkspaceImageCopy(s, 'Golden', { sourceImageId: SOURCE, name, removalPolicy: RemovalPolicy.DESTROY }));
    await stack.deploy(declare('golden-copy'));
    const [copy] = images();
    aws.endpoint.workspaces.copiesEndAs = 'ERROR';

    const steps = await stack.deploy(declare('golden-copy-2'));
    expect(statuses(steps)).toEqual(['deploy Update Golden FAILED', 'rollback Update Golden SUCCESS']);
    expect(steps[0].response!.Reason).toMatch(/Image copy wsi-\w+ of wsi-golden1234 failed \(state ERROR/);
    expect(images()).toEqual([copy]);
    expect(tags(copy.id)[LEFTOVER]).toBeUndefined();
  });
});
