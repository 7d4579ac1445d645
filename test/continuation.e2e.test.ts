/**
 * Work that outlasts one invocation: the bundled handler hands the rest of a request to a new
 * invocation of the function (the local endpoint's Lambda Invoke), and the request gets one answer.
 * The function's time is shortened through the settings so that a few hundred accounts need
 * several invocations.
 */
import { CloudFormationStub, Handler, lambdaContext, loadBundledHandler, useFastSettings } from './support/handler-harness';
import { SHORT_INVOCATION_MS, useLocalAws, useShortInvocations } from './support/local-aws';
import { LocalAwsEndpoint } from './support/local-endpoint';
import { UNVERIFIED_READINGS } from './support/workspaces-images-service';

// Thousands of writes, each with its fence in the ledger (dynalite), on a loaded two-core machine: a
// correctness test at scale, not a timed one (npm run benchmark measures the time).
jest.setTimeout(300_000);

const TYPE = 'Custom::SharedWorkspaceImage';
const OWNER = '123456789012';
const IMAGE = 'wsi-abc123def';
const OUTSIDE = '222233334444';
const A = '111122223333';
const B = '444455556666';
const accounts = (n: number, from = 0) => Array.from({ length: n }, (_, i) => String(300000000000 + from + i));

let endpoint: LocalAwsEndpoint;
let cfn: CloudFormationStub;
let handler: Handler;
const aws = useLocalAws(OWNER, e => {
  e.workspaces.addImage(IMAGE, { sharedWith: [OUTSIDE] });
  // About 5 ms a call: each invocation makes a couple of hundred calls before it must stop.
  e.latencyMs = 5;
});
beforeEach(() => {
  ({ endpoint, cfn, handler } = aws);
  // Each invocation lasts SHORT_INVOCATION_MS: a few hundred calls need several.
  useShortInvocations(aws);
});

/** The properties of the share, with a budget far longer than one invocation. */
const props = (accountIds: string[], budgetSeconds = 60) => ({ ImageId: IMAGE, AccountIds: accountIds, TimeBudgetSeconds: String(budgetSeconds) });
const writes = () => endpoint.callsOf('UpdateWorkspaceImagePermission').filter(c => !c.error);
const handOvers = () => endpoint.callsOf('Invoke');

/** Run a request from its first invocation to its answer, and let every invocation it started end. */
async function request(event: ReturnType<CloudFormationStub['createEvent']>) {
  const response = await cfn.invoke(handler, event, lambdaContext(OWNER, SHORT_INVOCATION_MS));
  await endpoint.lambda.settled();
  return response;
}

test('creates, updates and deletes a share that needs several invocations, exactly as listed, with one answer per request', async () => {
  // 600, 400 and 600 writes: each step needs more than one invocation (about 240 calls of 5 ms each fit in one).
  const before = accounts(600);
  const after = [...before.slice(200), ...accounts(200, 600)];

  const createEvent = cfn.createEvent(TYPE, 'Share', props(before));
  const created = await request(createEvent);
  expect(created.Status).toBe('SUCCESS');
  expect(created.PhysicalResourceId).toBe(IMAGE);
  expect(handOvers().length).toBeGreaterThanOrEqual(1);
  expect(cfn.answersTo(createEvent)).toHaveLength(1);
  expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([OUTSIDE, ...before].sort());
  // No account was written twice across the invocations, and the image was read once.
  expect(writes()).toHaveLength(600);
  expect(endpoint.callsOf('DescribeWorkspaceImages')).toHaveLength(1);

  endpoint.resetCalls();
  const updateEvent = cfn.updateEvent(TYPE, 'Share', IMAGE, props(after), props(before));
  const updated = await request(updateEvent);
  expect(updated.Status).toBe('SUCCESS');
  expect(updated.PhysicalResourceId).toBe(IMAGE);
  expect(handOvers().length).toBeGreaterThanOrEqual(1);
  expect(cfn.answersTo(updateEvent)).toHaveLength(1);
  expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([OUTSIDE, ...after].sort());
  expect(writes()).toHaveLength(400);

  endpoint.resetCalls();
  const deleteEvent = cfn.deleteEvent(TYPE, 'Share', IMAGE, props(after));
  const deleted = await request(deleteEvent);
  expect(deleted.Status).toBe('SUCCESS');
  expect(handOvers().length).toBeGreaterThanOrEqual(1);
  expect(cfn.answersTo(deleteEvent)).toHaveLength(1);
  expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([OUTSIDE]);
  expect(writes()).toHaveLength(600);
  // The invocation that finished the Delete released the image.
  expect(endpoint.tags.of(IMAGE)).toEqual({});
});

