/**
 * '@aws-sdk/client-sts' as the entry file sees it (an esbuild alias, .projenrc.ts): STS is
 * bundled with Organizations in lambda/on-demand/organizations.ts, loaded at the first `new`.
 */
import { onDemandClass, organizationsSdk } from '../on-demand-sdk';

export const STSClient = onDemandClass(organizationsSdk, 'STSClient');
export const AssumeRoleCommand = onDemandClass(organizationsSdk, 'AssumeRoleCommand');
