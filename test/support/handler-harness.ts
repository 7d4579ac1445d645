import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';

/** The body a handler PUT to its ResponseURL. */
export interface CfnResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data: Record<string, string | number>;
}

export type Handler = (event: CloudFormationCustomResourceEvent, context: Context) => Promise<void>;

/** The handler as the npm package ships it: the esbuild bundle the template references. */
export const BUNDLE_DIR = path.join(__dirname, '..', '..', 'assets', 'lambda', 'handler');

export function loadBundledHandler(): Handler {
  // The handler logs one JSON line per action; tests that read them turn the level up.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(BUNDLE_DIR, 'index.js')).handler;
}

/** Point the unmodified SDK clients at a local endpoint, with throwaway credentials. */
export function useLocalEndpoint(url: string, region = 'eu-west-1'): void {
  process.env.AWS_ENDPOINT_URL = url;
  process.env.AWS_REGION = region;
  process.env.AWS_ACCESS_KEY_ID = 'AKIDLOCALENDPOINT';
  process.env.AWS_SECRET_ACCESS_KEY = 'local-endpoint-secret';
  delete process.env.AWS_PROFILE;
}

/**
 * Sign the handler's next requests as `accountId` (the local endpoint tells accounts by access key,
 * see LocalAwsEndpoint.addAccount): what Lambda's credentials of a function in that account do.
 */
export function signAs(accountId: string): void {
  process.env.AWS_ACCESS_KEY_ID = `AKIDLOCAL${accountId}`;
}

/** Short waits and margins so that polls and time-outs run in test time. */
export function useFastSettings(overrides: Record<string, number> = {}): void {
  const values: Record<string, number> = {
    SHARING_POLL_INTERVAL_MS: 50,
    SHARING_STOP_MARGIN_MS: 1_000,
    SHARING_WATCHDOG_MARGIN_MS: 300,
    SHARING_IAM_PROPAGATION_MS: 3_000,
    SHARING_REVISION_CONFLICT_BASE_MS: 10,
    SHARING_ANSWER_MARGIN_MS: 100,
    SHARING_MIN_HAND_OVER_MS: 500,
    // A claim's write must answer within the gap; the settle is short because most tests have one
    // claimant (the tests of concurrent claims set it longer than the gap, as it must be).
    SHARING_CLAIM_GAP_MS: 5_000,
    SHARING_CLAIM_SETTLE_MS: 20,
    // Unpaced: the local endpoint has no rate limit unless a test sets one (and then the pace too).
    SHARING_WORKSPACES_CALLS_PER_SECOND: 0,
    SHARING_DRIFT_CALLS_PER_SECOND: 0,
    ...overrides,
  };
  for (const [name, value] of Object.entries(values)) process.env[name] = String(value);
}

