/**
 * Throttling, faults, IAM propagation, time limits, scale and logs: the bundled handler
 * through the unmodified SDK client against the local endpoint.
 */
import { CloudFormationStub, Handler, lambdaContext, loadBundledHandler, useFastSettings } from './support/handler-harness';
import { useLocalAws } from './support/local-aws';
import { LocalAwsEndpoint } from './support/local-endpoint';

const TYPE = 'Custom::SharedWorkspaceImage';
const OWNER = '123456789012';
const IMAGE = 'wsi-abc123def';
const A = '111122223333';
const B = '444455556666';
const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(200000000000 + i));

let endpoint: LocalAwsEndpoint;
let cfn: CloudFormationStub;
let handler: Handler;
const aws = useLocalAws(OWNER, e => e.workspaces.addImage(IMAGE));
beforeEach(() => ({ endpoint, cfn, handler } = aws));

const create = (accountIds: string[], budgetSeconds?: number) =>
  cfn.createEvent(TYPE, 'Share', { ImageId: IMAGE, AccountIds: accountIds, ...(budgetSeconds ? { TimeBudgetSeconds: String(budgetSeconds) } : {}) });
const errorsOf = (operation: string) => endpoint.callsOf(operation).map(c => c.error ?? 'ok');
/** A minimum for a hand-over longer than any budget: the invocation that runs out of time answers FAILED. */
const NO_HAND_OVER_MS = 10_000_000;

describe('throttling and server faults', () => {
  test('rides out ThrottlingException with backoff and still shares every account', async () => {
    endpoint.inject({ kind: 'throttle', count: 2, operation: 'UpdateWorkspaceImagePermission' });

    const response = await cfn.invoke(handler, create([A, B]), lambdaContext(OWNER));

    expect(response.Status).toBe('SUCCESS');
    expect(errorsOf('UpdateWorkspaceImagePermission')).toEqual(['ThrottlingException', 'ThrottlingException', 'ok', 'ok']);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A, B]);
  });

  test('rides out transient 5xx errors', async () => {
    endpoint.inject({ kind: 'server-error', count: 2, operation: 'UpdateWorkspaceImagePermission' });

    const response = await cfn.invoke(handler, create([A]), lambdaContext(OWNER));

    expect(response.Status).toBe('SUCCESS');
    expect(errorsOf('UpdateWorkspaceImagePermission')).toEqual(['InternalServerException', 'InternalServerException', 'ok']);
  });

  test('fails with a Reason once throttling outlasts the retry budget', async () => {
    useFastSettings({ SHARING_MAX_ATTEMPTS: 2 });
    endpoint.inject({ kind: 'throttle', count: 100, operation: 'UpdateWorkspaceImagePermission' });

    const response = await cfn.invoke(handler, create([A]), lambdaContext(OWNER));

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/ThrottlingException/);
    expect(response.Reason).toMatch(/Not done: shared 1 \(111122223333\)/);
    expect(errorsOf('UpdateWorkspaceImagePermission')).toHaveLength(2);
  });
});

describe('pace', () => {
  test.each([
    ['unpaced, meets throttling', 0, true],
    ['paced at the bucket\'s rate, is never throttled', 200, false],
  ])('a share of 100 accounts against WorkSpaces\' token bucket (scaled 100x), %s', async (_name, callsPerSecond, throttled) => {
    useFastSettings({ SHARING_WORKSPACES_CALLS_PER_SECOND: callsPerSecond });
    endpoint.rateLimit = { perSecond: 200, burst: 5 };

    const response = await cfn.invoke(handler, create(accounts(100)), lambdaContext(OWNER));

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.workspaces.sharesOf(IMAGE)).toHaveLength(100);
    expect(errorsOf('UpdateWorkspaceImagePermission').includes('ThrottlingException')).toBe(throttled);
  });
});

describe('IAM propagation', () => {
  test('retries AccessDenied on the first calls, while the new policy propagates', async () => {
    endpoint.inject({ kind: 'access-denied', count: 2 });

    const response = await cfn.invoke(handler, create([A]), lambdaContext(OWNER));

    expect(response.Status).toBe('SUCCESS');
    expect(errorsOf('DescribeWorkspaceImages')).toEqual(['AccessDeniedException', 'AccessDeniedException', 'ok']);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A]);
  });

  test('does not retry AccessDenied once a call has succeeded: that denial is real', async () => {
    endpoint.inject({ kind: 'access-denied', count: 1, operation: 'UpdateWorkspaceImagePermission' });

    const response = await cfn.invoke(handler, create([A]), lambdaContext(OWNER));

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/AccessDeniedException/);
    expect(errorsOf('UpdateWorkspaceImagePermission')).toEqual(['AccessDeniedException']);
  });

  test('gives up on AccessDenied after the propagation window', async () => {
    useFastSettings({ SHARING_IAM_PROPAGATION_MS: 700 });
    endpoint.inject({ kind: 'access-denied', count: 1000 });

    const response = await cfn.invoke(handler, create([A]), lambdaContext(OWNER));

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/AccessDeniedException/);
    // In virtual time: attempts at 0 and 500 ms fall in the 700 ms window, the retry after the next
    // backoff (1,000 ms) at 1,500 ms falls outside it, and its denial is the answer.
    expect(errorsOf('DescribeWorkspaceImages')).toEqual(['AccessDeniedException', 'AccessDeniedException', 'AccessDeniedException']);
    const [first, , last] = endpoint.callsOf('DescribeWorkspaceImages');
    expect(last.receivedAt - first.receivedAt).toBe(1_500);
  });
});

