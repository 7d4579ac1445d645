import * as http from 'http';
import { AddressInfo } from 'net';
import { LocalCloudFormation } from './cloudformation-service';
import { WorkSpacesConnectionAliases } from './connection-alias-service';
import { LocalLambda } from './lambda-service';
import { LocalDynamoDb } from './local-dynamodb';
import { AwsError, LocalQueryService, LocalService } from './local-service';
import { LocalOrganizations, LocalSts } from './organizations-service';
import { PartnerCentralPreferences } from './partner-central-service';
import { actionOf, decodeQuery, queryError, queryResponse } from './query-protocol';
import { LocalScheduler } from './scheduler-service';
import { SsmParameters } from './ssm-service';
import { exchangeAnswered, exchangeHeld } from './virtual-time';
import { WorkSpacesBundles } from './workspaces-bundles-service';
import { WorkSpacesImages } from './workspaces-images-service';
import { WorkSpacesTags } from './workspaces-tags-service';

/**
 * A fault the endpoint injects into the next matching calls, each in the service's own words:
 * `throttle` (ThrottlingException; CloudFormation's `Throttling`), `server-error`
 * (InternalServerException; `InternalFailure`), `access-denied` (AccessDeniedException;
 * `AccessDenied`), `validation` (WorkSpaces' InvalidParameterValuesException, Partner Central's
 * ValidationException, CloudFormation's ValidationError), or `error`: the `code` and `status` given.
 */
export interface Fault {
  readonly kind: 'throttle' | 'server-error' | 'access-denied' | 'validation' | 'error';
  /** How many calls it hits. */
  readonly count: number;
  /** Only calls of this operation. @default every operation */
  readonly operation?: string;
  /** Let this many matching calls through first. @default 0 */
  readonly after?: number;
  /** The error code of an `error` fault (e.g. `ResourceLimitExceededException`). */
  readonly code?: string;
  /** The HTTP status of an `error` fault. @default 400 */
  readonly status?: number;
  /** The message. @default - one in the service's words */
  readonly message?: string;
}

/** Options of LocalAwsEndpoint.gate. */
export interface GateOptions {
  /**
   * Release the calls held so far if fewer than `count` have arrived by then (and reject the
   * gate's promise), so that a test whose interleaving did not happen fails instead of hanging.
   * @default 10_000
   */
  readonly timeoutMs?: number;
}

interface Gate {
  readonly operation: string;
  readonly count: number;
  readonly held: (() => void)[];
  open: boolean;
  release: () => void;
}

/** One call the endpoint received. */
export interface RecordedCall {
  readonly operation: string;
  readonly input: Record<string, any>;
  /** The error code it answered with, if it failed. */
  readonly error?: string;
  /** The SigV4 `Authorization` header (its credential scope names the Region and signing name). */
  readonly authorization?: string;
  /** When the endpoint received the whole request (epoch ms), before any latency it adds. */
  readonly receivedAt: number;
}

/**
 * A local, stateful, wire-level endpoint for the AWS APIs the handler calls. The unmodified
 * SDK clients reach it through `AWS_ENDPOINT_URL`; it speaks awsJson (X-Amz-Target routing) and
 * awsQuery (CloudFormation: a form-encoded Action, routed by the SigV4 signing name),
 * answers with the errors and status codes of the Smithy models, and has switches for
 * throttling, 5xx errors, access denials (IAM propagation) and latency.
 */
/**
 * The Date header of an answer, from the clock the callers see (virtual time in the e2e tests):
 * Node's own comes from the real clock, and the SDK takes a Date more than five minutes from its own
 * clock for clock skew, then retries even an error that is no reason to (a revoke's "not shared").
 */
const httpDate = () => new Date().toUTCString();

