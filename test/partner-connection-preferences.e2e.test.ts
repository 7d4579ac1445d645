/**
 * The bundled handler, as shipped, through the unmodified Partner Central Account SDK client
 * against the local wire-level endpoint.
 */
import { CloudFormationStub, Handler, lambdaContext, useFastSettings } from './support/handler-harness';
import { useLocalAws } from './support/local-aws';
import { LocalAwsEndpoint } from './support/local-endpoint';

const OWNER_STACK_TAG = 'cdk-cross-account-sharing:owner-stack';
const OWNER_RESOURCE_TAG = 'cdk-cross-account-sharing:owner-resource';
const TYPE = 'Custom::PartnerConnectionPreferences';
const OWNER = '123456789012';
const P1 = 'participant-1';
const P2 = 'participant-2';
const ATTEMPTS = 4;

let endpoint: LocalAwsEndpoint;
let cfn: CloudFormationStub;
let handler: Handler;
const aws = useLocalAws(OWNER, () => useFastSettings({ SHARING_REVISION_CONFLICT_ATTEMPTS: ATTEMPTS }));
beforeEach(() => ({ endpoint, cfn, handler } = aws));

const context = () => lambdaContext(OWNER);
const props = (accessType: string, excluded: string[] = [], removalPolicy = 'retain', catalog = 'Sandbox') =>
  ({ Catalog: catalog, AccessType: accessType, ExcludedParticipantIds: excluded, RemovalPolicy: removalPolicy });
const pc = () => endpoint.partnerCentral;
const operations = () => endpoint.calls.map(c => c.error ? `${c.operation}:${c.error}` : c.operation);

