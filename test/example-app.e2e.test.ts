/**
 * The example app, synthesized and deployed through create, update and delete with the bundled
 * handler against the local endpoint: what `npm run demo` shows, asserted.
 */
import { App } from 'aws-cdk-lib';
import { buildExampleStack, DEFAULT_ALIAS_ACCOUNT, DEFAULT_IMAGE_ACCOUNTS, DEFAULT_IMAGE_ID, PARTNER_CATALOG } from '../examples/app';
import { CloudFormationStub, lambdaContext, loadBundledHandler, useFastSettings, useLocalEndpoint } from './support/cloudformation';
import { LocalDeployment, TemplateJson } from './support/local-deployment';
import { LocalAwsEndpoint } from './support/local-endpoint';

const OWNER = '123456789012';

function synth(context: Record<string, string>): TemplateJson {
  const app = new App({ context });
  const stack = buildExampleStack(app);
  return app.synth().getStackArtifact(stack.artifactId).template;
}

test('the example app shares, re-shares and unshares, and tears the alias down in order', async () => {
  const endpoint = new LocalAwsEndpoint(OWNER);
  const cfn = new CloudFormationStub();
  useLocalEndpoint(await endpoint.start());
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
