import { WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { CallGuard, perInvocation } from '../runtime/call-guard';

/**
 * The WorkSpaces client of one invocation, in the function's own Region, paced at the rate the
 * time budget plans for (WorkSpaces allows 2 calls/s per account and Region, to all callers).
 */
export const workspacesOf = perInvocation(settings => new WorkSpacesClient(settings), settings => settings.workspacesCallsPerSecond);

/** The factories of WorkSpaces clients in other Regions, one per Region. */
const otherRegions = new Map<string, (ctx: CallGuard) => WorkSpacesClient>();

/**
 * The WorkSpaces client of one invocation in `region` (an image copy reads its source there):
 * the function's own client when that is its Region, else one paced on its own, since each
 * Region has its own rate.
 */
export function workspacesIn(region: string, ctx: CallGuard): WorkSpacesClient {
  if (region === process.env.AWS_REGION) return workspacesOf(ctx);
  let factory = otherRegions.get(region);
  if (!factory) {
    factory = perInvocation(settings => new WorkSpacesClient({ ...settings, region }), settings => settings.workspacesCallsPerSecond);
    otherRegions.set(region, factory);
  }
  return factory(ctx);
}