test('each hand-over carries the request\'s start, so the budget counts from the first invocation', async () => {
  const event = cfn.createEvent(TYPE, 'Share', props(accounts(300)));
  await request(event);

  const payloads = handOvers().map(c => c.input.CrossAccountSharingContinuation);
  expect(payloads.map(p => p.hop)).toEqual(payloads.map((_, i) => i + 1));
  expect(new Set(payloads.map(p => p.startedAt)).size).toBe(1);
  const done = payloads.map(p => p.checkpoint.done);
  expect(done).toEqual([...done].sort((a, b) => a - b));
  expect(done[0]).toBeGreaterThan(0);
});

test.each(Object.entries(UNVERIFIED_READINGS))('a duplicated hand-over changes no share, and answers as the first did (%s)', async (_reading, behaviour) => {
  endpoint.workspaces.unverified = behaviour;
  const listed = accounts(300);
  const event = cfn.createEvent(TYPE, 'Share', props(listed));
  const first = await request(event);
  expect(first.Status).toBe('SUCCESS');
  const delivered = endpoint.lambda.invocations.map(i => i.payload);
  expect(delivered.length).toBeGreaterThanOrEqual(1);

  // Lambda delivers each asynchronous invocation at least once: deliver every hand-over again.
  endpoint.lambda.delivery = 'never';
  for (const payload of delivered) await handler(payload as Parameters<Handler>[0], lambdaContext(OWNER, SHORT_INVOCATION_MS));
  await endpoint.lambda.settled();

  expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([OUTSIDE, ...listed].sort());
  for (const answer of cfn.answersTo(event)) {
    expect(answer).toEqual(first);
  }
});

test('a lost hand-over leaves no answer, and the rollback Delete unshares every listed account', async () => {
  endpoint.lambda.delivery = 'never';
  const listed = accounts(300);
  const event = cfn.createEvent(TYPE, 'Share', props(listed));

  await handler(event, lambdaContext(OWNER, SHORT_INVOCATION_MS));
  await expect(cfn.answer(event, 500)).rejects.toThrow(/no invocation answered/);
  const shared = endpoint.workspaces.sharesOf(IMAGE).length - 1;
  expect(shared).toBeGreaterThan(0);
  expect(shared).toBeLessThan(300);

  // CloudFormation times the resource out and rolls back with a Delete of the listed accounts.
  endpoint.lambda.delivery = 'once';
  const rollback = await request(cfn.deleteEvent(TYPE, 'Share', IMAGE, props(listed)));
  expect(rollback.Status).toBe('SUCCESS');
  expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([OUTSIDE]);
});

test('answers FAILED with what was done, from the invocation where the budget runs out', async () => {
  const event = cfn.createEvent(TYPE, 'Share', props(accounts(2_000), 3));

  const response = await request(event);

  expect(response.Status).toBe('FAILED');
  expect(response.PhysicalResourceId).toBe(IMAGE);
  expect(response.Reason).toMatch(/time budget of 3 s ran out in invocation [2-9]/);
  expect(response.Reason).toMatch(/Done: shared \d+ .*Not done: shared \d+/);
  expect(cfn.answersTo(event)).toHaveLength(1);
  const shared = endpoint.workspaces.sharesOf(IMAGE).length - 1;
  expect(shared).toBeGreaterThan(0);
  expect(shared).toBeLessThan(2_000);
});

test('waits for a PENDING image across invocations', async () => {
  endpoint.workspaces.addImage(IMAGE, { pendingMs: 3_000 });
  const event = cfn.createEvent(TYPE, 'Share', props(accounts(2)));

  const response = await request(event);

  expect(response.Status).toBe('SUCCESS');
  expect(handOvers().length).toBeGreaterThanOrEqual(1);
  expect(cfn.answersTo(event)).toHaveLength(1);
  expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual(accounts(2));
});

test('ignores a hand-over that arrives after its request\'s budget ran out: no call, no answer', async () => {
  const event = cfn.createEvent(TYPE, 'Share', props(accounts(2), 60));
  const continuation = { hop: 1, startedAt: Date.now() - 120_000, checkpoint: { done: 0, imageChecked: true } };
  const late = { ...event, CrossAccountSharingContinuation: continuation };

  await handler(late, lambdaContext(OWNER, SHORT_INVOCATION_MS));

  expect(endpoint.calls).toHaveLength(0);
  expect(cfn.answersTo(event)).toHaveLength(0);
});

