import type { LocalLambda } from './lambda-service';

/** One schedule as LocalDeployment deployed it (an AWS::Scheduler::Schedule, its properties resolved). */
export interface LocalSchedule {
  readonly name: string;
  readonly scheduleExpression: string;
  readonly state: string;
  readonly target: { readonly arn: string; readonly roleArn: string; readonly input: string };
}

/**
 * EventBridge Scheduler's part, for the schedules of the stacks LocalDeployment deploys: it holds
 * them (created, updated, deleted as CloudFormation would) and fires one on request, as the
 * service does when its time comes: an asynchronous Lambda invoke of its target function, with the
 * target's input as the event. No clock: a test fires a schedule when it wants the check to run.
 */
export class LocalScheduler {
  private readonly schedules = new Map<string, LocalSchedule>();
  /** The names of the schedules deleted, in order. */
  public readonly deleted: string[] = [];

  constructor(private readonly lambda: LocalLambda) {}

  public put(schedule: LocalSchedule): void {
    this.schedules.set(schedule.name, schedule);
  }

  public remove(name: string): void {
    if (this.schedules.delete(name)) this.deleted.push(name);
  }

  /** Every schedule there is now. */
  public list(): LocalSchedule[] {
    return [...this.schedules.values()];
  }

  /**
   * Fire a schedule (by name, or the only one there is): queue the asynchronous invocation of its
   * target with its input, and resolve once it, and any invocation it starts, has ended.
   */
  public async fire(name?: string): Promise<Record<string, any>> {
    const schedule = name === undefined ? this.only() : this.schedules.get(name);
    if (!schedule) throw new Error(`no schedule ${name}; there are ${[...this.schedules.keys()].join(', ') || 'none'}`);
    if (schedule.state !== 'ENABLED') throw new Error(`schedule ${schedule.name} is ${schedule.state}`);
    const event = JSON.parse(schedule.target.input) as Record<string, any>;
    this.lambda.enqueue(schedule.target.arn, event);
    await this.lambda.settled();
    return event;
  }

  private only(): LocalSchedule {
    const all = this.list();
    if (all.length !== 1) throw new Error(`fire() without a name needs exactly one schedule; there are ${all.length}`);
    return all[0];
  }
}
