import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { MEMBERSHIP_ACCOUNTS, MEMBERSHIP_KEY } from '../../src/contract/membership';
import { dynamoDbOf } from '../clients/dynamodb';
import type { CallGuard } from '../runtime/call-guard';

/**
 * The membership item an older release kept per unit-following share: the accounts it shared
 * because of the units. The ledger (lambda/reconcile/ledger.ts) replaces it; the engine reads it
 * once, to adopt those accounts on the first request after an upgrade.
 */
export class Membership {
  /** The key of a resource's item. */
  public static keyOf(stackId: string, logicalId: string, imageId: string): string {
    return `${stackId}|${logicalId}|${imageId}`;
  }

  constructor(
    private readonly table: string,
    private readonly key: string,
    private readonly ctx: CallGuard,
  ) {}

  /** The accounts recorded (a strongly consistent read). */
  public async read(): Promise<Set<string>> {
    const { Item } = await dynamoDbOf(this.ctx).send(new GetItemCommand({
      TableName: this.table, Key: { [MEMBERSHIP_KEY]: { S: this.key } }, ConsistentRead: true,
    }));
    return new Set(Item?.[MEMBERSHIP_ACCOUNTS]?.SS ?? []);
  }
}
