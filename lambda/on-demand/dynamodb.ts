/**
 * Loaded at a request's first DynamoDB call (the entry file's '@aws-sdk/client-dynamodb' is
 * lambda/sdk/client-dynamodb.ts, which requires this): the client costs nothing to the cold
 * start of requests that never call DynamoDB. SDK code only, so that the handler's own modules
 * (errors compared with instanceof, the call guard's state) exist once, in the entry file.
 * A command used anywhere in lambda/ is exported here and in lambda/sdk/client-dynamodb.ts.
 */
export {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
