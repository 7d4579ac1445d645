/**
 * The receiving side as one stack: a copy, a bundle built from it and an association together,
 * what they declare, the IAM they grant, their time budgets and the provider that serves them.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as workspaces from 'aws-cdk-lib/aws-workspaces';
import { ComputeType, ConnectionAliasAssociation, WorkspaceBundle, WorkspaceImageCopy } from '../src';
import { ALIAS, DIRECTORY, ENV, SOURCE, statements } from './support/receiving-side';
import { newStack, onlyResource } from './support/template';

const STACK_TAG_CONDITION = (kind: 'RequestTag' | 'ResourceTag') => ({ StringEquals: { [`aws:${kind}/cdk-cross-account-sharing:owner-stack`]: { Ref: 'AWS::StackId' } } });

/** The two CreateTags statements on the stack's copies or bundles: the stack's own, and what this library created that nobody owns. */
const TAG_WRITES = (resource: unknown, createdTag: string) => [
  {
    Effect: 'Allow',
    Action: 'workspaces:CreateTags',
    Resource: resource,
    Condition: { StringEquals: { ...STACK_TAG_CONDITION('RequestTag').StringEquals, ...STACK_TAG_CONDITION('ResourceTag').StringEquals } },
  },
  {
    Effect: 'Allow',
    Action: 'workspaces:CreateTags',
    Resource: resource,
    Condition: {
      ...STACK_TAG_CONDITION('RequestTag'),
      Null: { 'aws:ResourceTag/cdk-cross-account-sharing:owner-stack': 'true', [`aws:ResourceTag/${createdTag}`]: 'false' },
    },
  },
  // The mark only at create: never on an object that lacks it.
  {
    Effect: 'Deny',
    Action: 'workspaces:CreateTags',
    Resource: resource,
    Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [createdTag] }, 'Null': { [`aws:ResourceTag/${createdTag}`]: 'true' } },
  },
];

/** The receiving stack of the README: a copy, a bundle built from it, an association. */
function receivingStack(): { stack: Stack; copy: WorkspaceImageCopy; bundle: WorkspaceBundle; association: ConnectionAliasAssociation } {
  const stack = newStack({ env: ENV });
  const copy = new WorkspaceImageCopy(stack, 'Copy', { sourceImageId: SOURCE, name: 'golden-copy' });
  const bundle = new WorkspaceBundle(stack, 'Bundle', { imageId: copy.imageId, computeType: ComputeType.STANDARD, name: 'golden-bundle' });
  const association = new ConnectionAliasAssociation(stack, 'Association', { aliasId: ALIAS, directoryId: DIRECTORY });
  return { stack, copy, bundle, association };
}