describe('Create', () => {
  test('reads the revision, then writes the whole state with it', async () => {
    pc().seed('Sandbox', { revision: 41 });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Prefs', props('ALLOW_BY_DEFAULT_DENY_SOME', [P1, P2])), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe('connection-preferences:Sandbox');
    expect(response.Data).toEqual({ Revision: '42', Arn: `arn:aws:partnercentral:us-east-1:${OWNER}:catalog/Sandbox/connection-preferences` });
    const arn = `arn:aws:partnercentral:us-east-1:${OWNER}:catalog/Sandbox/connection-preferences`;
    expect(endpoint.calls.map(c => [c.operation, c.input])).toEqual([
      ['GetConnectionPreferences', { Catalog: 'Sandbox' }],
      // Before the write, the resource records itself as the preferences' owner.
      ['ListTagsForResource', { ResourceArn: arn }],
      ['TagResource', { ResourceArn: arn, Tags: [{ Key: OWNER_STACK_TAG, Value: cfn.stackId }, { Key: OWNER_RESOURCE_TAG, Value: 'Prefs' }] }],
      // After a settle, the claim reads the tags again: no other claim came between.
      ['ListTagsForResource', { ResourceArn: arn }],
      ['UpdateConnectionPreferences', { Catalog: 'Sandbox', Revision: 41, AccessType: 'ALLOW_BY_DEFAULT_DENY_SOME', ExcludedParticipantIdentifiers: [P1, P2] }],
    ]);
    expect(pc().preferencesOf('Sandbox')).toMatchObject({ AccessType: 'ALLOW_BY_DEFAULT_DENY_SOME', ExcludedParticipantIds: [P1, P2], Revision: 42 });
  });

  test('sends a long revision as a JSON number, beyond 32 bits', async () => {
    pc().seed('Sandbox', { revision: 2 ** 40 });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Prefs', props('DENY_ALL')), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.callsOf('UpdateConnectionPreferences')[0].input.Revision).toBe(2 ** 40);
    expect(response.Data.Revision).toBe(String(2 ** 40 + 1));
  });

  test('calls Partner Central in us-east-1 even when the function runs in eu-west-1', async () => {
    expect(process.env.AWS_REGION).toBe('eu-west-1');

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Prefs', props('DENY_ALL')), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.calls).toHaveLength(5);
    for (const call of endpoint.calls) {
      expect(call.authorization).toContain('/us-east-1/partnercentral-account/aws4_request');
    }
  });

  test('that finds the state already in place writes no preferences', async () => {
    pc().seed('Sandbox', { accessType: 'ALLOW_BY_DEFAULT_DENY_SOME', excludedParticipantIds: [P2, P1], revision: 7 });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Prefs', props('ALLOW_BY_DEFAULT_DENY_SOME', [P1, P2])), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.Data.Revision).toBe('7');
    expect(operations()).toEqual(['GetConnectionPreferences', 'ListTagsForResource', 'TagResource', 'ListTagsForResource']);
  });

  test('retries a revision conflict with a fresh read, and succeeds once the revision holds', async () => {
    pc().changeBetweenReadAndWrite(2);

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Prefs', props('ALLOW_BY_DEFAULT_DENY_SOME', [P1])), context());

    expect(response.Status).toBe('SUCCESS');
    expect(operations()).toEqual([
      'GetConnectionPreferences', 'ListTagsForResource', 'TagResource', 'ListTagsForResource', 'UpdateConnectionPreferences:ConflictException',
      'GetConnectionPreferences', 'UpdateConnectionPreferences:ConflictException',
      'GetConnectionPreferences', 'UpdateConnectionPreferences',
    ]);
    // Each write carries the revision its own read returned.
    const reads = [1, 2, 3];
    expect(endpoint.callsOf('UpdateConnectionPreferences').map(c => c.input.Revision)).toEqual(reads);
    expect(pc().preferencesOf('Sandbox')).toMatchObject({ AccessType: 'ALLOW_BY_DEFAULT_DENY_SOME', ExcludedParticipantIds: [P1], Revision: 4 });
    expect(response.Data.Revision).toBe('4');
  });

  test('gives up after the configured attempts when the preferences keep changing, and says so', async () => {
    pc().changeBetweenReadAndWrite(1_000);

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Prefs', props('DENY_ALL')), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/kept changing under the deploy/);
    expect(response.Reason).toContain(`each of ${ATTEMPTS} attempt(s)`);
    expect(endpoint.callsOf('UpdateConnectionPreferences')).toHaveLength(ATTEMPTS);
    expect(endpoint.callsOf('GetConnectionPreferences')).toHaveLength(ATTEMPTS);
    expect(pc().preferencesOf('Sandbox').AccessType).toBe('ALLOW_ALL');
    expect(response.PhysicalResourceId).toBe('connection-preferences:Sandbox:create-failed');
  });

  test('rides out throttling of both operations', async () => {
    endpoint.inject({ kind: 'throttle', count: 2, operation: 'GetConnectionPreferences' });
    endpoint.inject({ kind: 'throttle', count: 1, operation: 'UpdateConnectionPreferences' });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Prefs', props('DENY_ALL')), context());

    expect(response.Status).toBe('SUCCESS');
    expect(operations().filter(o => o.endsWith(':ThrottlingException'))).toHaveLength(3);
    expect(pc().preferencesOf('Sandbox').AccessType).toBe('DENY_ALL');
  });

  test('reports a ValidationException with its Reason and ErrorDetails', async () => {
    pc().failNextWrites(1, { kind: 'business-validation', code: 'INVALID_ACCOUNT_STATE', message: 'The account cannot change preferences now' });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Prefs', props('DENY_ALL')), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('ValidationException (Reason BUSINESS_VALIDATION_FAILED) from UpdateConnectionPreferences of catalog Sandbox');
    expect(response.Reason).toContain('business rule INVALID_ACCOUNT_STATE: The account cannot change preferences now');
    expect(endpoint.callsOf('UpdateConnectionPreferences')).toHaveLength(1);
  });

  test('reports a field ValidationException with each field, code and message, as the SDK reads the union off the wire', async () => {
    pc().failNextWrites(1, { kind: 'field-validation', name: 'ExcludedParticipantIdentifiers', code: 'INVALID_VALUE', message: 'participant-1 is unknown' });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Prefs', props('ALLOW_BY_DEFAULT_DENY_SOME', [P1])), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('ValidationException (Reason REQUEST_VALIDATION_FAILED) from UpdateConnectionPreferences of catalog Sandbox');
    expect(response.Reason).toContain('field ExcludedParticipantIdentifiers INVALID_VALUE: participant-1 is unknown');
    expect(endpoint.callsOf('UpdateConnectionPreferences')).toHaveLength(1);
  });

  test('fails at once on a ConflictException of another reason, with that Reason', async () => {
    pc().failNextWrites(1, { kind: 'conflict', reason: 'INCOMPATIBLE_PROFILE_STATE' });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Prefs', props('DENY_ALL')), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('ConflictException (Reason INCOMPATIBLE_PROFILE_STATE) from UpdateConnectionPreferences');
    expect(endpoint.callsOf('UpdateConnectionPreferences')).toHaveLength(1);
  });

  test('reports AccessDenied with its Reason once IAM propagation is ruled out', async () => {
    process.env.SHARING_IAM_PROPAGATION_MS = '0';
    endpoint.inject({ kind: 'access-denied', count: 1, operation: 'GetConnectionPreferences' });

    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Prefs', props('DENY_ALL')), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('AccessDeniedException (Reason ACCESS_DENIED) from GetConnectionPreferences of catalog Sandbox');
    expect(response.Reason).toContain('partnercentral:GetConnectionPreferences');
    expect(endpoint.callsOf('UpdateConnectionPreferences')).toHaveLength(0);
  });

  test.each([
    ['a malformed catalog', props('DENY_ALL', [], 'retain', 'AWS Marketplace'), /Catalog "AWS Marketplace"/],
    ['an unknown access type', props('ALLOW_SOME'), /AccessType "ALLOW_SOME" is not one of/],
    ['a malformed participant', props('ALLOW_BY_DEFAULT_DENY_SOME', ['bad id']), /"bad id"/],
    ['a repeated participant', props('ALLOW_BY_DEFAULT_DENY_SOME', [P1, P1]), /more than once: participant-1/],
    ['101 participants', props('ALLOW_BY_DEFAULT_DENY_SOME', Array.from({ length: 101 }, (_, i) => `p-${i}`)), /holds 101 identifiers/],
    ['exclusions with ALLOW_ALL', props('ALLOW_ALL', [P1]), /only allowed with AccessType ALLOW_BY_DEFAULT_DENY_SOME/],
    ['an unknown removal policy', props('DENY_ALL', [], 'snapshot'), /RemovalPolicy "snapshot"/],
  ])('rejects %s after resolution without calling any API', async (_name, properties, reason) => {
    const response = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Prefs', properties), context());

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(reason);
    expect(response.Reason).toContain('nothing was changed');
    expect(response.PhysicalResourceId).toBe('Prefs-create-failed');
    expect(endpoint.calls).toHaveLength(0);
  });
});

