import { CloudFormationStub, Handler, loadBundledHandler, useFastSettings, useLocalEndpoint } from './handler-harness';
import { LocalDynamoDb } from './local-dynamodb';
import { LocalAwsEndpoint } from './local-endpoint';
import { useVirtualTime } from './virtual-time';

/** What an end-to-end test works with; the fields are set by the hooks of `useLocalAws`. */
export interface LocalAws {
  endpoint: LocalAwsEndpoint;
  cfn: CloudFormationStub;
  handler: Handler;
}

/**
 * Jest hooks for a handler test file: a CloudFormation stub that receives the handler's answers,
 * started for the file, and SDK settings (Region, throwaway credentials, an endpoint nothing
 * listens on) for tests whose clients are mocked.
 */
export function useCloudFormationStub(): CloudFormationStub {
  const cfn = new CloudFormationStub();
  beforeAll(async () => {
    useLocalEndpoint('http://127.0.0.1:9');
    await cfn.start();
    await ledgerDb.start();
    await ledgerDb.createLedger();
  });
  // Each test starts with an empty ledger (lambda/reconcile/ledger.ts), as a new provider does.
  beforeEach(() => ledgerDb.clearLedger());
  afterAll(async () => {
    await ledgerDb.stop();
    await cfn.stop();
  });
  return cfn;
}

/** The DynamoDB of a test file's ledger: the handler's, through AWS_ENDPOINT_URL_DYNAMODB. */
export const ledgerDb = new LocalDynamoDb();

/**
 * Jest hooks for an end-to-end test file: one CloudFormation stub for the file and, for each
 * test, a fresh local endpoint with the SDK pointed at it, fast handler settings and the bundled
 * handler. `prepare` seeds the endpoint (and may change the settings) before each test.
 */
export function useLocalAws(ownerAccountId: string, prepare: (endpoint: LocalAwsEndpoint) => void = () => undefined): LocalAws {
  // First, so that the endpoint and the handler are set up on the virtual clock, and torn down while it still runs.
  useVirtualTime();
  const aws = { cfn: useCloudFormationStub() } as LocalAws;
  beforeEach(async () => {
    aws.endpoint = new LocalAwsEndpoint(ownerAccountId);
    useLocalEndpoint(await aws.endpoint.start());
    useFastSettings();
    aws.handler = loadBundledHandler();
    // Hand-overs reach the same bundled handler through the local Lambda, with Lambda's longest timeout.
    aws.endpoint.lambda.serve(aws.handler, 900_000);
    prepare(aws.endpoint);
  });
  afterEach(async () => {
    await aws.endpoint.lambda.settled();
    await aws.endpoint.stop();
  });
  return aws;
}

/** How long each invocation lasts in tests of work that needs several: a few hundred calls, or a few polls. */
export const SHORT_INVOCATION_MS = 1_500;

/**
 * Shorten every invocation, CloudFormation's and the hand-overs the local Lambda runs, to
 * `SHORT_INVOCATION_MS`, with margins to match, so that a test's work outlasts one invocation.
 */
export function useShortInvocations(aws: LocalAws): void {
  useFastSettings({ SHARING_STOP_MARGIN_MS: 300, SHARING_WATCHDOG_MARGIN_MS: 100 });
  aws.endpoint.lambda.serve(aws.handler, SHORT_INVOCATION_MS);
}
