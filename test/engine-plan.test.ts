import { checkPlan, decodePlan, deployPlan, encodePlan, Step } from '../lambda/reconcile/plan';

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

  test('a check in sync plans nothing, whatever the action', () => {
    for (const action of ['REPORT', 'REPAIR', 'ENFORCE'] as const) {
      expect(checkPlan(action, set(A), set(A), set(A)).steps).toEqual([]);
    }
  });
});

test('a plan survives the checkpoint\'s encoding, 14 bytes an account', () => {
  const steps = [...unshares(A), ...shares(B, C)];
  expect(decodePlan(encodePlan(steps))).toEqual(steps);
  expect(encodePlan(steps).length).toBe(3 * 14 - 1);
  expect(decodePlan('')).toEqual([]);
});
