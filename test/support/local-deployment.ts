import type { Context } from 'aws-lambda';
import type { CfnResponse, CloudFormationStub, Handler } from './handler-harness';
import type { LocalAwsEndpoint } from './local-endpoint';

/** A resource as a synthesized template declares it. */
interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** A parameter as a template declares it. */
interface TemplateParameter {
  readonly Type: string;
  readonly Default?: string;
}

/** A template as `Template.toJSON()` or the cloud assembly gives it. */
export interface TemplateJson {
  readonly Resources: Record<string, TemplateResource>;
  readonly Parameters?: Record<string, TemplateParameter>;
}

/**
 * The part of a stack operation a step belongs to: `deploy` (creates and updates, stack
 * CREATE_IN_PROGRESS or UPDATE_IN_PROGRESS), `cleanup` (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS),
 * `rollback` (UPDATE_ROLLBACK_IN_PROGRESS, or ROLLBACK_IN_PROGRESS for a new stack),
 * `rollback-cleanup` (UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS) and `delete` (DELETE_IN_PROGRESS).
 */
export type Phase = 'deploy' | 'cleanup' | 'rollback' | 'rollback-cleanup' | 'delete';

/** What happened to one resource in one deployment step. */
export interface StepResult {
  readonly logicalId: string;
  readonly type: string;
  readonly action: 'Create' | 'Update' | 'Delete';
  readonly phase: Phase;
  /** The physical ID the request named (an Update's or a Delete's; a Create has none). */
  readonly physicalId?: string;
  /** What the custom resource's handler answered. */
  readonly response?: CfnResponse;
  /** The error code a native resource's API call answered, if it failed. */
  readonly error?: string;
}

/** Options of a LocalDeployment. */
export interface LocalDeploymentOptions {
  /**
   * Roll a failed Create or Update back, as CloudFormation does; `false` is `--no-rollback`
   * (DisableRollback): the operation stops at the failure, in CREATE_FAILED or UPDATE_FAILED.
   * @default true
   */
  readonly rollback?: boolean;
  /**
   * Wait for each custom resource's answer as long as CloudFormation does: its `ServiceTimeout`
   * (seconds, of virtual time in the tests that use it), rather than the stub's 30 seconds.
   * @default false
   */
  readonly waitServiceTimeout?: boolean;
}

/** Options of one deploy(). */
export interface DeployOptions {
  /**
   * Stack parameters by key (a list as an array or a comma-separated string). A parameter not
   * given keeps its previous value, else takes its Default.
   */
  readonly parameters?: Record<string, string | readonly string[]>;
  /** @default - the deployment's `rollback` */
  readonly rollback?: boolean;
}

interface Deployed {
  readonly type: string;
  readonly physicalId: string;
  readonly properties: Record<string, unknown>;
  readonly attributes: Record<string, unknown>;
}

/** A physical resource the running update made: what its rollback deletes. */
interface Made {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  readonly properties: Record<string, unknown>;
  /** A new logical resource (forgotten when deleted), or the new physical resource of a replacement. */
  readonly kind: 'created' | 'replacement';
}

/** The result of a step: whether it failed. */
function failed(result: StepResult): boolean {
  return result.response ? result.response.Status === 'FAILED' : result.error !== undefined;
}

/**
 * Plays CloudFormation's part for the custom resources of a synthesized template, against the
 * local endpoint: Create, Update (with a cleanup Delete after a replacement) and Delete, in
 * dependency order, with the bundled handler; a failed Create or Update rolls the stack back.
 * The one native resource it deploys is AWS::WorkSpaces::ConnectionAlias, in the local endpoint;
 * other native resources (the provider's function, role and log group) are only listed in the
 * stack. It keeps the stack of its CloudFormationStub's ID in the endpoint's local CloudFormation
 * (status, parameters, template, resources) as CloudFormation would at each step, so a handler
 * that reads its stack sees what it would see. Each deployment's state is its own: two, with
 * stubs of different stack IDs, may deploy at once against one endpoint.
 */
export class LocalDeployment {
  private readonly deployed = new Map<string, Deployed>();
  /** Whether the stack exists (created, not deleted, not rolled back from its creation). */
  private live = false;
  private template: TemplateJson = { Resources: {} };
  private parameters: Record<string, string> = {};

