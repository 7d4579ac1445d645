/**
 * The example app, synthesized and deployed through create, update and delete with the bundled
 * handler against the local endpoint: what `npm run demo` shows, asserted.
 */
import { App } from 'aws-cdk-lib';
import { buildExampleStack, DEFAULT_ALIAS_ACCOUNT, DEFAULT_IMAGE_ACCOUNTS, DEFAULT_IMAGE_ID, PARTNER_CATALOG } from '../examples/app';
import { buildTwoAccountStacks } from '../examples/two-accounts';
import { CloudFormationStub, lambdaContext, loadBundledHandler, useFastSettings, useLocalEndpoint } from './support/handler-harness';
import { LocalDeployment, TemplateJson } from './support/local-deployment';
import { LocalAwsEndpoint } from './support/local-endpoint';
import { useVirtualTime } from './support/virtual-time';

const OWNER = '123456789012';
// The alias is DELETING for 100 ms after the teardown: in virtual time, whatever the machine's pace.
useVirtualTime();

function synth(context: Record<string, string>): TemplateJson {
  const app = new App({ context });
  const stack = buildExampleStack(app);
  return app.synth().getStackArtifact(stack.artifactId).template;
}

test('the example app shares, re-shares and unshares, and tears the alias down in order', async () => {
  const endpoint = new LocalAwsEndpoint(OWNER);
  const cfn = new CloudFormationStub();
  useLocalEndpoint(await endpoint.start({ ledger: true }));
  useFastSettings();
  await cfn.start();
  try {
    endpoint.workspaces.addImage(DEFAULT_IMAGE_ID, { pendingMs: 200 });
    const deployment = new LocalDeployment(endpoint, cfn, loadBundledHandler(), () => lambdaContext(OWNER));

    const created = await deployment.deploy(synth({}));
    expect(created.map(r => r.response?.Status ?? r.error ?? 'native')).toEqual(['SUCCESS', 'native', 'SUCCESS', 'SUCCESS']);
    expect(endpoint.workspaces.sharesOf(DEFAULT_IMAGE_ID)).toEqual([...DEFAULT_IMAGE_ACCOUNTS].sort());
    const [alias] = endpoint.aliases.list();
    expect(alias).toMatchObject({ state: 'CREATED', sharedWith: DEFAULT_ALIAS_ACCOUNT });
    expect(endpoint.partnerCentral.preferencesOf(PARTNER_CATALOG)).toMatchObject({ AccessType: 'ALLOW_BY_DEFAULT_DENY_SOME', ExcludedParticipantIds: ['competitor-1'] });

    const changes = { imageAccounts: '444455556666,777788889999', aliasAccount: '888899990000' };
    const updated = await deployment.deploy(synth(changes));
    expect(updated.map(r => [r.logicalId.replace(/[0-9A-F]{8}$/, ''), r.action, r.response?.Status])).toEqual([
      ['GoldenImage', 'Update', 'SUCCESS'],
      ['DesktopAliasShare', 'Update', 'SUCCESS'],
    ]);
    expect(endpoint.workspaces.sharesOf(DEFAULT_IMAGE_ID)).toEqual(['444455556666', '777788889999']);
    expect(endpoint.aliases.shareOf(alias.id)).toBe('888899990000');

    const unchanged = await deployment.deploy(synth(changes));
    expect(unchanged).toEqual([]);

    const deleted = await deployment.destroy();
    // The share goes before the alias, so the alias can be deleted.
    expect(deleted.map(r => [r.logicalId.replace(/[0-9A-F]{8}$/, ''), r.response?.Status ?? r.error ?? 'native'])).toEqual([
      ['PartnerConnections', 'SUCCESS'],
      ['DesktopAliasShare', 'SUCCESS'],
      ['DesktopAlias', 'native'],
      ['GoldenImage', 'SUCCESS'],
    ]);
    expect(endpoint.workspaces.sharesOf(DEFAULT_IMAGE_ID)).toEqual([]);
    expect(endpoint.aliases.list().map(a => a.state)).toEqual(['DELETING']);
    expect(endpoint.partnerCentral.preferencesOf(PARTNER_CATALOG)).toMatchObject({ AccessType: 'ALLOW_ALL', ExcludedParticipantIds: [] });
  } finally {
    await cfn.stop();
    await endpoint.stop();
  }
});

