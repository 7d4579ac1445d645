import type { Context } from 'aws-lambda';
import type { CfnResponse, CloudFormationStub, Handler } from './handler-harness';
import type { LocalAwsEndpoint } from './local-endpoint';

/** A resource as a synthesized template declares it. */
interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** A template as `Template.toJSON()` or the cloud assembly gives it. */
export interface TemplateJson {
  readonly Resources: Record<string, TemplateResource>;
}

/** What happened to one resource in one deployment step. */
export interface StepResult {
  readonly logicalId: string;
  readonly type: string;
  readonly action: 'Create' | 'Update' | 'Delete';
  /** What the custom resource's handler answered. */
  readonly response?: CfnResponse;
  /** The error code a native resource's API call answered, if it failed. */
  readonly error?: string;
}

interface Deployed {
  readonly type: string;
  readonly physicalId: string;
  readonly properties: Record<string, unknown>;
  readonly attributes: Record<string, unknown>;
}

/**
 * Plays CloudFormation's part for the custom resources of a synthesized template, against the
 * local endpoint: Create, Update (with a cleanup Delete after a replacement) and Delete, in
 * dependency order, with the bundled handler. The one native resource it deploys is
 * AWS::WorkSpaces::ConnectionAlias, in the local endpoint; other native resources (the provider's
 * function, role and log group) are not needed locally and are skipped.
 */
export class LocalDeployment {
  private readonly deployed = new Map<string, Deployed>();

  constructor(
    private readonly endpoint: LocalAwsEndpoint,
    private readonly cfn: CloudFormationStub,
    private readonly handler: Handler,
    /** The Lambda context of an invocation of the function whose logical ID is given (the resource's ServiceToken). */
    private readonly context: (functionId: string) => Context,
  ) {}

  /** Deploy a template: create new resources, update changed ones, delete removed ones. */
  public async deploy(template: TemplateJson): Promise<StepResult[]> {
    const results: StepResult[] = [];
    const cleanups: [string, Deployed][] = [];
    const wanted = Object.entries(template.Resources).filter(([, r]) => this.handles(r.Type));

    for (const [logicalId, resource] of order(wanted)) {
      const properties = this.resolve(resource.Properties ?? {}) as Record<string, unknown>;
      const previous = this.deployed.get(logicalId);
      if (!previous) {
        results.push(await this.create(logicalId, resource.Type, properties));
      } else if (JSON.stringify(previous.properties) !== JSON.stringify(properties)) {
        const result = await this.update(logicalId, previous, properties);
        results.push(result);
        if (result.response?.Status === 'SUCCESS' && result.response.PhysicalResourceId !== previous.physicalId) {
          cleanups.push([logicalId, previous]);
        }
      }
    }
    // CloudFormation's cleanup phase: replaced resources, then removed ones, dependents first.
    for (const [logicalId, old] of cleanups) results.push(await this.remove(logicalId, old));
    const removed = [...this.deployed.entries()].filter(([id]) => !(id in template.Resources)).reverse();
    for (const [logicalId, old] of removed) {
      results.push(await this.remove(logicalId, old));
      this.deployed.delete(logicalId);
    }
    return results;
  }

  /** Delete every deployed resource, dependents first. */
  public async destroy(): Promise<StepResult[]> {
    const results: StepResult[] = [];
    for (const [logicalId, old] of [...this.deployed.entries()].reverse()) {
      results.push(await this.remove(logicalId, old));
      this.deployed.delete(logicalId);
    }
    return results;
  }

  private handles(type: string): boolean {
    return type.startsWith('Custom::') || type === 'AWS::WorkSpaces::ConnectionAlias';
  }

  private async create(logicalId: string, type: string, properties: Record<string, unknown>): Promise<StepResult> {
    if (type === 'AWS::WorkSpaces::ConnectionAlias') {
      const aliasId = this.endpoint.aliases.createAlias(String(properties.ConnectionString));
      this.deployed.set(logicalId, { type, physicalId: aliasId, properties, attributes: { AliasId: aliasId } });
      return { logicalId, type, action: 'Create' };
    }
    const response = await this.cfn.invoke(this.handler, this.cfn.createEvent(type, logicalId, properties), this.context(functionOf(properties)));
    if (response.Status === 'SUCCESS') {
      this.deployed.set(logicalId, { type, physicalId: response.PhysicalResourceId, properties, attributes: response.Data });
    }
    return { logicalId, type, action: 'Create', response };
  }

