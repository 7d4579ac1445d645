import { AwsError, LocalQueryService, Operation } from './local-service';

/** A stack status, as DescribeStacks answers it (`CREATE_COMPLETE`, `UPDATE_ROLLBACK_IN_PROGRESS`, …). */
export type StackStatus = string;

/** A resource of a local stack: what DescribeStackResource answers about one logical ID. */
export interface LocalStackResource {
  readonly logicalId: string;
  readonly type: string;
  /** Absent while a custom resource's Create is in progress (CloudFormation has no physical ID yet). */
  readonly physicalId?: string;
  /** `CREATE_IN_PROGRESS`, `CREATE_COMPLETE`, `UPDATE_FAILED`, `DELETE_COMPLETE`, … */
  readonly status: string;
  readonly updatedAt: Date;
}

/** One stack the local CloudFormation holds. */
export interface LocalStack {
  readonly stackId: string;
  readonly stackName: string;
  status: StackStatus;
  /** Parameter values by key (a list parameter as its comma-separated string, as CloudFormation shows it). */
  parameters: Record<string, string>;
  /** The stack's current template: GetTemplate answers it, as JSON. */
  template: Record<string, unknown>;
  readonly resources: Map<string, LocalStackResource>;
  readonly createdAt: Date;
  updatedAt?: Date;
  deletedAt?: Date;
}

/** A stack to seed (or to create from LocalDeployment). */
export interface SeedStack {
  /** @default 'CREATE_COMPLETE' */
  readonly status?: StackStatus;
  /** @default {} */
  readonly parameters?: Record<string, string>;
  /** @default { Resources: {} } */
  readonly template?: Record<string, unknown>;
  /** By logical ID. @default {} */
  readonly resources?: Record<string, { type: string; physicalId?: string; status?: string }>;
}

/** The resources of one ListStackResources page. */
const LIST_PAGE = 100;

/** The stack name in a stack ID (`arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`), or the name itself. */
export function stackNameOf(stackIdOrName: string): string {
  return /^arn:[^:]+:cloudformation:[^:]*:\d*:stack\/([^/]+)\//.exec(stackIdOrName)?.[1] ?? stackIdOrName;
}

/**
 * A stateful local CloudFormation for the handler's reads of its own stack: DescribeStacks,
 * DescribeStackResource, DescribeStackResources, ListStackResources and GetTemplate, in the awsQuery protocol the
 * SDK speaks (the endpoint turns the form into input and the output into XML). Stacks are held by
 * stack ID; a live stack is also found by name, a deleted one only by ID (and still answers, with
 * its resources as DELETE_COMPLETE, as CloudFormation does for 90 days). LocalDeployment drives
 * the statuses; tests may seed and change stacks directly.
 */
export class LocalCloudFormation {
  private readonly stacks = new Map<string, LocalStack>();

  /** Create (or replace: a stack recreated under the same ID) a stack. */
  public addStack(stackId: string, seed: SeedStack = {}): LocalStack {
    const now = new Date();
    const stack: LocalStack = {
      stackId,
      stackName: stackNameOf(stackId),
      status: seed.status ?? 'CREATE_COMPLETE',
      parameters: { ...seed.parameters },
      template: seed.template ?? { Resources: {} },
      resources: new Map(Object.entries(seed.resources ?? {}).map(([logicalId, r]) => [logicalId, {
        logicalId, type: r.type, physicalId: r.physicalId, status: r.status ?? 'CREATE_COMPLETE', updatedAt: now,
      }])),
      createdAt: now,
    };
    this.stacks.set(stackId, stack);
    return stack;
  }

  /** A stack by ID (live or deleted), or a live stack by name. */
  public stack(stackIdOrName: string): LocalStack | undefined {
    const byId = this.stacks.get(stackIdOrName);
    if (byId) return byId;
    return [...this.stacks.values()].find(s => s.stackName === stackIdOrName && s.status !== 'DELETE_COMPLETE');
  }

  /** The stack's status, for assertions. */
  public statusOf(stackIdOrName: string): StackStatus | undefined {
    return this.stack(stackIdOrName)?.status;
  }

  /** Set a stack's status (DELETE_COMPLETE also stamps the deletion time). */
  public setStatus(stackId: string, status: StackStatus): void {
    const stack = this.require(stackId);
    stack.status = status;
    const now = new Date();
    if (status === 'DELETE_COMPLETE') stack.deletedAt = now;
    else if (!status.startsWith('CREATE_') && !status.startsWith('ROLLBACK_')) stack.updatedAt = now;
  }

  /** Replace a stack's template and parameters (what GetTemplate and DescribeStacks answer from now on). */
  public setTemplate(stackId: string, template: Record<string, unknown>, parameters?: Record<string, string>): void {
    const stack = this.require(stackId);
    stack.template = template;
    if (parameters) stack.parameters = { ...parameters };
  }

