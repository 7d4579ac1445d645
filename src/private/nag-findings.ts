/**
 * An ARN as cdk-nag names it in a finding: a reference to a pseudo parameter becomes `<AWS::…>`,
 * another reference `<LogicalId>`, a GetAtt `<LogicalId.Attribute>`.
 */
export function nagArn(resolved: unknown): string {
  if (typeof resolved === 'string') return resolved;
  const value = resolved as Record<string, any>;
  if (value?.['Fn::Join']) return (value['Fn::Join'][1] as unknown[]).map(nagArn).join(value['Fn::Join'][0]);
  if (value?.Ref) return `<${value.Ref}>`;
  if (value?.['Fn::GetAtt']) return `<${value['Fn::GetAtt'].join('.')}>`;
  return JSON.stringify(resolved);
}