  private async update(logicalId: string, previous: Deployed, properties: Record<string, unknown>): Promise<StepResult> {
    const event = this.cfn.updateEvent(previous.type, logicalId, previous.physicalId, properties, previous.properties);
    const response = await this.cfn.invoke(this.handler, event, this.context(functionOf(properties)));
    if (response.Status === 'SUCCESS') {
      this.deployed.set(logicalId, { type: previous.type, physicalId: response.PhysicalResourceId, properties, attributes: response.Data });
    }
    return { logicalId, type: previous.type, action: 'Update', response };
  }

  private async remove(logicalId: string, old: Deployed): Promise<StepResult> {
    if (old.type === 'AWS::WorkSpaces::ConnectionAlias') {
      // Through the API's own rules: refused while the alias is still shared or associated.
      try {
        this.endpoint.aliases.operations().DeleteConnectionAlias({ AliasId: old.physicalId }, this.endpoint.accountId);
        return { logicalId, type: old.type, action: 'Delete' };
      } catch (error) {
        return { logicalId, type: old.type, action: 'Delete', error: (error as { code?: string }).code ?? String(error) };
      }
    }
    const event = this.cfn.deleteEvent(old.type, logicalId, old.physicalId, old.properties);
    const response = await this.cfn.invoke(this.handler, event, this.context(functionOf(old.properties)));
    return { logicalId, type: old.type, action: 'Delete', response };
  }

  /** Resolve Ref and Fn::GetAtt against what this deployment created; leave everything else. */
  private resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(v => this.resolve(v));
    if (value && typeof value === 'object') {
      const entries = Object.entries(value);
      if (entries.length === 1 && entries[0][0] === 'Ref' && this.deployed.has(String(entries[0][1]))) {
        return this.deployed.get(String(entries[0][1]))!.physicalId;
      }
      // The pseudo parameters of an environment-agnostic stack, as CloudFormation fills them in.
      if (entries.length === 1 && entries[0][0] === 'Ref' && entries[0][1] === 'AWS::Region') return process.env.AWS_REGION;
      if (entries.length === 1 && entries[0][0] === 'Ref' && entries[0][1] === 'AWS::Partition') return 'aws';
      if (entries.length === 1 && entries[0][0] === 'Fn::GetAtt') {
        const [id, attribute] = entries[0][1] as [string, string];
        if (this.deployed.has(id)) return this.deployed.get(id)!.attributes[attribute];
      }
      return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
    }
    return value;
  }
}

/** The logical ID of the function a custom resource's ServiceToken (`Fn::GetAtt [id, Arn]`) names. */
function functionOf(properties: Record<string, unknown>): string {
  const token = properties.ServiceToken as { 'Fn::GetAtt'?: [string, string] } | undefined;
  return token?.['Fn::GetAtt']?.[0] ?? 'unknown';
}

/** Resources that others reference come first (enough for the templates of this library). */
function order(resources: [string, TemplateResource][]): [string, TemplateResource][] {
  const ids = new Set(resources.map(([id]) => id));
  const references = (resource: TemplateResource) =>
    [...JSON.stringify(resource.Properties ?? {}).matchAll(/"(?:Ref|Fn::GetAtt)":\s*(?:\[\s*)?"([^"]+)"/g)].map(m => m[1]).filter(id => ids.has(id));
  const sorted: [string, TemplateResource][] = [];
  const visit = (entry: [string, TemplateResource], seen: Set<string>) => {
    if (sorted.some(([id]) => id === entry[0]) || seen.has(entry[0])) return;
    seen.add(entry[0]);
    for (const dep of references(entry[1])) visit(resources.find(([id]) => id === dep)!, seen);
    sorted.push(entry);
  };
  for (const entry of resources) visit(entry, new Set());
  return sorted;
}
