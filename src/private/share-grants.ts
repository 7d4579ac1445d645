import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledgeFinding, wildcardArnFinding } from './nag';
import { OWNER_STACK_TAG } from '../contract/ownership-tags';

/** The tag actions with which a share resource records itself as the owner of the image or alias it shares. */
export const OWNERSHIP_ACTIONS = ['workspaces:CreateTags', 'workspaces:DescribeTags', 'workspaces:DeleteTags'];

/** A WorkSpaces Describe action, which accepts only the "*" resource, with the reason cdk-nag is told. */
export interface DescribeGrant {
  readonly action: string;
  readonly reason: string;
}

/** Options of `ShareGrants.allow`. */
export interface AllowOptions {
  /** The statement's conditions, set when it is created. */
  readonly conditions?: Record<string, unknown>;
  /** Why an ARN with a wildcard is needed, told to cdk-nag for each such ARN. */
  readonly wildcardReason?: string;
}

/**
 * The statements of a provider's share policy. Each construct grants what its handler calls,
 * on the ARNs it names, in its own file (`grant…` beside the construct, as aws-s3-deployment
 * does); this class only keeps each statement once (by key), each ARN once, and tells cdk-nag
 * (both lines) the reason of every wildcard.
 */
export class ShareGrants {
  /** The WorkSpaces Describe actions granted on "*" so far. */
  private readonly describeActions = new Set<string>();

  /** cdk-nag 2's suppressions on the share policy (see suppressWildcard). */
  private readonly nagSuppressions: { id: string; reason: string; applies_to: string[] }[] = [];

  /** The statements by key, and the ARNs each one holds. */
  private readonly statements = new Map<string, { statement: iam.PolicyStatement; arns: Set<string> }>();

  constructor(public readonly policy: iam.Policy, public readonly role: iam.IRole) {}

  /** The stack of the share policy. */
  public get stack(): Stack {
    return Stack.of(this.policy);
  }

  /**
   * The statement of `key`, made by `create` and added to the policy on first use. A statement on
   * "*" says why with `wildcardReason`, told to cdk-nag once, when it is made.
   */
  public statement(key: string, create: () => iam.PolicyStatement, wildcardReason?: string): iam.PolicyStatement {
    let keyed = this.statements.get(key);
    if (!keyed) {
      keyed = { statement: create(), arns: new Set() };
      this.statements.set(key, keyed);
      this.policy.addStatements(keyed.statement);
      if (wildcardReason) this.suppressWildcard(wildcardReason);
    }
    return keyed.statement;
  }

  /**
   * Allow `actions` on `arns` in the statement of `key` (made on first use with `actions` and the
   * conditions), each ARN once. A wildcard in an ARN is acknowledged for cdk-nag with the reason.
   */
  public allow(key: string, actions: string[], arns: string[], options: AllowOptions = {}): void {
    this.statement(key, () => new iam.PolicyStatement({ actions, conditions: options.conditions }));
    const keyed = this.statements.get(key)!;
    for (const arn of arns) {
      const resolved = JSON.stringify(this.stack.resolve(arn));
      if (!keyed.arns.has(resolved)) {
        keyed.arns.add(resolved);
        keyed.statement.addResources(arn);
      }
      if (options.wildcardReason && arn.includes('*')) this.suppressWildcardArn(arn, options.wildcardReason);
    }
  }

  /** A WorkSpaces Describe action that accepts only "*", granted once, with the reason cdk-nag is told. */
  public allowDescribe(describe: DescribeGrant): void {
    if (this.describeActions.has(describe.action)) return;
    this.describeActions.add(describe.action);
    this.policy.addStatements(new iam.PolicyStatement({ actions: [describe.action], resources: ['*'] }));
    this.suppressWildcard(describe.reason);
  }

  /**
   * Allow `actions` on one WorkSpaces resource of the stack's account and Region (one statement
   * per resource type, each ARN once), and on first use the resource type's Describe action.
   */
  public allowOnWorkspaces(resource: string, resourceName: string, actions: string[], describe: DescribeGrant): void {
    const first = !this.statements.has(resource);
    this.statement(resource, () => new iam.PolicyStatement({ actions }));
    if (first) this.allowDescribe(describe);
    this.allow(resource, actions, [this.workspacesArn(resource, resourceName)]);
  }

  /** The ARN of a WorkSpaces resource of the stack's account and Region, or of `account` and `region`. */
  public workspacesArn(resource: string, resourceName: string, account?: string, region?: string): string {
    return this.stack.formatArn({ service: 'workspaces', resource, resourceName, account, region });
  }

