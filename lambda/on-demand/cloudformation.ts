/**
 * Loaded at a request's first CloudFormation call: ownership decisions and scheduled checks read
 * stacks, and many requests never need to (the entry file's '@aws-sdk/client-cloudformation' is
 * lambda/sdk/client-cloudformation.ts, which requires this). SDK code only, as
 * lambda/on-demand/dynamodb.ts says why.
 */
export {
  CloudFormationClient,
  DescribeStackResourceCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
