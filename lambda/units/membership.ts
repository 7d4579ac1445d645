import { DeleteItemCommand, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { MEMBERSHIP_ACCOUNTS, MEMBERSHIP_KEY } from '../../src/contract/membership';
import { dynamoDbOf } from '../clients/dynamodb';
import type { CallGuard } from '../runtime/call-guard';

/**
 * The memory of one unit-following share: the accounts this resource shared (that were not
 * shared when it wrote) and has not unshared since, one item of the provider's table, keyed by
 * stack, logical ID and image. Only what it holds is ever unshared because it left the units;
 * an account not in it (shared outside the construct, or recorded in a store that was lost) is
 * left alone, unless the check ENFORCEs.
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

  /** Record accounts just shared (added) and unshared (removed): one write each, none when empty. */
  public async record(added: readonly string[], removed: readonly string[]): Promise<void> {
    const client = dynamoDbOf(this.ctx);
    const Key = { [MEMBERSHIP_KEY]: { S: this.key } };
    if (added.length > 0) {
      await client.send(new UpdateItemCommand({
        TableName: this.table,
        Key,
        UpdateExpression: 'ADD #a :s',
        ExpressionAttributeNames: { '#a': MEMBERSHIP_ACCOUNTS },
        ExpressionAttributeValues: { ':s': { SS: [...new Set(added)] } },
      }));
    }
    if (removed.length > 0) {
      await client.send(new UpdateItemCommand({
        TableName: this.table,
        Key,
        UpdateExpression: 'DELETE #a :s',
        ExpressionAttributeNames: { '#a': MEMBERSHIP_ACCOUNTS },
        ExpressionAttributeValues: { ':s': { SS: [...new Set(removed)] } },
      }));
    }
  }

  /** Forget the resource (its Delete unshared what it recorded). */
  public async forget(): Promise<void> {
    await dynamoDbOf(this.ctx).send(new DeleteItemCommand({ TableName: this.table, Key: { [MEMBERSHIP_KEY]: { S: this.key } } }));
  }
}
