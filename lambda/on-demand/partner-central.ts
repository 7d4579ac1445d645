/**
 * Loaded at a request's first Partner Central call, that is by connection preferences only (the
 * entry file's '@aws-sdk/client-partnercentral-account' is
 * lambda/sdk/client-partnercentral-account.ts, which requires this). SDK code only, as
 * lambda/on-demand/dynamodb.ts says why.
 */
export {
  GetConnectionPreferencesCommand,
  ListTagsForResourceCommand,
  PartnerCentralAccountClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateConnectionPreferencesCommand,
} from '@aws-sdk/client-partnercentral-account';