export class LocalAwsEndpoint {
  public readonly workspaces: WorkSpacesImages;
  /** The connection-alias operations, served under the same WorkSpaces target prefix. */
  public readonly aliases: WorkSpacesConnectionAliases;
  /** Partner Central Account connection preferences, per catalog. */
  public readonly partnerCentral: PartnerCentralPreferences;
  /** WorkSpaces tags of the images, aliases and bundles, served under the same WorkSpaces target prefix. */
  public readonly tags: WorkSpacesTags;
  /** WorkSpaces bundles, served under the same WorkSpaces target prefix. */
  public readonly bundles: WorkSpacesBundles;
  /** Parameter Store, where the handler fences its hand-overs. */
  public readonly ssm = new SsmParameters();
  /** Lambda's asynchronous Invoke, which runs the handler's hand-overs. */
  public readonly lambda = new LocalLambda();
  /** EventBridge Scheduler: the schedules LocalDeployment deploys, fired on request through the local Lambda. */
  public readonly scheduler = new LocalScheduler(this.lambda);
  /** CloudFormation's reads of stacks (awsQuery), which LocalDeployment drives. */
  public readonly cloudformation = new LocalCloudFormation();
  /** AWS Organizations' reads of units (the owner account is its management account unless a test says otherwise). */
  public readonly organizations: LocalOrganizations;
  /** STS AssumeRole, whose credentials sign as the role's account. */
  public readonly sts = new LocalSts(account => this.addAccount(account));
  public readonly calls: RecordedCall[] = [];
  /** Directories a test deregistered from WorkSpaces; every other ID of the model's pattern is a registered directory. */
  public readonly deregisteredDirectories = new Set<string>();
  /**
   * Called with each awsJson call the endpoint is about to serve, before it is served: a test
   * changes the world at the moment a given call arrives (an image copy that ends, say) instead
   * of at a moment of the clock.
   */
  public onCall?: (operation: string, input: Record<string, any>) => void;
  /** Delay before each answer, in milliseconds. */
  public latencyMs = 0;
  /** Delay before the answers of some operations (`Invoke` for Lambda's), instead of `latencyMs`. */
  public latencyOf: Record<string, number> = {};
  /**
   * A token bucket per endpoint, as WorkSpaces applies per account and Region (2 calls per
   * second, bursts of 5): a call that finds it empty gets ThrottlingException.
   * @default - no rate limit
   */
  public rateLimit?: { perSecond: number; burst: number };
  private bucket?: { tokens: number; at: number };

  private readonly faults: { fault: Fault; left: number; skip: number }[] = [];
  private readonly gates: Gate[] = [];
  /** The accounts besides the owner that may call, each signing with accessKeyFor(account). */
  private readonly accounts = new Set<string>();
  private readonly services: LocalService[];
  private readonly queryServices: LocalQueryService[] = [];
  private server?: http.Server;

  /** The DynamoDB of the provider's ledger, when `start` was asked for one (tests that set up no other). */
  public ledger?: LocalDynamoDb;

  constructor(public readonly accountId = '123456789012') {
    this.workspaces = new WorkSpacesImages(accountId);
    this.aliases = new WorkSpacesConnectionAliases(accountId);
    this.bundles = new WorkSpacesBundles(this.workspaces);
    this.tags = new WorkSpacesTags(id => this.workspaces.has(id) || this.aliases.stateOf(id) !== undefined || this.bundles.has(id)
      || this.isDirectoryRegistered(id));
    this.workspaces.tagged = (id, tags) => this.tags.set(id, tags);
    this.workspaces.inUse = id => this.bundles.usingImage(id);
    this.bundles.tagged = (id, tags) => this.tags.set(id, tags);
    const workspaces = this.workspaces.service();
    this.services = [{
      ...workspaces,
      operations: { ...workspaces.operations, ...this.aliases.operations(), ...this.tags.operations(), ...this.bundles.operations() },
    }];
    this.partnerCentral = new PartnerCentralPreferences(accountId);
    this.services.push(this.partnerCentral.service());
    this.queryServices.push(this.cloudformation.service());
    this.services.push(this.ssm.service());
    this.organizations = new LocalOrganizations(accountId);
    this.services.push(this.organizations.service());
    this.queryServices.push(this.sts.service());
  }