/** A Lambda context whose clock counts down from `timeoutMs`. */
export function lambdaContext(accountId: string, timeoutMs = 900_000, region = 'eu-west-1'): Context {
  const endsAt = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'CrossAccountSharingHandler',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:CrossAccountSharingHandler`,
    memoryLimitInMB: '256',
    awsRequestId: 'local-request',
    logGroupName: '/aws/lambda/CrossAccountSharingHandler',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, endsAt - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Stands in for CloudFormation's side of the custom-resource protocol: it builds the events,
 * receives the PUT on the ResponseURL and hands back what the handler answered.
 */
export class CloudFormationStub {
  private server?: http.Server;
  /** Every answer received, by request ID, in order of arrival. */
  private readonly responses = new Map<string, CfnResponse[]>();
  private readonly waiting = new Map<string, () => void>();
  private requests = 0;
  /** The ID of every request this stub made an event for, in order. */
  public readonly requestIds: string[] = [];

  /** @param stackId the stack whose requests this stub sends (a second stub stands in for a second stack) */
  constructor(public readonly stackId = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Demo/11111111-2222-3333-4444-555555555555') {}

  public async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => {
        const requestId = req.url!.slice(1);
        this.responses.set(requestId, [...(this.responses.get(requestId) ?? []), JSON.parse(body)]);
        this.waiting.get(requestId)?.();
        res.writeHead(200);
        res.end();
      });
    });
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
  }

  public async stop(): Promise<void> {
    await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private base(resourceType: string, logicalId: string) {
    // Unique across stubs, as CloudFormation's UUIDs are: the hand-overs' markers and the ledger's
    // answered requests of two stacks (the owner's and the receiving account's) must not meet.
    const requestId = `${this.stackId.split('/')[1] ?? 'stack'}-request-${++this.requests}`;
    this.requestIds.push(requestId);
    const { port } = this.server!.address() as AddressInfo;
    return {
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:CrossAccountSharingHandler',
      ResponseURL: `http://127.0.0.1:${port}/${requestId}`,
      StackId: this.stackId,
      RequestId: requestId,
      ResourceType: resourceType,
      LogicalResourceId: logicalId,
    };
  }

  public createEvent(resourceType: string, logicalId: string, properties: Record<string, unknown>): CloudFormationCustomResourceEvent {
    return { ...this.base(resourceType, logicalId), RequestType: 'Create', ResourceProperties: withToken(properties) };
  }

  public updateEvent(
    resourceType: string,
    logicalId: string,
    physicalId: string,
    properties: Record<string, unknown>,
    oldProperties: Record<string, unknown>,
  ): CloudFormationCustomResourceEvent {
    return {
      ...this.base(resourceType, logicalId),
      RequestType: 'Update',
      PhysicalResourceId: physicalId,
      ResourceProperties: withToken(properties),
      OldResourceProperties: withToken(oldProperties),
    };
  }

  public deleteEvent(
    resourceType: string,
    logicalId: string,
    physicalId: string,
    properties: Record<string, unknown>,
  ): CloudFormationCustomResourceEvent {
    return {
      ...this.base(resourceType, logicalId),
      RequestType: 'Delete',
      PhysicalResourceId: physicalId,
      ResourceProperties: withToken(properties),
    };
  }

  /**
   * Run the handler on an event and return what it answered CloudFormation: the answer may come
   * from a later invocation the first one handed the work over to, so it waits up to
   * `answerWithinMs` for it.
   */
  public async invoke(handler: Handler, event: CloudFormationCustomResourceEvent, context: Context, answerWithinMs = 30_000): Promise<CfnResponse> {
    signAs(context.invokedFunctionArn.split(':')[4]);
    await handler(event, context);
    return this.answer(event, answerWithinMs);
  }

  /** The first answer to a request, waiting up to `withinMs` for it. */
  public async answer(event: CloudFormationCustomResourceEvent, withinMs = 30_000): Promise<CfnResponse> {
    const arrived = () => this.responses.get(event.RequestId)?.[0];
    if (!arrived()) {
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, withinMs);
        this.waiting.set(event.RequestId, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiting.delete(event.RequestId);
    }
    const response = arrived();
    if (!response) throw new Error(`no invocation answered ${event.RequestType} ${event.LogicalResourceId} within ${withinMs} ms`);
    return response;
  }

  /**
   * The requests, of those this stub made from the `since`-th on, that got no answer or more than
   * one (with how many): CloudFormation expects exactly one.
   */
  public notAnsweredOnce(since = 0): { requestId: string; answers: number }[] {
    return this.requestIds.slice(since)
      .map(requestId => ({ requestId, answers: this.responses.get(requestId)?.length ?? 0 }))
      .filter(r => r.answers !== 1);
  }

  /** Every answer a request got: CloudFormation expects exactly one. */
  public answersTo(event: CloudFormationCustomResourceEvent): CfnResponse[] {
    return this.responses.get(event.RequestId) ?? [];
  }
}

function withToken(properties: Record<string, unknown>): { ServiceToken: string } & Record<string, unknown> {
  return { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:CrossAccountSharingHandler', ...properties };
}
