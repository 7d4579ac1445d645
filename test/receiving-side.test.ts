/**
 * The receiving side's constructs: what they declare, the IAM they grant, their time budget and
 * the synth-time checks of literal values against the WorkSpaces model.
 */
import { Compute } from '@aws-sdk/client-workspaces';
import { CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as workspaces from 'aws-cdk-lib/aws-workspaces';
import { ComputeType, ConnectionAliasAssociation, SharedWorkspaceImage, WorkspaceBundle, WorkspaceImageCopy } from '../src';
import { newStack, onlyResource } from './support/template';

const ENV = { account: '210987654321', region: 'eu-west-1' };
const SOURCE = 'wsi-golden1234';
const ALIAS = 'wsca-abc12345de';
const DIRECTORY = 'd-9067a1b2c3';
const STACK_TAG_CONDITION = (kind: 'RequestTag' | 'ResourceTag') => ({ StringEquals: { [`aws:${kind}/cdk-cross-account-sharing:owner-stack`]: { Ref: 'AWS::StackId' } } });

/** The share policy's statements of the stack. */
function statements(stack: Stack): any[] {
  return onlyResource(Template.fromStack(stack), 'AWS::IAM::Policy', 'SharePolicy').resource.Properties.PolicyDocument.Statement;
}

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

    expect(statements(stack).slice(1)).toEqual([
      {
        Effect: 'Allow',
        Action: ['workspaces:CopyWorkspaceImage', 'workspaces:CreateTags'],
        Resource: [arn(`workspaceimage/${SOURCE}`, '*'), arn('workspaceimage/*')],
        Condition: STACK_TAG_CONDITION('RequestTag'),
      },
      { Effect: 'Allow', Action: 'workspaces:DeleteWorkspaceImage', Resource: arn('workspaceimage/*'), Condition: STACK_TAG_CONDITION('ResourceTag') },
      { Effect: 'Allow', Action: 'workspaces:DescribeTags', Resource: arn('workspaceimage/*') },
      { Effect: 'Allow', Action: 'workspaces:DescribeWorkspaceImages', Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['workspaces:CreateWorkspaceBundle', 'workspaces:CreateTags'],
        Resource: arn('workspacebundle/*'),
        Condition: STACK_TAG_CONDITION('RequestTag'),
      },
      {
        Effect: 'Allow',
        Action: ['workspaces:DeleteWorkspaceBundle', 'workspaces:UpdateWorkspaceBundle'],
        Resource: arn('workspacebundle/*'),
        Condition: STACK_TAG_CONDITION('ResourceTag'),
      },
      { Effect: 'Allow', Action: 'workspaces:DescribeTags', Resource: arn('workspacebundle/*') },
      { Effect: 'Allow', Action: 'workspaces:DescribeWorkspaceBundles', Resource: '*' },
      { Effect: 'Allow', Action: 'workspaces:AssociateConnectionAlias', Resource: [arn(`connectionalias/${ALIAS}`, '*'), arn(`directory/${DIRECTORY}`)] },
      { Effect: 'Allow', Action: 'workspaces:DisassociateConnectionAlias', Resource: arn(`connectionalias/${ALIAS}`, '*') },
      { Effect: 'Allow', Action: 'workspaces:DescribeConnectionAliases', Resource: '*' },
    ]);

    // The copy's ID is a reference: the bundle's rights on it sit in a policy of the bundle's own,
    // which the bundle depends on (in the share policy, on which the copy depends, it would be a cycle).
    const template = Template.fromStack(stack);
    const imagePolicy = onlyResource(template, 'AWS::IAM::Policy', 'BundleImagePolicy');
    const copyArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':workspaces:eu-west-1:210987654321:workspaceimage/', { 'Fn::GetAtt': [copyId, 'ImageId'] }]] };
    expect(imagePolicy.resource.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: ['workspaces:CreateWorkspaceBundle', 'workspaces:CreateTags'], Resource: copyArn, Condition: STACK_TAG_CONDITION('RequestTag') },
      { Effect: 'Allow', Action: 'workspaces:UpdateWorkspaceBundle', Resource: copyArn },
    ]);
    expect(onlyResource(template, 'Custom::WorkspaceBundle').resource.DependsOn).toContain(imagePolicy.id);
  });

  test('a bundle of a literal image names it in the share policy', () => {
    const stack = newStack({ env: ENV });
    new WorkspaceBundle(stack, 'Bundle', { imageId: SOURCE, computeType: ComputeType.VALUE, name: 'x' });

    const update = statements(stack).find(s => s.Action === 'workspaces:UpdateWorkspaceBundle');
    expect(update.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:workspaces:eu-west-1:210987654321:workspaceimage/${SOURCE}`]] });
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::IAM::Policy')).filter(id => id.startsWith('BundleImagePolicy'))).toEqual([]);
  });

  test('grants each ARN once, and each Describe action once, beside the owning side\'s statements', () => {
    const stack = newStack({ env: ENV });
    new SharedWorkspaceImage(stack, 'Share', { imageId: 'wsi-mine12345', accountIds: ['111122223333'] });
    new WorkspaceImageCopy(stack, 'One', { sourceImageId: SOURCE, name: 'one' });
    new WorkspaceImageCopy(stack, 'Two', { sourceImageId: SOURCE, name: 'two' });

    const all = statements(stack);
    expect(all.filter(s => s.Action === 'workspaces:DescribeWorkspaceImages')).toHaveLength(1);
    const copy = all.find(s => Array.isArray(s.Action) && s.Action.includes('workspaces:CopyWorkspaceImage'));
    expect(copy.Resource).toHaveLength(2);
  });

  test('a token directory and alias name their ARNs by reference', () => {
    const stack = newStack({ env: ENV });
    const directory = new CfnParameter(stack, 'Directory');
    new ConnectionAliasAssociation(stack, 'Association', { aliasId: ALIAS, directoryId: directory.valueAsString });

    const associate = statements(stack).find(s => s.Action === 'workspaces:AssociateConnectionAlias');
    expect(JSON.stringify(associate.Resource)).toContain('{"Ref":"Directory"}');
  });
});

describe('ComputeType', () => {
  test('has a constant for each compute type of the WorkSpaces API this release builds with, named as the API names it', () => {
    const constants = Object.entries(ComputeType).filter(([, value]) => value instanceof ComputeType);
    expect(constants.map(([key]) => key).sort()).toEqual(Object.values(Compute).sort());
    for (const [key, value] of constants) expect((value as ComputeType).name).toBe(key);
  });

  test('takes a newer compute type by its API name, which reaches the resource as it is', () => {
    const s = newStack({ env: ENV });
    new WorkspaceBundle(s, 'Bundle', { imageId: SOURCE, computeType: ComputeType.of('GRAPHICS_G7_XLARGE'), name: 'x' });
    Template.fromStack(s).hasResourceProperties('Custom::WorkspaceBundle', { ComputeType: 'GRAPHICS_G7_XLARGE' });
  });
});

describe('the receiving side rejects bad literal input at synth, naming the construct, the prop and the value', () => {
  const stack = () => newStack({ env: ENV });
  test.each([
    ['a source image ID that is not one', () => new WorkspaceImageCopy(stack(), 'Copy', { sourceImageId: 'ami-123', name: 'x' }), /TestStack\/Copy: sourceImageId must be a WorkSpaces image ID .* got "ami-123"/],
    ['an image name with a space', () => new WorkspaceImageCopy(stack(), 'Copy', { sourceImageId: SOURCE, name: 'golden copy' }), /TestStack\/Copy: name must be 1 to 64 letters, digits and _.\/\(\)- .* got "golden copy"/],
    ['an image name of 65 characters', () => new WorkspaceImageCopy(stack(), 'Copy', { sourceImageId: SOURCE, name: 'a'.repeat(65) }), /name must be/],
    ['an image description with a colon', () => new WorkspaceImageCopy(stack(), 'Copy', { sourceImageId: SOURCE, name: 'x', description: 'a: b' }), /description must be .* got "a: b"/],
    ['a source Region in capitals', () => new WorkspaceImageCopy(stack(), 'Copy', { sourceImageId: SOURCE, sourceRegion: 'EU-WEST-1', name: 'x' }), /sourceRegion must be a Region name/],
    ['a snapshot removal policy', () => new WorkspaceImageCopy(stack(), 'Copy', { sourceImageId: SOURCE, name: 'x', removalPolicy: RemovalPolicy.SNAPSHOT }), /removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY, got "snapshot"/],
    ['a compute type name in lower case', () => ComputeType.of('standard'), /ComputeType.of\("standard"\): a compute type's API name is upper-case letters, digits and underscores/],
    ['a user volume of 0 GiB', () => new WorkspaceBundle(stack(), 'Bundle', { imageId: SOURCE, computeType: ComputeType.VALUE, userStorageGiB: 0, name: 'x' }), /userStorageGiB must be a whole number from 1 to 10000, got 0/],
    ['a root volume of 80.5 GiB', () => new WorkspaceBundle(stack(), 'Bundle', { imageId: SOURCE, computeType: ComputeType.VALUE, rootStorageGiB: 80.5, name: 'x' }), /rootStorageGiB must be a whole number .* got 80.5/],
    ['a bundle name with a space', () => new WorkspaceBundle(stack(), 'Bundle', { imageId: SOURCE, computeType: ComputeType.VALUE, name: 'my bundle' }), /TestStack\/Bundle: name must be .* got "my bundle"/],
    ['a bundle description of 256 characters', () => new WorkspaceBundle(stack(), 'Bundle', { imageId: SOURCE, computeType: ComputeType.VALUE, name: 'x', description: 'a'.repeat(256) }), /description must be 1 to 255/],
    ['a bundle image ID that is not one', () => new WorkspaceBundle(stack(), 'Bundle', { imageId: 'wsi-X', computeType: ComputeType.VALUE, name: 'x' }), /imageId must be a WorkSpaces image ID/],
    ['an alias ID that is not one', () => new ConnectionAliasAssociation(stack(), 'Association', { aliasId: 'alias-1', directoryId: DIRECTORY }), /TestStack\/Association: aliasId must be a WorkSpaces connection alias ID .* got "alias-1"/],
    ['a directory ID that is not one', () => new ConnectionAliasAssociation(stack(), 'Association', { aliasId: ALIAS, directoryId: 'd-XYZ' }), /TestStack\/Association: directoryId must be a WorkSpaces directory ID .* got "d-XYZ"/],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('two associations of one alias in one app, naming both paths', () => {
    const s = stack();
    new ConnectionAliasAssociation(s, 'First', { aliasId: ALIAS, directoryId: DIRECTORY });
    expect(() => new ConnectionAliasAssociation(s, 'Second', { aliasId: ALIAS, directoryId: 'd-9067ffff00' }))
      .toThrow(/TestStack\/Second: aliasId "wsca-abc12345de" is already shared by TestStack\/First: a connection alias can be associated with only one directory/);
  });

  test('tokens pass synth, to be checked by the handler once resolved', () => {
    const s = stack();
    const compute = new CfnParameter(s, 'Compute');
    const size = new CfnParameter(s, 'Size', { type: 'Number' });
    expect(() => new WorkspaceBundle(s, 'Bundle', { imageId: SOURCE, computeType: ComputeType.of(compute.valueAsString), userStorageGiB: size.valueAsNumber, name: 'x' }))
      .not.toThrow();
  });
});

test('the receiving side is served by the stack\'s provider, or the one given', () => {
  const { stack } = receivingStack();
  const fn = onlyResource(Template.fromStack(stack), 'AWS::Lambda::Function');
  for (const type of ['Custom::WorkspaceImageCopy', 'Custom::WorkspaceBundle', 'Custom::ConnectionAliasAssociation']) {
    expect(onlyResource(Template.fromStack(stack), type).resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fn.id, 'Arn'] });
  }
});