  constructor(
    private readonly endpoint: LocalAwsEndpoint,
    private readonly cfn: CloudFormationStub,
    private readonly handler: Handler,
    /** The Lambda context of an invocation of the function whose logical ID is given (the resource's ServiceToken). */
    private readonly context: (functionId: string) => Context,
    private readonly options: LocalDeploymentOptions = {},
  ) {}

  /** How long the answer of a resource with `properties` is waited for: its ServiceTimeout with `waitServiceTimeout`, else the stub's default. */
  private answerWithinMs(properties: Record<string, unknown>): number | undefined {
    const seconds = Number(properties.ServiceTimeout);
    return this.options.waitServiceTimeout && Number.isFinite(seconds) && seconds > 0 ? seconds * 1_000 : undefined;
  }

  /** The stack's ID: the CloudFormationStub's. */
  public get stackId(): string {
    return this.cfn.stackId;
  }

  /** The stack's status in the local CloudFormation (undefined before the first deploy). */
  public get status(): string | undefined {
    return this.endpoint.cloudformation.stack(this.stackId)?.status;
  }

  private setStatus(status: string): void {
    this.endpoint.cloudformation.setStatus(this.stackId, status);
  }

  /** Always with the type this deployment knows: another deployment may share the stack ID (and replace its record). */
  private setResource(logicalId: string, resource: { type: string; physicalId?: string; status: string }): void {
    this.endpoint.cloudformation.setResource(this.stackId, logicalId, resource);
  }

