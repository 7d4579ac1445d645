import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { perInvocation } from '../runtime/call-guard';

/**
 * The DynamoDB client of one invocation, in the function's Region (the membership table is the
 * provider's). In the bundle, `new DynamoDBClient` loads on-demand/dynamodb.js, once: the entry
 * file holds no DynamoDB code (lambda/sdk/client-dynamodb.ts).
 */
export const dynamoDbOf = perInvocation(settings => new DynamoDBClient(settings));
