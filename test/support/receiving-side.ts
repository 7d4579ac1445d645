/**
 * What the template tests of the receiving side's constructs share: the receiving stack's
 * environment, the IDs it names and its share policy's statements.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { onlyResource } from './template';

export const ENV = { account: '210987654321', region: 'eu-west-1' };
export const SOURCE = 'wsi-golden1234';
export const ALIAS = 'wsca-abc12345de';
export const DIRECTORY = 'd-9067a1b2c3';

/** The share policy's statements of the stack. */
export function statements(stack: Stack): any[] {
  return onlyResource(Template.fromStack(stack), 'AWS::IAM::Policy', 'SharePolicy').resource.Properties.PolicyDocument.Statement;
}
