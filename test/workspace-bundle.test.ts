/**
 * WorkspaceBundle and its compute type: the IAM it grants for a literal image and the synth-time
 * checks of its literal values against the WorkSpaces model.
 */
import { Compute } from '@aws-sdk/client-workspaces';
import { CfnParameter } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ComputeType, WorkspaceBundle, WorkspaceImageCopy } from '../src';
import { ENV, SOURCE, statements } from './support/receiving-side';
import { newStack } from './support/template';

describe('IAM of WorkspaceBundle', () => {
  test('a bundle of a literal image names it in the share policy', () => {
    const stack = newStack({ env: ENV });
    new WorkspaceBundle(stack, 'Bundle', { imageId: SOURCE, computeType: ComputeType.VALUE, name: 'x' });

    const update = statements(stack).find(s => s.Action === 'workspaces:UpdateWorkspaceBundle');
    expect(update.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:workspaces:eu-west-1:210987654321:workspaceimage/${SOURCE}`]] });
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::IAM::Policy')).filter(id => id.startsWith('BundleImagePolicy'))).toEqual([]);
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

describe('WorkspaceBundle rejects bad literal input at synth, naming the construct, the prop and the value', () => {
  const stack = () => newStack({ env: ENV });
  test.each([
    ['a compute type name in lower case', () => ComputeType.of('standard'), /ComputeType.of\("standard"\): a compute type's API name is upper-case letters, digits and underscores/],
    ['a user volume of 0 GiB', () => new WorkspaceBundle(stack(), 'Bundle', { imageId: SOURCE, computeType: ComputeType.VALUE, userStorageGiB: 0, name: 'x' }), /userStorageGiB must be a whole number from 1 to 10000, got 0/],
    ['a root volume of 80.5 GiB', () => new WorkspaceBundle(stack(), 'Bundle', { imageId: SOURCE, computeType: ComputeType.VALUE, rootStorageGiB: 80.5, name: 'x' }), /rootStorageGiB must be a whole number .* got 80.5/],
    ['a bundle name with a space', () => new WorkspaceBundle(stack(), 'Bundle', { imageId: SOURCE, computeType: ComputeType.VALUE, name: 'my bundle' }), /TestStack\/Bundle: name must be .* got "my bundle"/],
    ['a bundle description of 256 characters', () => new WorkspaceBundle(stack(), 'Bundle', { imageId: SOURCE, computeType: ComputeType.VALUE, name: 'x', description: 'a'.repeat(256) }), /description must be 1 to 255/],
    ['a bundle image ID that is not one', () => new WorkspaceBundle(stack(), 'Bundle', { imageId: 'wsi-X', computeType: ComputeType.VALUE, name: 'x' }), /imageId must be a WorkSpaces image ID/],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('tokens pass synth, to be checked by the handler once resolved', () => {
    const s = stack();
    const compute = new CfnParameter(s, 'Compute');
    const size = new CfnParameter(s, 'Size', { type: 'Number' });
    expect(() => new WorkspaceBundle(s, 'Bundle', { imageId: SOURCE, computeType: ComputeType.of(compute.valueAsString), userStorageGiB: size.valueAsNumber, name: 'x' }))
      .not.toThrow();
  });
});

describe('two bundles of one name', () => {
  test('in one stack fail at synth, naming both paths (names are unique in an account and Region)', () => {
    const stack = newStack({ env: ENV });
    new WorkspaceBundle(stack, 'First', { imageId: SOURCE, computeType: ComputeType.STANDARD, name: 'golden' });

    expect(() => new WorkspaceBundle(stack, 'Second', { imageId: SOURCE, computeType: ComputeType.POWER, name: 'golden' }))
      .toThrow('TestStack/Second: name "golden" is already used by TestStack/First: bundle names are unique in an account and Region');
  });

  test('one bundle and one image copy may share a name (they are different kinds)', () => {
    const stack = newStack({ env: ENV });
    new WorkspaceImageCopy(stack, 'Copy', { sourceImageId: SOURCE, name: 'golden' });

    expect(() => new WorkspaceBundle(stack, 'Bundle', { imageId: SOURCE, computeType: ComputeType.STANDARD, name: 'golden' })).not.toThrow();
  });
});
