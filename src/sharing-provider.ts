import * as path from 'path';
import { CfnResource, CustomResource, Duration, Lazy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeWildcardArn, wildcardArnFinding } from './private/nag';
import { OWNER_STACK_TAG } from './private/patterns';
import { checkProviderProps } from './private/provider-props';
import {
  budgetSecondsFor, CallEstimate, IMAGE_SHARE_OVERHEAD_CALLS, MAX_CALLS_PER_BUDGET,
  MAX_TIME_BUDGET_SECONDS, PLANNED_CALLS_PER_SECOND, TIME_BUDGET_PROPERTY,
} from './private/time-budget';

/** The tag actions with which a share resource records itself as the owner of the image or alias it shares. */
const OWNERSHIP_ACTIONS = ['workspaces:CreateTags', 'workspaces:DescribeTags', 'workspaces:DeleteTags'];

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

  /** The ARN findings acknowledged so far (each once). */
  private readonly suppressedFindings = new Set<string>();

  /** The WorkSpaces Describe actions granted on "*" so far. */
  private readonly describeActions = new Set<string>();

  /** cdk-nag 2's suppressions on the share policy (see suppressWildcard). */
  private readonly nagSuppressions: { id: string; reason: string; applies_to: string[] }[] = [];

  /** The WorkSpaces calls of each resource this provider serves, by construct path. */
  private readonly workloads = new Map<string, CallEstimate>();

  /** Per WorkSpaces resource type, the statement scoped to the ARNs the stack names, and those ARNs. */
  private readonly scopedStatements = new Map<string, { statement: iam.PolicyStatement; arns: Set<string> }>();
  /** The literal or token catalogs named by the stack's PartnerConnectionPreferences, rendered into the condition at synth. */
  private readonly partnerCatalogs: string[] = [];
  private partnerConnectionPreferencesStatement?: iam.PolicyStatement;
  /** The ownership tags of each catalog's connection preferences. */
  private partnerTagsStatement?: iam.PolicyStatement;

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
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the cdk-cross-account-sharing custom resources of this stack',
    });
    this.role = role;
    this.logGroup.grantWrite(role);

    const fn = new lambda.Function(this, 'Handler', {
      description: 'cdk-cross-account-sharing: WorkSpaces and Partner Central share custom resources',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', 'assets', 'lambda', 'handler')),
      handler: 'index.handler',
      runtime: lambda.determineLatestNodeRuntime(this),
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
    if (props.vpc) this.grantNetworkInterfaces(fn, role, props.vpc, props.vpcSubnets);

    // Every request gets exactly one answer, from the handler: Lambda must not run an invocation
    // again after an error (a second worker and a second answer), nor start one hours late.
    fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: SharingProvider.MAX_EVENT_AGE });
    this.function = fn;

    this.policy = new iam.Policy(this, 'SharePolicy', { roles: [role] });
    // A request whose work outlasts one invocation hands the rest over to a new invocation of the function.
    this.policy.addStatements(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));

    // The first provider of a stack checks the workload of them all, once.
    if (providers.length === 0) this.node.addValidation({ validate: () => this.validateBudget() });
  }

  /**
   * Let Lambda create and remove the function's network interfaces in the VPC, as
   * AWSLambdaVPCAccessExecutionRole does, but on the ARNs this function uses rather than on "*":
   * interfaces in the stack's account and Region, in the selected subnets, with its security groups.
   * That Lambda's check of the role at CreateFunction accepts resource-scoped statements is
   * UNVERIFIED here (the Lambda guide's example names account-scoped ARNs); see the README.
   */
  private grantNetworkInterfaces(fn: lambda.Function, role: iam.IRole, vpc: ec2.IVpc, subnets: ec2.SubnetSelection | undefined): void {
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'ec2', resource, resourceName });
    const interfaces = arn('network-interface', '*');
    // A policy of its own, which the function waits for: Lambda creates the interfaces when it creates the function.
    const policy = new iam.Policy(this, 'VpcAccessPolicy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['ec2:CreateNetworkInterface'],
          resources: [
            interfaces,
            ...vpc.selectSubnets(subnets).subnetIds.map(id => arn('subnet', id)),
            ...fn.connections.securityGroups.map(sg => arn('security-group', sg.securityGroupId)),
          ],
        }),
        new iam.PolicyStatement({
          actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
          resources: [interfaces],
        }),
        new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }),
      ],
    });
    fn.node.defaultChild!.node.addDependency(policy);
    // The wildcards of this policy are the interfaces' IDs, unknown before Lambda creates them, and
    // the Describe actions, which take no resource: acknowledged on this policy alone, for both cdk-nag lines.
    const reason = 'Lambda creates and deletes the function\'s network interfaces with the execution role: their IDs are unknown '
      + 'in advance, so the interface actions name every interface of the stack\'s account and Region (creation is limited '
      + 'to the selected subnets and security groups), and ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets accept only "*".';
    Validations.of(policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
    acknowledgeWildcardArn(policy, interfaces, reason);
    (policy.node.defaultChild as CfnResource).addMetadata('cdk_nag', { rules_to_suppress: [{ id: 'AwsSolutions-IAM5', reason }] });
  }

  /** The providers of this provider's stack, this one included. */
  private get stackProviders(): SharingProvider[] {
    return providersByStack.get(Stack.of(this)) ?? [this];
  }

  /**
   * The time budget, in seconds, of each resource this provider serves: the stack's share resources
   * deploy in parallel and share WorkSpaces' rate, so each one's budget covers the calls of them all, plus a fixed
   * allowance for waits; CloudFormation's 3,600 s at most, and that when a list is a token.
   */
  private budgetSeconds(): number {
    const { calls, unknown } = this.workload();
    return unknown ? MAX_TIME_BUDGET_SECONDS : Math.min(MAX_TIME_BUDGET_SECONDS, budgetSecondsFor(calls));
  }

  /**
   * The WorkSpaces calls the stack's share resources can make at once, as far as synth knows them:
   * those of every provider of the stack, since all deploy in parallel against one rate.
   */
  private workload(): { calls: number; unknown: boolean; known: { constructPath: string; calls: number }[] } {
    const estimates = this.stackProviders
      .flatMap(provider => [...provider.workloads.entries()])
      .map(([constructPath, estimate]) => ({ constructPath, calls: estimate() }));
    const known = estimates.filter((w): w is { constructPath: string; calls: number } => w.calls !== undefined);
    return { calls: known.reduce((sum, w) => sum + w.calls, 0), unknown: known.length < estimates.length, known };
  }

  /** Synth-time errors: the literal account lists must fit in the longest budget CloudFormation allows. */
  private validateBudget(): string[] {
    const { calls, known } = this.workload();
    if (calls <= MAX_CALLS_PER_BUDGET) return [];
    const biggest = known.sort((a, b) => b.calls - a.calls).slice(0, 5).map(w => `${w.constructPath} (${w.calls})`).join(', ');
    return [
      `the share constructs of this stack${this.stackProviders.length > 1 ? `, served by its ${this.stackProviders.length} providers,` : ''} can make ${calls} WorkSpaces calls in one deployment (largest: ${biggest}). `
      + `They deploy in parallel and share WorkSpaces' rate, planned at ${PLANNED_CALLS_PER_SECOND} calls/s, so only ${MAX_CALLS_PER_BUDGET} calls fit in `
      + `CloudFormation's ${MAX_TIME_BUDGET_SECONDS} s limit for a custom resource: ${MAX_CALLS_PER_BUDGET - IMAGE_SHARE_OVERHEAD_CALLS} accounts on a single image, `
      + 'fewer across several shares. Split the shares into stacks that deploy one after another (stackB.addDependency(stackA)), each within that limit',
    ];
  }

  /**
   * A share resource served by this provider, created after the permissions it needs. Its time
   * budget (`ServiceTimeout`, also sent to the handler as a property) follows from `calls` and
   * those of the provider's other resources, and is at least `minBudgetSeconds` (an image copy,
   * whose wait depends on WorkSpaces rather than on calls, asks for CloudFormation's longest).
   *
   * @internal
   */
  public _createResource(
    scope: Construct, id: string, resourceType: string, properties: Record<string, unknown>, calls: CallEstimate, minBudgetSeconds = 0,
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
    this.workloads.set(scope.node.path, calls);
    return resource;
  }

  /**
   * Let the handler share and unshare one WorkSpaces image.
   *
   * @internal
   */
  public _grantWorkspaceImage(imageId: string): void {
    this.grantWorkspaces('workspaceimage', imageId, {
      actions: ['workspaces:UpdateWorkspaceImagePermission', 'workspaces:DescribeWorkspaceImagePermissions', ...OWNERSHIP_ACTIONS],
      describeAction: 'workspaces:DescribeWorkspaceImages',
      reason: 'workspaces:DescribeWorkspaceImages accepts only the "*" resource; it reads image state and changes nothing.',
    });
  }

  /**
   * Let the handler read and update the Partner Central connection preferences of one catalog.
   *
   * @internal
   */
  public _grantPartnerConnectionPreferences(catalog: string): void {
    if (!this.partnerConnectionPreferencesStatement) {
      this.partnerConnectionPreferencesStatement = new iam.PolicyStatement({
        actions: ['partnercentral:GetConnectionPreferences', 'partnercentral:UpdateConnectionPreferences'],
        resources: ['*'],
        // The statement keeps this array by reference: catalogs pushed later render too.
        conditions: { StringEquals: { 'partnercentral:Catalog': this.partnerCatalogs } },
      });
      this.policy.addStatements(this.partnerConnectionPreferencesStatement);
      this.suppressWildcard('partnercentral:GetConnectionPreferences and partnercentral:UpdateConnectionPreferences take no resource and accept only "*"; the statement is scoped to the stack\'s catalogs by the partnercentral:Catalog condition.');
    }
    if (!this.partnerCatalogs.includes(catalog)) {
      this.partnerCatalogs.push(catalog);
      if (!this.partnerTagsStatement) {
        this.partnerTagsStatement = new iam.PolicyStatement({
          actions: ['partnercentral:TagResource', 'partnercentral:ListTagsForResource', 'partnercentral:UntagResource'],
        });
        this.policy.addStatements(this.partnerTagsStatement);
      }
      // Partner Central answers from us-east-1 only; that its preferences ARNs name that Region is
      // UNVERIFIED. Were IAM to refuse, the handler treats the tags as unsupported (see the README).
      this.partnerTagsStatement.addResources(Stack.of(this).formatArn({
        service: 'partnercentral', region: 'us-east-1', resource: 'catalog', resourceName: `${catalog}/connection-preferences`,
      }));
    }
  }

  /**
   * Let the handler share and unshare one WorkSpaces connection alias.
   *
   * @internal
   */
  public _grantConnectionAlias(aliasId: string): void {
    this.grantWorkspaces('connectionalias', aliasId, {
      actions: ['workspaces:UpdateConnectionAliasPermission', 'workspaces:DescribeConnectionAliasPermissions', ...OWNERSHIP_ACTIONS],
      describeAction: 'workspaces:DescribeConnectionAliases',
      reason: 'workspaces:DescribeConnectionAliases accepts only the "*" resource; it reads alias state and associations and changes nothing.',
    });
  }

  /**
   * Grant `actions` on the ARN of one WorkSpaces resource (one statement per resource type, each
   * ARN once), and on first use the resource type's Describe action, which accepts only "*".
   */
  private grantWorkspaces(resource: string, resourceName: string, grant: { actions: string[]; describeAction: string; reason: string }): void {
    let scoped = this.scopedStatements.get(resource);
    if (!scoped) {
      scoped = { statement: new iam.PolicyStatement({ actions: grant.actions }), arns: new Set() };
      this.scopedStatements.set(resource, scoped);
      this.policy.addStatements(scoped.statement);
      this.grantDescribe(grant.describeAction, grant.reason);
    }
    this.addScopedResource(scoped, Stack.of(this).formatArn({ service: 'workspaces', resource, resourceName }));
  }

  /** Add an ARN to a scoped statement, once. */
  private addScopedResource(scoped: { statement: iam.PolicyStatement; arns: Set<string> }, arn: string): void {
    const key = JSON.stringify(Stack.of(this).resolve(arn));
    if (!scoped.arns.has(key)) {
      scoped.arns.add(key);
      scoped.statement.addResources(arn);
    }
  }

  /** A WorkSpaces Describe action that accepts only "*", granted once, with the reason cdk-nag is told. */
  private grantDescribe(action: string, reason: string): void {
    if (this.describeActions.has(action)) return;
    this.describeActions.add(action);
    this.policy.addStatements(new iam.PolicyStatement({ actions: [action], resources: ['*'] }));
    this.suppressWildcard(reason);
  }

  /**
   * The statement of `key` (created on first use with `actions` and `conditions`), with `arns` added
   * once each. A wildcard in an ARN is acknowledged for cdk-nag with `reason`, finding by finding.
   */
  private grantReceiving(key: string, actions: string[], arns: string[], conditions?: Record<string, unknown>, reason?: string): void {
    let scoped = this.scopedStatements.get(key);
    if (!scoped) {
      scoped = { statement: new iam.PolicyStatement({ actions, conditions }), arns: new Set() };
      this.scopedStatements.set(key, scoped);
      this.policy.addStatements(scoped.statement);
    }
    for (const arn of arns) {
      this.addScopedResource(scoped, arn);
      if (reason && arn.includes('*')) this.suppressWildcardArn(arn, reason);
    }
  }

  /** The ARN of a WorkSpaces resource of the stack's account and Region, or of `account` and `region`. */
  private workspacesArn(resource: string, resourceName: string, account?: string, region?: string): string {
    return Stack.of(this).formatArn({ service: 'workspaces', resource, resourceName, account, region });
  }

  /** The condition that a request tags what it creates as this stack's (the ownership tag). */
  private requestTaggedByStack(): Record<string, unknown> {
    return { StringEquals: { [`aws:RequestTag/${OWNER_STACK_TAG}`]: Stack.of(this).stackId } };
  }

  /** The condition that a resource carries this stack's ownership tag. */
  private taggedByStack(): Record<string, unknown> {
    return { StringEquals: { [`aws:ResourceTag/${OWNER_STACK_TAG}`]: Stack.of(this).stackId } };
  }

  /**
   * Let the handler copy one image into the stack's account and Region, and delete the copies
   * that carry the stack's ownership tag.
   *
   * @internal
   */
  public _grantImageCopy(sourceImageId: string, sourceRegion: string): void {
    const reason = 'The copy\'s image ID is known only once CopyWorkspaceImage made it, and the shared source belongs to an account the '
      + 'stack does not know: CopyWorkspaceImage and CreateTags are allowed on the stack\'s images only with the stack\'s ownership tag '
      + 'in the request, the delete only on images that carry it, and the source image by its own ID in any account.';
    this.grantReceiving('copy', ['workspaces:CopyWorkspaceImage', 'workspaces:CreateTags'], [
      this.workspacesArn('workspaceimage', sourceImageId, '*', sourceRegion),
      this.workspacesArn('workspaceimage', '*'),
    ], this.requestTaggedByStack(), reason);
    this.grantReceiving('copy-delete', ['workspaces:DeleteWorkspaceImage'], [this.workspacesArn('workspaceimage', '*')], this.taggedByStack(), reason);
    this.grantReceiving('copy-tags', ['workspaces:DescribeTags'], [this.workspacesArn('workspaceimage', '*')], undefined,
      'DescribeTags reads the ownership tags of an image of the stack\'s account found by the copy\'s name, whose ID is not known at synth; it changes nothing.');
    this.grantDescribe('workspaces:DescribeWorkspaceImages', 'workspaces:DescribeWorkspaceImages accepts only the "*" resource; it reads image state and changes nothing.');
  }

  /**
   * Let the handler create a bundle from one image of the stack's account, and delete the bundles
   * that carry the stack's ownership tag. An image ID that is a token (say a copy of the stack) is
   * granted in a policy of its own under `scope`, returned for the bundle to depend on: in the share
   * policy, on which every resource of the provider depends, it would make a cycle.
   *
   * @internal
   */
  public _grantBundle(scope: Construct, imageId: string): iam.Policy | undefined {
    const reason = 'A bundle\'s ID is known only once CreateWorkspaceBundle made it: CreateWorkspaceBundle and CreateTags are allowed on '
      + 'the stack\'s bundles only with the stack\'s ownership tag in the request, and the delete only on bundles that carry it.';
    const create = ['workspaces:CreateWorkspaceBundle', 'workspaces:CreateTags'];
    this.grantReceiving('bundle', create, [this.workspacesArn('workspacebundle', '*')], this.requestTaggedByStack(), reason);
    // A new imageId updates the bundle in place: the bundle must carry the stack's tag; the image is named.
    this.grantReceiving('bundle-delete', ['workspaces:DeleteWorkspaceBundle', 'workspaces:UpdateWorkspaceBundle'],
      [this.workspacesArn('workspacebundle', '*')], this.taggedByStack(), reason);
    this.grantReceiving('bundle-tags', ['workspaces:DescribeTags'], [this.workspacesArn('workspacebundle', '*')], undefined,
      'DescribeTags reads the ownership tags of a bundle of the stack\'s account found by the bundle\'s name, whose ID is not known at synth; it changes nothing.');
    this.grantDescribe('workspaces:DescribeWorkspaceBundles', 'workspaces:DescribeWorkspaceBundles accepts only the "*" resource; it reads bundle state and changes nothing.');
    this.grantDescribe('workspaces:DescribeWorkspaceImages', 'workspaces:DescribeWorkspaceImages accepts only the "*" resource; it reads image state and changes nothing.');
    const image = this.workspacesArn('workspaceimage', imageId);
    const onImage = [
      new iam.PolicyStatement({ actions: create, resources: [image], conditions: this.requestTaggedByStack() }),
      new iam.PolicyStatement({ actions: ['workspaces:UpdateWorkspaceBundle'], resources: [image] }),
    ];
    if (Token.isUnresolved(imageId)) return new iam.Policy(scope, 'ImagePolicy', { roles: [this.role], statements: onImage });
    this.grantReceiving('bundle', create, [image]);
    this.grantReceiving('bundle-image', ['workspaces:UpdateWorkspaceBundle'], [image]);
    return undefined;
  }

  /**
   * Let the handler associate one shared connection alias with one directory of the stack's
   * account, and disassociate it.
   *
   * @internal
   */
  public _grantAliasAssociation(aliasId: string, directoryId: string): void {
    // The alias belongs to the account that shares it, which the stack does not know: its ARN
    // names any account, as the WorkSpaces Administration Guide asks of the shared account's policy.
    const reason = 'A shared connection alias belongs to the account that shares it, which the receiving stack does not know: '
      + 'the alias is named by its ID in any account, as the WorkSpaces Administration Guide asks of the shared account\'s policy.';
    const alias = this.workspacesArn('connectionalias', aliasId, '*');
    this.grantReceiving('associate', ['workspaces:AssociateConnectionAlias'], [alias, this.workspacesArn('directory', directoryId)], undefined, reason);
    this.grantReceiving('disassociate', ['workspaces:DisassociateConnectionAlias'], [alias], undefined, reason);
    this.grantDescribe('workspaces:DescribeConnectionAliases',
      'workspaces:DescribeConnectionAliases accepts only the "*" resource; it reads alias state and associations and changes nothing.');
  }

  /**
   * Acknowledge cdk-nag's AwsSolutions-IAM5 finding for a "*" resource on the share policy, with the
   * reason, where both cdk-nag lines look, with no dependency on cdk-nag: aws-cdk-lib's native
   * acknowledgement (cdk-nag 3), and the `cdk_nag` metadata of the policy's CloudFormation resource
   * (cdk-nag 2, whose Aspects API many apps still use). The metadata holds every reason given so far.
   */
  private suppressWildcard(reason: string): void {
    Validations.of(this.policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
    this.addNagSuppression(reason, 'Resource::*');
  }

  /** The same for one ARN with a wildcard on the share policy (the receiving side's), each finding once. */
  private suppressWildcardArn(arn: string, reason: string): void {
    const finding = wildcardArnFinding(this.policy, arn);
    if (this.suppressedFindings.has(finding)) return;
    this.suppressedFindings.add(finding);
    acknowledgeWildcardArn(this.policy, arn, reason);
    this.addNagSuppression(reason, finding);
  }

  /** Add one cdk-nag 2 suppression to the share policy's `cdk_nag` metadata. */
  private addNagSuppression(reason: string, finding: string): void {
    this.nagSuppressions.push({ id: 'AwsSolutions-IAM5', reason, applies_to: [finding] });
    (this.policy.node.defaultChild as CfnResource).addMetadata('cdk_nag', { rules_to_suppress: [...this.nagSuppressions] });
  }
}
