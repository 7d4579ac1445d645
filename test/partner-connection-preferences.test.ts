import { App, CfnOutput, CfnParameter, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConnectionAccessType, PartnerConnectionPreferences, SharedWorkspaceImage, SharingProvider } from '../src';
import { newStack, onlyResource } from './support/template';

const TYPE = 'Custom::PartnerConnectionPreferences';

/** The policy statements that grant the connection-preferences actions. */
function preferenceStatements(template: Template): any[] {
  const policy = onlyResource(template, 'AWS::IAM::Policy', 'SharePolicy').resource;
  return policy.Properties.PolicyDocument.Statement.filter((s: any) => JSON.stringify(s.Action).includes('ConnectionPreferences'));
}

describe('PartnerConnectionPreferences', () => {
  test('declares a Custom::PartnerConnectionPreferences with the catalog, access type, exclusions and removal policy', () => {
    const stack = newStack();
    new PartnerConnectionPreferences(stack, 'Connections', {
      catalog: 'Sandbox',
      accessType: ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME,
      excludedParticipantIds: ['participant-1', 'participant-2'],
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const resource = onlyResource(Template.fromStack(stack), TYPE).resource;
    const { ServiceToken, ServiceTimeout, ...properties } = resource.Properties;
    expect(properties).toEqual({
      Catalog: 'Sandbox',
      AccessType: 'ALLOW_BY_DEFAULT_DENY_SOME',
      ExcludedParticipantIds: ['participant-1', 'participant-2'],
      RemovalPolicy: 'destroy',
      // Partner Central calls do not count against WorkSpaces' rate: the fixed 10 minutes for waits.
      TimeBudgetSeconds: 600,
    });
    expect(ServiceTimeout).toBe(600);
    expect(ServiceToken).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Handler/), 'Arn'] });
  });

  test('defaults to the AWS catalog, no exclusions and RemovalPolicy retain', () => {
    const stack = newStack();
    new PartnerConnectionPreferences(stack, 'Connections', { accessType: ConnectionAccessType.DENY_ALL });

    Template.fromStack(stack).hasResourceProperties(TYPE, {
      Catalog: 'AWS',
      AccessType: 'DENY_ALL',
      RemovalPolicy: 'retain',
      ExcludedParticipantIds: [],
    });
  });

  test('takes no revision-related property', () => {
    const stack = newStack();
    new PartnerConnectionPreferences(stack, 'Connections', { accessType: ConnectionAccessType.DENY_ALL });

    const properties = onlyResource(Template.fromStack(stack), TYPE).resource.Properties;
    expect(Object.keys(properties).filter(k => /revision/i.test(k))).toEqual([]);
  });

  test('enum values equal the API values', () => {
    expect(Object.values(ConnectionAccessType).sort()).toEqual(['ALLOW_ALL', 'ALLOW_BY_DEFAULT_DENY_SOME', 'DENY_ALL']);
  });

  test('shares the single function of the stack with a SharedWorkspaceImage', () => {
    const stack = newStack();
    new SharedWorkspaceImage(stack, 'Image', { imageId: 'wsi-abc123def', accountIds: ['111122223333'] });
    new PartnerConnectionPreferences(stack, 'Connections', { accessType: ConnectionAccessType.DENY_ALL });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    const fn = onlyResource(template, 'AWS::Lambda::Function');
    expect(onlyResource(template, TYPE).resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fn.id, 'Arn'] });
    expect(onlyResource(template, 'Custom::SharedWorkspaceImage').resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fn.id, 'Arn'] });
  });

  test('grants both actions on "*" under a partnercentral:Catalog condition listing exactly the catalogs named', () => {
    const stack = newStack();
    new PartnerConnectionPreferences(stack, 'Production', { accessType: ConnectionAccessType.DENY_ALL });
    new SharedWorkspaceImage(stack, 'Image', { imageId: 'wsi-abc123def', accountIds: ['111122223333'] });
    // Added after the statement was created: the condition still lists it.
    new PartnerConnectionPreferences(stack, 'Testing', { catalog: 'Sandbox', accessType: ConnectionAccessType.ALLOW_ALL });

    const statements = preferenceStatements(Template.fromStack(stack));
    expect(statements).toEqual([{
      Effect: 'Allow',
      Action: ['partnercentral:GetConnectionPreferences', 'partnercentral:UpdateConnectionPreferences'],
      Resource: '*',
      Condition: { StringEquals: { 'partnercentral:Catalog': ['AWS', 'Sandbox'] } },
    }]);
  });

  test('grants the ownership tag actions on the preferences ARN of exactly the catalogs named', () => {
    const stack = newStack();
    new PartnerConnectionPreferences(stack, 'Production', { accessType: ConnectionAccessType.DENY_ALL });
    new PartnerConnectionPreferences(stack, 'Testing', { catalog: 'Sandbox', accessType: ConnectionAccessType.ALLOW_ALL });

    const policy = onlyResource(Template.fromStack(stack), 'AWS::IAM::Policy', 'SharePolicy').resource;
    const tagging = policy.Properties.PolicyDocument.Statement.filter((st: any) => JSON.stringify(st.Action).includes('TagResource'));
    const arn = (catalog: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':partnercentral:us-east-1:', { Ref: 'AWS::AccountId' }, `:catalog/${catalog}/connection-preferences`]],
    });
    expect(tagging).toEqual([{
      Effect: 'Allow',
      Action: ['partnercentral:TagResource', 'partnercentral:ListTagsForResource', 'partnercentral:UntagResource'],
      Resource: [arn('AWS'), arn('Sandbox')],
    }]);
  });

  test('grants nothing for Partner Central to a stack without the construct', () => {
    const stack = newStack();
    new SharedWorkspaceImage(stack, 'Image', { imageId: 'wsi-abc123def', accountIds: ['111122223333'] });

    const policy = onlyResource(Template.fromStack(stack), 'AWS::IAM::Policy', 'SharePolicy').resource;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).not.toContain('partnercentral:');
  });

  test('depends on the share policy, so the permissions exist before the first call', () => {
    const stack = newStack();
    new PartnerConnectionPreferences(stack, 'Connections', { accessType: ConnectionAccessType.DENY_ALL });

    const template = Template.fromStack(stack);
    const policy = onlyResource(template, 'AWS::IAM::Policy', 'SharePolicy');
    expect(onlyResource(template, TYPE).resource.DependsOn).toContain(policy.id);
  });

  test('exposes revision and arn as GetAtt of the resource', () => {
    const stack = newStack();
    const prefs = new PartnerConnectionPreferences(stack, 'Connections', { accessType: ConnectionAccessType.DENY_ALL });
    new CfnOutput(stack, 'Revision', { value: prefs.revision });
    new CfnOutput(stack, 'Arn', { value: prefs.arn });

    const template = Template.fromStack(stack);
    const id = onlyResource(template, TYPE).id;
    template.hasOutput('Revision', { Value: { 'Fn::GetAtt': [id, 'Revision'] } });
    template.hasOutput('Arn', { Value: { 'Fn::GetAtt': [id, 'Arn'] } });
  });

  test('lets stacks of two known accounts in one app each set the same catalog', () => {
    const app = new App();
    new PartnerConnectionPreferences(new Stack(app, 'Dev', { env: { account: '111111111111', region: 'us-east-1' } }), 'Connections', { accessType: ConnectionAccessType.DENY_ALL });
    expect(() => new PartnerConnectionPreferences(new Stack(app, 'Prod', { env: { account: '222222222222', region: 'us-east-1' } }), 'Connections', {
      accessType: ConnectionAccessType.ALLOW_ALL,
    })).not.toThrow();
  });

  test('accepts tokens for the catalog and the participants, left to the handler', () => {
    const stack = newStack();
    const catalog = new CfnParameter(stack, 'Catalog').valueAsString;
    const participant = new CfnParameter(stack, 'Participant').valueAsString;
    const list = new CfnParameter(stack, 'Participants', { type: 'List<String>' }).valueAsList;
    new PartnerConnectionPreferences(stack, 'One', { catalog, accessType: ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME, excludedParticipantIds: [participant, participant] });
    new PartnerConnectionPreferences(stack, 'Two', { catalog, accessType: ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME, excludedParticipantIds: list });

    const template = Template.fromStack(stack);
    template.resourceCountIs(TYPE, 2);
    template.hasResourceProperties(TYPE, { Catalog: { Ref: 'Catalog' }, ExcludedParticipantIds: { Ref: 'Participants' } });
    expect(preferenceStatements(template)[0].Condition).toEqual({ StringEquals: { 'partnercentral:Catalog': [{ Ref: 'Catalog' }] } });
  });

  describe('rejects at synth', () => {
    const build = (props: Partial<ConstructorParameters<typeof PartnerConnectionPreferences>[2]>) => () =>
      new PartnerConnectionPreferences(newStack(), 'Connections', { accessType: ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME, ...props });

    test('a malformed catalog', () => {
      expect(build({ catalog: 'AWS Marketplace' })).toThrow(/TestStack\/Connections: catalog must be a Partner Central catalog .*got "AWS Marketplace"/);
    });

    test('more than 100 excluded participants', () => {
      const ids = Array.from({ length: 101 }, (_, i) => `participant-${i}`);
      expect(build({ excludedParticipantIds: ids })).toThrow(/TestStack\/Connections: excludedParticipantIds holds 101 identifiers; Partner Central accepts at most 100/);
    });

    test('exactly 100 excluded participants pass', () => {
      const ids = Array.from({ length: 100 }, (_, i) => `participant-${i}`);
      expect(build({ excludedParticipantIds: ids })).not.toThrow();
    });

    test('a malformed participant', () => {
      expect(build({ excludedParticipantIds: ['ok-1', 'not ok'] })).toThrow(/TestStack\/Connections: excludedParticipantIds must be a Partner Central participant identifier .*got "not ok"/);
    });

    test('a participant listed twice', () => {
      expect(build({ excludedParticipantIds: ['p-1', 'p-2', 'p-1'] })).toThrow(/TestStack\/Connections: excludedParticipantIds lists "p-1" more than once/);
    });

    test('exclusions with ALLOW_ALL', () => {
      expect(build({ accessType: ConnectionAccessType.ALLOW_ALL, excludedParticipantIds: ['p-1'] }))
        .toThrow(/TestStack\/Connections: excludedParticipantIds are only allowed with accessType ALLOW_BY_DEFAULT_DENY_SOME; with ALLOW_ALL they would mean nothing \(got 1: "p-1"\)/);
    });

    test('exclusions with DENY_ALL', () => {
      expect(build({ accessType: ConnectionAccessType.DENY_ALL, excludedParticipantIds: ['p-1'] }))
        .toThrow(/TestStack\/Connections: .*with DENY_ALL they would mean nothing/);
    });

    test('an access type that is not one of the enum', () => {
      expect(build({ accessType: 'ALLOW_SOME' as ConnectionAccessType })).toThrow(/TestStack\/Connections: accessType must be one of .*got "ALLOW_SOME"/);
    });

    test('RemovalPolicy.SNAPSHOT', () => {
      expect(build({ removalPolicy: RemovalPolicy.SNAPSHOT })).toThrow(/TestStack\/Connections: removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY, got "snapshot"/);
    });

    test('two constructs for one catalog in one app, naming both', () => {
      const app = new App();
      new PartnerConnectionPreferences(new Stack(app, 'First'), 'Connections', { catalog: 'Sandbox', accessType: ConnectionAccessType.DENY_ALL });
      const second = new Stack(app, 'Second');
      new PartnerConnectionPreferences(second, 'Other', { catalog: 'AWS', accessType: ConnectionAccessType.DENY_ALL });

      expect(() => new PartnerConnectionPreferences(second, 'Again', { catalog: 'Sandbox', accessType: ConnectionAccessType.ALLOW_ALL }))
        .toThrow(/Second\/Again: catalog "Sandbox" is already set by First\/Connections/);
    });

    test('two constructs for one catalog in one stack', () => {
      const stack = newStack();
      new PartnerConnectionPreferences(stack, 'One', { accessType: ConnectionAccessType.DENY_ALL });

      expect(() => new PartnerConnectionPreferences(stack, 'Two', { accessType: ConnectionAccessType.DENY_ALL }))
        .toThrow(/TestStack\/Two: catalog "AWS" is already set by TestStack\/One/);
    });
  });
});


