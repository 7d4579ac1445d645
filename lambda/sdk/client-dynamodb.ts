/**
 * '@aws-sdk/client-dynamodb' as the entry file sees it (an esbuild alias, .projenrc.ts): each
 * class is the on-demand module's, loaded at its first `new`. Types come from the SDK itself,
 * and jest runs the sources against the SDK itself. A name imported from the package in
 * lambda/ and missing here fails the bundle: add it here and in lambda/on-demand/dynamodb.ts.
 */
import { dynamoDbSdk, onDemandClass } from '../on-demand-sdk';

export const DynamoDBClient = onDemandClass(dynamoDbSdk, 'DynamoDBClient');
export const BatchGetItemCommand = onDemandClass(dynamoDbSdk, 'BatchGetItemCommand');
export const BatchWriteItemCommand = onDemandClass(dynamoDbSdk, 'BatchWriteItemCommand');
export const DeleteItemCommand = onDemandClass(dynamoDbSdk, 'DeleteItemCommand');
export const GetItemCommand = onDemandClass(dynamoDbSdk, 'GetItemCommand');
export const PutItemCommand = onDemandClass(dynamoDbSdk, 'PutItemCommand');
export const QueryCommand = onDemandClass(dynamoDbSdk, 'QueryCommand');
export const ScanCommand = onDemandClass(dynamoDbSdk, 'ScanCommand');
export const TransactGetItemsCommand = onDemandClass(dynamoDbSdk, 'TransactGetItemsCommand');
export const TransactWriteItemsCommand = onDemandClass(dynamoDbSdk, 'TransactWriteItemsCommand');
export const UpdateItemCommand = onDemandClass(dynamoDbSdk, 'UpdateItemCommand');
// Errors, for `instanceof` (the handler mostly matches their names: lambda/runtime/errors.ts).
export const ConditionalCheckFailedException = onDemandClass(dynamoDbSdk, 'ConditionalCheckFailedException');
export const TransactionCanceledException = onDemandClass(dynamoDbSdk, 'TransactionCanceledException');
