/**
 * Enumerated values both sides of the wire contract agree on (see resources.ts). No aws-cdk-lib here.
 */

/** A construct's removal policy as its resource property: what the handler's Delete does. */
export const REMOVAL_POLICY = { retain: 'retain', destroy: 'destroy' } as const;
export type RemovalPolicyValue = typeof REMOVAL_POLICY[keyof typeof REMOVAL_POLICY];

/** Whether a value is a removal policy the handler knows. */
export function isRemovalPolicy(value: unknown): value is RemovalPolicyValue {
  return value === REMOVAL_POLICY.retain || value === REMOVAL_POLICY.destroy;
}

/** `AccessType` in the Partner Central Account model: the values of the construct's ConnectionAccessType. */
export const ACCESS_TYPES = ['ALLOW_ALL', 'DENY_ALL', 'ALLOW_BY_DEFAULT_DENY_SOME'] as const;
export type AccessType = typeof ACCESS_TYPES[number];

/** Whether a value is an access type Partner Central knows. */
export function isAccessType(value: unknown): value is AccessType {
  return typeof value === 'string' && (ACCESS_TYPES as readonly string[]).includes(value);
}
