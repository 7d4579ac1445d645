/**
 * One owner per shared image or alias: renames, a second stack, rollbacks and replacements,
 * through the bundled handler against the local endpoint (whose WorkSpaces keeps the owner tags).
 */
import { App, Stack } from 'aws-cdk-lib';
import { SharedWorkspaceImage } from '../src';
import { CloudFormationStub, Handler, lambdaContext } from './support/handler-harness';
import { useLocalAws } from './support/local-aws';
import { LocalDeployment, TemplateJson } from './support/local-deployment';
import { LocalAwsEndpoint } from './support/local-endpoint';

const IMAGE_TYPE = 'Custom::SharedWorkspaceImage';
const ALIAS_TYPE = 'Custom::SharedConnectionAlias';
const OWNER = '123456789012';
const IMAGE = 'wsi-abc123def';
const OTHER_IMAGE = 'wsi-xyz987uvw';
const ALIAS = 'wsca-abc12345de';
const A = '111122223333';
const B = '444455556666';
const C = '777788889999';
const OWNER_STACK = 'cdk-cross-account-sharing:owner-stack';
const OWNER_RESOURCE = 'cdk-cross-account-sharing:owner-resource';
const PREVIOUS = 'cdk-cross-account-sharing:previous-owner-resource';

let endpoint: LocalAwsEndpoint;
let cfn: CloudFormationStub;
let handler: Handler;
const aws = useLocalAws(OWNER, e => {
  e.workspaces.addImage(IMAGE);
  e.workspaces.addImage(OTHER_IMAGE);
  e.aliases.addAlias(ALIAS);
});
beforeEach(() => ({ endpoint, cfn, handler } = aws));

/** A second stack of the same account, with its own CloudFormation requests. */
const teamB = new CloudFormationStub('arn:aws:cloudformation:eu-west-1:123456789012:stack/TeamB/22222222-3333-4444-5555-666666666666');
beforeAll(() => teamB.start());
afterAll(() => teamB.stop());

const context = () => lambdaContext(OWNER);
const image = (accountIds: string[], imageId = IMAGE) => ({ ImageId: imageId, AccountIds: accountIds });
const owner = (resourceId: string) => endpoint.tags.of(resourceId);

/**
 * What the local CloudFormation says of a stack whose requests a test sends by hand: its status,
 * and its live resources with the properties its template declares (see the ownership
 * table, docs/state-table.md: a Delete reads them where a row needs it).
 */
function stackSays(stack: CloudFormationStub, status: string, resources: Record<string, Record<string, unknown>>): void {
  endpoint.cloudformation.addStack(stack.stackId, {
    status,
    template: { Resources: Object.fromEntries(Object.entries(resources).map(([id, Properties]) => [id, { Type: IMAGE_TYPE, Properties }])) },
    resources: Object.fromEntries(Object.keys(resources).map(id => [id, { type: IMAGE_TYPE }])),
  });
}

/** The template of an app whose stack shares IMAGE with `accounts` under the construct ID `id`. */
function synth(id: string, accounts: string[]): TemplateJson {
  const app = new App();
  const stack = new Stack(app, 'Demo', { env: { account: OWNER, region: 'eu-west-1' } });
  new SharedWorkspaceImage(stack, id, { imageId: IMAGE, accountIds: accounts });
  return app.synth().getStackArtifact(stack.artifactId).template;
}

