/**
 * The twelve paths of issue 24 where the library's promise broke, each deployed through the
 * bundled handler, the local endpoint and its local CloudFormation (`LocalDeployment`), with the
 * local scheduler firing checks and local Organizations holding the units, in virtual time. Each
 * asserts the promise: nothing is shared with an account that nobody declares, nothing a stack
 * shared is left after its delete, no stack ends ROLLBACK_FAILED, UPDATE_ROLLBACK_FAILED or
 * DELETE_FAILED, and every request is answered once (for path 7: the declared exclusions are
 * restored). The concurrency paths (2, 3, 11) interleave a deploy with an in-flight check, or a
 * late duplicate delivery with a finished request, at a given call (`onCall`), never by racing.
 *
 * A test marked `test.failing` is a path that the reconcile engine (issue 24) fixes: it passes
 * while the behaviour is still broken; the engine flips it to `test`.
 */
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  ComputeType, ConnectionAccessType, DriftAction, PartnerConnectionPreferences, SharedWorkspaceImage, WorkspaceBundle, WorkspaceImageCopy,
} from '../src';
import { driftLines } from './support/drift-log';
import { CloudFormationStub, lambdaContext, useFastSettings } from './support/handler-harness';
import { SHORT_INVOCATION_MS, useLocalAws, useShortInvocations } from './support/local-aws';
import { LocalDeployment, StepResult, TemplateJson } from './support/local-deployment';
import { LocalDynamoDb } from './support/local-dynamodb';

// Path 9 runs 1,200 accounts' writes, each with its fence in the ledger, on a loaded machine.
jest.setTimeout(300_000);

const OWNER = '123456789012';
const RECEIVER = '210987654321';
const IMAGE = 'wsi-abc123def';
const IMAGE2 = 'wsi-def456abc';
const UNIT = 'ou-ab12-workload1';
const [A, B, C, X, Z] = ['111122223333', '444455556666', '777788889999', '555566667777', '999988887777'];
/** Account IDs 1000000000NN: the unit's members. */
const acct = (n: number) => String(100000000000 + n);
const IN_UNIT = [acct(1), acct(2), acct(3)];
const OWNER_STACK = 'cdk-cross-account-sharing:owner-stack';
const OWNER_RESOURCE = 'cdk-cross-account-sharing:owner-resource';
const SOURCE_TAG = 'cdk-cross-account-sharing:source-image';
const STUCK = ['ROLLBACK_FAILED', 'UPDATE_ROLLBACK_FAILED', 'DELETE_FAILED'];

const aws = useLocalAws(OWNER, endpoint => {
  // Z is shared outside the library, before any stack: no path may take it away.
  endpoint.workspaces.addImage(IMAGE, { sharedWith: [Z] });
  endpoint.workspaces.addImage(IMAGE2);
  endpoint.organizations.addUnit(UNIT);
  for (const account of IN_UNIT) endpoint.organizations.addAccount(account, UNIT);
});

const dynamodb = new LocalDynamoDb();
beforeEach(() => dynamodb.start());
afterEach(() => dynamodb.stop());

/** A second stack of the owner account, and the receiving account's stack. */
const teamB = new CloudFormationStub('arn:aws:cloudformation:eu-west-1:123456789012:stack/TeamB/22222222-3333-4444-5555-666666666666');
const receiving = new CloudFormationStub('arn:aws:cloudformation:eu-west-1:210987654321:stack/Receiving/11111111-2222-3333-4444-555555555555');
beforeAll(() => Promise.all([teamB.start(), receiving.start()]));
afterAll(() => Promise.all([teamB.stop(), receiving.stop()]));

/** Where each stub's requests of this test begin, for "every request answered once". */
let since: Map<CloudFormationStub, number>;
beforeEach(() => {
  since = new Map([aws.cfn, teamB, receiving].map(stub => [stub, stub.requestIds.length]));
});