describe('the two-account app (examples/two-accounts.ts)', () => {
  const RECEIVING = '210987654321';
  const context = { ownerAccount: OWNER, receivingAccount: RECEIVING, directoryId: 'd-9067a1b2c3' };

  function synthPair(extra: Record<string, string> = {}): { owner: TemplateJson; receiving: TemplateJson } {
    const app = new App({ context: { ...context, ...extra } });
    const { owner, receiving } = buildTwoAccountStacks(app);
    const assembly = app.synth();
    return { owner: assembly.getStackArtifact(owner.artifactId).template, receiving: assembly.getStackArtifact(receiving.artifactId).template };
  }

  async function withEndpoint(run: (endpoint: LocalAwsEndpoint, owner: LocalDeployment, receiving: LocalDeployment) => Promise<void>): Promise<void> {
    const endpoint = new LocalAwsEndpoint(OWNER);
    endpoint.addAccount(RECEIVING);
    const cfn = new CloudFormationStub();
    useLocalEndpoint(await endpoint.start({ ledger: true }));
    useFastSettings();
    await cfn.start();
    try {
      endpoint.workspaces.addImage(DEFAULT_IMAGE_ID);
      const handler = loadBundledHandler();
      const inAccount = (account: string) => new LocalDeployment(endpoint, cfn, handler, () => lambdaContext(account));
      await run(endpoint, inAccount(OWNER), inAccount(RECEIVING));
    } finally {
      await cfn.stop();
      await endpoint.stop();
    }
  }

  const statuses = (results: { logicalId: string; response?: { Status: string }; error?: string }[]) =>
    results.map(r => [r.logicalId.replace(/[0-9A-F]{8}$/, ''), r.response?.Status ?? r.error ?? 'native']);

  test('owner create, receiving create, receiving delete, owner delete: both stacks deploy and delete cleanly', async () => {
    await withEndpoint(async (endpoint, owner, receiving) => {
      expect(statuses(await owner.deploy(synthPair().owner))).toEqual([['GoldenImage', 'SUCCESS'], ['DesktopAlias', 'native'], ['DesktopAliasShare', 'SUCCESS']]);
      const [alias] = endpoint.aliases.list();
      expect(endpoint.workspaces.sharesOf(DEFAULT_IMAGE_ID)).toEqual([RECEIVING]);

      const created = await receiving.deploy(synthPair({ sharedAliasId: alias.id }).receiving);
      expect(statuses(created)).toEqual([['GoldenImageCopy', 'SUCCESS'], ['GoldenBundle', 'SUCCESS'], ['DesktopAliasAssociation', 'SUCCESS']]);
      const [copy] = endpoint.workspaces.ownedBy(RECEIVING);
      expect(copy).toMatchObject({ name: 'golden-image', state: 'AVAILABLE' });
      expect(endpoint.bundles.list()).toEqual([expect.objectContaining({ owner: RECEIVING, imageId: copy.id, name: 'golden-standard' })]);
      expect(endpoint.aliases.associationOf(alias.id)).toMatchObject({ accountId: RECEIVING, directoryId: 'd-9067a1b2c3' });

      // The receiving stack first: bundle, copy and association go, then the owner's shares and alias.
      expect(statuses(await receiving.destroy())).toEqual([['DesktopAliasAssociation', 'SUCCESS'], ['GoldenBundle', 'SUCCESS'], ['GoldenImageCopy', 'SUCCESS']]);
      expect(endpoint.workspaces.ownedBy(RECEIVING)).toEqual([]);
      expect(endpoint.bundles.list()).toEqual([]);
      expect(statuses(await owner.destroy())).toEqual([['DesktopAliasShare', 'SUCCESS'], ['DesktopAlias', 'native'], ['GoldenImage', 'SUCCESS']]);
      expect(endpoint.aliases.list().map(a => a.state)).toEqual(['DELETING']);
      expect(endpoint.workspaces.sharesOf(DEFAULT_IMAGE_ID)).toEqual([]);
    });
  });

  test('the owner\'s stack deleted first stops at the alias share, naming the receiving account\'s directory', async () => {
    await withEndpoint(async (endpoint, owner, receiving) => {
      await owner.deploy(synthPair().owner);
      await receiving.deploy(synthPair({ sharedAliasId: endpoint.aliases.list()[0].id }).receiving);

      const [share] = await owner.destroy();
      expect(share.response?.Status).toBe('FAILED');
      expect(share.response?.Reason).toContain(`account ${RECEIVING} must disassociate the alias from directory d-9067a1b2c3`);
    });
  });

  test('the receiving stack depends on the owner\'s, so the CLI deploys it after and destroys it before', () => {
    const app = new App({ context });
    const { owner, receiving } = buildTwoAccountStacks(app);
    expect(receiving.dependencies).toContain(owner);
    expect(receiving.account).toBe(RECEIVING);
    expect(owner.account).toBe(OWNER);
  });
});

test('the two-account app without the owner\'s account says which context values it needs', () => {
  expect(() => buildTwoAccountStacks(new App({ context: { receivingAccount: '210987654321' } }))).toThrow(/needs both accounts: -c ownerAccount=.* -c receivingAccount=/);
});
