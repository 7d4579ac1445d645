import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** A stack in an app, optionally with a known account and Region. */
export function newStack(props: StackProps = {}): Stack {
  return new Stack(new App(), 'TestStack', props);
}

/**
 * The template as JSON with the handler's asset hash replaced: the snapshot follows the
 * template's shape, and a change of handler code alone does not rewrite it (the bundle test
 * checks the asset separately).
 */
export function templateForSnapshot(stack: Stack): unknown {
  const json = JSON.stringify(Template.fromStack(stack).toJSON());
  return JSON.parse(json.replace(/[0-9a-f]{64}\.zip/g, 'HANDLER_ASSET.zip'));
}

/** The single resource of a type (whose logical ID contains `idPart`, if given), with its logical ID. */
export function onlyResource(template: Template, type: string, idPart = ''): { id: string; resource: any } {
  const resources = template.findResources(type);
  const ids = Object.keys(resources).filter(id => id.includes(idPart));
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return { id: ids[0], resource: resources[ids[0]] };
}

/** The statements of the CloudFormation reads an ownership decision makes (src/private/share-grants.ts allowOwnershipReads). */
export const OWNERSHIP_READS = [
  { Effect: 'Allow', Action: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate'], Resource: { Ref: 'AWS::StackId' } },
  {
    Effect: 'Allow',
    Action: ['cloudformation:DescribeStackResource', 'cloudformation:ListStackResources'],
    Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudformation:*:', { Ref: 'AWS::AccountId' }, ':stack/*/*']] },
  },
];

/** The statement of the ledger's reads and writes (src/private/membership-table.ts): its one table, no delete. */
export const LEDGER_ACCESS = {
  Effect: 'Allow',
  Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CrossAccountSharingProviderMembershipTable/), 'Arn'] },
};
