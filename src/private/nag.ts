import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A resource as cdk-nag names it in a finding: the resolved value flattened, with `<AWS::Region>`
 * for a `Ref` and Fn::Join's parts joined (only the forms `Stack.formatArn` produces).
 */
function flattened(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as { 'Fn::Join'?: [string, unknown[]]; 'Ref'?: unknown };
  if (node['Fn::Join']) return node['Fn::Join'][1].map(flattened).join(node['Fn::Join'][0]);
  if (node.Ref !== undefined) return `<${flattened(node.Ref)}>`;
  return JSON.stringify(value);
}

/** The resource part of cdk-nag's AwsSolutions-IAM5 finding for an ARN of `scope`'s stack, `Resource::arn:<AWS::Partition>:…`. */
export function wildcardArnFinding(scope: IConstruct, arn: string): string {
  return `Resource::${flattened(Stack.of(scope).resolve(arn))}`;
}

/**
 * Acknowledge cdk-nag 3's AwsSolutions-IAM5 finding `finding` (as `wildcardArnFinding` names it)
 * on `scope`. The finding's ID holds the ARN, whose pseudo parameters (`<AWS::Partition>`) make
 * `Validations.acknowledge()` reject it (it allows one `::` in an ID), so the acknowledgement is
 * written as the metadata that method writes, under its public key, which cdk-nag 3 reads.
 */
export function acknowledgeFinding(scope: IConstruct, finding: string, reason: string): void {
  scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [`AwsSolutions-IAM5[${finding}]`]: reason });
}
