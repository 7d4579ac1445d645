/**
 * What a deploy costs in WorkSpaces calls at 1,000 accounts, under both readings of the two
 * UNVERIFIED answers of UpdateWorkspaceImagePermission (its API reference is silent on them): the
 * bundled handler through the unmodified SDK client against the local endpoint.
 */
import { lambdaContext } from './support/handler-harness';
import { useLocalAws } from './support/local-aws';
import { UNVERIFIED_READINGS } from './support/workspaces-images-service';

// Thousands of writes, each with its fence in the ledger (dynalite), on a loaded two-core machine: a
// correctness test at scale, not a timed one (npm run benchmark measures the time).
jest.setTimeout(300_000);

const TYPE = 'Custom::SharedWorkspaceImage';
const OWNER = '123456789012';
const IMAGE = 'wsi-abc123def';
const N = 1_000;
const accounts = (n: number, from = 0) => Array.from({ length: n }, (_, i) => String(300000000000 + from + i));

const aws = useLocalAws(OWNER, e => e.workspaces.addImage(IMAGE));
const props = (accountIds: string[]) => ({ ImageId: IMAGE, AccountIds: accountIds });

describe.each(Object.entries(UNVERIFIED_READINGS))('at 1,000 accounts (%s)', (_reading, behaviour) => {
  test('a Create costs N + 4 calls, +1 and -1 one call each, a Delete N + 2, and each leaves exactly the listed shares', async () => {
    const { endpoint, cfn, handler } = aws;
    endpoint.workspaces.unverified = behaviour;
    const listed = accounts(N);
    const plusOne = [...listed, accounts(1, N)[0]];
    const steps: [string, ReturnType<typeof cfn.createEvent>, string[], number][] = [
      ['create', cfn.createEvent(TYPE, 'Share', props(listed)), listed, N + 4],
      ['+1', cfn.updateEvent(TYPE, 'Share', IMAGE, props(plusOne), props(listed)), plusOne, 2],
      ['-1', cfn.updateEvent(TYPE, 'Share', IMAGE, props(listed), props(plusOne)), listed, 2],
      ['delete', cfn.deleteEvent(TYPE, 'Share', IMAGE, props(listed)), [], N + 3],
    ];
    const costs: Record<string, number> = {};
    for (const [step, event, shares, bound] of steps) {
      endpoint.resetCalls();
      const response = await cfn.invoke(handler, event, lambdaContext(OWNER));
      expect(response.Status).toBe('SUCCESS');
      expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([...shares].sort());
      costs[step] = endpoint.calls.length;
      expect(costs[step]).toBeLessThanOrEqual(bound);
    }
    // Create: the image, its owner tags read, written and read again (the claim's confirmation),
    // one write per account. Delete: the owner tags read, one write per account, the owner tags
    // removed: an owner without a rename's note needs no CloudFormation read.
    expect(costs).toEqual({ 'create': N + 4, '+1': 1, '-1': 1, 'delete': N + 2 });
  });

  test('the rollback Delete of a Create that failed half-way unshares exactly what the ledger holds: one read settles the write in flight, no refused write', async () => {
    const { endpoint, cfn, handler } = aws;
    endpoint.workspaces.unverified = behaviour;
    const listed = accounts(N);
    process.env.SHARING_IAM_PROPAGATION_MS = '0';
    endpoint.inject({ kind: 'access-denied', count: 1, operation: 'UpdateWorkspaceImagePermission', after: N / 2 });
    const create = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Share', props(listed)), lambdaContext(OWNER));
    expect(create.Status).toBe('FAILED');
    expect(endpoint.workspaces.sharesOf(IMAGE)).toHaveLength(N / 2);
    endpoint.resetCalls();

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Share', create.PhysicalResourceId, props(listed)), lambdaContext(OWNER));

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.workspaces.sharesOf(IMAGE)).toEqual([]);
    // The refused write was in flight: one read settles it; then one write per account the Create shared.
    expect(endpoint.callsOf('UpdateWorkspaceImagePermission').filter(c => c.error)).toEqual([]);
    expect(endpoint.callsOf('UpdateWorkspaceImagePermission')).toHaveLength(N / 2);
    expect(endpoint.callsOf('DescribeWorkspaceImagePermissions')).toHaveLength(N / 2 / 25);
  });
});