describe('the receiving side\'s resources', () => {
  test('declare their properties, with the defaults filled in, and expose their IDs as attributes', () => {
    const { stack, copy, bundle, association } = receivingStack();
    const template = Template.fromStack(stack);

    template.hasResourceProperties('Custom::WorkspaceImageCopy', { SourceImageId: SOURCE, SourceRegion: 'eu-west-1', Name: 'golden-copy', RemovalPolicy: 'retain' });
    const copyId = onlyResource(template, 'Custom::WorkspaceImageCopy').id;
    template.hasResourceProperties('Custom::WorkspaceBundle', {
      ImageId: { 'Fn::GetAtt': [copyId, 'ImageId'] }, ComputeType: 'STANDARD', UserStorageGiB: 50, Name: 'golden-bundle', Description: 'Created by cdk-cross-account-sharing',
    });
    template.hasResourceProperties('Custom::ConnectionAliasAssociation', { AliasId: ALIAS, DirectoryId: DIRECTORY });
    expect(stack.resolve(copy.imageId)).toEqual({ 'Fn::GetAtt': [copyId, 'ImageId'] });
    expect(stack.resolve(bundle.bundleId)).toEqual({ 'Fn::GetAtt': [onlyResource(template, 'Custom::WorkspaceBundle').id, 'BundleId'] });
    expect(stack.resolve(association.connectionIdentifier)).toEqual({ 'Fn::GetAtt': [onlyResource(template, 'Custom::ConnectionAliasAssociation').id, 'ConnectionIdentifier'] });
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('an image copy gets CloudFormation\'s longest budget; the others keep the one their calls need', () => {
    const { stack } = receivingStack();
    const template = Template.fromStack(stack);

    expect(onlyResource(template, 'Custom::WorkspaceImageCopy').resource.Properties).toMatchObject({ ServiceTimeout: 3_600, TimeBudgetSeconds: 3_600 });
    expect(onlyResource(template, 'Custom::WorkspaceBundle').resource.Properties).toMatchObject({ ServiceTimeout: 660, TimeBudgetSeconds: 660 });
    expect(onlyResource(template, 'Custom::ConnectionAliasAssociation').resource.Properties).toMatchObject({ ServiceTimeout: 660 });
  });

  test('copy from the source Region given, and a bundle feeds a CfnWorkspace', () => {
    const stack = newStack({ env: ENV });
    const copy = new WorkspaceImageCopy(stack, 'Copy', { sourceImageId: SOURCE, sourceRegion: 'us-east-1', name: 'golden-copy', removalPolicy: RemovalPolicy.DESTROY });
    const bundle = new WorkspaceBundle(stack, 'Bundle', { imageId: copy.imageId, computeType: ComputeType.POWER, rootStorageGiB: 175, userStorageGiB: 100, name: 'power' });
    new workspaces.CfnWorkspace(stack, 'Desk', { bundleId: bundle.bundleId, directoryId: DIRECTORY, userName: 'jane' });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::WorkspaceImageCopy', { SourceRegion: 'us-east-1', RemovalPolicy: 'destroy' });
    template.hasResourceProperties('Custom::WorkspaceBundle', { RootStorageGiB: 175, UserStorageGiB: 100 });
    template.hasResourceProperties('AWS::WorkSpaces::Workspace', { BundleId: { 'Fn::GetAtt': [onlyResource(template, 'Custom::WorkspaceBundle').id, 'BundleId'] } });
  });
});

describe('IAM of the receiving side', () => {
  test('names the source image, the alias and the directory, and reaches the stack\'s copies and bundles only through its ownership tag', () => {
    const { stack } = receivingStack();
    const arn = (rest: string, account = '210987654321', region = 'eu-west-1') => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:workspaces:${region}:${account}:${rest}`]],
    });
    const copyId = onlyResource(Template.fromStack(stack), 'Custom::WorkspaceImageCopy').id;

    // After the hand-over's two statements (lambda:InvokeFunction, and the fences in Parameter Store).
    expect(statements(stack).slice(2)).toEqual([
      {
        Effect: 'Allow',
        Action: 'workspaces:CopyWorkspaceImage',
        Resource: [arn(`workspaceimage/${SOURCE}`, '*'), arn('workspaceimage/*')],
        Condition: STACK_TAG_CONDITION('RequestTag'),
      },
      // Tags only on the stack's own copies, or on a copy this library made that nobody owns (test/receiving-iam.test.ts evaluates them).
      ...TAG_WRITES(arn('workspaceimage/*'), 'cdk-cross-account-sharing:source-image'),
      {
        Effect: 'Allow',
        Action: ['workspaces:DeleteWorkspaceImage', 'workspaces:DeleteTags'],
        Resource: arn('workspaceimage/*'),
        Condition: { ...STACK_TAG_CONDITION('ResourceTag'), Null: { 'aws:ResourceTag/cdk-cross-account-sharing:source-image': 'false' } },
      },
      { Effect: 'Allow', Action: 'workspaces:DescribeTags', Resource: arn('workspaceimage/*') },
      { Effect: 'Allow', Action: 'workspaces:DescribeWorkspaceImages', Resource: '*' },
      // The ownership rows' reads: the stack's own status and template, and whether an owner a tag names lives.
      { Effect: 'Allow', Action: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate'], Resource: { Ref: 'AWS::StackId' } },
      {
        Effect: 'Allow',
        Action: ['cloudformation:DescribeStackResource', 'cloudformation:ListStackResources'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudformation:*:210987654321:stack/*/*']] },
      },
      {
        Effect: 'Allow',
        Action: 'workspaces:CreateWorkspaceBundle',
        Resource: arn('workspacebundle/*'),
        Condition: STACK_TAG_CONDITION('RequestTag'),
      },
      ...TAG_WRITES(arn('workspacebundle/*'), 'cdk-cross-account-sharing:created-bundle'),
      {
        Effect: 'Allow',
        Action: ['workspaces:DeleteWorkspaceBundle', 'workspaces:UpdateWorkspaceBundle', 'workspaces:DeleteTags'],
        Resource: arn('workspacebundle/*'),
        Condition: STACK_TAG_CONDITION('ResourceTag'),
      },
      { Effect: 'Allow', Action: 'workspaces:DescribeTags', Resource: arn('workspacebundle/*') },
      { Effect: 'Allow', Action: 'workspaces:DescribeWorkspaceBundles', Resource: '*' },
      { Effect: 'Allow', Action: 'workspaces:AssociateConnectionAlias', Resource: [arn(`connectionalias/${ALIAS}`, '*'), arn(`directory/${DIRECTORY}`)] },
      { Effect: 'Allow', Action: 'workspaces:DisassociateConnectionAlias', Resource: arn(`connectionalias/${ALIAS}`, '*') },
      { Effect: 'Allow', Action: 'workspaces:DescribeConnectionAliases', Resource: '*' },
      // The association's owner, on the directory's tags: keys of this library only.
      {
        Effect: 'Allow',
        Action: ['workspaces:CreateTags', 'workspaces:DeleteTags'],
        Resource: arn(`directory/${DIRECTORY}`),
        Condition: { 'ForAllValues:StringLike': { 'aws:TagKeys': ['cdk-cross-account-sharing:*'] } },
      },
      { Effect: 'Allow', Action: 'workspaces:DescribeTags', Resource: arn(`directory/${DIRECTORY}`) },
    ]);

    // The copy's ID is a reference: the bundle's rights on it sit in a policy of the bundle's own,
    // which the bundle depends on (in the share policy, on which the copy depends, it would be a cycle).
    const template = Template.fromStack(stack);
    const imagePolicy = onlyResource(template, 'AWS::IAM::Policy', 'BundleImagePolicy');
    const copyArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':workspaces:eu-west-1:210987654321:workspaceimage/', { 'Fn::GetAtt': [copyId, 'ImageId'] }]] };
    expect(imagePolicy.resource.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'workspaces:CreateWorkspaceBundle', Resource: copyArn, Condition: STACK_TAG_CONDITION('RequestTag') },
      { Effect: 'Allow', Action: 'workspaces:UpdateWorkspaceBundle', Resource: copyArn },
    ]);
    expect(onlyResource(template, 'Custom::WorkspaceBundle').resource.DependsOn).toContain(imagePolicy.id);
  });
});

test('the receiving side is served by the stack\'s provider, or the one given', () => {
  const { stack } = receivingStack();
  const fn = onlyResource(Template.fromStack(stack), 'AWS::Lambda::Function');
  for (const type of ['Custom::WorkspaceImageCopy', 'Custom::WorkspaceBundle', 'Custom::ConnectionAliasAssociation']) {
    expect(onlyResource(Template.fromStack(stack), type).resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fn.id, 'Arn'] });
  }
});
