/**
 * Mistakes a new user makes, and what synth tells them: each message names the construct path,
 * the value as written and the fix (issue 25, item 8).
 */
import { Annotations as CoreAnnotations, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { DriftAction, SharedConnectionAlias, SharedWorkspaceImage, SharingProvider } from '../src';
import { newStack } from './support/template';

const UNIT = 'ou-ab12-cdefgh34';
const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(300000000000 + i));

/** The warnings synth records on the stack, as "path: message". */
function warnings(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => `${w.id}: ${String(w.entry.data)}`);
}

test('excludedAccountIds without organizationalUnitIds is a synth error naming the construct, the accounts and the fix', () => {
  expect(() => new SharedWorkspaceImage(newStack(), 'Golden', { imageId: 'wsi-abc123def', accountIds: ['111122223333'], excludedAccountIds: ['444455556666'] }))
    .toThrow(/^TestStack\/Golden: excludedAccountIds \(444455556666\) applies only to the accounts of organizationalUnitIds, and there are no units: give organizationalUnitIds, or drop excludedAccountIds/);
  // An empty list excludes nothing, so it is no mistake.
  expect(() => new SharedWorkspaceImage(newStack(), 'Golden', { imageId: 'wsi-abc123def', accountIds: ['111122223333'], excludedAccountIds: [] })).not.toThrow();
});

describe('a share that follows units with a REPORT drift check', () => {
  test('warns that joiners are never shared nor leavers unshared before the next deploy, with the fix and the id to acknowledge', () => {
    const stack = newStack();
    new SharedWorkspaceImage(stack, 'Golden', { imageId: 'wsi-abc123def', organizationalUnitIds: [UNIT], driftCheck: { action: DriftAction.REPORT } });

    const found = warnings(stack).filter(w => w.includes('unitsReportOnly'));
    expect(found).toEqual([expect.stringMatching(
      /TestStack\/Golden: driftCheck.action is DriftAction.REPORT with organizationalUnitIds, .*accounts that join the units are never shared, and accounts that leave never unshared, until the next deploy\. .*use DriftAction.REPAIR .* or DriftAction.ENFORCE.*acknowledgeWarning\('cdk-cross-account-sharing:unitsReportOnly'\)/,
    )]);
  });

  test('REPAIR (the default with units) and ENFORCE do not warn, and the warning can be acknowledged', () => {
    for (const driftCheck of [undefined, { action: DriftAction.REPAIR }, { action: DriftAction.ENFORCE }]) {
      const stack = newStack();
      new SharedWorkspaceImage(stack, 'Golden', { imageId: 'wsi-abc123def', organizationalUnitIds: [UNIT], driftCheck });
      expect(warnings(stack).filter(w => w.includes('unitsReportOnly'))).toEqual([]);
    }
    const stack = newStack();
    CoreAnnotations.of(stack).acknowledgeWarning('cdk-cross-account-sharing:unitsReportOnly', 'report-only: we deploy to share');
    new SharedWorkspaceImage(stack, 'Golden', { imageId: 'wsi-abc123def', organizationalUnitIds: [UNIT], driftCheck: { action: DriftAction.REPORT } });
    expect(warnings(stack).filter(w => w.includes('unitsReportOnly'))).toEqual([]);
  });
});

test('a drift interval of a fraction of a minute shows the value as written and the whole minutes around it', () => {
  const make = (interval: Duration) => () => new SharedWorkspaceImage(newStack(), 'Golden', {
    imageId: 'wsi-abc123def', accountIds: ['111122223333'], driftCheck: { interval },
  });

  expect(make(Duration.minutes(90.5))).toThrow(
    /^TestStack\/Golden: driftCheck.interval must be whole minutes, got Duration.minutes\(90.5\) \(5430 seconds\): write Duration.minutes\(90\) or Duration.minutes\(91\), at least 15 minutes$/);
  expect(make(Duration.minutes(90.5))).not.toThrow(/1 hour 30 minutes/);
  expect(make(Duration.seconds(1_000))).toThrow(/got Duration.seconds\(1000\) \(1000 seconds\): write Duration.minutes\(16\) or Duration.minutes\(17\)/);
});

test('organisationalUnitIds (British spelling) warns with "did you mean organizationalUnitIds"', () => {
  const stack = newStack();
  new SharedWorkspaceImage(stack, 'Golden', { imageId: 'wsi-abc123def', accountIds: ['111122223333'], organisationalUnitIds: [UNIT] } as any);

  expect(warnings(stack)).toEqual([expect.stringMatching(
    /TestStack\/Golden: ignored props it does not know: organisationalUnitIds \(did you mean organizationalUnitIds\?\)\. It knows /,
  )]);
});

describe('a share that raises the time budget of its stack\'s other shares', () => {
  test('a unit share raises every share of the stack to 3,600 s, and says so with the numbers', () => {
    const stack = newStack();
    new SharedWorkspaceImage(stack, 'Small', { imageId: 'wsi-small12345', accountIds: ['111122223333'] });
    new SharedConnectionAlias(stack, 'Alias', { aliasId: 'wsca-abc12345', accountId: '111122223333' });
    new SharedWorkspaceImage(stack, 'Units', { imageId: 'wsi-units12345', organizationalUnitIds: [UNIT] });

    const found = warnings(stack).filter(w => w.includes('timeBudgetRaised'));
    // Alone, the image of one account and the alias: 600 s + (2 + 3 + 6) calls at 1.75/s, rounded up to a minute = 660 s.
    expect(found).toEqual([expect.stringMatching(
      /^\/TestStack\/Units: TestStack\/Units: its accounts are known only at deploy \(it follows organizational units, or its account list is a token\), .*: it raises the time budget \(ServiceTimeout\) of the 2 other share resources of stack TestStack from 660 s to 3600 s, .*put Units in a stack of its own; to accept it, Annotations.of\(construct\).acknowledgeWarning\('cdk-cross-account-sharing:timeBudgetRaised'\)/,
    )]);
    expect(SharingProvider.BUDGET_RAISED_WARNING).toBe('cdk-cross-account-sharing:timeBudgetRaised');
  });

  test('a long account list says how far it raises the others; small shares, and a share alone, say nothing', () => {
    const stack = newStack();
    new SharedWorkspaceImage(stack, 'Big', { imageId: 'wsi-big1234567', accountIds: accounts(1_000) });
    new SharedWorkspaceImage(stack, 'Small', { imageId: 'wsi-small12345', accountIds: ['111122223333'] });

    // With both: 600 s + (2,003 + 5) calls at 1.75/s = 1,748 s, rounded up to 1,800 s; Small alone 660 s.
    expect(warnings(stack).filter(w => w.includes('timeBudgetRaised'))).toEqual([
      expect.stringMatching(/TestStack\/Big: its WorkSpaces calls \(2003 in its costliest request\) .* of the 1 other share resource of stack TestStack from 660 s to 1800 s/),
    ]);

    const alone = newStack();
    new SharedWorkspaceImage(alone, 'Units', { imageId: 'wsi-units12345', organizationalUnitIds: [UNIT] });
    expect(warnings(alone).filter(w => w.includes('timeBudgetRaised'))).toEqual([]);
  });
});
