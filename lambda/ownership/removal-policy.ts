import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { failedCreateIdOf } from './failed-create';
import { isRemovalPolicy, REMOVAL_POLICY, RemovalPolicyValue } from '../../src/contract/values';

/**
 * A resource's RemovalPolicy property, `fallback` when absent (resources deployed before it
 * existed); a bad value is added to `problems`.
 */
export function readRemovalPolicy(value: unknown, fallback: RemovalPolicyValue, problems: string[]): RemovalPolicyValue {
  const policy = value ?? fallback;
  if (isRemovalPolicy(policy)) return policy;
  problems.push(`RemovalPolicy ${JSON.stringify(policy)} is neither "${REMOVAL_POLICY.retain}" nor "${REMOVAL_POLICY.destroy}"`);
  return fallback;
}

/** Whether a share's Delete keeps the shares: RETAIN, except after a Create that failed, which is undone. */
export function keepsShares(policy: RemovalPolicyValue, resourceId: string, event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }): boolean {
  return policy === REMOVAL_POLICY.retain && event.PhysicalResourceId !== failedCreateIdOf(resourceId);
}
