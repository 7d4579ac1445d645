/**
 * Fine-grained branches of the connection-preferences handler, with aws-sdk-client-mock in place
 * of Partner Central Account.
 */
import {
  AccessDeniedException,
  ConflictException,
  GetConnectionPreferencesCommand,
  PartnerCentralAccountClient,
  UpdateConnectionPreferencesCommand,
  ValidationException,
} from '@aws-sdk/client-partnercentral-account';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../lambda/handler';
import { lambdaContext, useFastSettings } from './support/handler-harness';
import { useCloudFormationStub } from './support/local-aws';
import { mockPartnerCentralTags } from './support/mocked-tags';

const TYPE = 'Custom::PartnerConnectionPreferences';
const OWNER = '123456789012';
const ARN = `arn:aws:partnercentral:us-east-1:${OWNER}:catalog/Sandbox/connection-preferences`;
const PHYSICAL_ID = 'connection-preferences:Sandbox';

const pc = mockClient(PartnerCentralAccountClient);
const cfn = useCloudFormationStub();

const $metadata = {};
const conflict = (reason: string) => new ConflictException({ $metadata, message: `Conflict: ${reason}`, Message: `Conflict: ${reason}`, Reason: reason as any });

beforeEach(() => {
  pc.reset();
  // No owner recorded yet: a Create claims the preferences, a DESTROY Delete resets as before ownership.
  mockPartnerCentralTags(pc);
  useFastSettings({ SHARING_IAM_PROPAGATION_MS: 0, SHARING_REVISION_CONFLICT_ATTEMPTS: 3 });
});
afterEach(() => {
  jest.restoreAllMocks();
});

const props = (accessType: string, excluded: string[] = [], removalPolicy = 'retain') =>
  ({ Catalog: 'Sandbox', AccessType: accessType, ExcludedParticipantIds: excluded, RemovalPolicy: removalPolicy });
const current = (extra: Record<string, unknown> = {}) =>
  ({ Catalog: 'Sandbox', Arn: ARN, AccessType: 'ALLOW_ALL' as const, ExcludedParticipantIds: [], UpdatedAt: new Date(), Revision: 10, ...extra });
const updated = (extra: Record<string, unknown> = {}) => current({ Revision: 11, ...extra });
const create = (properties: Record<string, unknown>, timeoutMs?: number) =>
  cfn.invoke(handler, cfn.createEvent(TYPE, 'Prefs', properties), lambdaContext(OWNER, timeoutMs));

test('answers with the revision as a string and the ARN, and the catalog as physical ID', async () => {
  pc.on(GetConnectionPreferencesCommand).resolves(current());
  pc.on(UpdateConnectionPreferencesCommand).resolves(updated({ AccessType: 'DENY_ALL' }));

  const response = await create(props('DENY_ALL'));

  expect(response.Status).toBe('SUCCESS');
  expect(response.PhysicalResourceId).toBe(PHYSICAL_ID);
  expect(response.Data).toEqual({ Revision: '11', Arn: ARN });
  expect(pc).toHaveReceivedCommandWith(GetConnectionPreferencesCommand, { Catalog: 'Sandbox' });
  expect(pc).toHaveReceivedCommandWith(UpdateConnectionPreferencesCommand, { Catalog: 'Sandbox', Revision: 10, AccessType: 'DENY_ALL', ExcludedParticipantIdentifiers: [] });
});

test('defaults a missing exclusion list to [] and a missing RemovalPolicy to retain', async () => {
  pc.on(GetConnectionPreferencesCommand).resolves(current({ AccessType: 'DENY_ALL', ExcludedParticipantIds: ['old-1'] }));
  pc.on(UpdateConnectionPreferencesCommand).resolves(updated({ AccessType: 'DENY_ALL' }));

  const response = await create({ Catalog: 'Sandbox', AccessType: 'DENY_ALL' });
  expect(response.Status).toBe('SUCCESS');
  expect(pc).toHaveReceivedCommandWith(UpdateConnectionPreferencesCommand, { ExcludedParticipantIdentifiers: [] });

  pc.reset();
  const removed = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Prefs', PHYSICAL_ID, { Catalog: 'Sandbox', AccessType: 'DENY_ALL' }), lambdaContext(OWNER));
  expect(removed.Status).toBe('SUCCESS');
  expect(pc).not.toHaveReceivedCommand(UpdateConnectionPreferencesCommand);
});

test.each([
  ['INCOMPATIBLE_PROFILE_STATE'],
  ['A_REASON_ADDED_AFTER_THIS_RELEASE'],
])('fails at once on a ConflictException with Reason %s', async reason => {
  pc.on(GetConnectionPreferencesCommand).resolves(current());
  pc.on(UpdateConnectionPreferencesCommand).rejects(conflict(reason));

  const response = await create(props('DENY_ALL'));

  expect(response.Status).toBe('FAILED');
  expect(response.Reason).toContain(`ConflictException (Reason ${reason}) from UpdateConnectionPreferences of catalog Sandbox: Conflict: ${reason}`);
  expect(response.Reason).not.toMatch(/kept changing/);
  expect(pc).toHaveReceivedCommandTimes(UpdateConnectionPreferencesCommand, 1);
  expect(pc).toHaveReceivedCommandTimes(GetConnectionPreferencesCommand, 1);
});

