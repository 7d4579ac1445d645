/** Organizations changes, made in the local Organizations and mirrored in the model. */
import type { ModelState } from './state';
import type { World } from './world';

export type OrgChange =
  | { readonly kind: 'move'; readonly account: string; readonly parent: string }
  | { readonly kind: 'suspend' | 'activate' | 'leave'; readonly account: string };

export function describeOrg(change: OrgChange): string {
  return change.kind === 'move' ? `${change.account} joins or moves to ${change.parent}` : `${change.account} ${change.kind}s`;
}

/** Apply a change to both sides; a change that does not apply (suspend an account outside the organization) does nothing. */
export function applyOrg(change: OrgChange, world: World, model: ModelState): void {
  const org = world.endpoint.organizations;
  const member = model.org.get(change.account);
  if (change.kind === 'move') {
    const state = member?.state ?? 'ACTIVE';
    org.addAccount(change.account, change.parent, state);
    model.org.set(change.account, { parent: change.parent, state });
  } else if (change.kind === 'leave') {
    if (!member) return;
    org.removeAccount(change.account);
    model.org.delete(change.account);
  } else {
    if (!member) return;
    const state = change.kind === 'suspend' ? 'SUSPENDED' : 'ACTIVE';
    org.setState(change.account, state);
    member.state = state;
  }
}
