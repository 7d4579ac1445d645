/**
 * The ownership state table (docs/state-table.md), row by row: what a claim and a Delete decide from
 * the tags they find and what CloudFormation says (the decisions every handler shares: images,
 * aliases and Partner Central preferences). The e2e tests run the same rows through the bundled
 * handler against the local endpoint.
 */
import { claimTags, deleteAction, Owner, Ownership, OwnershipFacts, settlingChanges } from '../lambda/ownership/ownership';
import { accountsToUnshare } from '../lambda/ownership/share-removal';
import type { StackFacts, StackPhase } from '../lambda/ownership/stacks';
import { phaseOf, resolveList } from '../lambda/ownership/stacks';

const STACK = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Demo/1';
const OTHER_STACK = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/TeamB/2';
const me: Owner = { stackId: STACK, logicalId: 'Golden' };
const sibling: Owner = { stackId: STACK, logicalId: 'GoldenImage' };
const foreign: Owner = { stackId: OTHER_STACK, logicalId: 'Share' };
const OWNER_STACK = 'cdk-cross-account-sharing:owner-stack';
const OWNER_RESOURCE = 'cdk-cross-account-sharing:owner-resource';
const PREVIOUS = 'cdk-cross-account-sharing:previous-owner-resource';

/** CloudFormation as a row sees it: the stack's phase, and which owners are alive. */
function facts(phase: StackPhase, alive: Owner[] = []): OwnershipFacts & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    phase: async () => { asked.push('phase'); return phase; },
    isAlive: async owner => {
      asked.push(`alive ${owner.logicalId}`);
      return alive.some(a => a.stackId === owner.stackId && a.logicalId === owner.logicalId);
    },
  };
}

const tags = (owner?: Owner, previous?: string): Ownership => ({ owner, previous });

describe('claims (rows C2 to C6)', () => {
  test.each<[string, Ownership, Owner[], string[] | RegExp]>([
    ['C2 no owner tags: claim', tags(), [], [OWNER_STACK, OWNER_RESOURCE]],
    ['C3 an owner that is not alive: claim as if free, without a note', tags(foreign), [], [OWNER_STACK, OWNER_RESOURCE]],
    ['C3 a dead owner\'s stale note is emptied', tags(foreign, 'Gone'), [], [OWNER_STACK, OWNER_RESOURCE, PREVIOUS]],
    ['C4 owned by me already: nothing to write', tags(me), [me], []],
    ['C5 a live owner of this stack: a rename takes over and notes it', tags(sibling), [sibling], [OWNER_STACK, OWNER_RESOURCE, PREVIOUS]],
    ['C6 a live owner of another stack: fail, naming it', tags(foreign), [foreign], /Resource Share of stack .*TeamB.* already owns image wsi-1; nothing was changed/],
  ])('%s', async (_row, found, alive, expected) => {
    const claim = claimTags('image wsi-1', found, me, facts('other', alive));
    if (expected instanceof RegExp) {
      await expect(claim).rejects.toThrow(expected);
    } else {
      const written = await claim;
      expect(written.map(t => t.Key)).toEqual(expected);
      if (expected.includes(PREVIOUS)) expect(written.find(t => t.Key === PREVIOUS)?.Value).toBe(found.owner?.stackId === STACK ? 'GoldenImage' : '');
    }
  });
});