describe('Update', () => {
  test('clears the exclusions by sending an empty list', async () => {
    pc().seed('Sandbox', { accessType: 'ALLOW_BY_DEFAULT_DENY_SOME', excludedParticipantIds: [P1, P2], revision: 3 });

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Prefs', 'connection-preferences:Sandbox',
      props('ALLOW_BY_DEFAULT_DENY_SOME', []), props('ALLOW_BY_DEFAULT_DENY_SOME', [P1, P2])), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe('connection-preferences:Sandbox');
    expect(endpoint.callsOf('UpdateConnectionPreferences').map(c => c.input)).toEqual([
      { Catalog: 'Sandbox', Revision: 3, AccessType: 'ALLOW_BY_DEFAULT_DENY_SOME', ExcludedParticipantIdentifiers: [] },
    ]);
    expect(pc().preferencesOf('Sandbox')).toMatchObject({ AccessType: 'ALLOW_BY_DEFAULT_DENY_SOME', ExcludedParticipantIds: [], Revision: 4 });
  });

  test('to another catalog answers with a new physical ID and leaves the old catalog to the cleanup Delete', async () => {
    pc().seed('Sandbox', { accessType: 'DENY_ALL' });

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Prefs', 'connection-preferences:Sandbox',
      props('DENY_ALL', [], 'destroy', 'AWS'), props('DENY_ALL', [], 'destroy', 'Sandbox')), context());
    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe('connection-preferences:AWS');
    expect(pc().preferencesOf('AWS').AccessType).toBe('DENY_ALL');
    expect(pc().preferencesOf('Sandbox').AccessType).toBe('DENY_ALL');

    const cleanup = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Prefs', 'connection-preferences:Sandbox', props('DENY_ALL', [], 'destroy', 'Sandbox')), context());
    expect(cleanup.Status).toBe('SUCCESS');
    expect(pc().preferencesOf('Sandbox').AccessType).toBe('ALLOW_ALL');
    expect(pc().preferencesOf('AWS').AccessType).toBe('DENY_ALL');
  });

  test('that fails keeps the physical ID CloudFormation sent', async () => {
    pc().changeBetweenReadAndWrite(1_000);

    const response = await cfn.invoke(handler, cfn.updateEvent(TYPE, 'Prefs', 'connection-preferences:Sandbox',
      props('DENY_ALL'), props('ALLOW_ALL')), context());

    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe('connection-preferences:Sandbox');
  });
});