describe('a rename', () => {
  test('keeps every share, and the stack\'s later delete unshares them', async () => {
    const deployment = new LocalDeployment(endpoint, cfn, handler, context);

    const created = await deployment.deploy(synth('GoldenImage', [A, B]));
    expect(created.map(r => r.response?.Status)).toEqual(['SUCCESS']);
    expect(owner(IMAGE)[OWNER_RESOURCE]).toMatch(/^GoldenImage/);

    // The refactor: CloudFormation creates the new logical resource, then deletes the old one.
    const renamed = await deployment.deploy(synth('Golden', [A, B]));
    expect(renamed.map(r => [r.action, r.logicalId.replace(/[0-9A-F]{8}$/, ''), r.response?.Status])).toEqual([
      ['Create', 'Golden', 'SUCCESS'],
      ['Delete', 'GoldenImage', 'SUCCESS'],
    ]);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A, B]);
    expect(owner(IMAGE)[OWNER_RESOURCE]).toMatch(/^Golden[0-9A-F]{8}$/);
    expect(owner(IMAGE)[PREVIOUS]).toBeUndefined();

    await deployment.destroy();
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
    expect(owner(IMAGE)).toEqual({});
  });

  test('rolled back hands the image back to the old resource, which still unshares on its delete', async () => {
    stackSays(cfn, 'UPDATE_IN_PROGRESS', { Old: image([A, B]), New: image([A, B]) });
    await cfn.invoke(handler, cfn.createEvent(IMAGE_TYPE, 'Old', image([A, B])), context());
    await cfn.invoke(handler, cfn.createEvent(IMAGE_TYPE, 'New', image([A, B])), context());
    expect(owner(IMAGE)).toMatchObject({ [OWNER_RESOURCE]: 'New', [PREVIOUS]: 'Old' });

    // Another resource of the update fails: CloudFormation deletes the new resource, keeps the old.
    endpoint.cloudformation.setStatus(cfn.stackId, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    const rollback = await cfn.invoke(handler, cfn.deleteEvent(IMAGE_TYPE, 'New', IMAGE, image([A, B])), context());
    expect(rollback.Status).toBe('SUCCESS');
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A, B]);
    expect(owner(IMAGE)).toEqual({ [OWNER_STACK]: cfn.stackId, [OWNER_RESOURCE]: 'Old' });

    endpoint.cloudformation.setStatus(cfn.stackId, 'DELETE_IN_PROGRESS');
    await cfn.invoke(handler, cfn.deleteEvent(IMAGE_TYPE, 'Old', IMAGE, image([A, B])), context());
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
  });
});

describe('a second stack', () => {
  test('claiming an owned image fails at once, changes nothing, and its rollback and delete leave the owner\'s shares', async () => {
    stackSays(cfn, 'CREATE_COMPLETE', { Share: image([A, B]) });
    await cfn.invoke(handler, cfn.createEvent(IMAGE_TYPE, 'Share', image([A, B])), context());
    endpoint.resetCalls();

    const claim = await teamB.invoke(handler, teamB.createEvent(IMAGE_TYPE, 'Share', image([B, C])), context());
    expect(claim.Status).toBe('FAILED');
    expect(claim.Reason).toContain(`Resource Share of stack ${cfn.stackId} already owns image ${IMAGE}; nothing was changed`);
    expect(claim.Reason).toMatch(/Use one construct for it: list all its accounts there/);
    expect(endpoint.calls.filter(c => !c.operation.startsWith('Describe'))).toEqual([]);

    // CloudFormation rolls the second stack back: a Delete of what its Create answered.
    const rollback = await teamB.invoke(handler, teamB.deleteEvent(IMAGE_TYPE, 'Share', claim.PhysicalResourceId, image([B, C])), context());
    expect(rollback.Status).toBe('SUCCESS');
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A, B]);
    expect(owner(IMAGE)[OWNER_STACK]).toBe(cfn.stackId);
    expect(endpoint.callsOf('UpdateWorkspaceImagePermission')).toHaveLength(0);
  });

  test('claiming an owned alias fails at once, changes nothing, and its delete leaves the owner\'s share', async () => {
    stackSays(cfn, 'CREATE_COMPLETE', { AliasShare: { AliasId: ALIAS, AccountId: A } });
    await cfn.invoke(handler, cfn.createEvent(ALIAS_TYPE, 'AliasShare', { AliasId: ALIAS, AccountId: A }), context());
    endpoint.resetCalls();

    const claim = await teamB.invoke(handler, teamB.createEvent(ALIAS_TYPE, 'AliasShare', { AliasId: ALIAS, AccountId: A }), context());
    expect(claim.Status).toBe('FAILED');
    expect(claim.Reason).toContain(`Resource AliasShare of stack ${cfn.stackId} already owns connection alias ${ALIAS}`);

    const rollback = await teamB.invoke(handler, teamB.deleteEvent(ALIAS_TYPE, 'AliasShare', claim.PhysicalResourceId, { AliasId: ALIAS, AccountId: A }), context());
    expect(rollback.Status).toBe('SUCCESS');
    expect(endpoint.aliases.shareOf(ALIAS)).toBe(A);
    expect(endpoint.callsOf('UpdateConnectionAliasPermission')).toHaveLength(0);
    expect(endpoint.callsOf('CreateTags')).toHaveLength(0);
    expect(endpoint.callsOf('DeleteTags')).toHaveLength(0);
  });
});

