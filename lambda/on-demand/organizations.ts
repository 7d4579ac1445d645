/**
 * Loaded at a request's first Organizations or STS call, that is by shares that follow
 * organizational units only (the entry file's '@aws-sdk/client-organizations' and
 * '@aws-sdk/client-sts' are lambda/sdk/client-organizations.ts and client-sts.ts, which require
 * this). SDK code only, as lambda/on-demand/dynamodb.ts says why. STS is here because the
 * handler assumes a role only to read Organizations: one module, one copy of the SDK's core.
 */
export {
  DescribeAccountCommand,
  ListAccountsForParentCommand,
  ListChildrenCommand,
  ListOrganizationalUnitsForParentCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
export { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