  /**
   * Deploy a template: a new stack is created (CREATE_IN_PROGRESS, CREATE_COMPLETE); an existing
   * one is updated (UPDATE_IN_PROGRESS while creating and updating, UPDATE_COMPLETE_CLEANUP_IN_PROGRESS
   * while deleting replaced and removed resources, UPDATE_COMPLETE). A failed Create or Update
   * rolls back (see rollBackUpdate and rollBackCreate) unless rollback is off.
   */
  public async deploy(template: TemplateJson, options: DeployOptions = {}): Promise<StepResult[]> {
    const status = this.status;
    if (this.live && status && /(ROLLBACK_FAILED|DELETE_FAILED|_IN_PROGRESS)$/.test(status)) {
      throw new Error(`Stack ${this.stackId} is in ${status} state and can not be updated`);
    }
    const rollback = options.rollback ?? this.options.rollback ?? true;
    const parameters = this.parametersFor(template, options.parameters ?? {});
    const previous = { template: this.template, parameters: this.parameters };
    const isNew = !this.live;
    const cloudformation = this.endpoint.cloudformation;
    if (isNew) {
      // A stack in ROLLBACK_COMPLETE is deleted and created again, as the CDK CLI does (here under the same ID).
      cloudformation.addStack(this.stackId, { status: 'CREATE_IN_PROGRESS', parameters, template: template as unknown as Record<string, unknown> });
    } else {
      cloudformation.setTemplate(this.stackId, template as unknown as Record<string, unknown>, parameters);
      this.setStatus('UPDATE_IN_PROGRESS');
    }
    this.live = true;
    this.template = template;
    this.parameters = parameters;
    this.listOthers(template);

    const results: StepResult[] = [];
    const cleanups: [string, Deployed][] = [];
    const made: Made[] = [];
    const reverts: { logicalId: string; before: Deployed; attempted: Record<string, unknown> }[] = [];
    const wanted = Object.entries(template.Resources).filter(([, r]) => this.handles(r.Type));
    let failure: StepResult | undefined;

    for (const [logicalId, resource] of order(wanted)) {
      const properties = this.resolve(resource.Properties ?? {}) as Record<string, unknown>;
      const before = this.deployed.get(logicalId);
      if (!before) {
        const result = await this.create(logicalId, resource.Type, properties);
        results.push(result);
        const physicalId = result.response?.PhysicalResourceId ?? this.deployed.get(logicalId)?.physicalId;
        if (physicalId) made.push({ logicalId, type: resource.Type, physicalId, properties, kind: 'created' });
        if (failed(result)) {
          failure = result;
          break;
        }
      } else if (JSON.stringify(before.properties) !== JSON.stringify(properties)) {
        const result = await this.update(logicalId, before, properties, 'deploy');
        results.push(result);
        reverts.push({ logicalId, before, attempted: properties });
        if (failed(result)) {
          failure = result;
          break;
        }
        // A native resource (a schedule) keeps its physical ID here.
        const physicalId = result.response?.PhysicalResourceId ?? before.physicalId;
        if (physicalId !== before.physicalId) {
          cleanups.push([logicalId, before]);
          made.push({ logicalId, type: before.type, physicalId, properties, kind: 'replacement' });
        }
      }
    }

    if (failure && !rollback) {
      this.setStatus(isNew ? 'CREATE_FAILED' : 'UPDATE_FAILED');
      return results;
    }
    if (failure && isNew) {
      results.push(...await this.rollBackCreate(made));
      return results;
    }
    if (failure) {
      results.push(...await this.rollBackUpdate(previous, reverts, made));
      return results;
    }
    if (isNew) {
      this.setStatus('CREATE_COMPLETE');
      return results;
    }

    // CloudFormation's cleanup phase: replaced resources, then removed ones, dependents first. A
    // failed Delete does not fail the update: the old resource is left as it is, and forgotten.
    // Replaced and removed resources together, dependents first by the previous template (a removed
    // bundle before the replaced copy it used), as CloudFormation deletes them.
    this.setStatus('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    const removed = [...this.deployed.entries()].filter(([id]) => !(id in template.Resources)).reverse();
    const items = [...cleanups.map(c => [...c, false] as const), ...removed.map(r => [...r, true] as const)];
    const doomed = dependentsFirst(items, dependencies(previous.template));
    for (const [logicalId, old, ofLogical] of doomed) {
      results.push(await this.remove(logicalId, old, 'cleanup', ofLogical));
      if (!ofLogical) continue;
      this.deployed.delete(logicalId);
      cloudformation.removeResource(this.stackId, logicalId);
    }
    this.unlistOthers(template);
    this.setStatus('UPDATE_COMPLETE');
    return results;
  }

  /**
   * The rollback of a failed update: UPDATE_ROLLBACK_IN_PROGRESS (the previous template and
   * parameters back) while each resource the update changed, the failed one included, gets an
   * Update back to its old properties (with its old physical ID, OldResourceProperties the new
   * ones), latest first; then UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS while what the update
   * made is deleted (new resources, the failed Create's with the physical ID its FAILED answer
   * reported, and the new physical resources of replacements), failures ignored; then UPDATE_ROLLBACK_COMPLETE.
   * A failed rollback Update stops it in UPDATE_ROLLBACK_FAILED.
   */
  private async rollBackUpdate(
    previous: { template: TemplateJson; parameters: Record<string, string> },
    reverts: { logicalId: string; before: Deployed; attempted: Record<string, unknown> }[],
    made: Made[],
  ): Promise<StepResult[]> {
    const results: StepResult[] = [];
    const cloudformation = this.endpoint.cloudformation;
    this.setStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    cloudformation.setTemplate(this.stackId, previous.template as unknown as Record<string, unknown>, previous.parameters);
    this.template = previous.template;
    this.parameters = previous.parameters;
    this.listOthers(previous.template);
    for (const { logicalId, before, attempted } of [...reverts].reverse()) {
      const result = await this.update(logicalId, { ...before, properties: attempted }, before.properties, 'rollback', before);
      results.push(result);
      if (failed(result)) {
        this.setStatus('UPDATE_ROLLBACK_FAILED');
        return results;
      }
    }
    this.setStatus('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    for (const m of [...made].reverse()) {
      const resource: Deployed = { type: m.type, physicalId: m.physicalId, properties: m.properties, attributes: {} };
      results.push(await this.remove(m.logicalId, resource, 'rollback-cleanup', m.kind === 'created'));
      if (m.kind === 'created') {
        this.deployed.delete(m.logicalId);
        cloudformation.removeResource(this.stackId, m.logicalId);
      }
    }
    this.unlistOthers(previous.template);
    this.setStatus('UPDATE_ROLLBACK_COMPLETE');
    return results;
  }

  /**
   * The rollback of a failed stack creation: ROLLBACK_IN_PROGRESS while what was created is
   * deleted, latest first (the failed resource with the physical ID its FAILED answer reported),
   * then ROLLBACK_COMPLETE (ROLLBACK_FAILED if a Delete failed). The stack can then only be
   * deleted; the next deploy() creates it again.
   */
  private async rollBackCreate(made: Made[]): Promise<StepResult[]> {
    const results: StepResult[] = [];
    this.setStatus('ROLLBACK_IN_PROGRESS');
    for (const m of [...made].reverse()) {
      const result = await this.remove(m.logicalId, { type: m.type, physicalId: m.physicalId, properties: m.properties, attributes: {} }, 'rollback', false);
      results.push(result);
      this.setResource(m.logicalId, { type: m.type, status: failed(result) ? 'DELETE_FAILED' : 'DELETE_COMPLETE' });
      if (!failed(result)) this.deployed.delete(m.logicalId);
    }
    const rolledBack = results.every(r => !failed(r));
    this.markOthers(rolledBack ? 'DELETE_COMPLETE' : undefined);
    this.setStatus(rolledBack ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED');
    if (rolledBack) this.live = false;
    return results;
  }

  /**
   * Delete the stack: DELETE_IN_PROGRESS while every deployed resource is deleted, dependents
   * first, then DELETE_COMPLETE (the stack still answers by ID, its resources DELETE_COMPLETE).
   * A failed Delete leaves the stack in DELETE_FAILED with that resource, and the resources it
   * depends on, still deployed (a later destroy() tries them again).
   */
  public async destroy(): Promise<StepResult[]> {
    if (!this.live) {
      // A stack rolled back from its creation has nothing left to delete.
      if (this.status === 'ROLLBACK_COMPLETE') {
        this.setStatus('DELETE_IN_PROGRESS');
        this.setStatus('DELETE_COMPLETE');
      }
      return [];
    }
    const results: StepResult[] = [];
    this.setStatus('DELETE_IN_PROGRESS');
    const references = dependencies(this.template);
    const kept = new Set<string>();
    for (const [logicalId, old] of this.dependentsFirst()) {
      // CloudFormation does not delete a resource while one that depends on it is still there.
      if ([...kept].some(id => references(id).includes(logicalId))) {
        kept.add(logicalId);
        continue;
      }
      const result = await this.remove(logicalId, old, 'delete', false);
      results.push(result);
      if (failed(result)) {
        kept.add(logicalId);
        this.setResource(logicalId, { type: old.type, status: 'DELETE_FAILED' });
      } else {
        this.setResource(logicalId, { type: old.type, status: 'DELETE_COMPLETE' });
        this.deployed.delete(logicalId);
      }
    }
    if (kept.size > 0) {
      this.setStatus('DELETE_FAILED');
      return results;
    }
    this.markOthers('DELETE_COMPLETE');
    this.setStatus('DELETE_COMPLETE');
    this.live = false;
    this.template = { Resources: {} };
    this.parameters = {};
    return results;
  }

  /**
   * `cdk refactor --unstable=refactor`: move deployed resources to new logical IDs (`moves`, old
   * to new) without any event to their handlers, keeping their physical IDs; the stack's template
   * becomes `template`. As CloudFormation's stack refactoring (and the CDK CLI before it), it
   * refuses when anything but the logical IDs differs: `template` must be the deployed template
   * with the moved IDs renamed (in keys, Ref, Fn::GetAtt and DependsOn), every property the same
   * but `aws:cdk:path` metadata, or it throws naming the resources that differ, changing nothing.
   */
  public refactor(template: TemplateJson, moves: Record<string, string>): void {
    if (!this.live || !['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'].includes(this.status ?? '')) {
      throw new Error(`Stack ${this.stackId} is in ${this.status ?? 'no'} state and can not be refactored`);
    }
    const expected = canonical(renamedTemplate(this.template, moves));
    const given = canonical(template);
    const ids = new Set([...Object.keys(expected.Resources), ...Object.keys(given.Resources)]);
    const differ = [...ids].filter(id => JSON.stringify(expected.Resources[id]) !== JSON.stringify(given.Resources[id]));
    if (differ.length > 0 || JSON.stringify(expected.Parameters) !== JSON.stringify(given.Parameters)) {
      throw new Error(`A refactor may not add, delete or modify resources; these differ: ${differ.join(', ') || 'the parameters'}`);
    }
    const cloudformation = this.endpoint.cloudformation;
    const stack = cloudformation.stack(this.stackId)!;
    for (const [from, to] of Object.entries(moves)) {
      const listed = stack.resources.get(from);
      if (!listed) throw new Error(`the stack has no resource ${from} to move`);
      cloudformation.removeResource(this.stackId, from);
      cloudformation.setResource(this.stackId, to, { type: listed.type, physicalId: listed.physicalId, status: listed.status });
      const deployed = this.deployed.get(from);
      this.deployed.delete(from);
      if (deployed) this.deployed.set(to, deployed);
    }
    this.template = template;
    cloudformation.setTemplate(this.stackId, template as unknown as Record<string, unknown>);
    this.setStatus('UPDATE_COMPLETE');
  }

  /**
   * The deployed resources, latest first, except that a resource comes before those it references,
   * as CloudFormation deletes them (the order they were made in does not say it after a rename: a
   * renamed resource is made after the resources that reference it).
   */
  private dependentsFirst(): [string, Deployed][] {
    return dependentsFirst([...this.deployed.entries()].reverse(), dependencies(this.template));
  }

  private handles(type: string): boolean {
    return type.startsWith('Custom::') || type === 'AWS::WorkSpaces::ConnectionAlias' || type === SCHEDULE;
  }

  /**
   * Put a schedule into the local EventBridge Scheduler, under the name CloudFormation would
   * generate, or under `name` (an update keeps the schedule's name, even after a refactor moved it).
   */
  private putSchedule(logicalId: string, properties: Record<string, any>, name = `${this.endpoint.cloudformation.stack(this.stackId)!.stackName}-${logicalId}-LOCAL`): Deployed {
    const target = properties.Target ?? {};
    this.endpoint.scheduler.put({
      name,
      scheduleExpression: String(properties.ScheduleExpression),
      state: String(properties.State ?? 'ENABLED'),
      target: { arn: String(target.Arn), roleArn: String(target.RoleArn), input: String(target.Input) },
    });
    return { type: SCHEDULE, physicalId: name, properties, attributes: { Arn: `arn:aws:scheduler:${process.env.AWS_REGION}:${this.endpoint.accountId}:schedule/default/${name}` } };
  }

  /** List the native resources this deployment does not deploy (the provider's function, role, …) in the stack. */
  private listOthers(template: TemplateJson): void {
    const stack = this.endpoint.cloudformation.stack(this.stackId)!;
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (this.handles(resource.Type) || stack.resources.has(logicalId)) continue;
      this.setResource(logicalId, { type: resource.Type, physicalId: `${stack.stackName}-${logicalId}-LOCAL`, status: 'CREATE_COMPLETE' });
    }
  }

  /** Take the native resources a template no longer has off the stack. */
  private unlistOthers(template: TemplateJson): void {
    const stack = this.endpoint.cloudformation.stack(this.stackId)!;
    for (const [logicalId, resource] of [...stack.resources.entries()]) {
      if (!this.handles(resource.type) && !(logicalId in template.Resources)) this.endpoint.cloudformation.removeResource(this.stackId, logicalId);
    }
  }

  private markOthers(status: string | undefined): void {
    if (!status) return;
    const stack = this.endpoint.cloudformation.stack(this.stackId)!;
    for (const [logicalId, resource] of stack.resources) {
      if (!this.handles(resource.type)) this.setResource(logicalId, { type: resource.type, status });
    }
  }

  /** The stack's parameter values: given, else previous, else the Default; CloudFormation's errors for unknown or missing ones. */
  private parametersFor(template: TemplateJson, given: Record<string, string | readonly string[]>): Record<string, string> {
    const declared = template.Parameters ?? {};
    const unknown = Object.keys(given).filter(key => !(key in declared));
    if (unknown.length > 0) throw new Error(`Parameters: [${unknown.join(', ')}] do not exist in the template`);
    const values: Record<string, string> = {};
    const missing: string[] = [];
    for (const [key, parameter] of Object.entries(declared)) {
      const value = given[key] ?? this.parameters[key] ?? parameter.Default;
      if (value === undefined) missing.push(key);
      else values[key] = typeof value === 'string' ? value : value.join(',');
    }
    if (missing.length > 0) throw new Error(`Parameters: [${missing.join(', ')}] must have values`);
    return values;
  }

  private async create(logicalId: string, type: string, properties: Record<string, unknown>): Promise<StepResult> {
    if (type === SCHEDULE) {
      const schedule = this.putSchedule(logicalId, properties);
      this.deployed.set(logicalId, schedule);
      this.setResource(logicalId, { type, physicalId: schedule.physicalId, status: 'CREATE_COMPLETE' });
      return { logicalId, type, action: 'Create', phase: 'deploy' };
    }
    if (type === 'AWS::WorkSpaces::ConnectionAlias') {
      const aliasId = this.endpoint.aliases.createAlias(String(properties.ConnectionString));
      this.deployed.set(logicalId, { type, physicalId: aliasId, properties, attributes: { AliasId: aliasId } });
      this.setResource(logicalId, { type, physicalId: aliasId, status: 'CREATE_COMPLETE' });
      return { logicalId, type, action: 'Create', phase: 'deploy' };
    }
    this.setResource(logicalId, { type, physicalId: undefined, status: 'CREATE_IN_PROGRESS' });
    const event = this.cfn.createEvent(type, logicalId, properties);
    const response = await this.cfn.invoke(this.handler, event, this.context(functionOf(properties)), this.answerWithinMs(properties));
    if (response.Status === 'SUCCESS') {
      this.deployed.set(logicalId, { type, physicalId: response.PhysicalResourceId, properties, attributes: response.Data });
    }
    this.setResource(logicalId, { type, physicalId: response.PhysicalResourceId, status: response.Status === 'SUCCESS' ? 'CREATE_COMPLETE' : 'CREATE_FAILED' });
    return { logicalId, type, action: 'Create', phase: 'deploy', response };
  }

  /**
   * An Update from `current` (physical ID, old properties) to `properties`. A rollback's names the
   * physical ID the resource had before the failed update (`restore`), and on success puts it back.
   */
  private async update(
    logicalId: string, current: Deployed, properties: Record<string, unknown>, phase: Phase, restore?: Deployed,
  ): Promise<StepResult> {
    if (current.type === SCHEDULE) {
      const schedule = this.putSchedule(logicalId, properties, current.physicalId);
      this.deployed.set(logicalId, schedule);
      this.setResource(logicalId, { type: SCHEDULE, physicalId: schedule.physicalId, status: 'UPDATE_COMPLETE' });
      return { logicalId, type: SCHEDULE, action: 'Update', phase, physicalId: current.physicalId };
    }
    const event = this.cfn.updateEvent(current.type, logicalId, current.physicalId, properties, current.properties);
    this.setResource(logicalId, { type: current.type, physicalId: current.physicalId, status: 'UPDATE_IN_PROGRESS' });
    const response = await this.cfn.invoke(this.handler, event, this.context(functionOf(properties)), this.answerWithinMs(properties));
    if (response.Status === 'SUCCESS') {
      // A rollback's answer without Data keeps the attributes the resource had before the failed update.
      const attributes = restore && Object.keys(response.Data ?? {}).length === 0 ? restore.attributes : response.Data;
      this.deployed.set(logicalId, { type: current.type, physicalId: response.PhysicalResourceId, properties, attributes });
      this.setResource(logicalId, { type: current.type, physicalId: response.PhysicalResourceId, status: 'UPDATE_COMPLETE' });
    } else {
      this.setResource(logicalId, { type: current.type, status: 'UPDATE_FAILED' });
    }
    return { logicalId, type: current.type, action: 'Update', phase, physicalId: current.physicalId, response };
  }

  /**
   * A Delete of one physical resource. `ofLogical`: the logical resource goes with it (a removed
   * or rolled-back new resource, DELETE_IN_PROGRESS meanwhile); else it is a replaced physical
   * resource (cleanup) or the stack's (delete and rollback set the status after).
   */
  private async remove(logicalId: string, old: Deployed, phase: Phase, ofLogical: boolean): Promise<StepResult> {
    const step = { logicalId, type: old.type, action: 'Delete' as const, phase, physicalId: old.physicalId };
    const stack = this.endpoint.cloudformation.stack(this.stackId);
    if (ofLogical || phase === 'delete' || phase === 'rollback') {
      if (stack?.resources.has(logicalId)) this.setResource(logicalId, { type: old.type, physicalId: old.physicalId, status: 'DELETE_IN_PROGRESS' });
    }
    if (old.type === SCHEDULE) {
      this.endpoint.scheduler.remove(old.physicalId);
      return step;
    }
    if (old.type === 'AWS::WorkSpaces::ConnectionAlias') {
      // Through the API's own rules: refused while the alias is still shared or associated.
      try {
        this.endpoint.aliases.operations().DeleteConnectionAlias({ AliasId: old.physicalId }, this.endpoint.accountId);
        return step;
      } catch (error) {
        return { ...step, error: (error as { code?: string }).code ?? String(error) };
      }
    }
    const event = this.cfn.deleteEvent(old.type, logicalId, old.physicalId, old.properties);
    const response = await this.cfn.invoke(this.handler, event, this.context(functionOf(old.properties)), this.answerWithinMs(old.properties));
    return { ...step, response };
  }

  /** Resolve Ref (to resources and parameters) and Fn::GetAtt against this deployment; leave everything else. */
  private resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(v => this.resolve(v));
    if (value && typeof value === 'object') {
      const entries = Object.entries(value);
      if (entries.length === 1 && entries[0][0] === 'Ref' && this.deployed.has(String(entries[0][1]))) {
        return this.deployed.get(String(entries[0][1]))!.physicalId;
      }
      if (entries.length === 1 && entries[0][0] === 'Ref' && String(entries[0][1]) in this.parameters) {
        const name = String(entries[0][1]);
        const type = this.template.Parameters?.[name]?.Type ?? 'String';
        const parameter = this.parameters[name];
        // CommaDelimitedList and List<…> parameters are lists; every other type is its string.
        return type === 'CommaDelimitedList' || type.startsWith('List<') ? (parameter === '' ? [] : parameter.split(',')) : parameter;
      }
      if (entries.length === 1 && entries[0][0] === 'Ref' && entries[0][1] === 'AWS::StackId') return this.stackId;
      // A DynamoDB table this deployment only lists: its name is its logical ID (the test creates it, see local-dynamodb.ts).
      if (entries.length === 1 && entries[0][0] === 'Ref' && this.template.Resources[String(entries[0][1])]?.Type === 'AWS::DynamoDB::Table') {
        return String(entries[0][1]);
      }
      if (entries.length === 1 && entries[0][0] === 'Fn::Join') {
        const [delimiter, parts] = entries[0][1] as [string, unknown];
        const resolved = this.resolve(parts);
        if (Array.isArray(resolved) && resolved.every(p => typeof p === 'string')) return resolved.join(delimiter);
      }
      // The pseudo parameters of an environment-agnostic stack, as CloudFormation fills them in.
      if (entries.length === 1 && entries[0][0] === 'Ref' && entries[0][1] === 'AWS::Region') return process.env.AWS_REGION;
      if (entries.length === 1 && entries[0][0] === 'Ref' && entries[0][1] === 'AWS::Partition') return 'aws';
      if (entries.length === 1 && entries[0][0] === 'Fn::GetAtt') {
        const [id, attribute] = entries[0][1] as [string, string];
        if (this.deployed.has(id)) return this.deployed.get(id)!.attributes[attribute];
        // The ARN of a native resource this deployment only lists (the provider's function, a role).
        const listed = this.template.Resources[id];
        if (listed && attribute === 'Arn' && listed.Type === 'AWS::Lambda::Function') {
          return `arn:aws:lambda:${process.env.AWS_REGION}:${this.endpoint.accountId}:function:${id}`;
        }
        if (listed && attribute === 'Arn' && listed.Type === 'AWS::IAM::Role') return `arn:aws:iam::${this.endpoint.accountId}:role/${id}`;
      }
      return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
    }
    return value;
  }
}

