import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { perInvocation } from '../runtime/call-guard';

/** The DynamoDB client of one invocation, in the function's Region (the membership table is the provider's). */
export const dynamoDbOf = perInvocation(settings => new DynamoDBClient(settings));
