/**
 * Integration test of PartnerConnectionPreferences: a stack that sets the connection preferences
 * of the Sandbox catalog, and an assertion that Partner Central reports them.
 *
 * `npm test` only synthesizes it and compares the template with the committed snapshot. To
 * deploy it for real (see docs/developing.md), from an account registered in Partner
 * Central, optionally naming the participant to exclude; the assertion runs in the deployment:
 *
 *   npx cdk deploy --app "npx ts-node --prefer-ts-exts test/integ.partner-connection-preferences.ts" \
 *     --parameters ExcludedParticipantId=...
 *
 * Deleting the stack resets the Sandbox preferences to ALLOW_ALL (RemovalPolicy.DESTROY).
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ConnectionAccessType, PartnerConnectionPreferences } from '../src';

const app = new App();
// Partner Central is served from us-east-1 only: the assertion calls it from the stack's Region.
const stack = new Stack(app, 'PartnerConnectionPreferencesInteg', { env: { region: 'us-east-1' } });

const participantId = new CfnParameter(stack, 'ExcludedParticipantId', {
  description: 'A participant that may not send the account connection requests',
  default: 'participant-1',
});

const preferences = new PartnerConnectionPreferences(stack, 'Connections', {
  catalog: 'Sandbox',
  accessType: ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME,
  excludedParticipantIds: [participantId.valueAsString],
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'PartnerConnectionPreferencesTest', {
  testCases: [stack],
  // The assertions read the stack's parameter, so they live in the stack, after the preferences.
  assertionStack: stack,
});

// UNVERIFIED: that the assertion function's Node.js runtime ships the Partner Central Account
// SDK client. Its IAM action is named here, because the assertion provider would derive the
// prefix from the client's name (partnercentral-account) rather than the service's (partnercentral).
const read = integ.assertions.awsApiCall('@aws-sdk/client-partnercentral-account', 'GetConnectionPreferences', { Catalog: 'Sandbox' });
read.provider.addToRolePolicy({
  Effect: 'Allow',
  Action: ['partnercentral:GetConnectionPreferences'],
  Resource: ['*'],
});
read
  .expect(ExpectedResult.objectLike({
    AccessType: ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME,
    ExcludedParticipantIds: [participantId.valueAsString],
  }))
  .node.addDependency(preferences);