/** A template with logical IDs renamed by `moves`: the resources' keys, and every Ref, Fn::GetAtt and DependsOn naming them. */
function renamedTemplate(template: TemplateJson, moves: Record<string, string>): TemplateJson {
  const id = (name: unknown) => (typeof name === 'string' && name in moves ? moves[name] : name);
  const rename = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rename);
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0][0] === 'Ref') return { Ref: id(entries[0][1]) };
    if (entries.length === 1 && entries[0][0] === 'Fn::GetAtt') {
      const [target, ...rest] = entries[0][1] as unknown[];
      return { 'Fn::GetAtt': [id(target), ...rest] };
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, rename(v)]));
  };
  const resources = Object.entries(template.Resources).map(([logicalId, resource]) => {
    const dependsOn = (resource as { DependsOn?: string | string[] }).DependsOn;
    const renamed = rename(resource) as Record<string, unknown>;
    if (dependsOn !== undefined) renamed.DependsOn = Array.isArray(dependsOn) ? dependsOn.map(id) : id(dependsOn);
    return [id(logicalId) as string, renamed];
  });
  return { ...template, Resources: Object.fromEntries(resources) };
}

/** A template as a refactor compares it: keys sorted, resources without their `aws:cdk:path` metadata. */
function canonical(template: TemplateJson): { Resources: Record<string, unknown>; Parameters: unknown } {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(Object.keys(value).sort().map(k => [k, sorted((value as Record<string, unknown>)[k])]));
  };
  const resources = Object.entries(template.Resources).map(([logicalId, resource]) => {
    const { Metadata, DependsOn, ...rest } = resource as TemplateResource & { Metadata?: Record<string, unknown>; DependsOn?: string | string[] };
    const { 'aws:cdk:path': _path, ...metadata } = Metadata ?? {};
    // DependsOn is a set: the CDK sorts it by logical ID, so a rename may reorder it.
    const dependsOn = DependsOn === undefined ? {} : { DependsOn: [DependsOn].flat().sort() };
    return [logicalId, sorted({ ...rest, ...dependsOn, ...(Object.keys(metadata).length > 0 ? { Metadata: metadata } : {}) })];
  });
  return { Resources: Object.fromEntries(resources), Parameters: sorted(template.Parameters ?? {}) };
}

