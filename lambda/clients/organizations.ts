import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CallGuard, clientSettings, guard, perInvocation, withAbortSignal } from '../runtime/call-guard';
import { isErrorCode, messageOf, PreconditionError } from '../runtime/errors';

/** Organizations' one endpoint of the aws partition is in us-east-1, whatever the function's Region. */
export const ORGANIZATIONS_REGION = 'us-east-1';

/*
 * In the bundle, the first `new` of a client or command of Organizations or STS loads
 * on-demand/organizations.js, once: the entry file holds no code of theirs (lambda/sdk/).
 */

/** The STS client of one invocation, in the function's Region (STS's regional endpoint). */
const stsOf = perInvocation(settings => new STSClient(settings));

/** The Organizations client of one invocation with the function's own credentials. */
const ownOrganizationsOf = perInvocation(settings => new OrganizationsClient({ ...settings, region: ORGANIZATIONS_REGION }));

/** The Organizations clients of one invocation that use an assumed role, by role ARN. */
const assumed = new WeakMap<CallGuard, Map<string, OrganizationsClient>>();

/**
 * The Organizations client of one invocation: with `roleArn`, one that signs with that role's
 * credentials, assumed once per invocation (sts:AssumeRole on that role only); else the function's own.
 */
export async function organizationsOf(ctx: CallGuard, roleArn: string | undefined): Promise<OrganizationsClient> {
  if (roleArn === undefined) return ownOrganizationsOf(ctx);
  const byRole = assumed.get(ctx) ?? new Map<string, OrganizationsClient>();
  assumed.set(ctx, byRole);
  const known = byRole.get(roleArn);
  if (known) return known;
  let credentials;
  try {
    ({ Credentials: credentials } = await stsOf(ctx).send(new AssumeRoleCommand({
      RoleArn: roleArn, RoleSessionName: 'cdk-cross-account-sharing', DurationSeconds: 900,
    })));
  } catch (error) {
    if (!isErrorCode(error, 'AccessDenied', 'AccessDeniedException', 'RegionDisabledException', 'ExpiredTokenException')) throw error;
    throw new PreconditionError(`Could not assume organizationsRole ${roleArn} (${messageOf(error)}), so nothing was shared: the role's trust policy `
      + 'must let this account assume it (OrganizationsReadRole with this account in trustedAccountIds, in the management account), or fix organizationsRole');
  }
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new PreconditionError(`AssumeRole of ${roleArn} answered no credentials`);
  const client = new OrganizationsClient({
    ...clientSettings(ctx.settings),
    region: ORGANIZATIONS_REGION,
    credentials: {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration,
    },
  });
  guard(client, ctx);
  withAbortSignal(client, ctx.abort.signal);
  byRole.set(roleArn, client);
  return client;
}
