/**
 * '@aws-sdk/client-partnercentral-account' as the entry file sees it (an esbuild alias,
 * projenrc/handler-bundles.ts): each class is the on-demand module's, loaded at its first `new`,
 * as lambda/sdk/client-dynamodb.ts says. A name missing here fails the bundle: add it here and in
 * lambda/on-demand/partner-central.ts.
 */
import { onDemandClass, partnerCentralSdk } from '../on-demand-sdk';

export const PartnerCentralAccountClient = onDemandClass(partnerCentralSdk, 'PartnerCentralAccountClient');
export const GetConnectionPreferencesCommand = onDemandClass(partnerCentralSdk, 'GetConnectionPreferencesCommand');
export const ListTagsForResourceCommand = onDemandClass(partnerCentralSdk, 'ListTagsForResourceCommand');
export const TagResourceCommand = onDemandClass(partnerCentralSdk, 'TagResourceCommand');
export const UntagResourceCommand = onDemandClass(partnerCentralSdk, 'UntagResourceCommand');
export const UpdateConnectionPreferencesCommand = onDemandClass(partnerCentralSdk, 'UpdateConnectionPreferencesCommand');