  /** The condition that a request tags what it creates as this stack's (the ownership tag). */
  public requestTaggedByStack(): Record<string, unknown> {
    return { StringEquals: { [`aws:RequestTag/${OWNER_STACK_TAG}`]: this.stack.stackId } };
  }

  /**
   * Let the handler write tags on the stack's copies or bundles (`resource`: workspaceimage,
   * workspacebundle) only where the ownership tag cannot be usurped: the stack's ownership tag in
   * the request (as every write of the handler carries), on an object that carries it already
   * (one this stack created, with its owner tags from the create request on, or took over: a
   * rename, a leftover's record, a rollback's hand-back), or on one that this library created
   * (`createdTag`, written only by the create request) and nobody owns now (a copy a deleted
   * stack retained). An object the account made by other means carries neither, so it can never
   * be tagged as the stack's, and so never deleted (deletes need the tag). The create request's
   * own tags are authorized as the new object's (aws:ResourceTag holds the request's tags in a
   * request that creates a resource with tags).
   */
  public allowOwnershipTagWrites(resource: string, createdTag: string, wildcardReason: string): void {
    const arn = this.workspacesArn(resource, '*');
    const owned = { StringEquals: { ...this.requestTaggedByStack().StringEquals as object, ...this.taggedByStack().StringEquals as object } };
    this.allow(`${resource}-tags-owned`, ['workspaces:CreateTags'], [arn], { conditions: owned, wildcardReason });
    this.allow(`${resource}-tags-unowned`, ['workspaces:CreateTags'], [arn], {
      conditions: { ...this.requestTaggedByStack(), Null: { [`aws:ResourceTag/${OWNER_STACK_TAG}`]: 'true', [`aws:ResourceTag/${createdTag}`]: 'false' } },
      wildcardReason,
    });
    // The mark is written by the create request only: no other statement (an image the owning side
    // may tag, in the same stack) may put it on an object that lacks it, and so open the deletes to it.
    this.statement(`${resource}-mark-only-at-create`, () => new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      actions: ['workspaces:CreateTags'],
      resources: [arn],
      conditions: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [createdTag] }, 'Null': { [`aws:ResourceTag/${createdTag}`]: 'true' } },
    }));
  }

  /** The condition that a resource carries this stack's ownership tag. */
  public taggedByStack(): Record<string, unknown> {
    return { StringEquals: { [`aws:ResourceTag/${OWNER_STACK_TAG}`]: this.stack.stackId } };
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
    if (this.nagSuppressions.some(s => s.applies_to.includes(finding))) return;
    acknowledgeFinding(this.policy, finding, reason);
    this.addNagSuppression(reason, finding);
  }

  /** Add one cdk-nag 2 suppression to the share policy's `cdk_nag` metadata. */
  private addNagSuppression(reason: string, finding: string): void {
    this.nagSuppressions.push({ id: 'AwsSolutions-IAM5', reason, applies_to: [finding] });
    (this.policy.node.defaultChild as CfnResource).addMetadata('cdk_nag', { rules_to_suppress: [...this.nagSuppressions] });
  }
}

/**
 * The CloudFormation reads of an ownership decision (lambda/ownership/stacks.ts): its own stack's
 * status, template and parameters, and whether the stack resource that an ownership tag names
 * still exists (or which resource `cdk refactor` moved it to), in any stack of the account (the tags may name another stack, or for Partner
 * Central, a stack of another Region).
 */
export function allowOwnershipReads(grants: ShareGrants): void {
  grants.allow('cloudformation-own-stack', ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate'], [grants.stack.stackId]);
  grants.allow('cloudformation-owners', ['cloudformation:DescribeStackResource', 'cloudformation:ListStackResources'],
    [grants.stack.formatArn({ service: 'cloudformation', region: '*', resource: 'stack', resourceName: '*/*' })], {
      wildcardReason: 'DescribeStackResource tells whether the owner an ownership tag names (any stack of the account, by its ID) still exists; '
        + 'the stacks are known only when the tags are read. ListStackResources, read only for an owner that no longer exists, finds the '
        + 'resource cdk refactor moved it to (same physical ID). Both read resources\' status and change nothing.',
    });
}

/** DescribeWorkspaceImages, which the image share, the copy and the bundle read images with. */
export const DESCRIBE_IMAGES: DescribeGrant = {
  action: 'workspaces:DescribeWorkspaceImages',
  reason: 'workspaces:DescribeWorkspaceImages accepts only the "*" resource; it reads image state and changes nothing.',
};

/** DescribeConnectionAliases, which the alias share and the association read aliases with. */
export const DESCRIBE_ALIASES: DescribeGrant = {
  action: 'workspaces:DescribeConnectionAliases',
  reason: 'workspaces:DescribeConnectionAliases accepts only the "*" resource; it reads alias state and associations and changes nothing.',
};
