import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/** What a share's Delete does to its shares: undo them, or keep them and release the resource. */
export type ShareRemovalPolicy = 'destroy' | 'retain';

/**
 * The RemovalPolicy property of an image or alias share, 'destroy' when absent (resources deployed
 * before it existed); a bad value is added to `problems`.
 */
export function readRemovalPolicy(properties: Record<string, unknown> | undefined, problems: string[]): ShareRemovalPolicy {
  const value = properties?.RemovalPolicy ?? 'destroy';
  if (value === 'destroy' || value === 'retain') return value;
  problems.push(`RemovalPolicy ${JSON.stringify(value)} is neither "retain" nor "destroy"`);
  return 'destroy';
}

/**
 * The physical ID a Create of a RETAIN share answers when it fails: it names the resource for the
 * reader, and tells the Delete that CloudFormation sends next to undo what the Create shared.
 */
export function failedCreateIdOf(resourceId: string): string {
  return `${resourceId}:create-failed`;
}

/** Whether a Delete keeps the shares: RETAIN, except after a Create that failed, which is undone. */
export function keepsShares(policy: ShareRemovalPolicy, resourceId: string, event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }): boolean {
  return policy === 'retain' && event.PhysicalResourceId !== failedCreateIdOf(resourceId);
}
