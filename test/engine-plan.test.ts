import { checkPlan, decodePlan, deployPlan, encodePlan, Step } from '../lambda/reconcile/plan';
import { WholeState, wholeStatePlan } from '../lambda/reconcile/whole-state-plan';

/** The pure rows of docs/engine.md's state table: what each request or check plans from what is declared, owned and in effect. */

const set = (...accounts: string[]) => new Set(accounts);
const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const X = '999999999999';
const shares = (...accounts: string[]): Step[] => accounts.map(accountId => ({ accountId, grant: true }));
const unshares = (...accounts: string[]): Step[] => accounts.map(accountId => ({ accountId, grant: false }));

describe('deploy plans', () => {
  test('E1/E2 a Create shares what the ledger does not hold, and unshares nothing (a rename\'s old owner undoes the rest)', () => {
    expect(deployPlan({ kind: 'create' }, set(A, B), set(B, C))).toEqual(shares(A));
  });

  test('E4 an Update unshares what the ledger holds and nobody declares, then shares what it lacks, in the declared order', () => {
    expect(deployPlan({ kind: 'update' }, set(C, A), set(A, B))).toEqual([...unshares(B), ...shares(C)]);
  });

  test('E4 an Update that changes nothing plans nothing', () => {
    expect(deployPlan({ kind: 'update' }, set(A, B), set(B, A))).toEqual([]);
  });

  test('E4 an Update never touches an account shared outside the library (not in the ledger)', () => {
    expect(deployPlan({ kind: 'update' }, set(A), set(A)).map(s => s.accountId)).not.toContain(X);
  });

  test('D2 a Delete by the owner unshares everything the ledger holds', () => {
    expect(deployPlan({ kind: 'delete', keep: set() }, set(), set(A, B))).toEqual(unshares(A, B));
  });

  test('D4/D5 a rename\'s Delete keeps what the other owner declares', () => {
    expect(deployPlan({ kind: 'delete', keep: set(B) }, set(), set(A, B, C))).toEqual(unshares(A, C));
  });
});

describe('check plans', () => {
  const declared = set(A, B);
  const ledger = set(A, C);
  const effect = set(C, X);

  test('K3 REPORT finds missing and unexpected accounts and writes nothing', () => {
    const { findings, steps } = checkPlan('REPORT', declared, ledger, effect);
    expect(findings).toEqual({ missing: [A, B], unexpected: [C, X], ours: [C] });
    expect(steps).toEqual([]);
  });

  test('K4 REPAIR unshares only what the library shared and nobody declares, and shares what is missing', () => {
    expect(checkPlan('REPAIR', declared, ledger, effect).steps).toEqual([...unshares(C), ...shares(A, B)]);
  });

  test('K5 ENFORCE also unshares what was shared outside the library', () => {
    expect(checkPlan('ENFORCE', declared, ledger, effect).steps).toEqual([...unshares(C, X), ...shares(A, B)]);
  });

  test('K4 an alias (one share) held by an account nobody declared: REPAIR shares nothing, and names the holder', () => {
    expect(checkPlan('REPAIR', set(A), set(), set(X), true)).toEqual({ findings: { missing: [A], unexpected: [X], ours: [] }, steps: [], heldBy: [X] });
    // What the library shared it still unshares; once the share is free, REPAIR shares it.
    expect(checkPlan('REPAIR', set(A), set(C), set(C, X), true)).toMatchObject({ steps: unshares(C), heldBy: [X] });
    expect(checkPlan('REPAIR', set(A), set(C), set(C), true)).toEqual({ findings: { missing: [A], unexpected: [C], ours: [C] }, steps: [...unshares(C), ...shares(A)] });
  });

  test('K5 ENFORCE unshares an alias\'s undeclared holder before sharing it', () => {
    expect(checkPlan('ENFORCE', set(A), set(), set(X), true).steps).toEqual([...unshares(X), ...shares(A)]);
  });

  test('a check in sync plans nothing, whatever the action', () => {
    for (const action of ['REPORT', 'REPAIR', 'ENFORCE'] as const) {
      expect(checkPlan(action, set(A), set(A), set(A)).steps).toEqual([]);
    }
  });
});

