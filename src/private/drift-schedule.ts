import { Aws, CfnResource, CustomResource, Duration, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { IConstruct } from 'constructs';
import { synthError } from './validate';
import {
  DRIFT_CHECK_KEY, DRIFT_DIMENSIONS, DriftActionValue, DRIFT_NAMESPACE, MAX_DRIFT_INTERVAL_MINUTES, MIN_DRIFT_INTERVAL_MINUTES,
} from '../contract/drift';
import { DriftAction, DriftCheck } from '../drift-check';
import type { SharingProvider } from '../sharing-provider';

/** The enum's values, which the wire contract's drift actions must hold: one missing there fails to compile. */
const DRIFT_ACTION_VALUES: readonly DriftActionValue[] = Object.values(DriftAction);

/** A drift check with its defaults applied and its values checked. */
export interface ResolvedDriftCheck {
  readonly intervalMinutes: number;
  readonly action: DriftAction;
}

/** The longest default period of the drift metrics: CloudWatch alarms evaluate at most a day. */
const MAX_METRIC_PERIOD_MINUTES = 24 * 60;

/** Check a construct's `driftCheck` at synth: an error naming the construct and the bad value. */
export function resolveDriftCheck(scope: IConstruct, check: DriftCheck | undefined): ResolvedDriftCheck | undefined {
  if (check === undefined) return undefined;
  if (check === null || typeof check !== 'object' || Array.isArray(check)) {
    throw synthError(scope, `driftCheck must be an object such as { interval: Duration.hours(1), action: DriftAction.REPORT }, got ${JSON.stringify(check)}`);
  }
  const interval = check.interval ?? Duration.hours(1);
  if (!(interval instanceof Duration)) throw synthError(scope, `driftCheck.interval must be a Duration, such as Duration.hours(1), got ${JSON.stringify(interval)}`);
  if (interval.isUnresolved()) throw synthError(scope, 'driftCheck.interval must be a literal Duration: the schedule\'s rate is written at synth');
  const seconds = interval.toSeconds();
  if (seconds % 60 !== 0) {
    // As written (Duration.minutes(90.5)), not rounded for humans ("1 hour 30 minutes" hides the fraction).
    const [below, above] = [Math.floor(seconds / 60), Math.ceil(seconds / 60)];
    throw synthError(scope, `driftCheck.interval must be whole minutes, got ${interval.toString()} (${seconds} seconds): `
      + `write Duration.minutes(${below})${below === above || below === 0 ? '' : ` or Duration.minutes(${above})`}, at least ${MIN_DRIFT_INTERVAL_MINUTES} minutes`);
  }
  const minutes = seconds / 60;
  if (minutes < MIN_DRIFT_INTERVAL_MINUTES) {
    throw synthError(scope, `driftCheck.interval must be at least ${MIN_DRIFT_INTERVAL_MINUTES} minutes, got ${interval.toHumanString()}: `
      + 'an invocation lasts up to 15 minutes, and two checks of one construct must not overlap');
  }
  if (minutes > MAX_DRIFT_INTERVAL_MINUTES) {
    throw synthError(scope, `driftCheck.interval must be at most ${MAX_DRIFT_INTERVAL_MINUTES / 1440} days, got ${interval.toHumanString()}`);
  }
  const action = check.action ?? DriftAction.REPORT;
  if (!DRIFT_ACTION_VALUES.includes(action)) {
    throw synthError(scope, `driftCheck.action must be one of ${DRIFT_ACTION_VALUES.join(', ')}, got ${JSON.stringify(action)}`);
  }
  return { intervalMinutes: minutes, action };
}

/** The schedule expression of an interval in whole minutes: `rate(1 hour)`, `rate(90 minutes)`, `rate(2 days)`. */
export function rateExpression(minutes: number): string {
  const [value, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return `rate(${value} ${unit}${value === 1 ? '' : 's'})`;
}

/**
 * The JSON text of `value` with each string token spliced in as CloudFormation resolves it
 * (Fn::Join), so that no token needs aws-cdk-lib's JSON-stringify custom resource. The values
 * this library splices (IDs, account IDs, a stack ID) hold no character JSON would escape.
 */
function jsonWithTokens(value: Record<string, unknown>): string {
  const tokens: string[] = [];
  const marked = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'string' || !Token.isUnresolved(v)) return v;
    tokens.push(v);
    return `\u0000${tokens.length - 1}\u0000`;
  });
  const pieces = marked.split(/\\u0000(\d+)\\u0000/).map((piece, i) => (i % 2 === 1 ? tokens[Number(piece)] : piece));
  return tokens.length === 0 ? marked : Fn.join('', pieces);
}

