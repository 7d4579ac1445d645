/**
 * Integration test of SharedConnectionAlias: a stack that creates a WorkSpaces connection alias
 * and shares it with one other account, and an assertion that the alias's permissions allow
 * that account to associate it.
 *
 * `npm test` only synthesizes it and compares the template with the committed snapshot. To
 * deploy it for real (see docs/developing.md), name the account to share with and,
 * if you like, a connection string of a domain you control; the assertion runs in the deployment:
 *
 *   npx cdk deploy --app "npx ts-node --prefer-ts-exts test/integ.shared-connection-alias.ts" \
 *     --parameters ShareAccountId=111122223333 --parameters ConnectionString=desktop.example.com
 *
 * Both are stack parameters, so the values never reach the template or its snapshot.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as workspaces from 'aws-cdk-lib/aws-workspaces';
import { SharedConnectionAlias } from '../src';

const app = new App();
const stack = new Stack(app, 'SharedConnectionAliasInteg');

const connectionString = new CfnParameter(stack, 'ConnectionString', {
  description: 'The fully qualified domain name of the connection alias',
  default: 'desktop.example.com',
});
const accountId = new CfnParameter(stack, 'ShareAccountId', {
  description: 'The account to share the connection alias with',
  default: '111122223333',
});

// Created in the same deployment: the share waits for the alias to leave CREATING.
const alias = new workspaces.CfnConnectionAlias(stack, 'Alias', { connectionString: connectionString.valueAsString });
const share = new SharedConnectionAlias(stack, 'AliasShare', {
  aliasId: alias.attrAliasId,
  accountId: accountId.valueAsString,
});

const integ = new IntegTest(app, 'SharedConnectionAliasTest', {
  testCases: [stack],
  // The assertions read the stack's parameters and alias, so they live in the stack, after the share.
  assertionStack: stack,
});

integ.assertions
  .awsApiCall('WorkSpaces', 'DescribeConnectionAliasPermissions', { AliasId: alias.attrAliasId })
  .expect(ExpectedResult.objectLike({
    ConnectionAliasPermissions: Match.arrayWith([{ SharedAccountId: accountId.valueAsString, AllowAssociation: true }]),
  }))
  .node.addDependency(share);
