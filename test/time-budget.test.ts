/**
 * The time budget of the share resources (ServiceTimeout, and the property that tells the handler)
 * follows from the WorkSpaces calls the provider's resources make at once, at synth.
 */
import { App, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addStackDependency } from '../examples/two-accounts';
import { ConnectionAccessType, PartnerConnectionPreferences, SharedConnectionAlias, SharedWorkspaceImage } from '../src';
import { newStack } from './support/template';

const accounts = (n: number, from = 0) => Array.from({ length: n }, (_, i) => String(300000000000 + from + i));
const SHARE_TYPES = ['Custom::SharedWorkspaceImage', 'Custom::SharedConnectionAlias', 'Custom::PartnerConnectionPreferences'];

/** ServiceTimeout and TimeBudgetSeconds of each share resource of the stack, by logical ID. */
function budgets(stack: Stack): Record<string, [unknown, unknown]> {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  return Object.fromEntries(Object.entries(resources)
    .filter(([, r]) => SHARE_TYPES.includes(r.Type))
    .map(([id, r]) => [id, [r.Properties.ServiceTimeout, r.Properties.TimeBudgetSeconds]]));
}

test('grows with the accounts of every share the provider serves, and is the same for each of them', () => {
  const stack = newStack();
  const image = new SharedWorkspaceImage(stack, 'Image', { imageId: 'wsi-abc123def', accountIds: accounts(1_000) });
  new SharedWorkspaceImage(stack, 'Other', { imageId: 'wsi-zzz999yyy', accountIds: accounts(500) });
  new SharedConnectionAlias(stack, 'Alias', { aliasId: 'wsca-abc12345', accountId: '111122223333' });
  image.addAccount('999999999999');

  // 600 s for waits, plus (2 × 1,001 + 3) + (2 × 500 + 3) + 6 calls at 1.75 calls/s, rounded up to a
  // minute: each image's costliest Update swaps every account (2 writes each), an alias's costs 6.
  const expected = Math.ceil((600 + (2_005 + 1_003 + 6) / 1.75) / 60) * 60;
  expect(expected).toBe(2_340);
  expect(Object.values(budgets(stack))).toEqual([[expected, expected], [expected, expected], [expected, expected]]);
});

test('leaves Partner Central out of WorkSpaces\' rate: preferences alone get the fixed allowance', () => {
  const stack = newStack();
  new PartnerConnectionPreferences(stack, 'Prefs', { accessType: ConnectionAccessType.ALLOW_ALL });

  expect(Object.values(budgets(stack))).toEqual([[600, 600]]);
});

test('is CloudFormation\'s longest, 3,600 s, when an account is a token: the work cannot be known at synth', () => {
  const stack = newStack();
  const list = new CfnParameter(stack, 'Accounts', { type: 'CommaDelimitedList' });
  new SharedWorkspaceImage(stack, 'Image', { imageId: 'wsi-abc123def', accountIds: accounts(10) });
  new SharedWorkspaceImage(stack, 'Other', { imageId: 'wsi-zzz999yyy', accountIds: [Fn.select(0, list.valueAsList)] });

  expect(Object.values(budgets(stack))).toEqual([[3_600, 3_600], [3_600, 3_600]]);
});

test('fits 5,000 accounts on one image within CloudFormation\'s limit', () => {
  const stack = newStack();
  new SharedWorkspaceImage(stack, 'Image', { imageId: 'wsi-abc123def', accountIds: accounts(5_000) });

  // Capped: a swap of 5,000 accounts (10,003 calls) cannot fit, so that Update fails before its first write, with steps.
  const [[timeout]] = Object.values(budgets(stack));
  expect(timeout).toBe(3_600);
});

test('covers the costliest Update of a 1,500-account share: 3,000 writes (every account swapped) plus the overhead', () => {
  const stack = newStack();
  new SharedWorkspaceImage(stack, 'Image', { imageId: 'wsi-abc123def', accountIds: accounts(1_500) });

  const [[timeout, property]] = Object.values(budgets(stack));
  expect(timeout).toBe(property);
  // The waits' allowance plus 3,000 writes and 3 calls of overhead at the planned 1.75 calls/s, rounded up to a minute.
  expect(timeout).toBeGreaterThanOrEqual(600 + (3_000 + 3) / 1.75);
  expect(timeout).toBe(2_340);
});

test('keeps the synth limit of a Create: 5,247 accounts on one image synthesize, 5,248 do not', () => {
  const fits = new App();
  new SharedWorkspaceImage(new Stack(fits, 'Fits'), 'Image', { imageId: 'wsi-abc123def', accountIds: accounts(5_247) });
  expect(() => fits.synth()).not.toThrow();

  const over = new App();
  new SharedWorkspaceImage(new Stack(over, 'Over'), 'Image', { imageId: 'wsi-abc123def', accountIds: accounts(5_248) });
  expect(() => over.synth()).toThrow(/can make 5251 WorkSpaces calls.*5247 accounts on a single image/s);
});

test('is a synth error, naming the provider, the largest shares and how many accounts fit, when the literal lists cannot fit', () => {
  const app = new App();
  const stack = new Stack(app, 'Big');
  new SharedWorkspaceImage(stack, 'Golden', { imageId: 'wsi-abc123def', accountIds: accounts(4_000) });
  new SharedWorkspaceImage(stack, 'Silver', { imageId: 'wsi-zzz999yyy', accountIds: accounts(1_500, 4_000) });

  expect(() => app.synth()).toThrow(/\[Big\/CrossAccountSharingProvider\].*5506 WorkSpaces calls.*Big\/Golden \(4003\), Big\/Silver \(1503\).*5247 accounts on a single image.*stackB\.addStackDependency\(stackA\) on aws-cdk-lib 2\.276 and later, stackB\.addDependency\(stackA\) before/s);
});

test('the same accounts split over two stacks fit', () => {
  const app = new App();
  const first = new Stack(app, 'First');
  const second = new Stack(app, 'Second');
  addStackDependency(second, first);
  new SharedWorkspaceImage(first, 'Golden', { imageId: 'wsi-abc123def', accountIds: accounts(4_000) });
  new SharedWorkspaceImage(second, 'Silver', { imageId: 'wsi-zzz999yyy', accountIds: accounts(1_500, 4_000) });

  expect(() => app.synth()).not.toThrow();
});

test('the provider and one share stay within 9 resources beyond an empty stack', () => {
  const empty = Object.keys(Template.fromStack(newStack()).toJSON().Resources ?? {}).length;
  const stack = newStack();
  new SharedWorkspaceImage(stack, 'Image', { imageId: 'wsi-abc123def', accountIds: accounts(5_000) });

  const resources = Object.keys(Template.fromStack(stack).toJSON().Resources).length;
  // The function, its role, log group, policy and EventInvokeConfig, the ledger's table, the share, and the role's default policy.
  expect(resources - empty).toBe(8);
  expect(resources - empty).toBeLessThanOrEqual(9);
});
