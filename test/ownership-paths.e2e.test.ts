/**
 * The paths where ownership used to break (issue: renames that change the list, failed cleanups,
 * failed claims, two stacks at once, failed catalog changes), each deployed through the bundled
 * handler, the local endpoint and its local CloudFormation: every scenario ends as the ownership
 * table (docs/state-table.md) says, and after each stack's delete nothing the stack shared is left
 * shared while every share made outside the stack is still there.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ConnectionAccessType, PartnerConnectionPreferences, SharedConnectionAlias, SharedWorkspaceImage } from '../src';
import { CloudFormationStub, lambdaContext } from './support/handler-harness';
import { useLocalAws } from './support/local-aws';
import { LocalDeployment, StepResult, TemplateJson } from './support/local-deployment';

const OWNER = '123456789012';
const IMAGE = 'wsi-abc123def';
const ALIAS = 'wsca-abc12345de';
const [A, B, C, Z] = ['111122223333', '444455556666', '777788889999', '999988887777'];
const OWNER_RESOURCE = 'cdk-cross-account-sharing:owner-resource';
const OWNER_STACK = 'cdk-cross-account-sharing:owner-stack';
const PREVIOUS = 'cdk-cross-account-sharing:previous-owner-resource';

const aws = useLocalAws(OWNER, endpoint => {
  // Z is shared outside the stack, before it: no Delete of the stack may take it away.
  endpoint.workspaces.addImage(IMAGE, { sharedWith: [Z] });
  endpoint.aliases.addAlias(ALIAS);
});

/** A second stack of the same account. */
const teamB = new CloudFormationStub('arn:aws:cloudformation:eu-west-1:123456789012:stack/TeamB/22222222-3333-4444-5555-666666666666');
beforeAll(() => teamB.start());
afterAll(() => teamB.stop());

const deployment = (stub: CloudFormationStub = aws.cfn) => new LocalDeployment(aws.endpoint, stub, aws.handler, () => lambdaContext(OWNER));
const shares = () => aws.endpoint.workspaces.sharesOf(IMAGE);
const tags = (id: string) => aws.endpoint.tags.of(id);
const statuses = (steps: StepResult[]) => steps.filter(s => s.response).map(s => `${s.phase} ${s.action} ${s.logicalId.replace(/[0-9A-F]{8}$/, '')} ${s.response!.Status}`);

/** The template of a stack whose one construct is built by `declare`. */
function synth(name: string, declare: (stack: Stack) => void): TemplateJson {
  const app = new App();
  const stack = new Stack(app, name, { env: { account: OWNER, region: 'eu-west-1' } });
  declare(stack);
  return app.synth().getStackArtifact(stack.artifactId).template;
}
const imageStack = (id: string, accountIds: string[], name = 'Demo') => synth(name, s => new SharedWorkspaceImage(s, id, { imageId: IMAGE, accountIds }));

