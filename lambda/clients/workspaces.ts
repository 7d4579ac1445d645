import { WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { perInvocation } from '../runtime/guard';

/** The WorkSpaces client of one invocation, in the function's own Region. */
export const workspacesOf = perInvocation(settings => new WorkSpacesClient(settings));
