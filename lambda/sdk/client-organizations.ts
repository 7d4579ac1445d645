/**
 * '@aws-sdk/client-organizations' as the entry file sees it (an esbuild alias, .projenrc.ts):
 * each class is the on-demand module's, loaded at its first `new`, as
 * lambda/sdk/client-dynamodb.ts says. A name missing here fails the bundle: add it here and in
 * lambda/on-demand/organizations.ts.
 */
import { onDemandClass, organizationsSdk } from '../on-demand-sdk';

export const OrganizationsClient = onDemandClass(organizationsSdk, 'OrganizationsClient');
export const DescribeAccountCommand = onDemandClass(organizationsSdk, 'DescribeAccountCommand');
export const ListAccountsForParentCommand = onDemandClass(organizationsSdk, 'ListAccountsForParentCommand');
export const ListChildrenCommand = onDemandClass(organizationsSdk, 'ListChildrenCommand');
export const ListOrganizationalUnitsForParentCommand = onDemandClass(organizationsSdk, 'ListOrganizationalUnitsForParentCommand');
