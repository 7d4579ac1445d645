/**
 * The SDK clients bundled apart, in assets/lambda/handler/on-demand/, each required at its first
 * use. The requires live in this file, next to the entry point, because their paths are relative
 * to lambda/ in the sources and to the entry file in the bundle alike.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export type DynamoDbSdk = typeof import('./on-demand/dynamodb');
export type OrganizationsSdk = typeof import('./on-demand/organizations');
export type CloudFormationSdk = typeof import('./on-demand/cloudformation');
export type PartnerCentralSdk = typeof import('./on-demand/partner-central');

/** The DynamoDB client and commands (lambda/on-demand/dynamodb.ts). */
export const dynamoDbSdk = (): DynamoDbSdk => require('./on-demand/dynamodb');

/** The Organizations and STS clients and commands (lambda/on-demand/organizations.ts). */
export const organizationsSdk = (): OrganizationsSdk => require('./on-demand/organizations');

/** The CloudFormation client and commands (lambda/on-demand/cloudformation.ts). */
export const cloudFormationSdk = (): CloudFormationSdk => require('./on-demand/cloudformation');

/** The Partner Central Account client and commands (lambda/on-demand/partner-central.ts). */
export const partnerCentralSdk = (): PartnerCentralSdk => require('./on-demand/partner-central');

/**
 * A stand-in for the class `name` of the module `load` loads: `new` loads the module (at the
 * first `new` only) and returns an instance of its class, so that the code that says
 * `new GetItemCommand(…)` or `new DynamoDBClient(…)` needs no change, and a command always comes
 * from the same copy of the SDK as the client that sends it; `instanceof` asks the class too
 * (an exception class, say).
 */
export function onDemandClass<M, K extends keyof M>(load: () => M, name: K): M[K] {
  let loaded: (new (...a: unknown[]) => object) | undefined;
  const Class = () => (loaded ??= load()[name] as unknown as new (...a: unknown[]) => object);
  const onDemand = function onDemand(...args: unknown[]) {
    return new (Class())(...args);
  };
  Object.defineProperty(onDemand, Symbol.hasInstance, { value: (value: unknown) => value instanceof Class() });
  return onDemand as unknown as M[K];
}