describe('throttling near the end of an invocation', () => {
  test('a throttling streak hands over instead of failing, and the request succeeds with every account shared once', async () => {
    const listed = accounts(300);
    // A streak the SDK would ride out with seconds of backoff, well past the stop margin, if it were let.
    endpoint.inject({ kind: 'throttle', count: 6, operation: 'UpdateWorkspaceImagePermission', after: 150 });
    const event = cfn.createEvent(TYPE, 'Share', props(listed));

    const response = await request(event);

    expect(response.Status).toBe('SUCCESS');
    expect(cfn.answersTo(event)).toHaveLength(1);
    expect(endpoint.callsOf('UpdateWorkspaceImagePermission').filter(c => c.error === 'ThrottlingException')).toHaveLength(6);
    expect(handOvers().length).toBeGreaterThanOrEqual(1);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([OUTSIDE, ...listed].sort());
    // Every account written once: a write in flight at the stop margin finishes and is counted.
    expect(writes()).toHaveLength(300);
    expect(new Set(writes().map(c => c.input.SharedAccountId)).size).toBe(300);
  });

  test('no HTTP attempt starts after the stop margin: the throttled call\'s retry is not made, and the invocation hands over', async () => {
    useFastSettings({ SHARING_STOP_MARGIN_MS: 300, SHARING_WATCHDOG_MARGIN_MS: 100 });
    endpoint.inject({ kind: 'throttle', count: 1, operation: 'UpdateWorkspaceImagePermission' });
    const event = cfn.createEvent(TYPE, 'Share', props([A, B]));
    // The first invocation's clock passes its stop margin (300 ms) the moment its first attempt is throttled.
    const throttled = () => endpoint.calls.some(c => c.error === 'ThrottlingException');
    const context = { ...lambdaContext(OWNER, 10_000), getRemainingTimeInMillis: () => (throttled() ? 250 : 10_000) };

    const response = await cfn.invoke(handler, event, context);
    await endpoint.lambda.settled();

    expect(response.Status).toBe('SUCCESS');
    expect(cfn.answersTo(event)).toHaveLength(1);
    // In order: the throttled attempt, then the hand-over, with no retry between them; the next
    // invocation makes that write again, and the other one.
    const events = endpoint.calls
      .filter(c => c.operation === 'UpdateWorkspaceImagePermission' || c.operation === 'Invoke')
      .map(c => (c.operation === 'Invoke' ? 'Invoke' : `${c.input.SharedAccountId} ${c.error ?? 'ok'}`));
    expect(events).toEqual([`${A} ThrottlingException`, 'Invoke', `${A} ok`, `${B} ok`]);
    expect(handOvers()[0].input.CrossAccountSharingContinuation.checkpoint.done).toBe(0);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([OUTSIDE, A, B].sort());
  });

  test('the watchdog hands over a call that is still in flight close to the end, when the budget allows', async () => {
    // The first invocation's image read hangs past its end; the next invocation's does not.
    endpoint.latencyOf = { DescribeWorkspaceImages: 5_000 };
    endpoint.lambda.serve((e, c) => {
      endpoint.latencyOf = {};
      return handler(e, c);
    }, SHORT_INVOCATION_MS);
    const event = cfn.createEvent(TYPE, 'Share', props([A]));
    const context = lambdaContext(OWNER, SHORT_INVOCATION_MS);

    await handler(event, context);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    const response = await cfn.answer(event);
    await endpoint.lambda.settled();

    expect(response.Status).toBe('SUCCESS');
    expect(cfn.answersTo(event)).toHaveLength(1);
    expect(handOvers()).toHaveLength(1);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([OUTSIDE, A].sort());
  });
});