describe('PartnerConnectionPreferences and cdk-nag', () => {
  test('leaves no AwsSolutions finding unacknowledged, and says why the wildcard is there', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
    new PartnerConnectionPreferences(stack, 'Connections', { accessType: ConnectionAccessType.DENY_ALL });

    const report = new AwsSolutionsChecks().validateScope(stack);

    expect(report.violations.map(v => v.ruleName)).toEqual([]);
    const reasons = SharingProvider.getOrCreate(stack).policy.node.metadata
      .filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .map(m => JSON.stringify(m.data));
    expect(reasons.join(' ')).toMatch(/partnercentral:Catalog condition/);
  });
});

test('the declared preferences read back, and a misspelt prop is a synth warning', () => {
  const stack = newStack();
  const prefs = new PartnerConnectionPreferences(stack, 'Connections', {
    accessType: ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME, excludedParticipantIds: ['competitor-1'], excludedParticipantID: ['competitor-2'],
  } as any);
  expect([prefs.catalog, prefs.accessType, prefs.excludedParticipantIds]).toEqual(['AWS', 'ALLOW_BY_DEFAULT_DENY_SOME', ['competitor-1']]);
  const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Connections', Match.anyValue()).map(w => w.entry.data);
  expect(warnings).toEqual([expect.stringMatching(/ignored props it does not know: excludedParticipantID \(did you mean excludedParticipantIds\?\)\. It knows catalog, accessType, excludedParticipantIds, removalPolicy, provider/)]);
});