test('a replacement owns the new image, and its cleanup Delete unshares and releases the old one', async () => {
  await cfn.invoke(handler, cfn.createEvent(IMAGE_TYPE, 'Share', image([A])), context());

  const replaced = await cfn.invoke(handler, cfn.updateEvent(IMAGE_TYPE, 'Share', IMAGE, image([A], OTHER_IMAGE), image([A])), context());
  expect(replaced.PhysicalResourceId).toBe(OTHER_IMAGE);
  expect(owner(OTHER_IMAGE)[OWNER_RESOURCE]).toBe('Share');
  const cleanup = await cfn.invoke(handler, cfn.deleteEvent(IMAGE_TYPE, 'Share', IMAGE, image([A])), context());

  expect(cleanup.Status).toBe('SUCCESS');
  expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
  expect(owner(IMAGE)).toEqual({});
  expect(endpoint.workspaces.sharesOf(OTHER_IMAGE)).toEqual([A]);
});

test('the rollback of a failed replacement leaves an image another stack owns alone', async () => {
  endpoint.tags.set(OTHER_IMAGE, { [OWNER_STACK]: teamB.stackId, [OWNER_RESOURCE]: 'Share' });
  stackSays(teamB, 'CREATE_COMPLETE', { Share: image([A], OTHER_IMAGE) });
  endpoint.workspaces.addImage(OTHER_IMAGE, { sharedWith: [A] });
  await cfn.invoke(handler, cfn.createEvent(IMAGE_TYPE, 'Share', image([A])), context());

  const failed = await cfn.invoke(handler, cfn.updateEvent(IMAGE_TYPE, 'Share', IMAGE, image([A], OTHER_IMAGE), image([A])), context());
  expect(failed.Status).toBe('FAILED');
  const rollback = await cfn.invoke(handler, cfn.updateEvent(IMAGE_TYPE, 'Share', IMAGE, image([A]), image([A], OTHER_IMAGE)), context());

  expect(rollback.Status).toBe('SUCCESS');
  expect(endpoint.workspaces.sharesOf(OTHER_IMAGE)).toEqual([A]);
  expect(owner(OTHER_IMAGE)[OWNER_STACK]).toBe(teamB.stackId);
  expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A]);
});

test('a Delete of a share made before ownership was recorded unshares as it always did', async () => {
  endpoint.workspaces.addImage(IMAGE, { sharedWith: [A, B] });

  const response = await cfn.invoke(handler, cfn.deleteEvent(IMAGE_TYPE, 'Share', IMAGE, image([A, B])), context());

  expect(response.Status).toBe('SUCCESS');
  expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
  expect(endpoint.callsOf('DeleteTags')).toHaveLength(0);
});