describe('time', () => {
  test('stops starting calls when the resource\'s time budget runs short and says what was done and what was not', async () => {
    endpoint.latencyMs = 25;
    const context = lambdaContext(OWNER);

    const response = await cfn.invoke(handler, create(accounts(200), 2), context);

    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe(IMAGE);
    const shared = endpoint.workspaces.sharesOf(IMAGE).length;
    expect(shared).toBeGreaterThan(0);
    expect(shared).toBeLessThan(200);
    expect(response.Reason).toContain('too little time was left');
    expect(response.Reason).toContain('time budget of 2 s ran out in invocation 1');
    expect(endpoint.callsOf('Invoke')).toHaveLength(0);
    expect(response.Reason).toContain(`Done: shared ${shared} (`);
    expect(response.Reason).toContain(`Not done: shared ${200 - shared} (`);
  });

  test('answers before the Lambda timeout even when a call hangs, when the budget allows no hand-over', async () => {
    useFastSettings({ SHARING_STOP_MARGIN_MS: 500, SHARING_WATCHDOG_MARGIN_MS: 400, SHARING_MIN_HAND_OVER_MS: NO_HAND_OVER_MS });
    endpoint.latencyMs = 4_000;
    const context = lambdaContext(OWNER, 1_500);

    const response = await cfn.invoke(handler, create([A]), context);

    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(response.Status).toBe('FAILED');
    // In virtual time the image read is still held (4 s) when the watchdog answers, 400 ms before the end.
    expect(response.Reason).toBe('The work was still running close to the end of the invocation\'s time and was stopped. Done: nothing. Not done: nothing.');
  });
});

describe('an answered invocation', () => {
  test('makes no call afterwards, not even a retry of a request in flight, while the next request runs in the same process', async () => {
    useFastSettings({ SHARING_STOP_MARGIN_MS: 500, SHARING_WATCHDOG_MARGIN_MS: 400, SHARING_MIN_HAND_OVER_MS: NO_HAND_OVER_MS });
    // The image read is slow and then fails with a 5xx, which the SDK would retry.
    endpoint.latencyMs = 1_200;
    endpoint.inject({ kind: 'server-error', count: 1, operation: 'DescribeWorkspaceImages' });

    const first = await cfn.invoke(handler, create([A]), lambdaContext(OWNER, 1_500));
    const answeredAt = Date.now();
    expect(first.Status).toBe('FAILED');
    expect(first.Reason).toMatch(/still running close to the end/);

    // The next request: CloudFormation's Delete after the failed Create, in the same execution environment.
    endpoint.latencyMs = 0;
    const next = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', first.PhysicalResourceId, { ImageId: IMAGE, AccountIds: [A] }), lambdaContext(OWNER));
    expect(next.Status).toBe('SUCCESS');
    // Long enough for the SDK's retry of the first request to have been sent, were it not aborted:
    // a virtual 1.5 s, through which every timer due (a retry's backoff included) fires.
    await new Promise(resolve => setTimeout(resolve, 1_500));

    const late = endpoint.calls.filter(c => c.receivedAt > answeredAt && c.operation === 'DescribeWorkspaceImages');
    expect(late).toEqual([]);
    expect(endpoint.callsOf('DescribeWorkspaceImages')).toHaveLength(1);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
  });
});

describe('margins', () => {
  test('follow the function\'s timeout: a function given 20 s still shares before it answers', async () => {
    for (const name of ['SHARING_STOP_MARGIN_MS', 'SHARING_WATCHDOG_MARGIN_MS']) delete process.env[name];

    const response = await cfn.invoke(handler, create([A, B]), lambdaContext(OWNER, 20_000));

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([A, B]);
  });
});

