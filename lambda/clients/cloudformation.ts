import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CallGuard, perInvocation } from '../runtime/call-guard';

/** The factories of CloudFormation clients, one per Region (a stack is read in its own Region). */
const byRegion = new Map<string, (ctx: CallGuard) => CloudFormationClient>();

/** The CloudFormation client of one invocation in `region`: ownership decisions read the stacks that own what is shared. */
export function cloudFormationIn(region: string, ctx: CallGuard): CloudFormationClient {
  let factory = byRegion.get(region);
  if (!factory) {
    factory = perInvocation(settings => new CloudFormationClient({ ...settings, region }));
    byRegion.set(region, factory);
  }
  return factory(ctx);
}