describe('whole-state check plans (a catalog\'s connection preferences)', () => {
  const DENY_SOME = 'ALLOW_BY_DEFAULT_DENY_SOME';
  const declared: WholeState = { accessType: DENY_SOME, excluded: ['p-1', 'p-2'] };
  const inEffect = (...excluded: string[]) => ({ accessType: DENY_SOME, excluded });
  const ACTIONS = ['REPORT', 'REPAIR', 'ENFORCE'] as const;
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

  test('in sync (exclusions in another order): nothing found, nothing written, whatever the action', () => {
    for (const action of ACTIONS) {
      expect(wholeStatePlan(action, declared, inEffect('p-2', 'p-1'))).toEqual({
        findings: { missing: [], unexpected: [] }, removed: [], droppedOutside: [],
      });
    }
  });

  test('K3 REPORT finds missing and unexpected exclusions, in the declared and the listed order, and writes nothing', () => {
    const plan = wholeStatePlan('REPORT', declared, inEffect('x-2', 'p-1', 'x-1'));
    expect(plan.findings).toEqual({ missing: ['p-2'], unexpected: ['x-2', 'x-1'] });
    expect(plan.write).toBeUndefined();
  });

  test('a missing access type is named with the one found (none when Partner Central reports none)', () => {
    for (const action of ACTIONS) {
      expect(wholeStatePlan(action, declared, { accessType: 'DENY_ALL', excluded: [] }).findings.missing)
        .toEqual([`AccessType ${DENY_SOME} (found DENY_ALL)`, 'p-1', 'p-2']);
    }
    expect(wholeStatePlan('REPAIR', declared, { excluded: ['p-1', 'p-2'] })).toMatchObject({
      findings: { missing: [`AccessType ${DENY_SOME} (found none)`] }, write: declared,
    });
  });

  test('missing: REPAIR and ENFORCE write the declared exclusions back', () => {
    for (const action of ['REPAIR', 'ENFORCE'] as const) {
      expect(wholeStatePlan(action, declared, inEffect('p-1'))).toEqual({
        findings: { missing: ['p-2'], unexpected: [] }, write: declared, removed: [], droppedOutside: [],
      });
    }
  });

  test('K4 unexpected: REPAIR keeps exclusions added outside the stack, so with nothing missing it writes nothing', () => {
    expect(wholeStatePlan('REPAIR', declared, inEffect('p-1', 'x-1', 'p-2'))).toEqual({
      findings: { missing: [], unexpected: ['x-1'] }, removed: [], droppedOutside: [],
    });
    expect(wholeStatePlan('REPAIR', declared, inEffect('x-1', 'p-1')).write).toEqual({ accessType: DENY_SOME, excluded: ['p-1', 'p-2', 'x-1'] });
  });

  test('K4 REPAIR to an access type that takes no exclusions writes the declaration, removing the outside ones', () => {
    const allowAll: WholeState = { accessType: 'ALLOW_ALL', excluded: [] };
    expect(wholeStatePlan('REPAIR', allowAll, inEffect('x-1'))).toEqual({
      findings: { missing: [`AccessType ALLOW_ALL (found ${DENY_SOME})`], unexpected: ['x-1'] }, write: allowAll, removed: ['x-1'], droppedOutside: [],
    });
  });

  test('K5 unexpected: ENFORCE writes exactly the declaration, removing the outside exclusions', () => {
    expect(wholeStatePlan('ENFORCE', declared, inEffect('x-1', 'p-1', 'p-2'))).toEqual({
      findings: { missing: [], unexpected: ['x-1'] }, write: declared, removed: ['x-1'], droppedOutside: [],
    });
  });

  describe('over 100 exclusions, declared and outside together', () => {
    const many: WholeState = { accessType: DENY_SOME, excluded: ids('d', 98) };
    // d-1 removed by hand, three outside ones added: 100 in effect.
    const current = inEffect('o-2', ...many.excluded.slice(1), 'o-1', 'o-3');

    test('REPORT reports them and writes nothing', () => {
      expect(wholeStatePlan('REPORT', many, current)).toEqual({
        findings: { missing: ['d-1'], unexpected: ['o-2', 'o-1', 'o-3'] }, removed: [], droppedOutside: [],
      });
    });

    test('REPAIR keeps every declared one, then the outside ones in effect in their order as far as 100 allow, and drops the rest', () => {
      expect(wholeStatePlan('REPAIR', many, current)).toMatchObject({
        write: { accessType: DENY_SOME, excluded: [...many.excluded, 'o-2', 'o-1'] }, removed: ['o-3'], droppedOutside: ['o-3'],
      });
    });

    test('REPAIR with 100 declared keeps no outside one', () => {
      expect(wholeStatePlan('REPAIR', { accessType: DENY_SOME, excluded: ids('d', 100) }, inEffect('o-1', ...ids('d', 99)))).toMatchObject({
        write: { excluded: ids('d', 100) }, removed: ['o-1'], droppedOutside: ['o-1'],
      });
    });

    test('ENFORCE writes the declaration: every outside one is removed, none reported dropped', () => {
      expect(wholeStatePlan('ENFORCE', many, current)).toMatchObject({ write: many, removed: ['o-2', 'o-1', 'o-3'], droppedOutside: [] });
    });
  });
});

test('a plan survives the checkpoint\'s encoding, 14 bytes an account', () => {
  const steps = [...unshares(A), ...shares(B, C)];
  expect(decodePlan(encodePlan(steps))).toEqual(steps);
  expect(encodePlan(steps).length).toBe(3 * 14 - 1);
  expect(decodePlan('')).toEqual([]);
});