/** A deployment of the owner's stack (or another stub's), creating the membership table each template lists first. */
function deployment(stub: CloudFormationStub = aws.cfn, account = OWNER, timeoutMs?: number): LocalDeployment {
  const local = new LocalDeployment(aws.endpoint, stub, aws.handler, () => lambdaContext(account, timeoutMs));
  const deploy = local.deploy.bind(local);
  local.deploy = async (template, options) => {
    await dynamodb.createTablesOf(template);
    return deploy(template, options);
  };
  return local;
}

const shares = (image = IMAGE) => aws.endpoint.workspaces.sharesOf(image);
const sorted = (...accounts: string[]) => [...accounts].sort();
const statuses = (steps: StepResult[]) => steps.filter(s => s.response).map(s => `${s.phase} ${s.action} ${s.logicalId.replace(/[0-9A-F]{8}$/, '')} ${s.response!.Status}`);

/** The promise's last two clauses: the stack is not stuck, and every request of the test got one answer. */
function expectSettled(...stacks: LocalDeployment[]): void {
  for (const stack of stacks) expect(STUCK).not.toContain(stack.status);
  for (const [stub, from] of since) expect(stub.notAnsweredOnce(from)).toEqual([]);
}

/** The template of a stack whose constructs `declare` builds. */
function synth(declare: (stack: Stack) => void, name = 'Demo', account = OWNER): TemplateJson {
  const app = new App();
  const stack = new Stack(app, name, { env: { account, region: 'eu-west-1' } });
  declare(stack);
  return app.synth().getStackArtifact(stack.artifactId).template;
}
const imageShare = (id: string, accountIds: string[], extra: Partial<ConstructorParameters<typeof SharedWorkspaceImage>[2]> = {}) =>
  (s: Stack) => new SharedWorkspaceImage(s, id, { imageId: IMAGE, accountIds, ...extra });
const unitShare = (id: string, extra: Partial<ConstructorParameters<typeof SharedWorkspaceImage>[2]> = {}) =>
  imageShare(id, [], { organizationalUnitIds: [UNIT], ...extra });
/** A share that fails at its Create: its image does not exist. Declared after the others, it fails the deploy after they are done. */
const failing = (s: Stack) => new SharedWorkspaceImage(s, 'Missing', { imageId: 'wsi-missing0000', accountIds: [A] });

/** A fault that fails the request: the write of the `after`-th account is refused with an error that cannot mean "already so". */
function failWriteAfter(after: number): void {
  aws.endpoint.inject({ kind: 'error', code: 'ResourceUnavailableException', count: 1, operation: 'UpdateWorkspaceImagePermission', after, message: 'injected' });
}

describe('path 1: a unit-following Create that fails part-way', () => {
  test('its rollback Delete unshares every account the Create shared', async () => {
    const stack = deployment();
    failWriteAfter(2);

    const steps = await stack.deploy(synth(unitShare('Golden')));
    expect(statuses(steps)).toEqual(['deploy Create Golden FAILED', 'rollback Delete Golden SUCCESS']);
    expect(stack.status).toBe('ROLLBACK_COMPLETE');
    // Two of the unit's accounts were shared before the refusal: the rollback must take them back.
    expect(shares()).toEqual([Z]);
    expectSettled(stack);
  });
});

describe('path 2: a scheduled check in flight when the stack is deleted', () => {
  test('grants nothing once the Delete has started: after the delete nothing it shared is left', async () => {
    // The check writes every 10 s (virtual): the whole delete, unpaced, runs between two of its writes.
    useFastSettings({ SHARING_DRIFT_CALLS_PER_SECOND: 0.1 });
    const stack = deployment();
    await stack.deploy(synth(unitShare('Golden')));
    for (const n of [4, 5, 6]) aws.endpoint.organizations.addAccount(acct(n), UNIT);

    // The stack's delete starts when the check's first grant arrives (that write lands: it was in flight).
    let deleting: Promise<StepResult[]> | undefined;
    aws.endpoint.onCall = (operation, input) => {
      if (!deleting && operation === 'UpdateWorkspaceImagePermission' && input.SharedAccountId === acct(4)) deleting = stack.destroy();
    };
    await aws.endpoint.scheduler.fire();
    expect(deleting).toBeDefined();
    await deleting;
    await aws.endpoint.lambda.settled();

    expect(stack.status).toBe('DELETE_COMPLETE');
    expect(shares()).toEqual([Z]);
    expectSettled(stack);
  });
});

