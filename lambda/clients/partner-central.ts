import { PartnerCentralAccountClient } from '@aws-sdk/client-partnercentral-account';
import { perInvocation } from '../runtime/call-guard';

/** The Partner Central Account client of one invocation: served from us-east-1 only, whatever the stack's Region. */
export const partnerCentralOf = perInvocation(settings => new PartnerCentralAccountClient({ ...settings, region: 'us-east-1' }));