describe('scale', () => {
  test('shares with 1,000 accounts in one resource, with one write per account and a small response', async () => {
    const many = accounts(1_000);

    const response = await cfn.invoke(handler, create(many), lambdaContext(OWNER));

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([...many].sort());
    expect(endpoint.callsOf('UpdateWorkspaceImagePermission')).toHaveLength(1_000);
    expect(endpoint.callsOf('DescribeWorkspaceImages')).toHaveLength(1);
    // The image read, the owner tags read, written and read again (the claim), one write per account.
    expect(endpoint.calls).toHaveLength(1_004);
    expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThan(1_024);
  });

  test('keeps a failure response far under 4 KB whatever the number of accounts', async () => {
    endpoint.inject({ kind: 'access-denied', count: 1, operation: 'UpdateWorkspaceImagePermission', after: 500 });
    useFastSettings({ SHARING_IAM_PROPAGATION_MS: 0 });

    const response = await cfn.invoke(handler, create(accounts(1_000)), lambdaContext(OWNER));

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/shared 500 \(.*and 495 more\)/);
    expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThan(2_048);
  });
});

describe('logs', () => {
  /** Run one request through a freshly loaded handler with its logs on: the text written, and its JSON records. */
  async function logsOf(event: ReturnType<typeof create>, lambdaLogLevel?: string): Promise<{ text: string; records: any[] }> {
    const lines: string[] = [];
    // Powertools writes ERROR lines to stderr, the others to stdout: Lambda sends both to the log group.
    const capture = (chunk: any) => {
      lines.push(String(chunk));
      return true;
    };
    const writes = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
    let fresh!: Handler;
    // The function's log level (SharingProviderProps.logLevel) reaches the handler as Lambda's AWS_LAMBDA_LOG_LEVEL.
    if (lambdaLogLevel) {
      process.env.AWS_LAMBDA_LOG_LEVEL = lambdaLogLevel;
      delete process.env.POWERTOOLS_LOG_LEVEL;
    } else {
      process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    }
    jest.isolateModules(() => {
      fresh = loadBundledHandler();
    });
    try {
      await cfn.invoke(fresh, event, lambdaContext(OWNER));
    } finally {
      writes.forEach(write => write.mockRestore());
      delete process.env.AWS_LAMBDA_LOG_LEVEL;
      process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    }
    const text = lines.join('');
    return { text, records: text.trim().split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l)) };
  }

  test('one structured JSON line per action, without credentials or the ResponseURL', async () => {
    const event = create([A, B]);
    const { text, records } = await logsOf(event);

    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      level: 'INFO',
      requestType: 'Create',
      logicalResourceId: 'Share',
      imageId: IMAGE,
      shared: [A, B],
      status: 'SUCCESS',
      invocation: 1,
      calls: { DescribeWorkspaceImages: 1, UpdateWorkspaceImagePermission: 2 },
    });
    expect(text).not.toContain(event.ResponseURL);
    expect(text).not.toContain(process.env.AWS_SECRET_ACCESS_KEY!);
    expect(text).not.toContain(process.env.AWS_ACCESS_KEY_ID!);
  });

  test('a failure\'s line carries its stack trace, mapped back to the source files and lines', async () => {
    useFastSettings({ SHARING_IAM_PROPAGATION_MS: 0 });
    endpoint.inject({ kind: 'access-denied', count: 1, operation: 'UpdateWorkspaceImagePermission' });

    const { records: [record] } = await logsOf(create([A]));

    expect(record.status).toBe('FAILED');
    expect(record.error.name).toBe('AccessDeniedException');
    // The handler's own frames, by source file and line, not index.js:1:<column>.
    expect(record.error.stack).toMatch(/lambda\/resources\/shared-workspace-image\.ts:\d+:\d+/);
    expect(record.error.stack).not.toMatch(/index\.js:1:\d+/);
  });

  test('the function\'s log level: DEBUG adds a line per API call, WARN keeps successes out, ERROR keeps failures in', async () => {
    const debug = await logsOf(create([A, B]), 'DEBUG');
    const calls = debug.records.filter(r => r.level === 'DEBUG');
    // The claim, two writes, and the ledger's five: the request's start, its declaration, a fence per write, its answer.
    expect(calls.map(r => r.operation).sort()).toEqual([
      'CreateTags', 'DescribeTags', 'DescribeTags', 'DescribeWorkspaceImages',
      'UpdateItem', 'UpdateItem', 'UpdateItem', 'UpdateItem', 'UpdateItem',
      'UpdateWorkspaceImagePermission', 'UpdateWorkspaceImagePermission',
    ]);
    expect(calls.every(r => typeof r.durationMs === 'number')).toBe(true);
    expect(debug.records.filter(r => r.level === 'INFO').map(r => r.status)).toEqual(['SUCCESS']);

    expect((await logsOf(create([A, B]), 'WARN')).records).toEqual([]);

    useFastSettings({ SHARING_IAM_PROPAGATION_MS: 0 });
    endpoint.inject({ kind: 'access-denied', count: 1, operation: 'UpdateWorkspaceImagePermission' });
    // An account the earlier Creates did not share (the ledger holds A and B: a Create shares only what it lacks).
    const failed = await logsOf(create(['999900001111']), 'ERROR');
    expect(failed.records).toEqual([expect.objectContaining({ level: 'ERROR', status: 'FAILED' })]);
  });
});
