/**
 * The ownership state table (docs/state-table.md), row by row: what a claim and a Delete decide from
 * the tags they find and what CloudFormation says (the decisions every handler shares: images,
 * aliases and Partner Central preferences). The e2e tests run the same rows through the bundled
 * handler against the local endpoint.
 */
import { claimTags, deleteAction, Owner, Ownership, OwnershipFacts, settlingChanges } from '../lambda/ownership/ownership';
import type { StackPhase } from '../lambda/ownership/stacks';
import { phaseOf, resolveList } from '../lambda/ownership/stacks';

const STACK = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Demo/1';
const OTHER_STACK = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/TeamB/2';
const me: Owner = { stackId: STACK, logicalId: 'Golden' };
const sibling: Owner = { stackId: STACK, logicalId: 'GoldenImage' };
const foreign: Owner = { stackId: OTHER_STACK, logicalId: 'Share' };
const OWNER_STACK = 'cdk-cross-account-sharing:owner-stack';
const OWNER_RESOURCE = 'cdk-cross-account-sharing:owner-resource';
const PREVIOUS = 'cdk-cross-account-sharing:previous-owner-resource';

/** CloudFormation as a row sees it: the stack's phase, which owners are alive, and which `cdk refactor` moved (old logical ID to new, the object's physical ID kept). */
function facts(phase: StackPhase, alive: Owner[] = [], moved: Record<string, string> = {}): OwnershipFacts & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    phase: async () => { asked.push('phase'); return phase; },
    isAlive: async owner => {
      asked.push(`alive ${owner.logicalId}`);
      return alive.some(a => a.stackId === owner.stackId && a.logicalId === owner.logicalId);
    },
    movedTo: async (owner, physicalId) => {
      asked.push(`moved ${owner.logicalId} ${physicalId}`);
      return moved[owner.logicalId];
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
    const claim = claimTags('image wsi-1', found, me, facts('other', alive), 'wsi-1');
    if (expected instanceof RegExp) {
      await expect(claim).rejects.toThrow(expected);
    } else {
      const written = await claim;
      expect(written.map(t => t.Key)).toEqual(expected);
      if (expected.includes(PREVIOUS)) expect(written.find(t => t.Key === PREVIOUS)?.Value).toBe(found.owner?.stackId === STACK ? 'GoldenImage' : '');
    }
  });
});

describe('claims of an object whose recorded owner cdk refactor moved (the owner not alive, a resource of its stack has the physical ID)', () => {
  test('moved to me (my first request since the move): I record myself, with no note', async () => {
    const f = facts('other', [], { Old: 'Golden' });
    expect((await claimTags('image wsi-1', tags({ stackId: STACK, logicalId: 'Old' }), me, f, 'wsi-1')).map(t => t.Key)).toEqual([OWNER_STACK, OWNER_RESOURCE]);
    expect(f.asked).toEqual(['alive Old', 'moved Old wsi-1']);
  });

  test('moved to a sibling (a plain rename of the moved resource): a rename\'s takeover, noting the sibling', async () => {
    const written = await claimTags('image wsi-1', tags({ stackId: STACK, logicalId: 'Old' }), me, facts('other', [], { Old: 'GoldenImage' }), 'wsi-1');
    expect(written.find(t => t.Key === PREVIOUS)?.Value).toBe('GoldenImage');
  });

  test('moved within another stack: that stack still owns it, the claim fails', async () => {
    const claim = claimTags('image wsi-1', tags({ stackId: OTHER_STACK, logicalId: 'Old' }), me, facts('other', [], { Old: 'Share' }), 'wsi-1');
    await expect(claim).rejects.toThrow(/Resource Share of stack .*TeamB.* already owns image wsi-1/);
  });

  test('without the physical ID (a directory\'s association record) a dead owner is no owner, as before', async () => {
    const f = facts('other', [], { Old: 'GoldenImage' });
    expect((await claimTags('image wsi-1', tags({ stackId: STACK, logicalId: 'Old' }), me, f)).map(t => t.Key)).toEqual([OWNER_STACK, OWNER_RESOURCE]);
    expect(f.asked).toEqual(['alive Old']);
  });
});

describe('Deletes of an object whose recorded owner cdk refactor moved', () => {
  const old: Owner = { stackId: STACK, logicalId: 'Old' };
  test.each<[string, Record<string, string>, string]>([
    ['moved to me: undo, as its owner', { Old: 'Golden' }, 'unshare'],
    ['moved to a sibling that took it over (my note on it is not mine)', { Old: 'GoldenImage' }, 'leave'],
    ['moved nowhere (removed): undo, as an owner that is not alive', {}, 'unshare'],
  ])('%s', async (_row, moved, kind) => {
    expect((await deleteAction(tags(old), me, facts('stack-delete', [], moved), 'wsi-1')).kind).toBe(kind);
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
    // Without a physical ID, or with one no resource of the owner's stack has, the rows are the same.
    expect((await deleteAction(found, me, facts(phase, alive), 'wsi-1')).kind).toBe(kind);
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
