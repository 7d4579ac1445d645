/**
 * Stands in for `@aws-sdk/credential-provider-node` in the bundled handler (an esbuild alias):
 * Lambda hands the function its role's credentials in the environment, so the SDK's environment
 * provider is the only link of the default chain the handler uses. The rest of the chain (SSO,
 * profiles, web identity, instance metadata and their nested clients) would add about 90 KB to
 * every cold start for nothing.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider: typeof fromEnv = init => fromEnv(init);
