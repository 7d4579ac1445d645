import * as path from 'path';
import { Annotations, CustomResource, Duration, Lazy, PhysicalName, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LEDGER_TABLE_ENV } from './contract/membership';
import { PropertiesByType, ResourceType } from './contract/resources';
import {
  budgetSecondsFor, CallEstimate, IMAGE_SHARE_OVERHEAD_CALLS, MAX_CALLS_PER_BUDGET,
  MAX_TIME_BUDGET_SECONDS, PLANNED_CALLS_PER_SECOND, TIME_BUDGET_PROPERTY,
} from './contract/time-budget';
import { createMembershipTable } from './private/membership-table';
import { checkProviderProps, newestNodeRuntime } from './private/provider-props';
import { ShareGrants } from './private/share-grants';
import { grantVpcAccess } from './private/vpc-access';

/**
 * Properties of a `SharingProvider`: where its Lambda function runs and how it logs.
 */
export interface SharingProviderProps {
  /**
   * The VPC to run the function in, where your organization requires Lambda functions in a VPC.
   *
   * The function calls WorkSpaces (in the stack's Region), Partner Central (in us-east-1) and
   * CloudFormation's response URL (an S3 pre-signed URL): the subnets need a route to each, through
   * a NAT gateway or VPC endpoints (see the README, "Run the provider in a VPC").
   *
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Where in the VPC to place the function. Only with `vpc`.
   *
   * @default - the VPC's private subnets with egress, as for any Lambda function
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the function. Only with `vpc`; they must allow outbound HTTPS (443)
   * to the AWS APIs and S3.
   *
   * @default - a new security group that allows all outbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The memory of the function, in MiB (128 to 10,240). The work is API calls, so more memory
   * buys little besides a faster cold start.
   *
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * How long one invocation of the function may run (1 to 15 minutes). It does not limit a
   * request: work that outlasts one invocation goes on in a new invocation of the function, within
   * the resource's time budget (its `ServiceTimeout`). A shorter timeout means more of those
   * hand-overs for long account lists.
   *
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;

  /**
   * The log group of the function. The function gets the right to write to it.
   *
   * @default - a new log group, kept for `logRetention`
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * How long the log group this provider creates keeps its logs. Not with `logGroup`.
   *
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The lowest level of the handler's structured (JSON) log lines that reach the log group:
   * `DEBUG` adds one line per AWS API call, `INFO` one line per request it answers, `WARN` only
   * the requests it ignores, `ERROR` only the requests that fail.
   *
   * @default lambda.ApplicationLogLevel.INFO
   */
  readonly logLevel?: lambda.ApplicationLogLevel;

  /**
   * The Lambda runtime of the function, for an organization that pins one: a Node.js runtime,
   * `nodejs20.x` or newer (the handler is bundled for Node.js 20, so it runs on any later one).
   *
   * @default - the newest Node.js runtime the app's aws-cdk-lib knows: the newest of
   * `lambda.Runtime.ALL` (what cdk-nag's AwsSolutions-L1 asks for), or
   * `lambda.determineLatestNodeRuntime(this)` if that is newer. It follows aws-cdk-lib upgrades:
   * pin one if a Region of yours does not offer the newest runtime yet.
   */
  readonly runtime?: lambda.Runtime;
}

/**
 * Properties every construct served by a `SharingProvider` has.
 */
export interface SharingConstructProps {
  /**
   * The provider whose Lambda function serves this construct's custom resource. It must be in
   * the construct's stack.
   *
   * @default - the stack's default provider, `SharingProvider.getOrCreate(this)`
   */
  readonly provider?: SharingProvider;
}

/**
 * The time budget of share resources whose call estimates are `estimates` (see budgetSeconds):
 * CloudFormation's longest when one is unknown at synth.
 */
function stackBudgetSeconds(estimates: ReturnType<CallEstimate>[]): number {
  if (estimates.some(e => e === undefined)) return MAX_TIME_BUDGET_SECONDS;
  const calls = estimates.reduce<number>((sum, e) => sum + (typeof e === 'number' ? e : e!.update), 0);
  return Math.min(MAX_TIME_BUDGET_SECONDS, budgetSecondsFor(calls));
}

