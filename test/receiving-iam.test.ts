/**
 * The receiving side's IAM enforces ownership, not only the handler's logic: the synthesized
 * share policy, evaluated for the requests that matter, lets the stack tag and delete only what
 * it created (or what this library created and nobody owns), never an image or bundle the
 * account made by other means, nor another stack's (issue 25, item 5).
 *
 * A small evaluator of IAM statements (Allow and Deny, Action and Resource with wildcards, the
 * conditions the policy uses) over request contexts: the tags of the request (aws:RequestTag,
 * aws:TagKeys) and of the resource (aws:ResourceTag). A create request's context holds its tags
 * as the new resource's tags too, as the IAM User Guide says of aws:ResourceTag in requests that
 * create a resource with tags (UNVERIFIED for WorkSpaces against a real account).
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ComputeType, SharedWorkspaceImage, WorkspaceBundle, WorkspaceImageCopy } from '../src';
import { ENV, SOURCE } from './support/receiving-side';
import { newStack } from './support/template';

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:210987654321:stack/Receiving/1111';
const OTHER_STACK_ID = 'arn:aws:cloudformation:eu-west-1:210987654321:stack/Other/2222';
const COPY_ID = 'wsi-copy12345';
const OWN_IMAGE = 'wsi-mine12345';
const image = (id: string, region = 'eu-west-1', account = '210987654321') => `arn:aws:workspaces:${region}:${account}:workspaceimage/${id}`;
const bundle = (id: string) => `arn:aws:workspaces:eu-west-1:210987654321:workspacebundle/${id}`;

type Tags = Record<string, string>;
interface Request { action: string; resource: string; requestTags?: Tags; resourceTags?: Tags }
interface Statement { Effect: 'Allow' | 'Deny'; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string | string[]>> }

/** A template value resolved as CloudFormation would in the stack above: Fn::Join, Ref and Fn::GetAtt. */
function resolve(value: any, attributes: Record<string, string>): any {
  if (Array.isArray(value)) return value.map(v => resolve(v, attributes));
  if (value === null || typeof value !== 'object') return value;
  if (value['Fn::Join']) return (resolve(value['Fn::Join'][1], attributes) as string[]).join(value['Fn::Join'][0]);
  if (value.Ref === 'AWS::Partition') return 'aws';
  if (value.Ref === 'AWS::StackId') return STACK_ID;
  if (value['Fn::GetAtt']) return attributes[value['Fn::GetAtt'].join('.')] ?? `<${value['Fn::GetAtt'].join('.')}>`;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, attributes)]));
}

/** Every statement of every IAM policy of the stack, resolved. */
function policyStatements(stack: Stack): Statement[] {
  const template = Template.fromStack(stack).toJSON();
  const copyLogicalId = Object.keys(template.Resources).find(id => template.Resources[id].Type === 'Custom::WorkspaceImageCopy');
  const attributes = copyLogicalId ? { [`${copyLogicalId}.ImageId`]: COPY_ID } : {};
  return Object.values(template.Resources as Record<string, any>)
    .filter(r => r.Type === 'AWS::IAM::Policy')
    .flatMap(r => resolve(r.Properties.PolicyDocument.Statement, attributes));
}

const glob = (pattern: string, value: string) => new RegExp(`^${pattern.split('*').map(p => p.replace(/[.?+^$()[\]{}|\\]/g, '\\$&')).join('.*')}$`).test(value);

/** The values of a condition key in a request: one or none, or the list of aws:TagKeys. */
function contextValues(key: string, request: Request): string[] {
  const [, tagOf, tagKey] = /^aws:(RequestTag|ResourceTag)\/(.+)$/.exec(key) ?? [];
  if (tagOf) {
    const value = (tagOf === 'RequestTag' ? request.requestTags : request.resourceTags)?.[tagKey];
    return value === undefined ? [] : [value];
  }
  if (key === 'aws:TagKeys') return Object.keys(request.requestTags ?? {});
  throw new Error(`the evaluator does not know the condition key ${key}`);
}

function conditionHolds(operator: string, key: string, expected: string | string[], request: Request): boolean {
  const wanted = [expected].flat();
  const values = contextValues(key, request);
  switch (operator) {
    case 'StringEquals': return values.length > 0 && values.every(v => wanted.includes(v));
    case 'StringLike': return values.length > 0 && values.every(v => wanted.some(w => glob(w, v)));
    case 'ForAllValues:StringLike': return values.every(v => wanted.some(w => glob(w, v)));
    case 'ForAnyValue:StringEquals': return values.some(v => wanted.includes(v));
    case 'Null': return (wanted[0] === 'true') === (values.length === 0);
    default: throw new Error(`the evaluator does not know the condition operator ${operator}`);
  }
}