describe('Delete', () => {
  test('with RemovalPolicy retain writes no preferences, and only releases its ownership', async () => {
    pc().seed('Sandbox', { accessType: 'DENY_ALL' });
    await cfn.invoke(handler, cfn.createEvent(TYPE, 'Prefs', props('DENY_ALL', [], 'retain')), context());
    endpoint.resetCalls();

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Prefs', 'connection-preferences:Sandbox', props('DENY_ALL', [], 'retain')), context());

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe('connection-preferences:Sandbox');
    expect(endpoint.callsOf('UpdateConnectionPreferences')).toHaveLength(0);
    expect(pc().preferencesOf('Sandbox').AccessType).toBe('DENY_ALL');
    expect(pc().tagsOf(pc().arnOf('Sandbox'))).toEqual({});
  });

  test('with RemovalPolicy destroy resets to ALLOW_ALL with no exclusions', async () => {
    pc().seed('Sandbox', { accessType: 'ALLOW_BY_DEFAULT_DENY_SOME', excludedParticipantIds: [P1], revision: 9 });

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Prefs', 'connection-preferences:Sandbox',
      props('ALLOW_BY_DEFAULT_DENY_SOME', [P1], 'destroy')), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.callsOf('UpdateConnectionPreferences').map(c => c.input)).toEqual([
      { Catalog: 'Sandbox', Revision: 9, AccessType: 'ALLOW_ALL', ExcludedParticipantIdentifiers: [] },
    ]);
    expect(pc().preferencesOf('Sandbox')).toMatchObject({ AccessType: 'ALLOW_ALL', ExcludedParticipantIds: [] });
  });

  test('with RemovalPolicy destroy retries a revision conflict too', async () => {
    pc().seed('Sandbox', { accessType: 'DENY_ALL' });
    pc().changeBetweenReadAndWrite(1);

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Prefs', 'connection-preferences:Sandbox', props('DENY_ALL', [], 'destroy')), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.callsOf('UpdateConnectionPreferences')).toHaveLength(2);
    expect(pc().preferencesOf('Sandbox').AccessType).toBe('ALLOW_ALL');
  });

  test('after a Create that failed changes nothing, even with RemovalPolicy destroy', async () => {
    pc().seed('Sandbox', { accessType: 'DENY_ALL', revision: 5 });
    pc().failNextWrites(1, { kind: 'conflict', reason: 'INCOMPATIBLE_PROFILE_STATE' });
    const properties = props('ALLOW_BY_DEFAULT_DENY_SOME', [P1], 'destroy');

    const create = await cfn.invoke(handler, cfn.createEvent(TYPE, 'Prefs', properties), context());
    expect(create.Status).toBe('FAILED');
    endpoint.resetCalls();

    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Prefs', create.PhysicalResourceId, properties), context());
    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.callsOf('UpdateConnectionPreferences')).toHaveLength(0);
    expect(pc().preferencesOf('Sandbox')).toMatchObject({ AccessType: 'DENY_ALL', Revision: 5 });
    // The ownership the Create recorded before its write failed is released.
    expect(pc().tagsOf(pc().arnOf('Sandbox'))).toEqual({});
  });

  test('with properties a Create rejected succeeds without calling any API', async () => {
    const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Prefs', 'Prefs-create-failed', props('ALLOW_ALL', [P1], 'destroy')), context());

    expect(response.Status).toBe('SUCCESS');
    expect(endpoint.calls).toHaveLength(0);
  });
});
