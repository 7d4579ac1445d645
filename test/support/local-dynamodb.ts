import { AddressInfo } from 'net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TemplateJson } from './local-deployment';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => import('http').Server;

/**
 * DynamoDB through dynalite (an emulator of its wire protocol, in memory, in-process), for the
 * membership table: started for each test, the handler's DynamoDB client pointed at it with
 * AWS_ENDPOINT_URL_DYNAMODB (the SDK's per-service endpoint), the other clients staying on the local endpoint.
 */
export class LocalDynamoDb {
  private server?: import('http').Server;

  public async start(): Promise<string> {
    this.server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    process.env.AWS_ENDPOINT_URL_DYNAMODB = this.url;
    return this.url;
  }

  public get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  public client(): DynamoDBClient {
    return new DynamoDBClient({ endpoint: this.url, region: process.env.AWS_REGION });
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
    }
  }

  public async stop(): Promise<void> {
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    if (!this.server) return;
    await new Promise<void>(resolve => this.server!.close(() => resolve()));
    this.server = undefined;
  }
}