  /** Whether an ID names a directory registered with WorkSpaces (which takes tags). */
  public isDirectoryRegistered(id: string): boolean {
    return /^(d-[0-9a-f]{8,63}|wsd-[0-9a-z]{8,63})$/.test(id) && !this.deregisteredDirectories.has(id);
  }

  /**
   * Let another account call the endpoint: a request signed as that account (`signAs`) is that
   * account's (it sees what is shared with it, and what it owns); any other key is the owner's.
   */
  public addAccount(accountId: string): void {
    this.accounts.add(accountId);
  }

  /** The account a request comes from, by the access key ID in its SigV4 credential scope. */
  private callerOf(authorization: string | undefined): string {
    const key = /Credential=AKIDLOCAL(\d{12})\//.exec(authorization ?? '')?.[1];
    return key && this.accounts.has(key) ? key : this.accountId;
  }

  /** Register another service (the local endpoint grows with the constructs). */
  public addService(service: LocalService): void {
    this.services.push(service);
  }

  /** Register another awsQuery service. */
  public addQueryService(service: LocalQueryService): void {
    this.queryServices.push(service);
  }

  public inject(fault: Fault): void {
    if (fault.kind === 'error' && !fault.code) throw new Error('an error fault needs its code');
    this.faults.push({ fault, left: fault.count, skip: fault.after ?? 0 });
  }

  /**
   * Hold the next `count` calls of `operation` until all `count` have arrived, then let them go
   * on together, in the order they came: two claimants' reads both happen before either's write.
   * Calls after those pass as usual (another gate may hold them). Resolves when the gate opens.
   */
  public gate(operation: string, count: number, options: GateOptions = {}): Promise<void> {
    if (!Number.isInteger(count) || count < 1) throw new Error('a gate holds at least one call');
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const opened = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const gate: Gate = {
      operation,
      count,
      held: [],
      open: false,
      release: () => {
        clearTimeout(timer);
        gate.open = true;
        for (const go of gate.held.splice(0)) go();
        resolve();
      },
    };
    const timer = setTimeout(() => {
      if (gate.open) return;
      const arrived = gate.held.length;
      gate.open = true;
      for (const go of gate.held.splice(0)) go();
      reject(new Error(`gate on ${operation}: ${arrived} of ${count} calls arrived within ${options.timeoutMs ?? 10_000} ms`));
    }, options.timeoutMs ?? 10_000);
    this.gates.push(gate);
    // A test that does not await the gate sees a timed-out gate through its calls, not as an unhandled rejection.
    opened.catch(() => undefined);
    return opened;
  }

  /** Hold a call at the first open gate on its operation, if any; `go` runs when the gate opens. */
  private hold(operation: string | undefined, go: () => void): void {
    const gate = this.gates.find(g => !g.open && g.operation === operation && g.held.length < g.count);
    if (!gate) return go();
    gate.held.push(go);
    if (gate.held.length === gate.count) gate.release();
  }

  /** Calls of one operation, in order. */
  public callsOf(operation: string): RecordedCall[] {
    return this.calls.filter(c => c.operation === operation);
  }

  public resetCalls(): void {
    this.calls.length = 0;
  }