describe('Deletes (rows D1 to D8, and R1: the same decision with only the tags settled)', () => {
  test.each<[string, Ownership | null, StackPhase, Owner[], string, { set: string[]; remove: string[] }, string[]]>([
    ['D1 the resource is gone', null, 'other', [], 'gone', { set: [], remove: [] }, []],
    ['D2 no owner tags', tags(), 'other', [], 'unshare', { set: [], remove: [] }, []],
    ['D3 owned by me, no note', tags(me), 'stack-delete', [me], 'unshare', { set: [], remove: [OWNER_STACK, OWNER_RESOURCE] }, []],
    ['D4 owned by me, a note, a rollback, the noted resource alive', tags(me, 'GoldenImage'), 'rollback', [me, sibling], 'hand-back',
      { set: [OWNER_STACK, OWNER_RESOURCE], remove: [PREVIOUS] }, ['phase', 'alive GoldenImage']],
    ['D5 owned by me, a note, a stack delete: the note is stale', tags(me, 'GoldenImage'), 'stack-delete', [me], 'unshare',
      { set: [], remove: [OWNER_STACK, OWNER_RESOURCE, PREVIOUS] }, ['phase']],
    ['D5 owned by me, a note, a rollback, but the noted resource is gone', tags(me, 'GoldenImage'), 'rollback', [me], 'unshare',
      { set: [], remove: [OWNER_STACK, OWNER_RESOURCE, PREVIOUS] }, ['phase', 'alive GoldenImage']],
    ['D6 the old resource of a rename that succeeded', tags(sibling, 'Golden'), 'update-cleanup', [sibling], 'renamed',
      { set: [], remove: [PREVIOUS] }, ['alive GoldenImage']],
    ['D7 an owner that is not alive', tags(foreign), 'stack-delete', [], 'unshare', { set: [], remove: [OWNER_STACK, OWNER_RESOURCE] }, ['alive Share']],
    ['D8 a live owner of another stack', tags(foreign), 'stack-delete', [foreign], 'leave', { set: [], remove: [] }, ['alive Share']],
    ['D8 a live owner of this stack whose note is not mine', tags(sibling, 'Other'), 'update-cleanup', [sibling], 'leave', { set: [], remove: [] }, ['alive GoldenImage']],
  ])('%s', async (_row, found, phase, alive, kind, settled, asked) => {
    const f = facts(phase, alive);
    const action = await deleteAction(found, me, f);
    expect(action.kind).toBe(kind);
    const changes = settlingChanges(action, me);
    expect({ set: changes.set.map(t => t.Key), remove: changes.remove }).toEqual(settled);
    // CloudFormation is asked only what the row needs: a plain owner's Delete costs no call.
    expect(f.asked).toEqual(asked);
  });

  test('D4 hands ownership back to the noted logical ID', async () => {
    const action = await deleteAction(tags(me, 'GoldenImage'), me, facts('rollback', [me, sibling]));
    expect(settlingChanges(action, me).set).toEqual([{ Key: OWNER_STACK, Value: STACK }, { Key: OWNER_RESOURCE, Value: 'GoldenImage' }]);
  });
});

describe('what a Delete unshares', () => {
  const declared = ['A', 'B'];
  const withTemplate = (lists: Record<string, string[] | undefined>) => ({ declaredList: async (id: string) => lists[id] }) as unknown as StackFacts;

  test('D3: every declared account', async () => {
    expect(await accountsToUnshare({ kind: 'unshare', recorded: true, note: false }, declared, 'AccountIds', withTemplate({}))).toEqual(['A', 'B']);
  });
  test('D6: a rename from [A, B] to [B, C] unshares A only', async () => {
    expect(await accountsToUnshare({ kind: 'renamed', owner: sibling }, declared, 'AccountIds', withTemplate({ GoldenImage: ['B', 'C'] }))).toEqual(['A']);
  });
  test('D4: the rollback of a rename unshares what the noted resource does not declare', async () => {
    expect(await accountsToUnshare({ kind: 'hand-back', to: 'GoldenImage' }, ['B', 'C'], 'AccountIds', withTemplate({ GoldenImage: ['A', 'B'] }))).toEqual(['C']);
  });
  test('an unreadable other declaration unshares nothing extra', async () => {
    expect(await accountsToUnshare({ kind: 'renamed', owner: sibling }, declared, 'AccountIds', withTemplate({}))).toEqual([]);
  });
  test('D8: nothing', async () => {
    expect(await accountsToUnshare({ kind: 'leave', owner: foreign }, declared, 'AccountIds', withTemplate({}))).toEqual([]);
  });
});

describe('what CloudFormation says', () => {
  test.each([
    ['DELETE_IN_PROGRESS', 'stack-delete'],
    ['UPDATE_ROLLBACK_IN_PROGRESS', 'rollback'],
    ['UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'rollback'],
    ['ROLLBACK_IN_PROGRESS', 'rollback'],
    ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'update-cleanup'],
    ['UPDATE_IN_PROGRESS', 'other'],
  ])('%s is %s', (status, phase) => {
    expect(phaseOf(status)).toBe(phase);
  });

  test('a declaration is a literal list, a list of parameter references, or a list parameter', () => {
    expect(resolveList(['A', 'B'], {})).toEqual(['A', 'B']);
    expect(resolveList(['A', { Ref: 'Extra' }], { Extra: 'B' })).toEqual(['A', 'B']);
    expect(resolveList({ Ref: 'Accounts' }, { Accounts: 'A,B' })).toEqual(['A', 'B']);
    expect(resolveList({ 'Fn::Split': [',', 'A,B'] }, {})).toBeUndefined();
    expect(resolveList('A', {})).toEqual(['A']);
  });
});