/** A list as one comma-separated string: a list token as CloudFormation joins it, an empty literal list as ''. */
function listText(list: string[]): string {
  return !Token.isUnresolved(list) && list.length === 0 ? '' : Fn.join(',', list);
}

/**
 * The schedule of one construct's drift check: every interval, the provider's function gets the
 * check's input (lambda/drift/check.ts), with the declaration written with the same values (and
 * tokens) as the custom resource's properties, so CloudFormation resolves both alike; lists are
 * written as one comma-separated string (13 bytes per account ID). `declaration` is read at
 * synth, after every `addAccount()`. The schedule depends on the resource: CloudFormation creates
 * it after the resource, and deletes it before the resource's Delete undoes the share.
 */
export function scheduleDriftCheck(
  scope: IConstruct, provider: SharingProvider, resource: CustomResource, check: ResolvedDriftCheck,
  declaration: () => Record<string, string | string[]>,
): scheduler.CfnSchedule {
  const cfn = resource.node.defaultChild as CfnResource;
  const input = Lazy.string({
    produce: () => jsonWithTokens({
      [DRIFT_CHECK_KEY]: 1,
      ResourceType: cfn.cfnResourceType,
      StackId: Aws.STACK_ID,
      // The resource's Ref, never its logical ID: `cdk refactor` moves a resource only when no
      // property of it or of the resources that depend on it changes, and its digest replaces
      // every Ref by a placeholder (docs/renaming.md).
      PhysicalResourceId: resource.ref,
      Action: check.action,
      Declaration: Object.fromEntries(Object.entries(declaration()).map(([key, value]) =>
        [key, typeof value === 'string' ? value : listText(value)])),
    }),
  });
  const schedule = new scheduler.CfnSchedule(scope, 'DriftCheck', {
    description: `cdk-cross-account-sharing: ${check.action} drift check of ${cfn.cfnResourceType}`,
    scheduleExpression: rateExpression(check.intervalMinutes),
    flexibleTimeWindow: { mode: 'OFF' },
    state: 'ENABLED',
    target: {
      arn: provider.function.functionArn,
      roleArn: provider._driftCheckRole().roleArn,
      input,
      // A check that cannot be delivered within 15 minutes waits for the next one.
      retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 900 },
    },
  });
  schedule.node.addDependency(resource);
  return schedule;
}

/**
 * A metric the drift checks of a construct publish (lambda/drift/report.ts writes them in the
 * embedded metric format), by default over one check interval (a day at most).
 */
export function driftMetric(
  scope: IConstruct, resource: CustomResource, check: ResolvedDriftCheck | undefined, metricName: string, statistic: string,
  props?: cloudwatch.MetricOptions,
): cloudwatch.Metric {
  if (!check) throw synthError(scope, `${metricName} is published only by a drift check: give the construct a driftCheck`);
  return new cloudwatch.Metric({
    namespace: DRIFT_NAMESPACE,
    metricName,
    // The physical ID (Ref), not the logical ID: a rename changes neither the metric nor its alarms.
    dimensionsMap: { [DRIFT_DIMENSIONS.stack]: Stack.of(scope).stackName, [DRIFT_DIMENSIONS.resource]: resource.ref },
    statistic,
    period: Duration.minutes(Math.min(check.intervalMinutes, MAX_METRIC_PERIOD_MINUTES)),
    ...props,
  }).attachTo(scope);
}