/** The providers of each stack, in order of creation: their resources deploy in parallel and share WorkSpaces' rate. */
const providersByStack = new WeakMap<Stack, SharingProvider[]>();

/**
 * The Lambda function, role and log group that serve share constructs.
 *
 * By default every share construct of a stack uses one provider, created on first use with the
 * defaults below; reach it with `SharingProvider.getOrCreate(stack)` to add tags, a permissions
 * boundary or your own cdk-nag suppressions. Create one yourself to run the function in a VPC,
 * give it more memory, or log elsewhere, and pass it to the constructs as `provider`. A stack
 * may hold several providers; each one's policy grants exactly what its constructs need.
 *
 * Each share resource gets a time budget (its `ServiceTimeout`) from the WorkSpaces calls all
 * share resources of the stack can make at once; work that outlasts one invocation of the
 * function goes on in a new one. Literal account lists too long for CloudFormation's 3,600 s are
 * a synth error.
 *
 * @example
 * declare const vpc: ec2.IVpc;
 *
 * const provider = new SharingProvider(this, 'SharingProvider', {
 *   vpc,
 *   vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
 *   memorySize: 512,
 *   logRetention: logs.RetentionDays.ONE_YEAR,
 *   logLevel: lambda.ApplicationLogLevel.DEBUG,
 * });
 * new SharedWorkspaceImage(this, 'GoldenImage', {
 *   imageId: 'wsi-abc123def',
 *   accountIds: ['111122223333'],
 *   provider,
 * });
 */
export class SharingProvider extends Construct {
  /** The id of the synth warning for a share that raises the time budget of the other shares of its stack, to acknowledge it by. */
  public static readonly BUDGET_RAISED_WARNING = 'cdk-cross-account-sharing:timeBudgetRaised';

