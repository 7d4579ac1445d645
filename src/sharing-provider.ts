import * as path from 'path';
import { CfnResource, CustomResource, Duration, Lazy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { nagArn } from './private/nag-findings';
import { OWNER_STACK_TAG } from './private/patterns';
import {
  budgetSecondsFor, CallEstimate, IMAGE_SHARE_OVERHEAD_CALLS, MAX_CALLS_PER_BUDGET,
  MAX_TIME_BUDGET_SECONDS, PLANNED_CALLS_PER_SECOND, TIME_BUDGET_PROPERTY,
} from './private/time-budget';

/** The tag actions with which a share resource records itself as the owner of the image or alias it shares. */
const OWNERSHIP_ACTIONS = ['workspaces:CreateTags', 'workspaces:DescribeTags', 'workspaces:DeleteTags'];

/**
 * The one Lambda function, role and log group that serve every share construct of a stack.
 *
 * The constructs of this library create it on first use; reach it with
 * `SharingProvider.getOrCreate(stack)` to add tags, a permissions boundary or
 * your own cdk-nag suppressions.
 *
 * Each share resource it serves gets a time budget (its `ServiceTimeout`) from the WorkSpaces
 * calls all of them can make at once; work that outlasts one invocation of the function goes on
 * in a new one. Literal account lists too long for CloudFormation's 3,600 s are a synth error.
 */
export class SharingProvider extends Construct {
  /**
   * The provider of the stack that holds `scope`, created on first call.
   */
  public static getOrCreate(scope: Construct): SharingProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SharingProvider.CONSTRUCT_ID);
    return (existing as SharingProvider | undefined) ?? new SharingProvider(stack, SharingProvider.CONSTRUCT_ID);
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

  /** The handler function; its ARN is the service token of every share resource of the stack. */
  public readonly function: lambda.IFunction;

  /** The function's execution role. */
  public readonly role: iam.IRole;

  /** The function's log group. */
  public readonly logGroup: logs.ILogGroup;

  /**
   * The policy that holds the share permissions of the stack's constructs.
   * Every share resource depends on it, so it exists before the handler's first call.
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

  private constructor(scope: Construct, id: string) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.THREE_MONTHS,
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
      timeout: SharingProvider.FUNCTION_TIMEOUT,
      memorySize: 256,
      role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
    });

    // Every request gets exactly one answer, from the handler: Lambda must not run an invocation
    // again after an error (a second worker and a second answer), nor start one hours late.
    fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: SharingProvider.MAX_EVENT_AGE });
    this.function = fn;

    this.policy = new iam.Policy(this, 'SharePolicy', { roles: [role] });
    // A request whose work outlasts one invocation hands the rest over to a new invocation of the function.
    this.policy.addStatements(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));

    this.node.addValidation({ validate: () => this.validateBudget() });
  }

  /**
   * The time budget, in seconds, of each resource this provider serves: they deploy in parallel
   * and share WorkSpaces' rate, so each one's budget covers the calls of them all, plus a fixed
   * allowance for waits; CloudFormation's 3,600 s at most, and that when a list is a token.
   */
  private budgetSeconds(): number {
    const { calls, unknown } = this.workload();
    return unknown ? MAX_TIME_BUDGET_SECONDS : Math.min(MAX_TIME_BUDGET_SECONDS, budgetSecondsFor(calls));
  }

  /** The WorkSpaces calls the provider's resources can make at once, as far as synth knows them. */
  private workload(): { calls: number; unknown: boolean; known: { constructPath: string; calls: number }[] } {
    const estimates = [...this.workloads.entries()].map(([constructPath, estimate]) => ({ constructPath, calls: estimate() }));
    const known = estimates.filter((w): w is { constructPath: string; calls: number } => w.calls !== undefined);
    return { calls: known.reduce((sum, w) => sum + w.calls, 0), unknown: known.length < estimates.length, known };
  }

  /** Synth-time errors: the literal account lists must fit in the longest budget CloudFormation allows. */
  private validateBudget(): string[] {
    const { calls, known } = this.workload();
    if (calls <= MAX_CALLS_PER_BUDGET) return [];
    const biggest = known.sort((a, b) => b.calls - a.calls).slice(0, 5).map(w => `${w.constructPath} (${w.calls})`).join(', ');
    return [
      `the share constructs served by this provider can make ${calls} WorkSpaces calls in one deployment (largest: ${biggest}). `
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
      if (reason && arn.includes('*')) this.suppressWildcard(reason, `Resource::${nagArn(Stack.of(this).resolve(arn))}`);
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
  private suppressWildcard(reason: string, finding = 'Resource::*'): void {
    const id = `AwsSolutions-IAM5[${finding}]`;
    if (finding !== 'Resource::*' && this.suppressedFindings.has(finding)) return;
    this.suppressedFindings.add(finding);
    if (finding.split('::').length > 2) {
      // An ARN finding (`Resource::arn:<AWS::Partition>:…`) holds more '::' than acknowledge() accepts:
      // the same metadata entry it would write, under the finding's exact ID, which cdk-nag 3 reads.
      this.policy.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
    } else {
      Validations.of(this.policy).acknowledge({ id, reason });
    }
    this.nagSuppressions.push({ id: 'AwsSolutions-IAM5', reason, applies_to: [finding] });
    (this.policy.node.defaultChild as CfnResource).addMetadata('cdk_nag', { rules_to_suppress: [...this.nagSuppressions] });
  }
}