test('reports each field of a ValidationException with its name, code and message', async () => {
  pc.on(GetConnectionPreferencesCommand).resolves(current());
  pc.on(UpdateConnectionPreferencesCommand).rejects(new ValidationException({
    $metadata,
    message: 'The request failed validation',
    Message: 'The request failed validation',
    Reason: 'REQUEST_VALIDATION_FAILED',
    ErrorDetails: [
      { FieldValidationError: { Name: 'ExcludedParticipantIdentifiers', Code: 'INVALID_VALUE', Message: 'participant-9 is not a partner' } },
      { BusinessValidationError: { Code: 'INVALID_ACCOUNT_STATE', Message: 'The account is suspended' } },
    ],
  }));

  const response = await create(props('ALLOW_BY_DEFAULT_DENY_SOME', ['participant-9']));

  expect(response.Status).toBe('FAILED');
  expect(response.Reason).toContain('ValidationException (Reason REQUEST_VALIDATION_FAILED) from UpdateConnectionPreferences of catalog Sandbox: The request failed validation');
  expect(response.Reason).toContain('field ExcludedParticipantIdentifiers INVALID_VALUE: participant-9 is not a partner');
  expect(response.Reason).toContain('business rule INVALID_ACCOUNT_STATE: The account is suspended');
  expect(pc).toHaveReceivedCommandTimes(UpdateConnectionPreferencesCommand, 1);
});

test('reports a ValidationException of the read, and writes nothing', async () => {
  pc.on(GetConnectionPreferencesCommand).rejects(new ValidationException({
    $metadata,
    message: 'Unknown catalog',
    Message: 'Unknown catalog',
    Reason: 'REQUEST_VALIDATION_FAILED',
    ErrorDetails: [{ FieldValidationError: { Name: 'Catalog', Code: 'INVALID_ENUM_VALUE', Message: 'Catalog must be AWS or Sandbox' } }],
  }));

  const response = await create(props('DENY_ALL'));

  expect(response.Status).toBe('FAILED');
  expect(response.Reason).toContain('ValidationException (Reason REQUEST_VALIDATION_FAILED) from GetConnectionPreferences');
  expect(response.Reason).toContain('field Catalog INVALID_ENUM_VALUE: Catalog must be AWS or Sandbox');
  expect(pc).not.toHaveReceivedCommand(UpdateConnectionPreferencesCommand);
});

test('reports an AccessDeniedException with its Reason', async () => {
  pc.on(GetConnectionPreferencesCommand).resolves(current());
  pc.on(UpdateConnectionPreferencesCommand).rejects(new AccessDeniedException({
    $metadata, message: 'Not allowed', Message: 'Not allowed', Reason: 'INCOMPATIBLE_BENEFIT_AWS_PARTNER_STATE',
  }));

  const response = await create(props('DENY_ALL'));

  expect(response.Status).toBe('FAILED');
  expect(response.Reason).toContain('AccessDeniedException (Reason INCOMPATIBLE_BENEFIT_AWS_PARTNER_STATE) from UpdateConnectionPreferences of catalog Sandbox: Not allowed');
});

test('gives up on revision conflicts after the configured attempts, with the count in the Reason', async () => {
  pc.on(GetConnectionPreferencesCommand).resolves(current());
  pc.on(UpdateConnectionPreferencesCommand).rejects(conflict('INCOMPATIBLE_CONNECTION_PREFERENCES_REVISION'));

  const response = await create(props('DENY_ALL'));

  expect(response.Status).toBe('FAILED');
  expect(response.Reason).toContain('kept changing under the deploy: each of 3 attempt(s)');
  expect(response.Reason).toContain('at most 3 attempts');
  expect(pc).toHaveReceivedCommandTimes(UpdateConnectionPreferencesCommand, 3);
  expect(pc).toHaveReceivedCommandTimes(GetConnectionPreferencesCommand, 3);
  expect(response.PhysicalResourceId).toBe(`${PHYSICAL_ID}:create-failed`);
});

test('does not sleep past the time left: a backoff longer than it ends the retries', async () => {
  useFastSettings({ SHARING_IAM_PROPAGATION_MS: 0, SHARING_REVISION_CONFLICT_ATTEMPTS: 6, SHARING_REVISION_CONFLICT_BASE_MS: 60_000 });
  jest.spyOn(Math, 'random').mockReturnValue(0.5);
  pc.on(GetConnectionPreferencesCommand).resolves(current());
  pc.on(UpdateConnectionPreferencesCommand).rejects(conflict('INCOMPATIBLE_CONNECTION_PREFERENCES_REVISION'));

  const response = await create(props('DENY_ALL'), 5_000);

  expect(response.Status).toBe('FAILED');
  expect(response.Reason).toContain('kept changing under the deploy: each of 1 attempt(s)');
  expect(response.Reason).toContain('time left before the Lambda timeout ran out');
  expect(pc).toHaveReceivedCommandTimes(UpdateConnectionPreferencesCommand, 1);
});