function matches(statement: Statement, request: Request): boolean {
  return [statement.Action].flat().some(a => glob(a, request.action))
    && [statement.Resource].flat().some(r => glob(r, request.resource))
    && Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
      Object.entries(keys).every(([key, expected]) => conditionHolds(operator, key, expected, request)));
}

/** IAM's decision for one request: an explicit Deny wins, else any Allow, else denied. */
function allowed(statements: Statement[], request: Request): boolean {
  if (statements.some(s => s.Effect === 'Deny' && matches(s, request))) return false;
  return statements.some(s => s.Effect === 'Allow' && matches(s, request));
}

/** The tags the handler writes: the stack's ownership, as a claim or a create request carries it. */
const ownerTags = (stackId = STACK_ID, logicalId = 'Copy'): Tags => ({
  'cdk-cross-account-sharing:owner-stack': stackId,
  'cdk-cross-account-sharing:owner-resource': logicalId,
});
const SOURCE_TAG = { 'cdk-cross-account-sharing:source-image': `eu-west-1/${SOURCE}` };
const CREATED_BUNDLE = { 'cdk-cross-account-sharing:created-bundle': 'CreateWorkspaceBundle' };

/** A receiving stack with a copy, a bundle of it, and a bundle of one of the account's own images. */
function receivingStatements(): Statement[] {
  const stack = newStack({ env: ENV });
  const copy = new WorkspaceImageCopy(stack, 'Copy', { sourceImageId: SOURCE, name: 'golden-copy' });
  new WorkspaceBundle(stack, 'Bundle', { imageId: copy.imageId, computeType: ComputeType.STANDARD, name: 'golden-bundle' });
  new WorkspaceBundle(stack, 'OwnBundle', { imageId: OWN_IMAGE, computeType: ComputeType.STANDARD, name: 'own-bundle' });
  return policyStatements(stack);
}

describe('an image or bundle the account made by other means cannot be tagged as the stack\'s, and so not deleted', () => {
  const statements = receivingStatements();

  test.each([
    ['an untagged image', image('wsi-other1234'), {}],
    ['an image with tags of its own', image('wsi-other1234'), { team: 'desktops' }],
    ['the account\'s image a bundle is built from', image(OWN_IMAGE), {}],
    ['the copy\'s source, were it the account\'s own image', image(SOURCE), {}],
    ['another live stack\'s copy', image('wsi-theirs123'), { ...ownerTags(OTHER_STACK_ID), ...SOURCE_TAG }],
  ])('%s: no CreateTags with the stack\'s owner tags (nor with the copy\'s mark), no delete', (_, resource, resourceTags) => {
    for (const requestTags of [ownerTags(), { ...ownerTags(), ...SOURCE_TAG }]) {
      expect(allowed(statements, { action: 'workspaces:CreateTags', resource, requestTags, resourceTags })).toBe(false);
    }
    expect(allowed(statements, { action: 'workspaces:DeleteWorkspaceImage', resource, resourceTags })).toBe(false);
    expect(allowed(statements, { action: 'workspaces:DeleteTags', resource, resourceTags })).toBe(false);
  });

  test('the same for bundles: an untagged bundle, or another stack\'s, cannot be tagged, deleted or updated', () => {
    for (const resourceTags of [{}, { team: 'desktops' }, { ...ownerTags(OTHER_STACK_ID, 'Bundle'), ...CREATED_BUNDLE }] as Tags[]) {
      const resource = bundle('wsb-other1234');
      expect(allowed(statements, { action: 'workspaces:CreateTags', resource, requestTags: { ...ownerTags(), ...CREATED_BUNDLE }, resourceTags })).toBe(false);
      expect(allowed(statements, { action: 'workspaces:DeleteWorkspaceBundle', resource, resourceTags })).toBe(false);
      expect(allowed(statements, { action: 'workspaces:UpdateWorkspaceBundle', resource, resourceTags })).toBe(false);
    }
  });

  test('the attack as a sequence: tag an existing untagged image, then delete it, fails at its first step', () => {
    const resource = image('wsi-other1234');
    const tagged = allowed(statements, { action: 'workspaces:CreateTags', resource, requestTags: ownerTags(), resourceTags: {} });
    // Had the tags gone through (the owner tags and the copy's mark), the delete would be allowed: that is why the tag write must not.
    const deleteIfTagged = allowed(statements, { action: 'workspaces:DeleteWorkspaceImage', resource, resourceTags: { ...ownerTags(), ...SOURCE_TAG } });
    expect({ tagged, deleteIfTagged }).toEqual({ tagged: false, deleteIfTagged: true });
  });
});