/** For each logical ID of a template, the logical IDs it references (Ref, Fn::GetAtt, DependsOn). */
function dependencies(template: TemplateJson): (logicalId: string) => string[] {
  return logicalId => {
    const resource = template.Resources[logicalId] as (TemplateResource & { DependsOn?: string | string[] }) | undefined;
    if (!resource) return [];
    const refs = [...JSON.stringify(resource.Properties ?? {}).matchAll(/"(?:Ref|Fn::GetAtt)":\s*(?:\[\s*)?"([^"]+)"/g)].map(m => m[1]);
    return [...refs, ...[resource.DependsOn ?? []].flat()];
  };
}

/** Items by logical ID, in their order except that one another item references comes after it (a stable topological order). */
function dependentsFirst<T extends readonly [string, ...unknown[]]>(items: T[], references: (logicalId: string) => string[]): T[] {
  const remaining = [...items];
  const sorted: T[] = [];
  while (remaining.length > 0) {
    const free = remaining.findIndex(([id]) => !remaining.some(([other]) => other !== id && references(other).includes(id)));
    sorted.push(remaining.splice(Math.max(free, 0), 1)[0]);
  }
  return sorted;
}

/** The logical ID of the function a custom resource's ServiceToken (`Fn::GetAtt [id, Arn]`) names. */
function functionOf(properties: Record<string, unknown>): string {
  const token = properties.ServiceToken as { 'Fn::GetAtt'?: [string, string] } | string | undefined;
  // Resolved, it is the ARN LocalDeployment gives a listed function (its name is its logical ID).
  if (typeof token === 'string') return /:function:([^:]+)$/.exec(token)?.[1] ?? 'unknown';
  return token?.['Fn::GetAtt']?.[0] ?? 'unknown';
}

/** The type of the schedules of drift checks, which LocalDeployment deploys into the local EventBridge Scheduler. */
const SCHEDULE = 'AWS::Scheduler::Schedule';

/** Resources that others reference or depend on come first (enough for the templates of this library). */
function order(resources: [string, TemplateResource][]): [string, TemplateResource][] {
  const ids = new Set(resources.map(([id]) => id));
  const references = (resource: TemplateResource & { DependsOn?: string | string[] }) =>
    [...[...JSON.stringify(resource.Properties ?? {}).matchAll(/"(?:Ref|Fn::GetAtt)":\s*(?:\[\s*)?"([^"]+)"/g)].map(m => m[1]), ...[resource.DependsOn ?? []].flat()]
      .filter(id => ids.has(id));
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