  /** Set one resource's physical ID, type and status (a partial change keeps the rest). */
  public setResource(stackId: string, logicalId: string, resource: { type?: string; physicalId?: string; status: string }): void {
    const stack = this.require(stackId);
    const previous = stack.resources.get(logicalId);
    const type = resource.type ?? previous?.type;
    if (!type) throw new Error(`resource ${logicalId} of ${stackId} needs a type`);
    const physicalId = 'physicalId' in resource ? resource.physicalId : previous?.physicalId;
    stack.resources.set(logicalId, { logicalId, type, physicalId, status: resource.status, updatedAt: new Date() });
  }

  /** Forget a resource: DescribeStackResource answers ValidationError for it from now on. */
  public removeResource(stackId: string, logicalId: string): void {
    this.require(stackId).resources.delete(logicalId);
  }

  private require(stackId: string): LocalStack {
    const stack = this.stacks.get(stackId);
    if (!stack) throw new Error(`the local CloudFormation holds no stack ${stackId}`);
    return stack;
  }

  /** The stack a request's StackName names, or CloudFormation's ValidationError. */
  private named(input: Record<string, any>): LocalStack {
    const name = input.StackName;
    if (typeof name !== 'string' || name.length < 1) {
      throw new AwsError('ValidationError', '1 validation error detected: Value null at \'stackName\' failed to satisfy constraint: Member must not be null');
    }
    const stack = this.stack(name);
    if (!stack) throw new AwsError('ValidationError', `Stack with id ${name} does not exist`);
    return stack;
  }

  private detail(stack: LocalStack, resource: LocalStackResource, timestampMember: string): Record<string, unknown> {
    return {
      StackName: stack.stackName,
      StackId: stack.stackId,
      LogicalResourceId: resource.logicalId,
      PhysicalResourceId: resource.physicalId,
      ResourceType: resource.type,
      [timestampMember]: resource.updatedAt,
      // A deleted stack's resources are gone with it.
      ResourceStatus: stack.status === 'DELETE_COMPLETE' ? 'DELETE_COMPLETE' : resource.status,
    };
  }

  public operations(): Record<string, Operation> {
    return {
      DescribeStacks: input => {
        const stacks = input.StackName === undefined
          ? [...this.stacks.values()].filter(s => s.status !== 'DELETE_COMPLETE')
          : [this.named(input)];
        return {
          Stacks: stacks.map(s => ({
            StackId: s.stackId,
            StackName: s.stackName,
            Parameters: Object.entries(s.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
            CreationTime: s.createdAt,
            DeletionTime: s.deletedAt,
            LastUpdatedTime: s.updatedAt,
            StackStatus: s.status,
            DisableRollback: false,
            Capabilities: ['CAPABILITY_IAM'],
            Tags: [],
          })),
        };
      },
      DescribeStackResource: input => {
        const stack = this.named(input);
        const logicalId = input.LogicalResourceId;
        const resource = typeof logicalId === 'string' ? stack.resources.get(logicalId) : undefined;
        if (!resource) throw new AwsError('ValidationError', `Resource ${logicalId} does not exist for stack ${stack.stackName}`);
        return { StackResourceDetail: { ...this.detail(stack, resource, 'LastUpdatedTimestamp'), Metadata: '{}' } };
      },
      DescribeStackResources: input => {
        if (input.PhysicalResourceId !== undefined && input.StackName === undefined) {
          const stack = [...this.stacks.values()].find(s => [...s.resources.values()].some(r => r.physicalId === input.PhysicalResourceId));
          if (!stack) throw new AwsError('ValidationError', `Stack for ${input.PhysicalResourceId} does not exist`);
          return { StackResources: [...stack.resources.values()].map(r => this.detail(stack, r, 'Timestamp')) };
        }
        const stack = this.named(input);
        const resources = [...stack.resources.values()].filter(r => input.LogicalResourceId === undefined || r.logicalId === input.LogicalResourceId);
        return { StackResources: resources.map(r => this.detail(stack, r, 'Timestamp')) };
      },
      // Pages of 100 summaries, as CloudFormation answers; the token is the index of the page's first resource.
      ListStackResources: input => {
        const stack = this.named(input);
        const all = [...stack.resources.values()];
        const from = input.NextToken === undefined ? 0 : Number(input.NextToken);
        const page = all.slice(from, from + LIST_PAGE);
        return {
          StackResourceSummaries: page.map(r => {
            const { StackName: _name, StackId: _id, ...summary } = this.detail(stack, r, 'LastUpdatedTimestamp');
            return summary;
          }),
          NextToken: from + LIST_PAGE < all.length ? String(from + LIST_PAGE) : undefined,
        };
      },
      GetTemplate: input => {
        const stack = this.named(input);
        if (input.TemplateStage !== undefined && !['Original', 'Processed'].includes(input.TemplateStage)) {
          throw new AwsError('ValidationError', `1 validation error detected: Value '${input.TemplateStage}' at 'templateStage' failed to satisfy constraint: Member must satisfy enum value set: [Original, Processed]`);
        }
        return { TemplateBody: JSON.stringify(stack.template), StagesAvailable: ['Original', 'Processed'] };
      },
    };
  }

  /** The service as the local endpoint serves it: awsQuery, signed as `cloudformation`. */
  public service(): LocalQueryService {
    return {
      signingName: 'cloudformation',
      version: '2010-05-15',
      xmlNamespace: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
      operations: this.operations(),
    };
  }
}
