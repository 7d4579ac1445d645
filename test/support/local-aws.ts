import { CloudFormationStub, Handler, loadBundledHandler, useFastSettings, useLocalEndpoint } from './cloudformation';
import { LocalAwsEndpoint } from './local-endpoint';

/** What an end-to-end test works with; the fields are set by the hooks of `useLocalAws`. */
export interface LocalAws {
  endpoint: LocalAwsEndpoint;
  cfn: CloudFormationStub;
  handler: Handler;
}

/**
 * Jest hooks for an end-to-end test file: one CloudFormation stub for the file and, for each
 * test, a fresh local endpoint with the SDK pointed at it, fast handler settings and the bundled
 * handler. `prepare` seeds the endpoint (and may change the settings) before each test.
 */
export function useLocalAws(ownerAccountId: string, prepare: (endpoint: LocalAwsEndpoint) => void = () => undefined): LocalAws {
  const aws = {} as LocalAws;
  beforeAll(async () => {
    aws.cfn = new CloudFormationStub();
    await aws.cfn.start();
  });
  afterAll(() => aws.cfn.stop());
  beforeEach(async () => {
    aws.endpoint = new LocalAwsEndpoint(ownerAccountId);
    useLocalEndpoint(await aws.endpoint.start());
    useFastSettings();
    aws.handler = loadBundledHandler();
    prepare(aws.endpoint);
  });
  afterEach(() => aws.endpoint.stop());
  return aws;
}