test('an image the stack shares (owning side, tagged as the stack\'s) is never deleted through a copy\'s statement', () => {
  const stack = newStack({ env: ENV });
  new SharedWorkspaceImage(stack, 'Share', { imageId: OWN_IMAGE, accountIds: ['111122223333'] });
  new WorkspaceImageCopy(stack, 'Copy', { sourceImageId: SOURCE, name: 'golden-copy' });
  const statements = policyStatements(stack);
  const sharedTags = ownerTags(STACK_ID, 'Share');
  expect(allowed(statements, { action: 'workspaces:CreateTags', resource: image(OWN_IMAGE), requestTags: ownerTags(STACK_ID, 'Share'), resourceTags: sharedTags })).toBe(true);
  expect(allowed(statements, { action: 'workspaces:DeleteWorkspaceImage', resource: image(OWN_IMAGE), resourceTags: sharedTags })).toBe(false);
  // Nor can the owning side's tag rights put the copy's mark on it first.
  expect(allowed(statements, { action: 'workspaces:CreateTags', resource: image(OWN_IMAGE), requestTags: SOURCE_TAG, resourceTags: sharedTags })).toBe(false);
});

describe('what the handler does is still allowed', () => {
  const statements = receivingStatements();

  test('a copy: CopyWorkspaceImage of the source with the owner tags and the mark, whose tags are the new image\'s', () => {
    const requestTags = { ...ownerTags(), ...SOURCE_TAG };
    expect(allowed(statements, { action: 'workspaces:CopyWorkspaceImage', resource: image(SOURCE, 'eu-west-1', '*'), requestTags })).toBe(true);
    expect(allowed(statements, { action: 'workspaces:CreateTags', resource: image(COPY_ID), requestTags, resourceTags: requestTags })).toBe(true);
    // Without the stack's owner tag, no copy.
    expect(allowed(statements, { action: 'workspaces:CopyWorkspaceImage', resource: image(SOURCE, 'eu-west-1', '*'), requestTags: SOURCE_TAG })).toBe(false);
  });

  test('a bundle: CreateWorkspaceBundle with the owner tags and the mark, from the copy or the account\'s image', () => {
    const requestTags = { ...ownerTags(STACK_ID, 'Bundle'), ...CREATED_BUNDLE };
    for (const resource of [bundle('wsb-new123456'), image(COPY_ID), image(OWN_IMAGE)]) {
      expect(allowed(statements, { action: 'workspaces:CreateWorkspaceBundle', resource, requestTags })).toBe(true);
    }
    expect(allowed(statements, { action: 'workspaces:CreateTags', resource: bundle('wsb-new123456'), requestTags, resourceTags: requestTags })).toBe(true);
  });

  test('the stack\'s own copy or bundle: a rename\'s claim, a leftover\'s record, the delete', () => {
    const own = { ...ownerTags(), ...SOURCE_TAG };
    const renamed = { ...ownerTags(STACK_ID, 'Renamed'), 'cdk-cross-account-sharing:previous-owner-resource': 'Copy' };
    expect(allowed(statements, { action: 'workspaces:CreateTags', resource: image(COPY_ID), requestTags: renamed, resourceTags: own })).toBe(true);
    expect(allowed(statements, { action: 'workspaces:DeleteWorkspaceImage', resource: image(COPY_ID), resourceTags: own })).toBe(true);
    const ownBundle = { ...ownerTags(STACK_ID, 'Bundle'), ...CREATED_BUNDLE };
    expect(allowed(statements, { action: 'workspaces:CreateTags', resource: bundle('wsb-mine12345'), requestTags: ownerTags(STACK_ID, 'Bundle'), resourceTags: ownBundle })).toBe(true);
    expect(allowed(statements, { action: 'workspaces:DeleteWorkspaceBundle', resource: bundle('wsb-mine12345'), resourceTags: ownBundle })).toBe(true);
  });

  test('a copy or bundle this library made that nobody owns (kept by a deleted stack) can be taken over, then deleted', () => {
    expect(allowed(statements, { action: 'workspaces:CreateTags', resource: image('wsi-kept12345'), requestTags: ownerTags(), resourceTags: SOURCE_TAG })).toBe(true);
    expect(allowed(statements, { action: 'workspaces:DeleteWorkspaceImage', resource: image('wsi-kept12345'), resourceTags: SOURCE_TAG })).toBe(false);
    expect(allowed(statements, { action: 'workspaces:CreateTags', resource: bundle('wsb-kept12345'), requestTags: ownerTags(), resourceTags: CREATED_BUNDLE })).toBe(true);
  });
});
