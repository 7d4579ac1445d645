import type { DriftFindings } from './subject';
import { DRIFT_DIMENSIONS, DRIFT_METRICS, DRIFT_NAMESPACE, stackNameOf } from '../../src/contract/drift';

/** How a check ended. */
export type DriftStatus = 'IN_SYNC' | 'DRIFTED' | 'REPAIRED' | 'SKIPPED' | 'FAILED';

/** One check's log line, before its metrics are added. */
export interface DriftReport {
  readonly status: DriftStatus;
  readonly resourceType: string;
  readonly stackId: string;
  /** The resource's logical ID, once the check found it in its stack (an older release's input names it). */
  readonly logicalResourceId?: string;
  /** The physical ID the input names: the metrics' resource dimension. */
  readonly physicalResourceId: string;
  readonly action: string;
  readonly findings: DriftFindings;
  /** Why the check acted on nothing (status SKIPPED). */
  readonly skipped?: string;
  /** Why it failed (status FAILED). */
  readonly error?: string;
  readonly fields: Record<string, unknown>;
}

/** Lists in the log line hold at most this many entries; the counts are exact. */
const MAX_LISTED = 100;

const listed = (values: readonly string[]) => (values.length > MAX_LISTED ? [...values.slice(0, MAX_LISTED), `... and ${values.length - MAX_LISTED} more`] : values);

/**
 * The check's one log line, in CloudWatch's embedded metric format: the JSON object is the log
 * event, and its `_aws` member tells CloudWatch Logs to publish the named members as metrics of
 * namespace DRIFT_NAMESPACE with the dimensions StackName and PhysicalResourceId (no PutMetricData call).
 */
export function driftLogLine(report: DriftReport, now = Date.now()): Record<string, unknown> {
  const { findings } = report;
  const skipped = report.status === 'SKIPPED' ? 1 : 0;
  const failed = report.status === 'FAILED' ? 1 : 0;
  const values: Record<string, number> = {
    [DRIFT_METRICS.drift]: findings.missing.length + findings.unexpected.length,
    [DRIFT_METRICS.missing]: findings.missing.length,
    [DRIFT_METRICS.unexpected]: findings.unexpected.length,
    [DRIFT_METRICS.repaired]: findings.repaired.length,
    [DRIFT_METRICS.unshared]: findings.unshared.length,
    [DRIFT_METRICS.skipped]: skipped,
    [DRIFT_METRICS.failed]: failed,
  };
  // A check that skipped or failed before comparing found nothing: it publishes no drift values, only that it skipped or failed.
  const compared = findings.missing.length + findings.unexpected.length > 0 || (report.status !== 'SKIPPED' && report.status !== 'FAILED');
  const published = Object.keys(values).filter(name => compared || name === DRIFT_METRICS.skipped || name === DRIFT_METRICS.failed);
  return {
    level: report.status === 'FAILED' ? 'ERROR' : report.status === 'SKIPPED' ? 'WARN' : 'INFO',
    message: `Drift check ${report.resourceType} ${report.status}`,
    service: 'cdk-cross-account-sharing',
    timestamp: new Date(now).toISOString(),
    resourceType: report.resourceType,
    stackId: report.stackId,
    ...(report.logicalResourceId ? { logicalResourceId: report.logicalResourceId } : {}),
    action: report.action,
    status: report.status,
    ...report.fields,
    missing: listed(findings.missing),
    unexpected: listed(findings.unexpected),
    repaired: listed(findings.repaired),
    unshared: listed(findings.unshared),
    ...(findings.incomplete ? { incomplete: findings.incomplete } : {}),
    ...findings.notes,
    ...(report.skipped ? { skipped: report.skipped } : {}),
    ...(report.error ? { error: report.error } : {}),
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [{
        Namespace: DRIFT_NAMESPACE,
        Dimensions: [[DRIFT_DIMENSIONS.stack, DRIFT_DIMENSIONS.resource]],
        Metrics: published.map(Name => ({ Name, Unit: 'Count' })),
      }],
    },
    [DRIFT_DIMENSIONS.stack]: stackNameOf(report.stackId),
    [DRIFT_DIMENSIONS.resource]: report.physicalResourceId,
    ...Object.fromEntries(published.map(name => [name, values[name]])),
  };
}

/**
 * Write the line to stdout as it is, whatever the function's log level: the metrics come from it.
 * Only POWERTOOLS_LOG_LEVEL=SILENT (the tests') silences it.
 */
export function writeDriftLogLine(line: Record<string, unknown>): void {
  if (process.env.POWERTOOLS_LOG_LEVEL === 'SILENT') return;
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