  /**
   * Start listening on a free loopback port; resolves to the endpoint URL. `ledger`: also start a
   * DynamoDB with the provider's ledger table, for the apps and demos that run no test harness.
   */
  public async start(options: { ledger?: boolean } = {}): Promise<string> {
    if (options.ledger) {
      this.ledger = new LocalDynamoDb();
      await this.ledger.start();
      await this.ledger.createLedger();
    }
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => {
        // In virtual time, a call the endpoint holds (latency, a gate) waits on the clock, not on the wire.
        exchangeHeld(req);
        this.hold(this.operationOf(req, body), () => {
          const receivedAt = Date.now();
          const answer = () => {
            exchangeAnswered(req);
            this.answer(req, body, res, receivedAt);
          };
          const operation = req.headers['x-amz-target'] ? String(req.headers['x-amz-target']).split('.')[1] : 'Invoke';
          const latencyMs = this.latencyOf[operation] ?? this.latencyMs;
          if (latencyMs > 0) setTimeout(answer, latencyMs);
          else answer();
        });
      });
    });
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  public get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  public async stop(): Promise<void> {
    await this.ledger?.stop();
    this.ledger = undefined;
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private withinRate(): boolean {
    if (!this.rateLimit) return true;
    const now = Date.now();
    const { perSecond, burst } = this.rateLimit;
    const bucket = (this.bucket ??= { tokens: burst, at: now });
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** The operation a request calls, by its X-Amz-Target, Lambda's path, or the awsQuery Action. */
  private operationOf(req: http.IncomingMessage, body: string): string | undefined {
    const target = req.headers['x-amz-target'];
    if (target) return String(target).split('.')[1];
    if (/^\/2015-03-31\/functions\/[^/]+\/invocations/.test(req.url ?? '')) return 'Invoke';
    return this.isQuery(req) ? actionOf(body) : undefined;
  }

  private isQuery(req: http.IncomingMessage): boolean {
    return !req.headers['x-amz-target'] && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  }

  private takeFault(operation: string): Fault | undefined {
    const entry = this.faults.find(f => f.left > 0 && (f.fault.operation === undefined || f.fault.operation === operation));
    if (!entry) return undefined;
    if (entry.skip > 0) {
      entry.skip -= 1;
      return undefined;
    }
    entry.left -= 1;
    return entry.fault;
  }

  /** A `validation` or `error` fault of an awsJson service, in its model's words. */
  private faultError(service: LocalService, operation: string, fault: Fault): AwsError {
    if (fault.kind === 'error') return new AwsError(fault.code!, fault.message ?? `${fault.code} (injected)`, fault.status ?? 400);
    // Partner Central (awsJson 1.0, `Message`) answers ValidationException with a reason; WorkSpaces InvalidParameterValuesException.
    if (service.messageMember === 'Message') {
      return new AwsError('ValidationException', fault.message ?? `The ${operation} request failed validation`, 400, { Reason: 'REQUEST_VALIDATION_FAILED' });
    }
    return new AwsError('InvalidParameterValuesException', fault.message ?? `The ${operation} request has invalid parameter values`);
  }

  /** An awsQuery request (CloudFormation): routed by the signing name in its credential scope, else by Action. */
  private answerQuery(req: http.IncomingMessage, body: string, res: http.ServerResponse, receivedAt: number): void {
    const authorization = req.headers.authorization;
    const action = actionOf(body) ?? '';
    const signingName = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization ?? '')?.[1];
    const service = this.queryServices.find(s => s.signingName === signingName)
      ?? this.queryServices.find(s => s.operations[action] !== undefined);
    const xmlNamespace = service?.xmlNamespace ?? 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
    const input = decodeQuery(body);
    const send = (status: number, xml: string) => {
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': `local-${this.calls.length}`, 'date': httpDate() });
      res.end(xml);
    };
    const fail = (error: AwsError) => {
      this.calls.push({ operation: action, input, error: error.code, authorization, receivedAt });
      send(error.status, queryError(xmlNamespace, error.code, error.message, error.status, `local-${this.calls.length}`));
    };
    if (!String(authorization ?? '').startsWith('AWS4-HMAC-SHA256')) {
      return fail(new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403));
    }
    if (!service || !service.operations[action]) return fail(new AwsError('InvalidAction', `Could not find operation ${action} for version ${new URLSearchParams(body).get('Version')}`));
    if (new URLSearchParams(body).get('Version') !== service.version) {
      return fail(new AwsError('InvalidAction', `Could not find operation ${action} for version ${new URLSearchParams(body).get('Version')}`));
    }
    const fault = this.takeFault(action);
    if (fault) {
      const errors: Record<Fault['kind'], AwsError> = {
        'throttle': new AwsError('Throttling', 'Rate exceeded'),
        'server-error': new AwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500),
        'access-denied': new AwsError('AccessDenied', `User is not authorized to perform: ${service.signingName}:${action}`, 403),
        'validation': new AwsError('ValidationError', fault.message ?? `The ${action} request is not valid`),
        'error': new AwsError(fault.code ?? 'ValidationError', fault.message ?? `${fault.code}`, fault.status ?? 400),
      };
      return fail(errors[fault.kind]);
    }
    try {
      const output = service.operations[action](input, this.callerOf(authorization));
      this.calls.push({ operation: action, input, authorization, receivedAt });
      send(200, queryResponse(action, xmlNamespace, output, `local-${this.calls.length}`));
    } catch (error) {
      if (error instanceof AwsError) return fail(error);
      return fail(new AwsError('InternalFailure', String(error), 500));
    }
  }

  private answer(req: http.IncomingMessage, body: string, res: http.ServerResponse, receivedAt: number): void {
    const invoked = req.headers['x-amz-target'] ? undefined : this.lambda.accept(req.url ?? '', req.headers, body);
    if (!invoked && this.isQuery(req)) return this.answerQuery(req, body, res, receivedAt);
    if (invoked) {
      this.calls.push({ operation: 'Invoke', input: body ? JSON.parse(body) : {}, authorization: req.headers.authorization, receivedAt });
      res.writeHead(invoked.status, { 'content-type': 'application/json', 'x-amzn-requestid': `local-${this.calls.length}`, 'date': httpDate() });
      res.end(JSON.stringify(invoked.body));
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const [prefix, operation] = target.split('.');
    const service = this.services.find(s => s.targetPrefix === prefix);
    const contentType = service?.contentType ?? 'application/x-amz-json-1.1';
    const send = (status: number, payload: Record<string, unknown>, errorType?: string) => {
      res.writeHead(status, {
        'content-type': contentType,
        'date': httpDate(),
        'x-amzn-requestid': `local-${this.calls.length}`,
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      });
      res.end(JSON.stringify(payload));
    };
    const fail = (error: AwsError, input: Record<string, any>) => {
      this.calls.push({ operation, input, error: error.code, authorization: req.headers.authorization, receivedAt });
      send(error.status, { __type: error.code, [service?.messageMember ?? 'message']: error.message, ...error.members }, error.code);
    };

    let input: Record<string, any> = {};
    try {
      input = body ? JSON.parse(body) : {};
    } catch {
      return fail(new AwsError('SerializationException', 'The request body is not JSON'), {});
    }
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')) {
      return fail(new AwsError('MissingAuthenticationTokenException', 'The request is not signed', 403), input);
    }
    if (!service || !service.operations[operation]) {
      return fail(new AwsError('UnknownOperationException', `Unknown operation ${target}`), input);
    }
    if (req.headers['content-type'] !== service.contentType) {
      return fail(new AwsError('SerializationException', `Expected content type ${service.contentType}`), input);
    }

    const taken = this.takeFault(operation);
    const fault = taken?.kind ?? (this.withinRate() ? undefined : 'throttle');
    if (fault === 'throttle') {
      return fail(new AwsError('ThrottlingException', 'Rate exceeded', service.contentType.endsWith('1.0') ? 429 : 400), input);
    }
    if (fault === 'server-error') {
      return fail(new AwsError('InternalServerException', 'An internal error occurred', 500), input);
    }
    if (fault === 'access-denied') {
      const members = service.messageMember === 'Message' ? { Reason: 'ACCESS_DENIED' } : {};
      return fail(new AwsError('AccessDeniedException', `User is not authorized to perform ${operation}`, service.messageMember === 'Message' ? 403 : 400, members), input);
    }
    if (fault === 'validation' || fault === 'error') {
      return fail(this.faultError(service, operation, taken!), input);
    }

    try {
      this.onCall?.(operation, input);
      const output = service.operations[operation](input, this.callerOf(req.headers.authorization));
      this.calls.push({ operation, input, authorization: req.headers.authorization, receivedAt });
      send(200, output);
    } catch (error) {
      if (error instanceof AwsError) return fail(error, input);
      return fail(new AwsError('InternalServerException', String(error), 500), input);
    }
  }
}