  /**
   * The stack's default provider: the one share constructs use when given no `provider`,
   * created with the default props on first call.
   */
  public static getOrCreate(scope: Construct): SharingProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SharingProvider.CONSTRUCT_ID);
    if (existing === undefined) return new SharingProvider(stack, SharingProvider.CONSTRUCT_ID);
    if (!(existing instanceof SharingProvider)) {
      throw new Error(`${existing.node.path}: the ID ${SharingProvider.CONSTRUCT_ID} under a stack is reserved for the stack's default SharingProvider; rename this construct`);
    }
    return existing;
  }

  /**
   * The provider a share construct uses: the one it was given, which must be a SharingProvider of
   * its own stack (a Lambda function cannot serve a custom resource of another stack without a
   * cross-stack reference on every resource), or the stack's default one.
   *
   * @internal
   */
  public static _for(scope: Construct, provider: SharingProvider | undefined): SharingProvider {
    if (provider === undefined) return SharingProvider.getOrCreate(scope);
    if (!(provider instanceof SharingProvider)) {
      throw new Error(`${scope.node.path}: provider must be a SharingProvider, got ${provider === null ? 'null' : typeof provider}`);
    }
    const own = Stack.of(scope);
    const theirs = Stack.of(provider);
    if (own !== theirs) {
      throw new Error(`${scope.node.path}: provider ${provider.node.path} is in stack ${theirs.node.path}, not in this construct's stack ${own.node.path}. `
        + `A provider serves the constructs of its own stack: create a SharingProvider in ${own.node.path} (or omit provider to use the stack's default one)`);
    }
    return provider;
  }

  /** How much a share must raise the others' budget for a warning: less is rounding and small lists. */
  private static readonly RAISE_WORTH_TELLING_SECONDS = 300;

  /** The construct ID under the stack: part of the contract, since it sets logical IDs. */
  private static readonly CONSTRUCT_ID = 'CrossAccountSharingProvider';

  /**
   * How long one invocation of the handler may run: Lambda's longest. Work that takes longer
   * (an image shared with thousands of accounts) goes on in a new invocation of the function.
   */
  private static readonly FUNCTION_TIMEOUT = Duration.minutes(15);

  /**
   * How long Lambda keeps an asynchronous invocation (CloudFormation's, or a hand-over) queued
   * before it drops it: long enough for a throttled function to catch up, short enough that a
   * late duplicate cannot start work for a request that was answered long ago.
   */
  private static readonly MAX_EVENT_AGE = Duration.minutes(5);

  /** The handler function; its ARN is the service token of every share resource this provider serves. */
  public readonly function: lambda.IFunction;

  /** The function's execution role. */
  public readonly role: iam.IRole;

  /** The function's log group. */
  public readonly logGroup: logs.ILogGroup;

  /**
   * The policy that holds the share permissions of the constructs this provider serves.
   * Each of their resources depends on it, so it exists before the handler's first call.
   */
  public readonly policy: iam.Policy;

  /** The role with which EventBridge Scheduler invokes the function for drift checks, made with the first one. */
  private driftRole?: iam.Role;

  /** The table that remembers what unit-following shares shared, made with the first one. */
  private membershipTable?: dynamodb.Table;
  /** The function, as the L2 that takes environment variables. */
  private readonly handlerFunction: lambda.Function;

  /** The WorkSpaces calls of each resource this provider serves, by construct path, with the construct. */
  private readonly workloads = new Map<string, { scope: Construct; estimate: CallEstimate }>();

  /**
   * The statements of the share policy: each construct this provider serves grants what its
   * handler calls, in its own file.
   *
   * @internal
   */
  public readonly _grants: ShareGrants;

  constructor(scope: Construct, id: string, props: SharingProviderProps = {}) {
    super(scope, id);
    checkProviderProps(this, props);
    const stack = Stack.of(this);
    const providers = providersByStack.get(stack) ?? [];
    providersByStack.set(stack, [...providers, this]);

    this.logGroup = props.logGroup ?? new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });

    const role = new iam.Role(this, 'Role', {
      // Named only when a stack of another account refers to it (an OrganizationsReadRole that trusts this provider), so that it can.
      roleName: PhysicalName.GENERATE_IF_NEEDED,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the cdk-cross-account-sharing custom resources of this stack',
    });
    this.role = role;
    this.logGroup.grantWrite(role);

    const fn = new lambda.Function(this, 'Handler', {
      description: 'cdk-cross-account-sharing: WorkSpaces and Partner Central share custom resources',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', 'assets', 'lambda', 'handler')),
      handler: 'index.handler',
      runtime: props.runtime ?? newestNodeRuntime(this),
      timeout: props.timeout ?? SharingProvider.FUNCTION_TIMEOUT,
      memorySize: props.memorySize ?? 256,
      role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: props.logLevel,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
    });
    if (props.vpc) grantVpcAccess(this, fn, role, props.vpc, props.vpcSubnets);

    // Every request gets exactly one answer, from the handler: Lambda must not run an invocation
    // again after an error (a second worker and a second answer), nor start one hours late.
    fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: SharingProvider.MAX_EVENT_AGE });
    this.function = fn;
    this.handlerFunction = fn;

    this.policy = new iam.Policy(this, 'SharePolicy', { roles: [role] });
    this._grants = new ShareGrants(this.policy, role);
    this.allowHandOvers(fn);

    // The first provider of a stack checks the workload of them all, once.
    if (providers.length === 0) {
      this.node.addValidation({
        validate: () => {
          this.warnRaisedBudgets();
          return this.validateBudget();
        },
      });
    }
  }

  /** The providers of this provider's stack, this one included. */
  private get stackProviders(): SharingProvider[] {
    return providersByStack.get(Stack.of(this)) ?? [this];
  }

  /**
   * The time budget, in seconds, of each resource this provider serves: the stack's share resources
   * deploy in parallel and share WorkSpaces' rate, so each one's budget covers the calls of them all
   * (for each, its costliest Update: an image share's swap of every account, 2 writes per account),
   * plus a fixed allowance for waits; CloudFormation's 3,600 s at most, and that when a list is a token.
   */
  private budgetSeconds(): number {
    return stackBudgetSeconds(this.stackProviders.flatMap(provider => [...provider.workloads.values()]).map(w => w.estimate()));
  }

  /**
   * The WorkSpaces calls the stack's share resources can make at once, as far as synth knows them:
   * those of every provider of the stack, since all deploy in parallel against one rate. `calls`
   * counts their Creates (what the synth check requires to fit), `updateCalls` their costliest
   * Updates (what the budget covers, capped).
   */
  private workload(): { calls: number; updateCalls: number; unknown: boolean; known: { constructPath: string; calls: number }[] } {
    const estimates = this.stackProviders
      .flatMap(provider => [...provider.workloads.entries()])
      .map(([constructPath, { estimate }]) => {
        const bounds = estimate();
        return { constructPath, bounds: typeof bounds === 'number' ? { create: bounds, update: bounds } : bounds };
      });
    const known = estimates.flatMap(({ constructPath, bounds }) =>
      (bounds === undefined ? [] : [{ constructPath, calls: bounds.create, update: bounds.update }]));
    return {
      calls: known.reduce((sum, w) => sum + w.calls, 0),
      updateCalls: known.reduce((sum, w) => sum + w.update, 0),
      unknown: known.length < estimates.length,
      known: known.map(({ constructPath, calls }) => ({ constructPath, calls })),
    };
  }

  /**
   * Synth-time errors: the literal account lists must fit in the longest budget CloudFormation
   * allows, counted as their Creates (N + 3 calls for an image of N accounts), so the limit is the
   * same as when the budget covered only those: a list that fits deploys, and an Update of it too
   * costly for the capped budget (a swap of more than about 2,600 accounts) fails before its first
   * write, saying how to deploy it in steps.
   */
  private validateBudget(): string[] {
    const { calls, known } = this.workload();
    if (calls <= MAX_CALLS_PER_BUDGET) return [];
    const biggest = known.sort((a, b) => b.calls - a.calls).slice(0, 5).map(w => `${w.constructPath} (${w.calls})`).join(', ');
    return [
      `the share constructs of this stack${this.stackProviders.length > 1 ? `, served by its ${this.stackProviders.length} providers,` : ''} can make ${calls} WorkSpaces calls in one deployment (largest: ${biggest}). `
      + `They deploy in parallel and share WorkSpaces' rate, planned at ${PLANNED_CALLS_PER_SECOND} calls/s, so only ${MAX_CALLS_PER_BUDGET} calls fit in `
      + `CloudFormation's ${MAX_TIME_BUDGET_SECONDS} s limit for a custom resource: ${MAX_CALLS_PER_BUDGET - IMAGE_SHARE_OVERHEAD_CALLS} accounts on a single image, `
      + 'fewer across several shares. Split the shares into stacks that deploy one after another, each within that limit: '
      + 'stackB.addStackDependency(stackA) on aws-cdk-lib 2.276 and later, stackB.addDependency(stackA) before',
    ];
  }

  /**
   * Synth-time warnings, on each share that raises the time budget of the stack's other share
   * resources by at least `RAISE_WORTH_TELLING_SECONDS`, with the numbers: one that follows
   * organizational units (or whose account list is a token) raises them all to CloudFormation's
   * 3,600 s, and a long account list to what its calls take. Their budget is how long a deploy
   * that fails can wait for them, so a user who cares keeps such a share in a stack of its own.
   */
  private warnRaisedBudgets(): void {
    const entries = this.stackProviders.flatMap(provider => [...provider.workloads.values()]);
    if (entries.length < 2) return;
    const all = stackBudgetSeconds(entries.map(e => e.estimate()));
    for (const entry of entries) {
      const others = entries.filter(e => e !== entry);
      const without = stackBudgetSeconds(others.map(e => e.estimate()));
      if (all - without < SharingProvider.RAISE_WORTH_TELLING_SECONDS) continue;
      const own = entry.estimate();
      const why = own === undefined
        ? 'its accounts are known only at deploy (it follows organizational units, or its account list is a token), so its budget is CloudFormation\'s longest'
        : `its WorkSpaces calls (${typeof own === 'number' ? own : own.update} in its costliest request) count in the budget of every share of the stack`;
      Annotations.of(entry.scope).addWarningV2(SharingProvider.BUDGET_RAISED_WARNING,
        `${entry.scope.node.path}: ${why}: it raises the time budget (ServiceTimeout) of the ${others.length} other share resource${others.length === 1 ? '' : 's'} `
        + `of stack ${Stack.of(this).stackName} from ${without} s to ${all} s, since the shares of a stack deploy in parallel against one WorkSpaces rate. `
        + `A deploy that fails can wait that long for them. To keep them at ${without} s, put ${entry.scope.node.id} in a stack of its own; to accept it, `
        + `Annotations.of(construct).acknowledgeWarning('${SharingProvider.BUDGET_RAISED_WARNING}')`);
    }
  }

  /**
   * The role of this provider's drift-check schedules, created with the first one: EventBridge
   * Scheduler may assume it only for schedules of the stack's account and Region, and it may only
   * invoke this provider's function (one resource: its policy is inline).
   *
   * @internal
   */
  public _driftCheckRole(): iam.IRole {
    const stack = Stack.of(this);
    this.driftRole ??= new iam.Role(this, 'DriftCheckRole', {
      description: 'Lets the cdk-cross-account-sharing drift-check schedules of this stack invoke its sharing provider\'s function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: 'default/*' }) },
        },
      }),
      inlinePolicies: {
        InvokeSharingProvider: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] })],
        }),
      },
    });
    return this.driftRole;
  }

  /**
   * A request whose work outlasts one invocation hands the rest over to a new invocation of the
   * function; each hand-over's receiver fences its hop in Parameter Store, so that a duplicated
   * delivery neither works nor answers, and the answer replaces the request's fences with one marker that a late
   * delivery reads (lambda/on-demand/hand-over.ts).
   */
  private allowHandOvers(fn: lambda.IFunction): void {
    this.policy.addStatements(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
    this._grants.allow('hand-over-fence', ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:DeleteParameters'], [
      Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: 'cdk-cross-account-sharing/hand-over/*' }),
    ], {
      wildcardReason: 'The hand-over fences are named by CloudFormation request IDs, known only at deploy time: the policy '
        + 'names the one path under which the handler puts, reads and deletes them, in the stack\'s account and Region.',
    });
  }

  /**
   * The ledger: the table in which the handler records what each share of this provider shared,
   * created with the first share (src/private/membership-table.ts) and named to the function.
   *
   * @internal
   */
  public _ledgerTable(): dynamodb.Table {
    if (!this.membershipTable) {
      this.membershipTable = createMembershipTable(this, this._grants);
      this.handlerFunction.addEnvironment(LEDGER_TABLE_ENV, this.membershipTable.tableName);
    }
    return this.membershipTable;
  }

  /**
   * A share resource served by this provider, created after the permissions it needs. Its time
   * budget (`ServiceTimeout`, also sent to the handler as a property) follows from `calls` and
   * those of the provider's other resources, and is at least `minBudgetSeconds` (an image copy,
   * whose wait depends on WorkSpaces rather than on calls, asks for CloudFormation's longest).
   *
   * @internal
   */
  public _createResource<T extends ResourceType>(
    scope: Construct, id: string, resourceType: T, properties: PropertiesByType[T], calls: CallEstimate, minBudgetSeconds = 0,
  ): CustomResource {
    // A resource that waits on WorkSpaces for longer than its calls take (an image copy) sets its own minimum.
    const budget = Lazy.number({ produce: () => Math.max(minBudgetSeconds, this.budgetSeconds()) });
    const resource = new CustomResource(scope, id, {
      serviceToken: this.function.functionArn,
      resourceType,
      properties: { ...properties, [TIME_BUDGET_PROPERTY]: budget },
      serviceTimeout: Duration.seconds(budget),
    });
    resource.node.addDependency(this.policy);
    scope.node.defaultChild = resource;
    this.workloads.set(scope.node.path, { scope, estimate: calls });
    return resource;
  }
}