test('fails clearly when the read answers without a Revision', async () => {
  pc.on(GetConnectionPreferencesCommand).resolves(current({ Revision: undefined }));

  const response = await create(props('DENY_ALL'));

  expect(response.Status).toBe('FAILED');
  expect(response.Reason).toContain('answered without a Revision');
  expect(pc).not.toHaveReceivedCommand(UpdateConnectionPreferencesCommand);
});

test('compares exclusions as a set: the same participants in another order need no write', async () => {
  pc.on(GetConnectionPreferencesCommand).resolves(current({ AccessType: 'ALLOW_BY_DEFAULT_DENY_SOME', ExcludedParticipantIds: ['b', 'a'] }));

  const response = await create(props('ALLOW_BY_DEFAULT_DENY_SOME', ['a', 'b']));

  expect(response.Status).toBe('SUCCESS');
  expect(response.Data).toEqual({ Revision: '10', Arn: ARN });
  expect(pc).not.toHaveReceivedCommand(UpdateConnectionPreferencesCommand);
});

test('writes when the exclusions differ though the access type matches', async () => {
  pc.on(GetConnectionPreferencesCommand).resolves(current({ AccessType: 'ALLOW_BY_DEFAULT_DENY_SOME', ExcludedParticipantIds: ['a', 'c'] }));
  pc.on(UpdateConnectionPreferencesCommand).resolves(updated());

  const response = await create(props('ALLOW_BY_DEFAULT_DENY_SOME', ['a', 'b']));

  expect(response.Status).toBe('SUCCESS');
  expect(pc).toHaveReceivedCommandWith(UpdateConnectionPreferencesCommand, { ExcludedParticipantIdentifiers: ['a', 'b'] });
});

test.each([
  ['an unknown AccessType', props('ALLOW_SOME'), /AccessType "ALLOW_SOME" is not one of ALLOW_ALL, DENY_ALL, ALLOW_BY_DEFAULT_DENY_SOME/],
  ['a missing Catalog', { AccessType: 'DENY_ALL' }, /Catalog undefined/],
  ['exclusions with DENY_ALL', props('DENY_ALL', ['a']), /with DENY_ALL they would mean nothing/],
  ['exclusions that are not a list', { Catalog: 'Sandbox', AccessType: 'ALLOW_BY_DEFAULT_DENY_SOME', ExcludedParticipantIds: 'a,b' }, /is not a list/],
])('rejects %s without any call', async (_name, properties, reason) => {
  const response = await create(properties);

  expect(response.Status).toBe('FAILED');
  expect(response.Reason).toMatch(reason);
  expect(response.Reason).toContain('nothing was changed');
  expect(pc).not.toHaveReceivedAnyCommand();
});

test('Delete whose physical ID names another catalog than its properties changes nothing', async () => {
  const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Prefs', 'connection-preferences:AWS', props('DENY_ALL', [], 'destroy')), lambdaContext(OWNER));

  expect(response.Status).toBe('SUCCESS');
  expect(pc).not.toHaveReceivedCommand(UpdateConnectionPreferencesCommand);
});

test('a release that Partner Central refuses never fails the Delete', async () => {
  pc.on(GetConnectionPreferencesCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalServerException', $metadata: { httpStatusCode: 500 } }));
  useFastSettings({ SHARING_MAX_ATTEMPTS: 1 });

  const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Prefs', PHYSICAL_ID, props('DENY_ALL', [], 'retain')), lambdaContext(OWNER));

  expect(response.Status).toBe('SUCCESS');
  expect(pc).not.toHaveReceivedCommand(UpdateConnectionPreferencesCommand);
});

test('Delete with RemovalPolicy destroy of preferences already reset writes nothing', async () => {
  pc.on(GetConnectionPreferencesCommand).resolves(current({ ExcludedParticipantIds: undefined }));

  const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Prefs', PHYSICAL_ID, props('DENY_ALL', [], 'destroy')), lambdaContext(OWNER));

  expect(response.Status).toBe('SUCCESS');
  expect(pc).toHaveReceivedCommandTimes(GetConnectionPreferencesCommand, 1);
  expect(pc).not.toHaveReceivedCommand(UpdateConnectionPreferencesCommand);
});

test('Delete with RemovalPolicy destroy that fails answers FAILED with the physical ID sent', async () => {
  pc.on(GetConnectionPreferencesCommand).resolves(current({ AccessType: 'DENY_ALL' }));
  pc.on(UpdateConnectionPreferencesCommand).rejects(conflict('INCOMPATIBLE_PROFILE_STATE'));

  const response = await cfn.invoke(handler, cfn.deleteEvent(TYPE, 'Prefs', PHYSICAL_ID, props('DENY_ALL', [], 'destroy')), lambdaContext(OWNER));

  expect(response.Status).toBe('FAILED');
  expect(response.PhysicalResourceId).toBe(PHYSICAL_ID);
  expect(response.Reason).toContain('Not done: reset 1 (Sandbox)');
});
