import { WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { perInvocation } from '../runtime/guard';

/**
 * The WorkSpaces client of one invocation, in the function's own Region, paced at the rate the
 * time budget plans for (WorkSpaces allows 2 calls/s per account and Region, to all callers).
 */
export const workspacesOf = perInvocation(settings => new WorkSpacesClient(settings), settings => settings.workspacesCallsPerSecond);