describe('path 3: a REPAIR check in flight when an Update removes accounts', () => {
  test('shares none of the removed accounts again', async () => {
    useFastSettings({ SHARING_DRIFT_CALLS_PER_SECOND: 0.1 });
    const stack = deployment();
    const declared = (accountIds: string[]) => synth(imageShare('Golden', accountIds, { driftCheck: { interval: Duration.hours(1), action: DriftAction.REPAIR } }));
    await stack.deploy(declared([A, B, C]));
    // B and C unshared by hand: the check will share them again, one every 10 s.
    const unshare = aws.endpoint.workspaces.service().operations.UpdateWorkspaceImagePermission;
    for (const account of [B, C]) unshare({ ImageId: IMAGE, SharedAccountId: account, AllowCopyImage: false }, OWNER);

    // An Update that removes B and C starts when the check's grant of B arrives.
    let updating: Promise<StepResult[]> | undefined;
    aws.endpoint.onCall = (operation, input) => {
      if (!updating && operation === 'UpdateWorkspaceImagePermission' && input.SharedAccountId === B && input.AllowCopyImage) updating = stack.deploy(declared([A]));
    };
    await aws.endpoint.scheduler.fire();
    expect(updating).toBeDefined();
    expect(statuses(await updating!)).toEqual(['deploy Update Golden SUCCESS']);
    await aws.endpoint.lambda.settled();

    expect(stack.status).toBe('UPDATE_COMPLETE');
    expect(shares()).toEqual(sorted(A, Z));
    expectSettled(stack);
  });
});

