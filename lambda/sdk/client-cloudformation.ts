/**
 * '@aws-sdk/client-cloudformation' as the entry file sees it (an esbuild alias,
 * projenrc/handler-bundles.ts): each class is the on-demand module's, loaded at its first `new`,
 * as lambda/sdk/client-dynamodb.ts says. A name missing here fails the bundle: add it here and in
 * lambda/on-demand/cloudformation.ts.
 */
import { cloudFormationSdk, onDemandClass } from '../on-demand-sdk';

export const CloudFormationClient = onDemandClass(cloudFormationSdk, 'CloudFormationClient');
export const DescribeStackResourceCommand = onDemandClass(cloudFormationSdk, 'DescribeStackResourceCommand');
export const DescribeStacksCommand = onDemandClass(cloudFormationSdk, 'DescribeStacksCommand');
export const GetTemplateCommand = onDemandClass(cloudFormationSdk, 'GetTemplateCommand');
export const ListStackResourcesCommand = onDemandClass(cloudFormationSdk, 'ListStackResourcesCommand');
