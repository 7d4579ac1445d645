/**
 * The example app, synthesized and deployed through create, update and delete with the bundled
 * handler against the local endpoint: what `npm run demo` shows, asserted.
 */
import { App } from 'aws-cdk-lib';
import { buildExampleStack, DEFAULT_IMAGE_ACCOUNTS, DEFAULT_IMAGE_ID } from '../examples/app';
import { CloudFormationStub, lambdaContext, loadBundledHandler, useFastSettings, useLocalEndpoint } from './support/cloudformation';
import { LocalDeployment, TemplateJson } from './support/local-deployment';
import { LocalAwsEndpoint } from './support/local-endpoint';

const OWNER = '123456789012';

function synth(context: Record<string, string>): TemplateJson {
  const app = new App({ context });
  const stack = buildExampleStack(app);
  return app.synth().getStackArtifact(stack.artifactId).template;
}

test('the example app shares, re-shares and unshares the golden image', async () => {
  const endpoint = new LocalAwsEndpoint(OWNER);
  const cfn = new CloudFormationStub();
  useLocalEndpoint(await endpoint.start());
  useFastSettings();
  await cfn.start();
  try {
    endpoint.workspaces.addImage(DEFAULT_IMAGE_ID, { pendingMs: 200 });
    const deployment = new LocalDeployment(endpoint, cfn, loadBundledHandler(), () => lambdaContext(OWNER));

    const created = await deployment.deploy(synth({}));
    expect(created.map(r => r.response?.Status)).not.toContain('FAILED');
    expect(endpoint.workspaces.sharesOf(DEFAULT_IMAGE_ID)).toEqual([...DEFAULT_IMAGE_ACCOUNTS].sort());

    const updated = await deployment.deploy(synth({ imageAccounts: '444455556666,777788889999' }));
    expect(updated.map(r => [r.action, r.response?.Status])).toEqual([['Update', 'SUCCESS']]);
    expect(endpoint.workspaces.sharesOf(DEFAULT_IMAGE_ID)).toEqual(['444455556666', '777788889999']);

    const unchanged = await deployment.deploy(synth({ imageAccounts: '444455556666,777788889999' }));
    expect(unchanged).toEqual([]);

    const deleted = await deployment.destroy();
    expect(deleted.map(r => r.response?.Status)).not.toContain('FAILED');
    expect(endpoint.workspaces.sharesOf(DEFAULT_IMAGE_ID)).toEqual([]);
  } finally {
    await cfn.stop();
    await endpoint.stop();
  }
});