describe('the hand-over fence', () => {
  const FENCES = '/cdk-cross-account-sharing/hand-over/';
  const fencesOf = (event: { RequestId: string }) => endpoint.ssm.namesUnder(`${FENCES}${event.RequestId}/`);

  /** Serve a freshly loaded handler that logs at WARN, and collect the JSON lines it writes. */
  function warnings(): any[] {
    const records: any[] = [];
    const capture = (chunk: any) => {
      for (const line of String(chunk).split('\n')) if (line.startsWith('{')) records.push(JSON.parse(line));
      return true;
    };
    const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
    afterCurrent.push(() => {
      spies.forEach(spy => spy.mockRestore());
      process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    });
    process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
    let fresh!: Handler;
    jest.isolateModules(() => {
      fresh = loadBundledHandler();
    });
    handler = fresh;
    endpoint.lambda.serve(fresh, SHORT_INVOCATION_MS);
    return records;
  }
  const afterCurrent: (() => void)[] = [];
  afterEach(() => afterCurrent.splice(0).forEach(undo => undo()));

  test('a duplicated hand-over answers once: its second delivery finds the fence and neither works nor answers', async () => {
    const logged = warnings();
    endpoint.lambda.delivery = 'twice';
    const listed = accounts(600);
    const event = cfn.createEvent(TYPE, 'Share', props(listed));

    const response = await request(event);

    expect(response.Status).toBe('SUCCESS');
    expect(cfn.answersTo(event)).toHaveLength(1);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([OUTSIDE, ...listed].sort());
    // No write of a duplicate: every account written once.
    expect(writes()).toHaveLength(600);
    const hops = handOvers().length;
    expect(hops).toBeGreaterThanOrEqual(2);
    // Each hop was delivered twice: one delivery put its fence, the other found it, or (the last
    // hop's, delivered after the answer) found the answer's marker; the answer put its marker.
    const late = logged.filter(r => r.level === 'WARN' && /Late delivery of a hand-over of a request already answered/.test(r.message));
    expect(late.length).toBeLessThanOrEqual(1);
    expect(endpoint.callsOf('PutParameter').map(c => c.error ?? 'ok').sort()).toEqual([
      ...Array(hops - late.length).fill('ParameterAlreadyExists'), ...Array(hops + 1 + late.length).fill('ok'),
    ]);
    const duplicates = logged.filter(r => r.level === 'WARN' && /(Duplicate|Late) delivery of a hand-over/.test(r.message));
    expect(duplicates.map(r => r.invocation).sort((a, b) => a - b)).toEqual(Array.from({ length: hops }, (_, i) => i + 2));
    expect(duplicates[0]).toMatchObject({ requestId: event.RequestId, fence: expect.stringMatching(new RegExp(`^${FENCES}${event.RequestId}/\\d+$`)) });
    // The answer replaced the hops' fences with its marker, which a delivery of any hop after the answer finds.
    expect(fencesOf(event)).toEqual([`${FENCES}${event.RequestId}/answered`]);
    expect(JSON.parse(endpoint.ssm.get(`${FENCES}${event.RequestId}/answered`)!.value)).toMatchObject({ hops });
  });

  test('a late delivery of an earlier hop, after the answer, finds the marker: it neither works nor answers, and leaves no fence', async () => {
    const logged = warnings();
    const listed = accounts(600);
    const event = cfn.createEvent(TYPE, 'Share', props(listed));
    await request(event);
    const first = endpoint.lambda.invocations.find(i => i.payload.CrossAccountSharingContinuation?.hop === 1)!;
    const calls = endpoint.calls.length;

    endpoint.lambda.delivery = 'never';
    await handler(first.payload as Parameters<Handler>[0], lambdaContext(OWNER, SHORT_INVOCATION_MS));

    expect(cfn.answersTo(event)).toHaveLength(1);
    expect(endpoint.calls.slice(calls).map(c => c.operation)).toEqual(['PutParameter', 'GetParameter', 'DeleteParameters']);
    expect(logged.filter(r => /Late delivery of a hand-over of a request already answered/.test(r.message))).toHaveLength(1);
    expect(fencesOf(event)).toEqual([`${FENCES}${event.RequestId}/answered`]);
  });

  test('a delivery of the answering hop after the answer is fenced too: no second answer', async () => {
    const listed = accounts(300);
    const event = cfn.createEvent(TYPE, 'Share', props(listed));
    await request(event);
    const last = endpoint.lambda.invocations[endpoint.lambda.invocations.length - 1].payload;

    endpoint.lambda.delivery = 'never';
    await handler(last as Parameters<Handler>[0], lambdaContext(OWNER, SHORT_INVOCATION_MS));

    expect(cfn.answersTo(event)).toHaveLength(1);
    expect(writes()).toHaveLength(300);
  });

  test('a request that needs no hand-over never calls Parameter Store', async () => {
    const event = cfn.createEvent(TYPE, 'Share', props(accounts(2)));

    expect((await request(event)).Status).toBe('SUCCESS');

    expect(handOvers()).toHaveLength(0);
    expect(endpoint.calls.filter(c => /Parameter/.test(c.operation))).toEqual([]);
  });

  test('Parameter Store failing costs neither the work nor the answer: unfenced, and the fences left behind are logged', async () => {
    const logged = warnings();
    const listed = accounts(600);
    const event = cfn.createEvent(TYPE, 'Share', props(listed));
    endpoint.ssm.failing = { DeleteParameters: 'InternalServerError' };

    const response = await request(event);

    expect(response.Status).toBe('SUCCESS');
    expect(cfn.answersTo(event)).toHaveLength(1);
    const hops = handOvers().length;
    // Every hop's fence, and the marker.
    expect(fencesOf(event)).toHaveLength(hops + 1);
    expect(logged.filter(r => /fences of the request's hand-overs could not be deleted/.test(r.message))).toHaveLength(1);

    endpoint.resetCalls();
    endpoint.ssm.failing = { PutParameter: 'AccessDeniedException' };
    const deletion = cfn.deleteEvent(TYPE, 'Share', IMAGE, props(listed));
    expect((await request(deletion)).Status).toBe('SUCCESS');
    expect(handOvers().length).toBeGreaterThanOrEqual(1);
    expect(cfn.answersTo(deletion)).toHaveLength(1);
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([OUTSIDE]);
    expect(logged.filter(r => /could not be fenced; going on unfenced/.test(r.message)).length).toBeGreaterThanOrEqual(1);
  });
});
