import { AddressInfo } from 'net';
import { AttributeValue, CreateTableCommand, DeleteItemCommand, DynamoDBClient, ScanCommand, UpdateItemCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import type { TemplateJson } from './local-deployment';
import { LEDGER_TABLE_ENV, MEMBERSHIP_KEY } from '../../src/contract/membership';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => import('http').Server;

/**
 * DynamoDB through dynalite (an emulator of its wire protocol, in memory, in-process), for the
 * membership table: started for each test, the handler's DynamoDB client pointed at it with
 * AWS_ENDPOINT_URL_DYNAMODB (the SDK's per-service endpoint), the other clients staying on the local endpoint.
 */
export class LocalDynamoDb {
  private server?: import('http').Server;
  /** The environment this instance replaced, put back at stop (a file's ledger under a test's own). */
  private previous: Record<string, string | undefined> = {};

  public async start(): Promise<string> {
    this.server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    // The Date header from the callers' clock (virtual time), not Node's real one: the SDK takes a
    // Date five minutes off for clock skew and retries even a failed condition (local-endpoint.ts).
    this.server.prependListener('request', (_req: unknown, res: { setHeader(name: string, value: string): void }) => res.setHeader('date', new Date().toUTCString()));
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    this.previous = { AWS_ENDPOINT_URL_DYNAMODB: process.env.AWS_ENDPOINT_URL_DYNAMODB, [LEDGER_TABLE_ENV]: process.env[LEDGER_TABLE_ENV] };
    process.env.AWS_ENDPOINT_URL_DYNAMODB = this.url;
    return this.url;
  }

  /**
   * The ledger table named `name` (the provider's table, as the function's environment names it),
   * for tests that run the handler without a template. Made before the tests' virtual clock
   * starts: dynalite makes a table ACTIVE on a timer.
   */
  public async createLedger(name = 'Ledger'): Promise<void> {
    await this.client().send(new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: MEMBERSHIP_KEY, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: MEMBERSHIP_KEY, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    await waitUntilTableExists({ client: this.client(), maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.1 } as any, { TableName: name });
    process.env[LEDGER_TABLE_ENV] = name;
  }

  /** Empty the ledger table, as a new provider's (each test starts so). */
  public async clearLedger(name = 'Ledger'): Promise<void> {
    process.env[LEDGER_TABLE_ENV] = name;
    for (const item of await this.items(name)) {
      await this.client().send(new DeleteItemCommand({ TableName: name, Key: { [MEMBERSHIP_KEY]: item[MEMBERSHIP_KEY] } }));
    }
  }

  /** Name another owner in a ledger item, as a rename would (the tests of stale checks). */
  public async setOwner(key: string, owner: string, table = process.env[LEDGER_TABLE_ENV] ?? 'Ledger'): Promise<void> {
    await this.client().send(new UpdateItemCommand({
      TableName: table, Key: { [MEMBERSHIP_KEY]: { S: key } }, UpdateExpression: 'SET #o = :o', ExpressionAttributeNames: { '#o': 'Owner' }, ExpressionAttributeValues: { ':o': { S: owner } },
    }));
  }

  /** Delete a ledger item, as a release before the ledger never wrote it. */
  public async deleteItem(key: string, table = process.env[LEDGER_TABLE_ENV] ?? 'Ledger'): Promise<void> {
    await this.client().send(new DeleteItemCommand({ TableName: table, Key: { [MEMBERSHIP_KEY]: { S: key } } }));
  }

  /** Every item of a table (the tests' view of the ledger). */
  public async items(table = process.env[LEDGER_TABLE_ENV] ?? 'Ledger'): Promise<Record<string, AttributeValue>[]> {
    const { Items } = await this.client().send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    return Items ?? [];
  }

  public get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  public client(): DynamoDBClient {
    // dynalite checks no signature: throwaway credentials, whatever the environment holds yet.
    return new DynamoDBClient({
      endpoint: this.url, region: process.env.AWS_REGION ?? 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  /** Create the tables a template lists, each named by its logical ID (as LocalDeployment resolves their Ref). */
  public async createTablesOf(template: TemplateJson): Promise<void> {
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::DynamoDB::Table') continue;
      const p = resource.Properties as Record<string, any>;
      await this.client().send(new CreateTableCommand({
        TableName: id, KeySchema: p.KeySchema, AttributeDefinitions: p.AttributeDefinitions, BillingMode: 'PAY_PER_REQUEST',
      })).catch((error: Error) => {
        // Another deployment of the test made it already.
        if (error.name !== 'ResourceInUseException') throw error;
      });
      // dynalite makes a table ACTIVE on a timer (the virtual clock runs it while nothing else is on the wire).
      await waitUntilTableExists({ client: this.client(), maxWaitTime: 60, minDelay: 0.05, maxDelay: 0.1 } as any, { TableName: id });
      // The provider names its table to the function (SharingProvider._ledgerTable).
      process.env[LEDGER_TABLE_ENV] = id;
    }
  }

  public async stop(): Promise<void> {
    for (const [name, value] of Object.entries(this.previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    if (!this.server) return;
    await new Promise<void>(resolve => this.server!.close(() => resolve()));
    this.server = undefined;
  }
}
