import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { ShareGrants } from './share-grants';
import { MEMBERSHIP_KEY } from '../contract/membership';

/**
 * The table in which the handler remembers, per share resource, the accounts it shared because
 * of organizational units (lambda/units/membership.ts): one item per resource, one string set.
 * On demand, encrypted, with point-in-time recovery, and kept when the stack is deleted: losing it
 * only means that accounts which leave the units are no longer unshared (see the README).
 */
export function createMembershipTable(scope: Construct, grants: ShareGrants): dynamodb.Table {
  const table = new dynamodb.Table(scope, 'MembershipTable', {
    partitionKey: { name: MEMBERSHIP_KEY, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  grants.allow('membership-table', ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], [table.tableArn]);
  return table;
}
