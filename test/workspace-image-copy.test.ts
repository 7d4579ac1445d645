/**
 * WorkspaceImageCopy: the IAM it grants beside the owning side's and the synth-time checks of
 * its literal values against the WorkSpaces model.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { SharedWorkspaceImage, WorkspaceImageCopy } from '../src';
import { ENV, SOURCE, statements } from './support/receiving-side';
import { newStack } from './support/template';
import { AWS_REGION, follows } from '../src/contract/rules';

describe('IAM of WorkspaceImageCopy', () => {
  test('grants each ARN once, and each Describe action once, beside the owning side\'s statements', () => {
    const stack = newStack({ env: ENV });
    new SharedWorkspaceImage(stack, 'Share', { imageId: 'wsi-mine12345', accountIds: ['111122223333'] });
    new WorkspaceImageCopy(stack, 'One', { sourceImageId: SOURCE, name: 'one' });
    new WorkspaceImageCopy(stack, 'Two', { sourceImageId: SOURCE, name: 'two' });

    const all = statements(stack);
    expect(all.filter(s => s.Action === 'workspaces:DescribeWorkspaceImages')).toHaveLength(1);
    const copy = all.find(s => [s.Action].flat().includes('workspaces:CopyWorkspaceImage'));
    expect(copy.Resource).toHaveLength(2);
  });
});

describe('WorkspaceImageCopy rejects bad literal input at synth, naming the construct, the prop and the value', () => {
  const stack = () => newStack({ env: ENV });
  test.each([
    ['a source image ID that is not one', () => new WorkspaceImageCopy(stack(), 'Copy', { sourceImageId: 'ami-123', name: 'x' }), /TestStack\/Copy: sourceImageId must be a WorkSpaces image ID .* got "ami-123"/],
    ['an image name with a space', () => new WorkspaceImageCopy(stack(), 'Copy', { sourceImageId: SOURCE, name: 'golden copy' }), /TestStack\/Copy: name must be 1 to 64 letters, digits and _.\/\(\)- .* got "golden copy"/],
    ['an image name of 65 characters', () => new WorkspaceImageCopy(stack(), 'Copy', { sourceImageId: SOURCE, name: 'a'.repeat(65) }), /name must be/],
    ['an image description with a colon', () => new WorkspaceImageCopy(stack(), 'Copy', { sourceImageId: SOURCE, name: 'x', description: 'a: b' }), /description must be .* got "a: b"/],
    ['a source Region in capitals', () => new WorkspaceImageCopy(stack(), 'Copy', { sourceImageId: SOURCE, sourceRegion: 'EU-WEST-1', name: 'x' }), /sourceRegion must be a Region name/],
    ['a source Region without its last hyphen', () => new WorkspaceImageCopy(stack(), 'Copy', { sourceImageId: SOURCE, sourceRegion: 'eu-west1', name: 'x' }),
      /TestStack\/Copy: sourceRegion must be a Region name: a code, one or more words and a number, joined by hyphens, such as eu-west-1 .* got "eu-west1"/],
    ['a source Region with a zone letter', () => new WorkspaceImageCopy(stack(), 'Copy', { sourceImageId: SOURCE, sourceRegion: 'eu-west-1a', name: 'x' }), /sourceRegion must be a Region name.* got "eu-west-1a"/],
    ['a snapshot removal policy', () => new WorkspaceImageCopy(stack(), 'Copy', { sourceImageId: SOURCE, name: 'x', removalPolicy: RemovalPolicy.SNAPSHOT }), /removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY, got "snapshot"/],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});

describe('two copies of one name', () => {
  test('in one stack fail at synth, naming both paths (names are unique in an account and Region)', () => {
    const stack = newStack({ env: ENV });
    new WorkspaceImageCopy(stack, 'First', { sourceImageId: SOURCE, name: 'golden' });

    expect(() => new WorkspaceImageCopy(stack, 'Second', { sourceImageId: 'wsi-other12345', name: 'golden' }))
      .toThrow('TestStack/Second: name "golden" is already used by TestStack/First: image names are unique in an account and Region');
  });

  test('in stacks of other accounts or Regions are allowed', () => {
    const app = new App();
    new WorkspaceImageCopy(new Stack(app, 'One', { env: ENV }), 'Copy', { sourceImageId: SOURCE, name: 'golden' });
    new WorkspaceImageCopy(new Stack(app, 'OtherRegion', { env: { ...ENV, region: 'us-east-1' } }), 'Copy', { sourceImageId: SOURCE, name: 'golden' });

    expect(() => new WorkspaceImageCopy(new Stack(app, 'OtherAccount', { env: { ...ENV, account: '111122223333' } }), 'Copy', {
      sourceImageId: SOURCE, name: 'golden',
    })).not.toThrow();
    expect(() => new WorkspaceImageCopy(new Stack(app, 'SameAccount', { env: ENV }), 'Copy', { sourceImageId: SOURCE, name: 'golden' }))
      .toThrow('SameAccount/Copy: name "golden" is already used by One/Copy');
  });
});

test('the Region rule, which the handler also applies to resolved values, takes the names of every partition and only those shapes', () => {
  for (const region of ['eu-west-1', 'ap-southeast-7', 'il-central-1', 'us-gov-west-1', 'cn-northwest-1', 'us-isob-east-1', 'eusc-de-east-1']) {
    expect([region, follows(AWS_REGION, region)]).toEqual([region, true]);
  }
  for (const bad of ['eu-west1', 'euwest-1', 'eu-west-1a', 'EU-WEST-1', 'eu--west-1', '-eu-west-1', 'eu-west-123', '']) {
    expect([bad, follows(AWS_REGION, bad)]).toEqual([bad, false]);
  }
});