describe('a rename that also changes the list', () => {
  test('shares exactly the new list: the old resource\'s Delete unshares what only it declared', async () => {
    const stack = deployment();
    await stack.deploy(imageStack('GoldenImage', [A, B]));
    expect(shares()).toEqual([A, B, Z].sort());

    const renamed = await stack.deploy(imageStack('Golden', [B, C]));
    expect(statuses(renamed)).toEqual(['deploy Create Golden SUCCESS', 'cleanup Delete GoldenImage SUCCESS']);
    expect(stack.status).toBe('UPDATE_COMPLETE');
    expect(shares()).toEqual([B, C, Z].sort());
    expect(tags(IMAGE)[OWNER_RESOURCE]).toMatch(/^Golden[0-9A-F]{8}$/);
    expect(tags(IMAGE)[PREVIOUS]).toBeUndefined();

    await stack.destroy();
    expect(shares()).toEqual([Z]);
    expect(tags(IMAGE)).toEqual({});
  });

  test('the rollback of such a rename hands the image back, unsharing what only the new resource declared', async () => {
    const stack = deployment();
    await stack.deploy(imageStack('GoldenImage', [A, B]));
    // The update renames the share and adds a second one, of an image that does not exist: it fails.
    const failing = synth('Demo', s => {
      new SharedWorkspaceImage(s, 'Golden', { imageId: IMAGE, accountIds: [B, C] });
      new SharedWorkspaceImage(s, 'Missing', { imageId: 'wsi-missing0000', accountIds: [A] });
    });

    const steps = await stack.deploy(failing);
    expect(statuses(steps)).toContain('deploy Create Missing FAILED');
    expect(stack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(shares()).toEqual([A, B, Z].sort());
    expect(tags(IMAGE)[OWNER_RESOURCE]).toMatch(/^GoldenImage/);
    expect(tags(IMAGE)[PREVIOUS]).toBeUndefined();

    await stack.destroy();
    expect(shares()).toEqual([Z]);
  });
});

describe('a rename whose cleanup Delete fails', () => {
  test('CloudFormation ignores the failure, and the stack\'s later delete still unshares everything it shared', async () => {
    const stack = deployment();
    await stack.deploy(imageStack('GoldenImage', [A, B]));
    // The old resource's DeleteTags (removing the rename's note) is refused once.
    aws.endpoint.inject({ kind: 'validation', count: 1, operation: 'DeleteTags' });

    const renamed = await stack.deploy(imageStack('Golden', [B, C]));
    expect(statuses(renamed)).toEqual(['deploy Create Golden SUCCESS', 'cleanup Delete GoldenImage FAILED']);
    expect(stack.status).toBe('UPDATE_COMPLETE');
    // The stale note stays: only CloudFormation can say whether a rename is being rolled back.
    expect(tags(IMAGE)[PREVIOUS]).toMatch(/^GoldenImage/);
    expect(shares()).toEqual([B, C, Z].sort());

    await stack.destroy();
    expect(stack.status).toBe('DELETE_COMPLETE');
    expect(shares()).toEqual([Z]);
    expect(tags(IMAGE)).toEqual({});
  });

  test('Partner Central: a release whose UntagResource is refused does not hand the preferences to the dead old resource', async () => {
    aws.endpoint.partnerCentral.seed('Sandbox', { accessType: 'ALLOW_ALL' });
    const prefs = (id: string, name = 'Demo') => synth(name, s => new PartnerConnectionPreferences(s, id, {
      catalog: 'Sandbox', accessType: ConnectionAccessType.DENY_ALL, removalPolicy: RemovalPolicy.RETAIN,
    }));
    const stack = deployment();
    await stack.deploy(prefs('Old'));
    aws.endpoint.inject({ kind: 'validation', count: 1, operation: 'UntagResource' });
    await stack.deploy(prefs('New'));
    const arn = aws.endpoint.partnerCentral.arnOf('Sandbox');
    expect(aws.endpoint.partnerCentral.tagsOf(arn)[PREVIOUS]).toMatch(/^Old/);

    await stack.destroy();
    expect(aws.endpoint.partnerCentral.tagsOf(arn)).toEqual({});
    expect(aws.endpoint.partnerCentral.preferencesOf('Sandbox').AccessType).toBe('DENY_ALL');

    // Another stack can take the preferences over.
    const other = await deployment(teamB).deploy(prefs('Prefs', 'TeamB'));
    expect(statuses(other)).toEqual(['deploy Create Prefs SUCCESS']);
    expect(aws.endpoint.partnerCentral.tagsOf(arn)[OWNER_STACK]).toBe(teamB.stackId);
  });
});

describe('a claim that fails before it is recorded', () => {
  test('an image: the Create fails, and its rollback Delete unshares nothing, not even an account it declared', async () => {
    aws.endpoint.inject({ kind: 'validation', count: 1, operation: 'CreateTags' });
    const stack = deployment();

    const steps = await stack.deploy(imageStack('Golden', [Z, A]));
    expect(statuses(steps)).toEqual(['deploy Create Golden FAILED', 'rollback Delete Golden SUCCESS']);
    expect(steps[0].response!.PhysicalResourceId).toBe(`${steps[0].logicalId}-create-failed`);
    expect(stack.status).toBe('ROLLBACK_COMPLETE');
    expect(shares()).toEqual([Z]);
    expect(aws.endpoint.callsOf('UpdateWorkspaceImagePermission')).toHaveLength(0);
    expect(tags(IMAGE)).toEqual({});
  });

  test('an alias: the same', async () => {
    aws.endpoint.aliases.addAlias(ALIAS, { sharedWith: Z });
    aws.endpoint.inject({ kind: 'validation', count: 1, operation: 'CreateTags' });

    const steps = await deployment().deploy(synth('Demo', s => new SharedConnectionAlias(s, 'AliasShare', { aliasId: ALIAS, accountId: Z })));
    expect(statuses(steps)).toEqual(['deploy Create AliasShare FAILED', 'rollback Delete AliasShare SUCCESS']);
    expect(aws.endpoint.aliases.shareOf(ALIAS)).toBe(Z);
    expect(aws.endpoint.callsOf('UpdateConnectionAliasPermission')).toHaveLength(0);
  });
});

describe('two stacks deploying the same image at the same time', () => {
  beforeEach(() => {
    // A real settle, longer than the gap, as in production (most tests shorten it: one claimant).
    process.env.SHARING_CLAIM_GAP_MS = '4000';
    process.env.SHARING_CLAIM_SETTLE_MS = '4500';
  });

  test('at most one claim succeeds; the other fails before its first share, naming the winner, and changes nothing', async () => {
    // Both claimants read the tags before either writes: the gate holds the first two CreateTags.
    const gate = aws.endpoint.gate('CreateTags', 2);
    const [demo, other] = [deployment(), deployment(teamB)];

    const [demoSteps, otherSteps] = await Promise.all([
      demo.deploy(imageStack('Share', [A, B])),
      other.deploy(imageStack('Share', [B, C], 'TeamB')),
    ]);
    await gate;
    const creates = [demoSteps[0], otherSteps[0]];
    expect(creates.map(s => s.response!.Status).sort()).toEqual(['FAILED', 'SUCCESS']);
    const [won, lost] = creates[0].response!.Status === 'SUCCESS' ? [demo, other] : [other, demo];
    const loser = creates.find(s => s.response!.Status === 'FAILED')!;
    expect(loser.response!.Reason).toMatch(new RegExp(`Another claim on image ${IMAGE} was made at the same time, and resource Share[0-9A-F]{8} of stack ${won.stackId} owns it now; nothing was shared`));
    expect(lost.status).toBe('ROLLBACK_COMPLETE');
    const declared = won === demo ? [A, B] : [B, C];
    expect(shares()).toEqual([...declared, Z].sort());
    expect(tags(IMAGE)[OWNER_STACK]).toBe(won.stackId);
    // The loser wrote no permission.
    const loserWrites = aws.endpoint.callsOf('UpdateWorkspaceImagePermission').filter(c => !declared.includes(c.input.SharedAccountId));
    expect(loserWrites).toEqual([]);

    await lost.destroy();
    expect(shares()).toEqual([...declared, Z].sort());
    await won.destroy();
    expect(shares()).toEqual([Z]);
  });

  test('Partner Central: the same for a catalog\'s preferences', async () => {
    aws.endpoint.partnerCentral.seed('Sandbox', { accessType: 'ALLOW_ALL' });
    const gate = aws.endpoint.gate('TagResource', 2);
    const prefs = (name: string, accessType: ConnectionAccessType) => synth(name, s => new PartnerConnectionPreferences(s, 'Prefs', { catalog: 'Sandbox', accessType }));
    const [demo, other] = [deployment(), deployment(teamB)];

    const [demoSteps, otherSteps] = await Promise.all([
      demo.deploy(prefs('Demo', ConnectionAccessType.DENY_ALL)),
      other.deploy(prefs('TeamB', ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME)),
    ]);
    await gate;
    const creates = [demoSteps[0], otherSteps[0]];
    expect(creates.map(s => s.response!.Status).sort()).toEqual(['FAILED', 'SUCCESS']);
    const winner = creates[0].response!.Status === 'SUCCESS' ? demo : other;
    expect(creates.find(s => s.response!.Status === 'FAILED')!.response!.Reason).toMatch(/Another claim on the connection preferences of catalog Sandbox was made at the same time/);
    expect(aws.endpoint.partnerCentral.tagsOf(aws.endpoint.partnerCentral.arnOf('Sandbox'))[OWNER_STACK]).toBe(winner.stackId);
    // Only the winner wrote the preferences.
    expect(aws.endpoint.callsOf('UpdateConnectionPreferences').filter(c => !c.error)).toHaveLength(1);
  });
});

describe('a failed catalog change', () => {
  test('releases the catalog it moved to: another stack can then take it', async () => {
    aws.endpoint.partnerCentral.seed('Sandbox');
    aws.endpoint.partnerCentral.seed('AWS');
    const prefs = (catalog: string, name = 'Demo') => synth(name, s => new PartnerConnectionPreferences(s, 'Prefs', { catalog, accessType: ConnectionAccessType.DENY_ALL }));
    const stack = deployment();
    await stack.deploy(prefs('Sandbox'));

    // The write on AWS fails after the claim.
    aws.endpoint.inject({ kind: 'validation', count: 1, operation: 'UpdateConnectionPreferences' });
    const moved = await stack.deploy(prefs('AWS'));
    expect(statuses(moved)).toEqual(['deploy Update Prefs FAILED', 'rollback Update Prefs SUCCESS']);
    expect(stack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(aws.endpoint.partnerCentral.tagsOf(aws.endpoint.partnerCentral.arnOf('AWS'))).toEqual({});
    expect(aws.endpoint.partnerCentral.tagsOf(aws.endpoint.partnerCentral.arnOf('Sandbox'))[OWNER_STACK]).toBe(stack.stackId);

    const other = await deployment(teamB).deploy(prefs('AWS', 'TeamB'));
    expect(statuses(other)).toEqual(['deploy Create Prefs SUCCESS']);
  });
});
