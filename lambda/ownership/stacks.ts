import { DescribeStackResourceCommand, DescribeStacksCommand, GetTemplateCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import type { StackResourceSummary } from '@aws-sdk/client-cloudformation';
import type { Owner } from './ownership';
import { cloudFormationIn } from '../clients/cloudformation';
import { pages } from '../clients/paging';
import { isErrorCode } from '../runtime/errors';
import type { ResourceContext } from '../runtime/resource';

/**
 * What CloudFormation says, read when an ownership decision needs it (see ownership.ts): the
 * phase of the request's own stack, whether a recorded owner still exists, and what a resource
 * of the stack declares. CloudFormation is where the declaration lives: a note in a tag can be
 * stale (a cleanup that failed leaves it), CloudFormation cannot.
 */

/** What the request's stack is doing, by its status. */
export type StackPhase = 'stack-delete' | 'rollback' | 'update-cleanup' | 'other';

/** The Region a stack ID (an ARN) names. */
export function regionOf(stackId: string): string {
  return stackId.split(':')[3] || process.env.AWS_REGION || 'us-east-1';
}

export function phaseOf(status: string | undefined): StackPhase {
  if (!status) return 'other';
  if (status.startsWith('DELETE_')) return 'stack-delete';
  if (status.includes('ROLLBACK')) return 'rollback';
  if (status === 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS') return 'update-cleanup';
  return 'other';
}

/**
 * The first resource of a stack that `matches` (its type, its physical ID), not deleted, reading
 * the stack's resources 100 a page (ListStackResources) until it is found; undefined when there is
 * none, or no such stack. What finds the logical ID that `cdk refactor` moved a resource to: the
 * move keeps the physical ID and sends no event (docs/renaming.md).
 */
export async function findStackResource(
  stackId: string, matches: (resource: StackResourceSummary) => boolean, ctx: ResourceContext,
): Promise<StackResourceSummary | undefined> {
  const read = (nextToken: string | undefined) =>
    cloudFormationIn(regionOf(stackId), ctx).send(new ListStackResourcesCommand({ StackName: stackId, NextToken: nextToken }));
  try {
    for await (const page of pages(read)) {
      const found = page.StackResourceSummaries?.find(r => r.ResourceStatus !== 'DELETE_COMPLETE' && matches(r));
      if (found) return found;
    }
  } catch (error) {
    if (isErrorCode(error, 'ValidationError')) return undefined;
    throw error;
  }
  return undefined;
}

/** The facts of one request, each read once and only when a decision needs it. */
export class StackFacts {
  private stack?: Promise<{ status?: string; parameters: Record<string, string> }>;
  private template?: Promise<Record<string, any> | undefined>;
  private readonly alive = new Map<string, Promise<boolean>>();
  private readonly moved = new Map<string, Promise<string | undefined>>();

  constructor(private readonly stackId: string, private readonly ctx: ResourceContext) {}

  private describeStack(): Promise<{ status?: string; parameters: Record<string, string> }> {
    this.stack ??= cloudFormationIn(regionOf(this.stackId), this.ctx).send(new DescribeStacksCommand({ StackName: this.stackId }))
      .then(({ Stacks }) => {
        const stack = Stacks?.[0];
        const parameters = Object.fromEntries((stack?.Parameters ?? []).map(p => [p.ParameterKey ?? '', p.ResolvedValue ?? p.ParameterValue ?? '']));
        return { status: stack?.StackStatus, parameters };
      });
    return this.stack;
  }

  /** What the request's stack is doing. */
  public async phase(): Promise<StackPhase> {
    return phaseOf((await this.describeStack()).status);
  }

  /**
   * Whether a recorded owner still exists: its stack and its logical resource, not deleted. An
   * owner that CloudFormation no longer knows is no owner: it never blocks another stack and
   * never keeps shares.
   */
  public isAlive(owner: Owner): Promise<boolean> {
    const key = `${owner.stackId} ${owner.logicalId}`;
    let known = this.alive.get(key);
    if (!known) {
      known = cloudFormationIn(regionOf(owner.stackId), this.ctx)
        .send(new DescribeStackResourceCommand({ StackName: owner.stackId, LogicalResourceId: owner.logicalId }))
        .then(({ StackResourceDetail }) => StackResourceDetail?.ResourceStatus !== undefined && StackResourceDetail.ResourceStatus !== 'DELETE_COMPLETE')
        .catch(error => {
          // "Stack with id … does not exist", "Resource … does not exist for stack …".
          if (isErrorCode(error, 'ValidationError')) return false;
          throw error;
        });
      this.alive.set(key, known);
    }
    return known;
  }

  /**
   * The logical ID that `cdk refactor` moved a recorded owner the stack no longer has to: the
   * custom resource of its stack whose physical ID is the object's (`physicalId`); undefined when
   * there is none (the owner was removed). One ListStackResources page per 100 resources, read only
   * for an owner that is not alive.
   */
  public movedTo(owner: Owner, physicalId: string): Promise<string | undefined> {
    const key = `${owner.stackId} ${owner.logicalId} ${physicalId}`;
    let known = this.moved.get(key);
    if (!known) {
      known = findStackResource(owner.stackId, r => r.PhysicalResourceId === physicalId && r.ResourceType?.startsWith('Custom::') === true
        && r.LogicalResourceId !== owner.logicalId, this.ctx).then(r => r?.LogicalResourceId);
      this.moved.set(key, known);
    }
    return known;
  }

  /**
   * What a resource of the request's own stack declares in `property` as a list of strings, as
   * CloudFormation holds it now (its template and parameters); undefined when the resource is not
   * in the template or the value is not a literal list or a list parameter.
   */
  public async declaredList(logicalId: string, property: string): Promise<string[] | undefined> {
    this.template ??= cloudFormationIn(regionOf(this.stackId), this.ctx).send(new GetTemplateCommand({ StackName: this.stackId }))
      .then(({ TemplateBody }) => (TemplateBody ? JSON.parse(TemplateBody) as Record<string, any> : undefined))
      .catch(error => {
        // A template in YAML (not what the CDK writes) cannot be read here.
        if (error instanceof SyntaxError) return undefined;
        throw error;
      });
    const template = await this.template;
    const value = template?.Resources?.[logicalId]?.Properties?.[property];
    if (value === undefined) return undefined;
    const { parameters } = await this.describeStack();
    return resolveList(value, parameters);
  }
}

/** A template value as a list of strings: literals, Refs to parameters, or a list parameter as a whole. */
export function resolveList(value: unknown, parameters: Record<string, string>): string[] | undefined {
  const ref = (v: unknown): string | undefined => {
    const name = (v as { Ref?: unknown } | null)?.Ref;
    return typeof name === 'string' && name in parameters ? parameters[name] : undefined;
  };
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) {
    const items = value.map(v => (typeof v === 'string' ? v : ref(v)));
    return items.every((v): v is string => v !== undefined) ? items : undefined;
  }
  const list = ref(value);
  return list === undefined ? undefined : list.split(',').map(s => s.trim()).filter(s => s !== '');
}