describe('Partner Central preferences with RemovalPolicy destroy', () => {
  const PREFS_TYPE = 'Custom::PartnerConnectionPreferences';
  const prefs = (accessType: string) => ({ Catalog: 'Sandbox', AccessType: accessType, ExcludedParticipantIds: [], RemovalPolicy: 'destroy' });
  const PHYSICAL_ID = 'connection-preferences:Sandbox';

  test('a rename keeps the preferences the new resource wrote, and the stack\'s later delete resets them', async () => {
    stackSays(cfn, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', { Old: prefs('DENY_ALL'), New: prefs('DENY_ALL') });
    await cfn.invoke(handler, cfn.createEvent(PREFS_TYPE, 'Old', prefs('DENY_ALL')), context());
    await cfn.invoke(handler, cfn.createEvent(PREFS_TYPE, 'New', prefs('DENY_ALL')), context());

    const cleanup = await cfn.invoke(handler, cfn.deleteEvent(PREFS_TYPE, 'Old', PHYSICAL_ID, prefs('DENY_ALL')), context());
    expect(cleanup.Status).toBe('SUCCESS');
    expect(endpoint.partnerCentral.preferencesOf('Sandbox').AccessType).toBe('DENY_ALL');
    expect(endpoint.callsOf('UpdateConnectionPreferences')).toHaveLength(1);

    endpoint.cloudformation.setStatus(cfn.stackId, 'DELETE_IN_PROGRESS');
    await cfn.invoke(handler, cfn.deleteEvent(PREFS_TYPE, 'New', PHYSICAL_ID, prefs('DENY_ALL')), context());
    expect(endpoint.partnerCentral.preferencesOf('Sandbox').AccessType).toBe('ALLOW_ALL');
    expect(endpoint.partnerCentral.tagsOf(endpoint.partnerCentral.arnOf('Sandbox'))).toEqual({});
  });

  test('a rename away from a RETAIN construct clears the rename\'s note, so the new one\'s DESTROY delete still resets', async () => {
    const retained = { ...prefs('DENY_ALL'), RemovalPolicy: 'retain' };
    stackSays(cfn, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', { Old: retained, New: prefs('DENY_ALL') });
    await cfn.invoke(handler, cfn.createEvent(PREFS_TYPE, 'Old', retained), context());
    await cfn.invoke(handler, cfn.createEvent(PREFS_TYPE, 'New', prefs('DENY_ALL')), context());

    await cfn.invoke(handler, cfn.deleteEvent(PREFS_TYPE, 'Old', PHYSICAL_ID, retained), context());
    expect(endpoint.partnerCentral.tagsOf(endpoint.partnerCentral.arnOf('Sandbox'))).toEqual({ [OWNER_STACK]: cfn.stackId, [OWNER_RESOURCE]: 'New' });

    await cfn.invoke(handler, cfn.deleteEvent(PREFS_TYPE, 'New', PHYSICAL_ID, prefs('DENY_ALL')), context());
    expect(endpoint.partnerCentral.preferencesOf('Sandbox').AccessType).toBe('ALLOW_ALL');
  });

  test('a second stack\'s claim fails at once, changing nothing, and its rollback resets nothing', async () => {
    stackSays(cfn, 'CREATE_COMPLETE', { Prefs: prefs('DENY_ALL') });
    await cfn.invoke(handler, cfn.createEvent(PREFS_TYPE, 'Prefs', prefs('DENY_ALL')), context());

    const claim = await teamB.invoke(handler, teamB.createEvent(PREFS_TYPE, 'Prefs', prefs('ALLOW_ALL')), context());
    expect(claim.Status).toBe('FAILED');
    expect(claim.Reason).toContain(`Resource Prefs of stack ${cfn.stackId} already owns the connection preferences of catalog Sandbox; nothing was changed`);
    const rollback = await teamB.invoke(handler, teamB.deleteEvent(PREFS_TYPE, 'Prefs', claim.PhysicalResourceId, prefs('ALLOW_ALL')), context());

    expect(rollback.Status).toBe('SUCCESS');
    expect(endpoint.partnerCentral.preferencesOf('Sandbox').AccessType).toBe('DENY_ALL');
    expect(endpoint.callsOf('UpdateConnectionPreferences')).toHaveLength(1);
  });

  test('when Partner Central refuses tags on the preferences (UNVERIFIED), the deploy goes on and a DESTROY Delete resets as before', async () => {
    endpoint.partnerCentral.preferencesTaggable = false;

    const created = await cfn.invoke(handler, cfn.createEvent(PREFS_TYPE, 'Prefs', prefs('DENY_ALL')), context());
    expect(created.Status).toBe('SUCCESS');
    expect(endpoint.partnerCentral.preferencesOf('Sandbox').AccessType).toBe('DENY_ALL');

    const deleted = await cfn.invoke(handler, cfn.deleteEvent(PREFS_TYPE, 'Prefs', PHYSICAL_ID, prefs('DENY_ALL')), context());
    expect(deleted.Status).toBe('SUCCESS');
    expect(endpoint.partnerCentral.preferencesOf('Sandbox').AccessType).toBe('ALLOW_ALL');
  });
});

describe('RemovalPolicy retain', () => {
  const retained = (accountIds: string[]) => ({ ...image(accountIds), RemovalPolicy: 'retain' });

  test('an image share\'s Delete keeps the shares and releases the image, which another stack then takes over', async () => {
    await cfn.invoke(handler, cfn.createEvent(IMAGE_TYPE, 'Share', retained([A, B])), context());

    const deleted = await cfn.invoke(handler, cfn.deleteEvent(IMAGE_TYPE, 'Share', IMAGE, retained([A, B])), context());
    expect(deleted.Status).toBe('SUCCESS');
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A, B]);
    expect(owner(IMAGE)).toEqual({});
    expect(endpoint.callsOf('UpdateWorkspaceImagePermission').filter(c => c.input.AllowCopyImage === false)).toHaveLength(0);

    // The share moves to another stack: its Create claims the released image and lists the accounts.
    const moved = await teamB.invoke(handler, teamB.createEvent(IMAGE_TYPE, 'Share', image([A, B, C])), context());
    expect(moved.Status).toBe('SUCCESS');
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A, B, C]);
    expect(owner(IMAGE)[OWNER_STACK]).toBe(teamB.stackId);
  });

  test('an alias share\'s Delete keeps the share and releases the alias', async () => {
    const props = { AliasId: ALIAS, AccountId: A, RemovalPolicy: 'retain' };
    await cfn.invoke(handler, cfn.createEvent(ALIAS_TYPE, 'AliasShare', props), context());

    const deleted = await cfn.invoke(handler, cfn.deleteEvent(ALIAS_TYPE, 'AliasShare', ALIAS, props), context());

    expect(deleted.Status).toBe('SUCCESS');
    expect(endpoint.aliases.shareOf(ALIAS)).toBe(A);
    expect(owner(ALIAS)).toEqual({});
    expect(endpoint.callsOf('UpdateConnectionAliasPermission')).toHaveLength(1);
  });

  test('still undoes what a Create that failed part-way shared', async () => {
    process.env.SHARING_IAM_PROPAGATION_MS = '0';
    endpoint.inject({ kind: 'access-denied', count: 1, operation: 'UpdateWorkspaceImagePermission', after: 1 });

    const created = await cfn.invoke(handler, cfn.createEvent(IMAGE_TYPE, 'Share', retained([A, B])), context());
    expect(created.Status).toBe('FAILED');
    expect(created.PhysicalResourceId).toBe(`${IMAGE}:create-failed`);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A]);

    const rollback = await cfn.invoke(handler, cfn.deleteEvent(IMAGE_TYPE, 'Share', created.PhysicalResourceId, retained([A, B])), context());
    expect(rollback.Status).toBe('SUCCESS');
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
    expect(owner(IMAGE)).toEqual({});
  });
});
