import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { ShareGrants } from './share-grants';
import { MEMBERSHIP_KEY } from '../contract/membership';

/**
 * The ledger: the table in which the handler records, per shared object, what this provider's
 * shares shared and the fence of their writes (lambda/reconcile/ledger.ts, docs/engine.md). Its
 * construct ID is the membership table's of earlier releases, so that an upgrade keeps it (and
 * the older items, which the engine adopts). On demand, encrypted, with point-in-time recovery,
 * kept when the stack is deleted. The handler reads and updates items; it never deletes one.
 */
export function createMembershipTable(scope: Construct, grants: ShareGrants): dynamodb.Table {
  const table = new dynamodb.Table(scope, 'MembershipTable', {
    partitionKey: { name: MEMBERSHIP_KEY, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  grants.allow('membership-table', ['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]);
  return table;
}