describe('path 4: the rollback of a rename of a unit-following share', () => {
  test('unshares the account only the new declaration named (row D4)', async () => {
    const stack = deployment();
    await stack.deploy(synth(unitShare('Golden')));
    expect(shares()).toEqual(sorted(...IN_UNIT, Z));

    // The rename also lists X; a second share fails, so the update rolls back.
    const steps = await stack.deploy(synth(s => {
      unitShare('Gold', { accountIds: [X] })(s);
      failing(s);
    }));
    expect(statuses(steps)).toContain('deploy Create Missing FAILED');
    expect(stack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(aws.endpoint.tags.of(IMAGE)[OWNER_RESOURCE]).toMatch(/^Golden[0-9A-F]{8}$/);
    expect(shares()).toEqual(sorted(...IN_UNIT, Z));

    await stack.destroy();
    expect(shares()).toEqual([Z]);
    expectSettled(stack);
  });
});

describe('path 5: the rollback of a failed move of a unit-following share to another image (row U2)', () => {
  test('unshares what the move shared on the new image, and the stack\'s delete leaves nothing on either', async () => {
    const stack = deployment();
    await stack.deploy(synth(unitShare('Golden')));
    // The move shares one account on IMAGE2, then a write is refused.
    failWriteAfter(1);

    const steps = await stack.deploy(synth(unitShare('Golden', { imageId: IMAGE2 })));
    expect(statuses(steps)).toEqual(['deploy Update Golden FAILED', 'rollback Update Golden SUCCESS']);
    expect(stack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(shares(IMAGE)).toEqual(sorted(...IN_UNIT, Z));
    expect(shares(IMAGE2)).toEqual([]);

    await stack.destroy();
    expect(shares(IMAGE)).toEqual([Z]);
    expect(shares(IMAGE2)).toEqual([]);
    expectSettled(stack);
  });
});

describe('path 6: removing organizationalUnitIds from a construct', () => {
  test('unshares the accounts the units brought, and the stack\'s delete leaves nothing', async () => {
    const stack = deployment();
    await stack.deploy(synth(unitShare('Golden', { accountIds: [X] })));
    expect(shares()).toEqual(sorted(...IN_UNIT, X, Z));

    const steps = await stack.deploy(synth(imageShare('Golden', [X])));
    expect(statuses(steps)).toEqual(['deploy Update Golden SUCCESS']);
    expect(shares()).toEqual(sorted(X, Z));

    await stack.destroy();
    expect(shares()).toEqual([Z]);
    expectSettled(stack);
  });
});

describe('path 7: Partner Central REPAIR when the declared and the outside exclusions together pass 100', () => {
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);
  const declared = ids('declared', 60);
  const outside = ids('outside', 41);

  test('restores every declared exclusion, keeps the outside ones already there in their order as far as 100 allow, and reports the dropped ones', async () => {
    aws.endpoint.partnerCentral.seed('AWS');
    const stack = deployment();
    await stack.deploy(synth(s => new PartnerConnectionPreferences(s, 'Connections', {
      accessType: ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME,
      excludedParticipantIds: declared,
      driftCheck: { action: DriftAction.REPAIR },
    })));
    // By hand: declared-1 removed, 41 outside exclusions added, 100 in all.
    const { Revision } = aws.endpoint.partnerCentral.preferencesOf('AWS');
    aws.endpoint.partnerCentral.service().operations.UpdateConnectionPreferences({
      Catalog: 'AWS', Revision, AccessType: 'ALLOW_BY_DEFAULT_DENY_SOME', ExcludedParticipantIdentifiers: [...declared.slice(1), ...outside],
    }, OWNER);
    aws.endpoint.resetCalls();

    const lines = await driftLines(() => aws.endpoint.scheduler.fire());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ status: 'REPAIRED', missing: ['declared-1'], repaired: ['declared-1'], unshared: ['outside-41'] });
    expect(lines[0].droppedOutside).toEqual(['outside-41']);
    const excluded = aws.endpoint.partnerCentral.preferencesOf('AWS').ExcludedParticipantIds;
    expect(excluded).toHaveLength(100);
    expect(declared.filter(d => !excluded.includes(d))).toEqual([]);
    expect(excluded.filter(e => !declared.includes(e))).toEqual(outside.slice(0, 40));
    // Never more than Partner Central's maximum in a write.
    for (const write of aws.endpoint.callsOf('UpdateConnectionPreferences')) expect(write.input.ExcludedParticipantIdentifiers.length).toBeLessThanOrEqual(100);
    expectSettled(stack);
  });
});

describe('path 8: Partner Central drift checks when Partner Central refuses tags on the preferences', () => {
  test('a REPAIR check still restores the declared exclusions', async () => {
    aws.endpoint.partnerCentral.seed('AWS');
    aws.endpoint.partnerCentral.preferencesTaggable = false;
    const stack = deployment();
    await stack.deploy(synth(s => new PartnerConnectionPreferences(s, 'Connections', {
      accessType: ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME,
      excludedParticipantIds: ['p-1', 'p-2'],
      driftCheck: { action: DriftAction.REPAIR },
    })));
    const { Revision } = aws.endpoint.partnerCentral.preferencesOf('AWS');
    aws.endpoint.partnerCentral.service().operations.UpdateConnectionPreferences({
      Catalog: 'AWS', Revision, AccessType: 'ALLOW_BY_DEFAULT_DENY_SOME', ExcludedParticipantIdentifiers: ['p-1'],
    }, OWNER);

    const lines = await driftLines(() => aws.endpoint.scheduler.fire());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ status: 'REPAIRED', repaired: ['p-2'] });
    expect(aws.endpoint.partnerCentral.preferencesOf('AWS').ExcludedParticipantIds.sort()).toEqual(['p-1', 'p-2']);
    expectSettled(stack);
  });
});

