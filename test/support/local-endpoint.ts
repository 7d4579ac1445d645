import * as http from 'http';
import { AddressInfo } from 'net';
import { WorkSpacesConnectionAliases } from './connection-alias-service';
import { LocalLambda } from './lambda-service';
import { AwsError, LocalService } from './local-service';
import { PartnerCentralPreferences } from './partner-central-service';
import { SsmParameters } from './ssm-service';
import { WorkSpacesBundles } from './workspaces-bundles-service';
import { WorkSpacesImages } from './workspaces-images-service';
import { WorkSpacesTags } from './workspaces-tags-service';

/** A fault the endpoint injects into the next matching calls. */
export interface Fault {
  readonly kind: 'throttle' | 'server-error' | 'access-denied';
  /** How many calls it hits. */
  readonly count: number;
  /** Only calls of this operation. @default every operation */
  readonly operation?: string;
  /** Let this many matching calls through first. @default 0 */
  readonly after?: number;
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
 * SDK clients reach it through `AWS_ENDPOINT_URL`; it speaks awsJson (X-Amz-Target routing),
 * answers with the errors and status codes of the Smithy models, and has switches for
 * throttling, 5xx errors, access denials (IAM propagation) and latency.
 */
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
  public readonly calls: RecordedCall[] = [];
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

  private readonly faults: { kind: Fault['kind']; left: number; skip: number; operation?: string }[] = [];
  /** The accounts besides the owner that may call, each signing with accessKeyFor(account). */
  private readonly accounts = new Set<string>();
  private readonly services: LocalService[];
  private server?: http.Server;

  constructor(public readonly accountId = '123456789012') {
    this.workspaces = new WorkSpacesImages(accountId);
    this.aliases = new WorkSpacesConnectionAliases(accountId);
    this.bundles = new WorkSpacesBundles(this.workspaces);
    this.tags = new WorkSpacesTags(id => this.workspaces.has(id) || this.aliases.stateOf(id) !== undefined || this.bundles.has(id));
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
    this.services.push(this.ssm.service());
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

  public inject(fault: Fault): void {
    this.faults.push({ kind: fault.kind, left: fault.count, skip: fault.after ?? 0, operation: fault.operation });
  }

  /** Calls of one operation, in order. */
  public callsOf(operation: string): RecordedCall[] {
    return this.calls.filter(c => c.operation === operation);
  }

  public resetCalls(): void {
    this.calls.length = 0;
  }

  /** Start listening on a free loopback port; resolves to the endpoint URL. */
  public async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => {
        const receivedAt = Date.now();
        const answer = () => this.answer(req, body, res, receivedAt);
        const operation = req.headers['x-amz-target'] ? String(req.headers['x-amz-target']).split('.')[1] : 'Invoke';
        const latencyMs = this.latencyOf[operation] ?? this.latencyMs;
        if (latencyMs > 0) setTimeout(answer, latencyMs);
        else answer();
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

  private takeFault(operation: string): Fault['kind'] | undefined {
    const fault = this.faults.find(f => f.left > 0 && (f.operation === undefined || f.operation === operation));
    if (!fault) return undefined;
    if (fault.skip > 0) {
      fault.skip -= 1;
      return undefined;
    }
    fault.left -= 1;
    return fault.kind;
  }

  private answer(req: http.IncomingMessage, body: string, res: http.ServerResponse, receivedAt: number): void {
    const invoked = req.headers['x-amz-target'] ? undefined : this.lambda.accept(req.url ?? '', req.headers, body);
    if (invoked) {
      this.calls.push({ operation: 'Invoke', input: body ? JSON.parse(body) : {}, authorization: req.headers.authorization, receivedAt });
      res.writeHead(invoked.status, { 'content-type': 'application/json', 'x-amzn-requestid': `local-${this.calls.length}` });
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

    const fault = this.takeFault(operation) ?? (this.withinRate() ? undefined : 'throttle');
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

    try {
      const output = service.operations[operation](input, this.callerOf(req.headers.authorization));
      this.calls.push({ operation, input, authorization: req.headers.authorization, receivedAt });
      send(200, output);
    } catch (error) {
      if (error instanceof AwsError) return fail(error, input);
      return fail(new AwsError('InternalServerException', String(error), 500), input);
    }
  }
}
