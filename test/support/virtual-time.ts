/**
 * Virtual time for the end-to-end tests: jest's modern fake timers stand in for `Date`,
 * `setTimeout` and `setInterval` in the whole test process (the bundled handler, the SDK clients
 * it bundles, the local endpoint and the harness), and a driver moves the clock only when nothing
 * real is left to wait for: when no HTTP exchange is on the wire. Then it fires the next timer,
 * and only that one.
 *
 * So every wait, poll, pace, latency, margin, budget and watchdog happens at its virtual time,
 * whatever the machine's speed: an HTTP call takes no virtual time (unless the local endpoint adds
 * latency, which is a virtual timer too), and a test's outcome no longer depends on how fast the
 * machine runs the work between two timers.
 *
 * Nor does it move while the process waits on the thread pool or the resolver (a file read: the
 * SDK clients read their config files when they start).
 *
 * An exchange is on the wire from the moment the client creates the request
 * (`http.client.request.start`) until the server holds all of it, and again from the server's
 * answer until the client's request closes. The local endpoint tells the driver when it holds an
 * exchange (`exchangeHeld`) and when it answers (`exchangeAnswered`), so that a call it delays
 * (latency, a gate) waits on virtual time, not on the wire. The two sides are paired by the client
 * socket's port. A server that answers at once needs no such calls.
 */
import * as diagnostics from 'diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'http';

/** Turns of the event loop with nothing on the wire before the clock moves: the JavaScript that an answer set going (promise chains, stream events) has run by then. */
const QUIET_TURNS = 5;

interface Driver {
  /** The client requests of the exchanges on the wire, and of those the local endpoint holds. */
  readonly onWire: Set<ClientRequest>;
  readonly held: Set<ClientRequest>;
  running: boolean;
  wake?: () => void;
}

let driver: Driver | undefined;

/** The real setTimeout and setImmediate, kept before jest fakes the timers. */
const realSetTimeout = globalThis.setTimeout;
const realSetImmediate = globalThis.setImmediate;
const turn = () => new Promise<void>(resolve => realSetImmediate(resolve));

function onRequestStart(message: unknown): void {
  const d = driver;
  if (!d) return;
  const request = (message as { request: ClientRequest }).request;
  d.onWire.add(request);
  request.once('close', () => {
    d.onWire.delete(request);
    d.held.delete(request);
    d.wake?.();
  });
}

/**
 * The client request of the exchange a server received: the one whose socket's local port is the
 * server's remote port (a socket carries one exchange at a time). Its socket is connected by then,
 * though its 'connect' event may not have run yet: the port is read from the socket itself.
 */
function clientOf(req: IncomingMessage, among: Set<ClientRequest>): ClientRequest | undefined {
  const port = req.socket.remotePort;
  for (const request of among) if (request.socket && request.socket.localPort === port) return request;
  return undefined;
}

/** The local endpoint holds the whole request: until it answers, the exchange waits on virtual time. */
export function exchangeHeld(req: IncomingMessage): void {
  const request = driver && clientOf(req, driver.onWire);
  if (!driver || !request) return;
  driver.onWire.delete(request);
  driver.held.add(request);
  driver.wake?.();
}

/** The local endpoint answers: the exchange is on the wire again until the client has the response. */
export function exchangeAnswered(req: IncomingMessage): void {
  const request = driver && clientOf(req, driver.held);
  if (!driver || !request) return;
  driver.held.delete(request);
  driver.onWire.add(request);
}

/** Requests of the thread pool and the resolver that the process is waiting on (libuv's names). */
const PENDING_WORK = new Set(['FSReqCallback', 'FSReqPromise', 'FileHandleCloseReq', 'GetAddrInfoReqWrap', 'GetNameInfoReqWrap', 'QueryReqWrap', 'Zlib']);
const pendingWork = () => process.getActiveResourcesInfo().some(resource => PENDING_WORK.has(resource));

async function drive(d: Driver): Promise<void> {
  let quiet = 0;
  while (d.running) {
    if (d.onWire.size > 0) {
      quiet = 0;
      // Wait for an exchange to close or be held: an event, not a sleep.
      await new Promise<void>(resolve => {
        d.wake = resolve;
        if (d.onWire.size === 0 || !d.running) resolve();
      });
      d.wake = undefined;
      continue;
    }
    await turn();
    if (d.onWire.size > 0) continue;
    if (pendingWork()) {
      // A file read (the SDK reads its config files), a lookup: real work the clock waits for.
      quiet = 0;
      await new Promise<void>(resolve => realSetTimeout(resolve, 1));
      continue;
    }
    if (++quiet < QUIET_TURNS) continue;
    quiet = 0;
    if (jest.getTimerCount() > 0) {
      jest.advanceTimersToNextTimer();
    } else {
      // Nothing to fire and nothing on the wire: the test itself is between steps. Look again
      // shortly (real time, which decides nothing but how soon the driver looks).
      await new Promise<void>(resolve => realSetTimeout(resolve, 1));
    }
  }
}

/** The handler's request timeout in virtual time: longer than any test, since it runs on the real clock. */
const REAL_REQUEST_TIMEOUT_MS = 600_000;

/** Node's longest timer delay: a longer one, like one under 1 ms, is 1 ms. */
const TIMEOUT_MAX = 2 ** 31 - 1;

/**
 * Give the fake setTimeout and setInterval Node's delays: Node runs a delay under 1 ms (0.5, 0,
 * none) after 1 ms, where the fake timers would run it at once, at the same virtual instant. Code
 * that waits a fraction of a millisecond for the clock to move (the SDK's adaptive rate limiter
 * does) would then wait forever.
 */
function clampDelays(): void {
  const clamp = (ms: unknown) => {
    const delay = Number(ms);
    return delay >= 1 && delay <= TIMEOUT_MAX ? delay : 1;
  };
  for (const name of ['setTimeout', 'setInterval'] as const) {
    const fake = globalThis[name] as (...args: any[]) => unknown;
    (globalThis as any)[name] = Object.assign((callback: unknown, ms?: unknown, ...args: unknown[]) => fake(callback, clamp(ms), ...args), fake);
  }
}

/**
 * Jest hooks: each test of the file runs in virtual time (see above). `useLocalAws` calls it
 * first, so that the local endpoint and the handler are set up on the virtual clock and torn down
 * while it still runs; a file without `useLocalAws` calls it itself. `VIRTUAL_TIME=off` runs the
 * same tests on the real clock, to compare.
 */
export function useVirtualTime(): void {
  let current: Driver | undefined;
  let requestTimeout: string | undefined;
  if (process.env.VIRTUAL_TIME === 'off') return;
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'hrtime', 'performance'] });
    clampDelays();
    // The SDK's request timeout is a socket timer, on the real clock: a socket that waits while the
    // virtual clock runs (a call the endpoint holds) must not time out by the machine's pace.
    requestTimeout = process.env.SHARING_REQUEST_TIMEOUT_MS;
    process.env.SHARING_REQUEST_TIMEOUT_MS = String(REAL_REQUEST_TIMEOUT_MS);
    current = { onWire: new Set(), held: new Set(), running: true };
    driver = current;
    void drive(current);
  });
  afterEach(() => {
    if (current) {
      current.running = false;
      current.wake?.();
    }
    driver = undefined;
    jest.useRealTimers();
    if (requestTimeout === undefined) delete process.env.SHARING_REQUEST_TIMEOUT_MS;
    else process.env.SHARING_REQUEST_TIMEOUT_MS = requestTimeout;
  });
}

diagnostics.subscribe('http.client.request.start', onRequestStart);