describe('path 9: the rollback of an Update that grew the list from 10 to 1,200 accounts', () => {
  /** Every time limit divided by SCALE, as test/update-budget.e2e.test.ts does: a real deploy's calls, in a hundredth of its time. */
  const SCALE = 100;
  const scaled = (ms: number) => Math.round(ms / SCALE);
  const many = (n: number) => Array.from({ length: n }, (_, i) => String(300000000000 + i));
  /** The template with every custom resource's budget and timeout scaled (down to whole seconds, as the property holds them). */
  const scaledProperties = (p: Record<string, unknown> = {}) => ({
    ...p,
    TimeBudgetSeconds: String(Math.floor(Number(p.TimeBudgetSeconds) / SCALE)),
    ServiceTimeout: String(Math.ceil(Number(p.ServiceTimeout) / SCALE)),
  });
  const scaledTemplate = (template: TemplateJson): TemplateJson => ({
    ...template,
    Resources: Object.fromEntries(Object.entries(template.Resources)
      .map(([id, r]) => [id, r.Type.startsWith('Custom::') ? { ...r, Properties: scaledProperties(r.Properties) } : r])),
  });
  beforeEach(() => {
    useFastSettings({
      SHARING_STOP_MARGIN_MS: scaled(20_000),
      SHARING_WATCHDOG_MARGIN_MS: scaled(3_000),
      SHARING_ANSWER_MARGIN_MS: scaled(30_000),
      SHARING_MIN_HAND_OVER_MS: scaled(60_000),
      SHARING_IAM_PROPAGATION_MS: scaled(60_000),
      SHARING_WORKSPACES_CALLS_PER_SECOND: 1.75 * SCALE,
    });
    aws.endpoint.lambda.serve(aws.handler, scaled(900_000));
  });

  test('has the time it needs: the stack ends UPDATE_ROLLBACK_COMPLETE with the 10 shared', async () => {
    const stack = deployment(aws.cfn, OWNER, scaled(900_000));
    const ten = many(10);
    await stack.deploy(scaledTemplate(synth(imageShare('Golden', ten))));

    const steps = await stack.deploy(scaledTemplate(synth(s => {
      imageShare('Golden', many(1_200))(s);
      failing(s);
    })));
    expect(statuses(steps).slice(0, 2)).toEqual(['deploy Update Golden SUCCESS', 'deploy Create Missing FAILED']);
    expect(stack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    // The rollback answered once its budget was spent, with only revokes left: a detached chain
    // of invocations finishes them (docs/engine.md, row E11).
    await aws.endpoint.lambda.settled();
    expect(shares()).toEqual(sorted(...ten, Z));
    expectSettled(stack);
  });
});

describe('path 10: an image shared by a release before ownership tags', () => {
  /**
   * Deploy [A, B], then take the ownership tags and the ledger's item off, as a release before
   * ownership (and before the ledger) left its shares.
   */
  async function untaggedShare(): Promise<LocalDeployment> {
    const stack = deployment();
    await stack.deploy(synth(imageShare('Golden', [A, B])));
    aws.endpoint.tags.operations().DeleteTags({ ResourceId: IMAGE, TagKeys: [OWNER_STACK, OWNER_RESOURCE] }, OWNER);
    await dynamodb.deleteItem(`image:${IMAGE}`);
    expect(aws.endpoint.tags.of(IMAGE)).toEqual({});
    return stack;
  }

  test('is claimed by an Update: a second stack\'s Create of the same image then fails, changing nothing', async () => {
    const stack = await untaggedShare();
    await stack.deploy(synth(imageShare('Golden', [A, B, C])));

    const other = deployment(teamB);
    const steps = await other.deploy(synth(imageShare('Share', [X]), 'TeamB'));
    expect(statuses(steps)).toEqual(['deploy Create Share FAILED', 'rollback Delete Share SUCCESS']);
    expect(shares()).toEqual(sorted(A, B, C, Z));
    expectSettled(stack, other);
  });

  test('a later rename that drops accounts unshares them, and the stack\'s delete leaves nothing', async () => {
    const stack = await untaggedShare();
    await stack.deploy(synth(imageShare('Golden', [A, B, C])));

    const steps = await stack.deploy(synth(imageShare('Gold', [A])));
    expect(statuses(steps)).toEqual(['deploy Create Gold SUCCESS', 'cleanup Delete Golden SUCCESS']);
    expect(shares()).toEqual(sorted(A, Z));

    await stack.destroy();
    expect(shares()).toEqual([Z]);
    expectSettled(stack);
  });
});

describe('path 11: a late duplicate of an earlier hand-over hop, delivered after the request answered', () => {
  beforeEach(() => {
    // About 5 ms a call and invocations of SHORT_INVOCATION_MS: 600 writes need three invocations.
    aws.endpoint.latencyMs = 5;
    useShortInvocations(aws);
  });

  test('makes no write: what a later Update undid stays undone, and the Create is answered once', async () => {
    const stack = deployment(aws.cfn, OWNER, SHORT_INVOCATION_MS);
    const listed = Array.from({ length: 600 }, (_, i) => String(300000000000 + i));
    const created = await stack.deploy(synth(imageShare('Golden', listed)));
    expect(statuses(created)).toEqual(['deploy Create Golden SUCCESS']);
    const hops = aws.endpoint.lambda.invocations.filter(i => i.payload.CrossAccountSharingContinuation !== undefined);
    expect(hops.length).toBeGreaterThanOrEqual(2);
    const first = hops.find(i => i.payload.CrossAccountSharingContinuation.hop === 1)!;

    // An Update removes 50 accounts that hop 1 shared (the first ones after its checkpoint).
    const done = Number(first.payload.CrossAccountSharingContinuation.checkpoint.done);
    const removed = listed.slice(done, done + 50);
    const kept = listed.filter(a => !removed.includes(a));
    expect(statuses(await stack.deploy(synth(imageShare('Golden', kept))))).toEqual(['deploy Update Golden SUCCESS']);
    expect(shares()).toEqual(sorted(...kept, Z));

    // Then Lambda delivers hop 1 of the Create again.
    aws.endpoint.lambda.enqueue(first.functionName, first.payload);
    await aws.endpoint.lambda.settled();

    expect(shares()).toEqual(sorted(...kept, Z));
    expectSettled(stack);
  });

  test('a late duplicate of CloudFormation\'s own invocation of a Create, after a later Update, makes no write and no answer', async () => {
    const stack = deployment(aws.cfn, OWNER);
    const invoke = jest.spyOn(aws.cfn, 'invoke');
    expect(statuses(await stack.deploy(synth(imageShare('Golden', [A, B, C]))))).toEqual(['deploy Create Golden SUCCESS']);
    const create = invoke.mock.calls[0][1];
    expect(create.RequestType).toBe('Create');
    expect(statuses(await stack.deploy(synth(imageShare('Golden', [A]))))).toEqual(['deploy Update Golden SUCCESS']);
    invoke.mockRestore();
    const writes = aws.endpoint.callsOf('UpdateWorkspaceImagePermission').length;

    // Lambda delivers the Create's invocation again (asynchronous invocations come at least once).
    await aws.handler(create, lambdaContext(OWNER));
    await aws.endpoint.lambda.settled();

    expect(shares()).toEqual(sorted(A, Z));
    expect(aws.endpoint.callsOf('UpdateWorkspaceImagePermission')).toHaveLength(writes);
    expect(aws.cfn.answersTo(create)).toHaveLength(1);
    expectSettled(stack);
  });
});

describe('path 12: the rollback of a receiving-side replacement whose new name is taken by hand', () => {
  const SOURCE = 'wsi-golden1234';
  const SOURCE2 = 'wsi-silver1234';
  const HAND_MADE = 'wsi-byhand0001';
  beforeEach(() => {
    aws.endpoint.addAccount(RECEIVER);
    aws.endpoint.workspaces.addImage(SOURCE, { sharedWith: [RECEIVER] });
    aws.endpoint.workspaces.addImage(SOURCE2, { sharedWith: [RECEIVER] });
  });
  const images = () => aws.endpoint.workspaces.ownedBy(RECEIVER);

  test('a WorkspaceImageCopy: the Update fails before creating anything, and the rollback, whose physical ID is the old copy, succeeds with nothing to do (RU6)', async () => {
    aws.endpoint.workspaces.addImage(HAND_MADE, { owner: RECEIVER, name: 'golden-copy-2' });
    const stack = deployment(receiving, RECEIVER);
    const declare = (sourceImageId: string, name: string) => synth(s => new WorkspaceImageCopy(s, 'Golden', {
      sourceImageId, name, removalPolicy: RemovalPolicy.DESTROY,
    }), 'Receiving', RECEIVER);
    await stack.deploy(declare(SOURCE, 'golden-copy'));
    const copy = images().find(i => i.name === 'golden-copy')!;
    // The copy does not say its source (made by a release before the source tag, or the tag removed
    // by hand): the rollback cannot tell it by its source, only as the physical ID it goes back to.
    aws.endpoint.tags.operations().DeleteTags({ ResourceId: copy.id, TagKeys: [SOURCE_TAG] }, RECEIVER);

    const steps = await stack.deploy(declare(SOURCE2, 'golden-copy-2'));
    expect(statuses(steps)).toEqual(['deploy Update Golden FAILED', 'rollback Update Golden SUCCESS']);
    expect(steps[0].response!.Reason).toContain(`An image named "golden-copy-2" already exists in account ${RECEIVER}`);
    expect(steps[1].response!.PhysicalResourceId).toBe(copy.id);
    expect(stack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(aws.endpoint.callsOf('CopyWorkspaceImage')).toHaveLength(1);
    expect(images().map(i => i.id).sort()).toEqual(sorted(copy.id, HAND_MADE));

    await stack.destroy();
    expect(images().map(i => i.id)).toEqual([HAND_MADE]);
    expectSettled(stack);
  });

  test('a WorkspaceBundle: the same, for a bundle moved to another image by hand (RU6)', async () => {
    aws.endpoint.workspaces.addImage('wsi-ownimage01', { owner: RECEIVER, name: 'own' });
    aws.endpoint.workspaces.addImage('wsi-ownimage02', { owner: RECEIVER, name: 'own-2' });
    aws.endpoint.workspaces.addImage('wsi-ownimage03', { owner: RECEIVER, name: 'own-3' });
    const handMade = aws.endpoint.bundles.operations().CreateWorkspaceBundle({
      BundleName: 'golden-standard-2',
      BundleDescription: 'by hand',
      ImageId: 'wsi-ownimage02',
      ComputeType: { Name: 'STANDARD' },
      UserStorage: { Capacity: '50' },
      RootStorage: { Capacity: '80' },
    }, RECEIVER) as { WorkspaceBundle: { BundleId: string } };
    const stack = deployment(receiving, RECEIVER);
    const declare = (imageId: string, name: string) => synth(s => new WorkspaceBundle(s, 'Standard', {
      imageId, computeType: ComputeType.STANDARD, name,
    }), 'Receiving', RECEIVER);
    await stack.deploy(declare('wsi-ownimage01', 'golden-standard'));
    const bundle = aws.endpoint.bundles.list().find(b => b.name === 'golden-standard')!;
    // Someone moved the bundle to another image by hand (the usual way to roll out a new image):
    // the rollback cannot tell it by its settings, only as the physical ID it goes back to.
    aws.endpoint.bundles.operations().UpdateWorkspaceBundle({ BundleId: bundle.id, ImageId: 'wsi-ownimage03' }, RECEIVER);

    const steps = await stack.deploy(declare('wsi-ownimage02', 'golden-standard-2'));
    expect(statuses(steps)).toEqual(['deploy Update Standard FAILED', 'rollback Update Standard SUCCESS']);
    expect(steps[0].response!.Reason).toContain(`A bundle named "golden-standard-2" already exists in account ${RECEIVER}`);
    expect(steps[1].response!.PhysicalResourceId).toBe(bundle.id);
    expect(stack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(aws.endpoint.bundles.list().map(b => b.id).sort()).toEqual(sorted(bundle.id, handMade.WorkspaceBundle.BundleId));

    await stack.destroy();
    expect(aws.endpoint.bundles.list().map(b => b.id)).toEqual([handMade.WorkspaceBundle.BundleId]);
    expectSettled(stack);
  });
});
