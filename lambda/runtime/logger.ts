import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The handler's structured (JSON) logger. Its level comes from the function's log level
 * (`SharingProviderProps.logLevel`, which Lambda passes as AWS_LAMBDA_LOG_LEVEL): DEBUG logs each
 * API call, INFO each answer, WARN the requests the handler ignores, ERROR the failures.
 */
export const logger = new Logger({ serviceName: 'cdk-cross-account-sharing' });
