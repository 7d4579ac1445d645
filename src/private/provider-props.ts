import { Duration, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { shown, synthError } from './validate';
import type { SharingProviderProps } from '../sharing-provider';

/** Lambda's memory range, in MiB. */
const MEMORY_MIB = { min: 128, max: 10_240 };

/**
 * The shortest invocation timeout: an invocation stops starting calls a tenth of it before its
 * end, and waits poll every 15 seconds, so a minute leaves room for a poll and a write per hop.
 */
const TIMEOUT_SECONDS = { min: 60, max: 900 };

/**
 * The oldest Node.js major the handler runs on: the bundle's esbuild target (node20 in
 * .projenrc.ts). A `runtime` older than that could meet syntax or APIs the bundle uses.
 */
export const OLDEST_HANDLER_NODE_MAJOR = 20;

/** The major version of a Node.js runtime (`nodejs24.x` is 24), or undefined for another family or a name it cannot read. */
export function nodeMajorOf(runtime: lambda.Runtime): number | undefined {
  if (runtime.family !== lambda.RuntimeFamily.NODEJS || Token.isUnresolved(runtime.name)) return undefined;
  const match = /^nodejs(\d+)\./.exec(runtime.name);
  return match ? Number(match[1]) : undefined;
}

/**
 * The provider's runtime when none is given: the newest Node.js runtime the app's aws-cdk-lib
 * knows. `determineLatestNodeRuntime` alone does not do: it reads a regional fact that lags the
 * runtimes aws-cdk-lib lists (aws-cdk-lib 2.278 lists nodejs26.x and still answers nodejs24.x),
 * and cdk-nag's AwsSolutions-L1 compares a function's runtime with the newest of that list
 * (`Runtime.ALL`), so the provider takes the newer of the two.
 */
export function newestNodeRuntime(scope: IConstruct): lambda.Runtime {
  const regional = lambda.determineLatestNodeRuntime(scope);
  const listed = lambda.Runtime.ALL.filter(r => !r.isVariable && nodeMajorOf(r) !== undefined);
  return listed.reduce((newest, r) => ((nodeMajorOf(r) ?? 0) > (nodeMajorOf(newest) ?? 0) ? r : newest), regional);
}

/**
 * Synth-time checks of a provider's props whose values are known (tokens are left to
 * CloudFormation and Lambda), each naming the prop and the value and saying what would do.
 */
export function checkProviderProps(scope: IConstruct, props: SharingProviderProps): void {
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    throw synthError(scope, `props must be an object (or omitted), got ${JSON.stringify(props)}`);
  }
  const { memorySize, timeout, vpc, vpcSubnets, securityGroups, logGroup, logRetention } = props;
  checkRuntime(scope, props.runtime);

  if (memorySize !== undefined && !Token.isUnresolved(memorySize)
    && (!Number.isInteger(memorySize) || memorySize < MEMORY_MIB.min || memorySize > MEMORY_MIB.max)) {
    throw synthError(scope, `memorySize must be a whole number of MiB from ${MEMORY_MIB.min} to ${MEMORY_MIB.max}, got ${JSON.stringify(memorySize)}`);
  }

  if (timeout !== undefined) {
    if (!(timeout instanceof Duration)) throw synthError(scope, `timeout must be a Duration, such as Duration.minutes(5), got ${JSON.stringify(timeout)}`);
    if (!timeout.isUnresolved()) {
      const seconds = timeout.toSeconds();
      if (seconds < TIMEOUT_SECONDS.min || seconds > TIMEOUT_SECONDS.max) {
        throw synthError(scope, `timeout must be from 1 to 15 minutes, got ${timeout.toHumanString()}: `
          + 'work that takes longer goes on in new invocations, so a short timeout costs only hand-overs, and Lambda allows at most 15 minutes');
      }
    }
  }

  // Callers without types (plain JavaScript) may pass IDs where constructs belong: say what to write.
  if (vpc !== undefined && !hasMethod(vpc, 'selectSubnets')) {
    throw synthError(scope, `vpc must be an ec2.IVpc, got ${shown(vpc)}: for an existing VPC, pass ec2.Vpc.fromLookup(this, 'Vpc', { vpcId: ${idOf(vpc, 'vpc-…')} })`);
  }
  if (securityGroups !== undefined) {
    if (!Array.isArray(securityGroups)) throw synthError(scope, `securityGroups must be a list of ec2.ISecurityGroup, got ${shown(securityGroups)}`);
    securityGroups.forEach((group, i) => {
      if (!hasMethod(group, 'addEgressRule')) {
        throw synthError(scope, `securityGroups[${i}] must be an ec2.ISecurityGroup, got ${shown(group)}: `
          + `for an existing group, pass ec2.SecurityGroup.fromSecurityGroupId(this, 'Group', ${idOf(group, 'sg-…')})`);
      }
    });
  }
  if (logGroup !== undefined && !hasMethod(logGroup, 'grantWrite')) {
    throw synthError(scope, `logGroup must be a logs.ILogGroup, got ${shown(logGroup)}: for an existing log group, pass logs.LogGroup.fromLogGroupName(this, 'Logs', ${idOf(logGroup, 'name')})`);
  }

  if (!vpc) {
    if (vpcSubnets !== undefined) throw synthError(scope, 'vpcSubnets needs vpc: give the VPC the subnets belong to, or drop vpcSubnets');
    if (securityGroups !== undefined && securityGroups.length > 0) {
      throw synthError(scope, 'securityGroups needs vpc: give the VPC the security groups belong to, or drop securityGroups');
    }
  }
  if (securityGroups !== undefined && securityGroups.length === 0) {
    throw synthError(scope, 'securityGroups is empty: give at least one security group, or omit it for a new one that allows all outbound traffic');
  }

  if (logGroup !== undefined && logRetention !== undefined) {
    throw synthError(scope, 'logRetention applies only to the log group the provider creates: set the retention on your logGroup, or drop logGroup');
  }
}

/** A pinned runtime must be Node.js, from the oldest the bundle targets on (a token name is left to Lambda). */
function checkRuntime(scope: IConstruct, runtime: lambda.Runtime | undefined): void {
  if (runtime === undefined) return;
  if (!(runtime instanceof lambda.Runtime)) {
    throw synthError(scope, `runtime must be a lambda.Runtime, such as lambda.Runtime.NODEJS_22_X, got ${shown(runtime)}`);
  }
  if (Token.isUnresolved(runtime.name)) return;
  const major = nodeMajorOf(runtime);
  if (major === undefined || major < OLDEST_HANDLER_NODE_MAJOR) {
    throw synthError(scope, `runtime must be a Node.js runtime from nodejs${OLDEST_HANDLER_NODE_MAJOR}.x on (the handler is JavaScript bundled for Node.js ${OLDEST_HANDLER_NODE_MAJOR}), `
      + `got ${runtime.name}: pin lambda.Runtime.NODEJS_${OLDEST_HANDLER_NODE_MAJOR}_X or newer, or omit runtime for the newest Node.js runtime your aws-cdk-lib knows`);
  }
}

/** Whether a value is an object with the method a construct interface has (an IVpc's selectSubnets, say). */
function hasMethod(value: unknown, method: string): boolean {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[method] === 'function';
}

/** The value to quote in the advice: the string passed, or a placeholder. */
function idOf(value: unknown, placeholder: string): string {
  return typeof value === 'string' ? JSON.stringify(value) : `'${placeholder}'`;
}
