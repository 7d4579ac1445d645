import * as path from 'path';
import { CustomResource, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The one Lambda function, role and log group that serve every share construct of a stack.
 *
 * The constructs of this library create it on first use; reach it with
 * `SharingProvider.getOrCreate(stack)` to add tags, a permissions boundary or
 * your own cdk-nag suppressions.
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
   * How long one invocation of the handler may run. Long enough to share one image with
   * 1,000 accounts at WorkSpaces' 2 calls per second; the handler answers before it ends.
   */
  private static readonly FUNCTION_TIMEOUT = Duration.minutes(15);

  /**
   * How long CloudFormation waits for an answer: just above the function's timeout, so that even a
   * function that crashes without answering holds the stack for minutes rather than the default hour.
   */
  public static readonly SERVICE_TIMEOUT = Duration.seconds(SharingProvider.FUNCTION_TIMEOUT.toSeconds() + 60);

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

  private readonly workspaceImageArns = new Set<string>();
  private workspaceImageStatement?: iam.PolicyStatement;

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

    this.function = new lambda.Function(this, 'Handler', {
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

    this.policy = new iam.Policy(this, 'SharePolicy', { roles: [role] });
  }

  /**
   * A share resource served by this provider, created after the permissions it needs.
   *
   * @internal
   */
  public _createResource(scope: Construct, id: string, resourceType: string, properties: Record<string, unknown>): CustomResource {
    const resource = new CustomResource(scope, id, {
      serviceToken: this.function.functionArn,
      resourceType,
      properties,
      serviceTimeout: SharingProvider.SERVICE_TIMEOUT,
    });
    resource.node.addDependency(this.policy);
    return resource;
  }

  /**
   * Let the handler share and unshare one WorkSpaces image.
   *
   * @internal
   */
  public _grantWorkspaceImage(imageId: string): void {
    if (!this.workspaceImageStatement) {
      this.workspaceImageStatement = new iam.PolicyStatement({
        actions: ['workspaces:UpdateWorkspaceImagePermission', 'workspaces:DescribeWorkspaceImagePermissions'],
      });
      this.policy.addStatements(
        this.workspaceImageStatement,
        new iam.PolicyStatement({
          // DescribeWorkspaceImages takes no resource: it accepts only "*".
          actions: ['workspaces:DescribeWorkspaceImages'],
          resources: ['*'],
        }),
      );
      this.suppressWildcard('workspaces:DescribeWorkspaceImages accepts only the "*" resource; it reads image state and changes nothing.');
    }
    const arn = Stack.of(this).formatArn({ service: 'workspaces', resource: 'workspaceimage', resourceName: imageId });
    const key = Token.isUnresolved(arn) ? Stack.of(this).resolve(arn) : arn;
    const dedupeKey = JSON.stringify(key);
    if (!this.workspaceImageArns.has(dedupeKey)) {
      this.workspaceImageArns.add(dedupeKey);
      this.workspaceImageStatement.addResources(arn);
    }
  }

  /**
   * Acknowledge cdk-nag's AwsSolutions-IAM5 finding for a "*" resource on the share policy, with the
   * reason (aws-cdk-lib's native acknowledgement, which cdk-nag 3 reads).
   */
  private suppressWildcard(reason: string): void {
    Validations.of(this.policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
  }
}
