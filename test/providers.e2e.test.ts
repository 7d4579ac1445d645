/**
 * Two providers in one stack, deployed against the local endpoint: each share resource reaches
 * the function its construct names, and a request that outlasts one invocation hands over to
 * that same function.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { SharedWorkspaceImage, SharingProvider } from '../src';
import { lambdaContext } from './support/handler-harness';
import { SHORT_INVOCATION_MS, useLocalAws, useShortInvocations } from './support/local-aws';
import { LocalDeployment, TemplateJson } from './support/local-deployment';

const OWNER = '123456789012';
const GOLDEN = 'wsi-golden0001';
const LEGACY = 'wsi-legacy0001';
const accounts = (n: number, from = 0) => Array.from({ length: n }, (_, i) => String(300000000000 + from + i));

/** A stack whose golden image is served by a provider of its own, and whose legacy image by the stack's default one. */
function synth(goldenAccounts: string[]): TemplateJson {
  const app = new App();
  const stack = new Stack(app, 'TwoProviders', { env: { account: OWNER, region: 'eu-west-1' } });
  const provider = new SharingProvider(stack, 'GoldenProvider', { memorySize: 512, timeout: Duration.minutes(1) });
  new SharedWorkspaceImage(stack, 'Golden', { imageId: GOLDEN, accountIds: goldenAccounts, provider });
  new SharedWorkspaceImage(stack, 'Legacy', { imageId: LEGACY, accountIds: ['444455556666'] });
  return app.synth().getStackArtifact(stack.artifactId).template;
}

const aws = useLocalAws(OWNER, endpoint => {
  endpoint.workspaces.addImage(GOLDEN);
  endpoint.workspaces.addImage(LEGACY);
  endpoint.latencyMs = 5;
});

test('each resource reaches its own provider\'s function, hand-overs included, and both shares are made and undone', async () => {
  const { endpoint, cfn, handler } = aws;
  useShortInvocations(aws);
  /** The function each invocation ran as; the golden provider's invocations are cut short, so that its list needs several. */
  const invokedAs: string[] = [];
  const contextOf = (functionId: string) => {
    invokedAs.push(functionId);
    const context = lambdaContext(OWNER, functionId.startsWith('GoldenProvider') ? SHORT_INVOCATION_MS : 900_000);
    const arn = `arn:aws:lambda:eu-west-1:${OWNER}:function:${functionId}`;
    return { ...context, functionName: functionId, invokedFunctionArn: arn };
  };
  const deployment = new LocalDeployment(endpoint, cfn, handler, contextOf);

  const created = await deployment.deploy(synth(accounts(300)));
  await endpoint.lambda.settled();

  expect(created.map(r => r.response?.Status)).toEqual(['SUCCESS', 'SUCCESS']);
  expect(invokedAs).toEqual([expect.stringMatching(/^GoldenProviderHandler/), expect.stringMatching(/^CrossAccountSharingProviderHandler/)]);
  expect(endpoint.workspaces.sharesOf(GOLDEN)).toEqual(accounts(300));
  expect(endpoint.workspaces.sharesOf(LEGACY)).toEqual(['444455556666']);
  // The golden share outlasted its invocation and went on in its own function, not the default one.
  const handOvers = endpoint.lambda.invocations.map(i => i.functionName);
  expect(handOvers.length).toBeGreaterThanOrEqual(1);
  expect(handOvers).toEqual(handOvers.map(() => expect.stringMatching(/:function:GoldenProviderHandler/)));

  const deleted = await deployment.destroy();
  await endpoint.lambda.settled();

  expect(deleted.map(r => r.response?.Status)).toEqual(['SUCCESS', 'SUCCESS']);
  expect(endpoint.workspaces.sharesOf(GOLDEN)).toEqual([]);
  expect(endpoint.workspaces.sharesOf(LEGACY)).toEqual([]);
});
