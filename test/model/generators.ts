/**
 * The generators of the model's sequences. `ModelOptions` narrows what they make (the quick set
 * of `npm test` may be restricted while known-broken paths are open, see model.e2e.test.ts).
 */
import * as fc from 'fast-check';
import {
  Command, CheckCommand, PartnerTagsCommand, DeployCommand, DestroyCommand, HandAliasCommand, HandImageCommand, HandPartnerCommand,
  LateDeliveryCommand, OrgCommand,
} from './commands';
import type { Action, AliasDecl, ImageDecl, PartnerDecl, Removal, StackDecl } from './declarations';
import { isEmpty } from './declarations';
import type { OrgChange } from './organization';
import { ReceivingDeployCommand, ReceivingDestroyCommand, SourceCommand, TakeNameCommand } from './receiving-commands';
import { BUNDLE_NAMES, COPY_NAMES, ReceivingDecl } from './receiving-decl';
import type { SourceAction } from './source';
import type { MidEvent, StepFaults } from './step-faults';
import { ACCOUNTS, IMAGES, PARTICIPANTS, ROOT, UNITS } from './world-constants';

export interface ModelOptions {
  /** Declarations with organizational units. */
  readonly units: boolean;
  /** Deploys that fail at a write (and roll back). */
  readonly failures: boolean;
  /** Checks running while a deploy or delete starts or runs. */
  readonly checksInFlight: boolean;
  /** Organizations changes while a deploy or delete runs. */
  readonly orgInFlight: boolean;
  /** Late and duplicate deliveries. */
  readonly redeliveries: boolean;
  /** Slow steps whose requests are handed over from invocation to invocation. */
  readonly handOvers: boolean;
  /** Partner Central refusing tags on the preferences (whether it accepts them is UNVERIFIED). */
  readonly partnerTags: boolean;
  /** The receiving side: copies, bundles and associations, their sources shared, unshared and deleted, names taken by hand. */
  readonly receiving: boolean;
  /** The most commands in a sequence. */
  readonly maxCommands: number;
}

export const FULL: ModelOptions = {
  units: true,
  failures: true,
  checksInFlight: true,
  orgInFlight: true,
  redeliveries: true,
  handOvers: true,
  partnerTags: true,
  receiving: true,
  maxCommands: 24,
};

const action = fc.constantFrom<Action>('REPORT', 'REPAIR', 'ENFORCE');
const removal = fc.constantFrom<Removal>('DESTROY', 'RETAIN');
const accounts = fc.subarray([...ACCOUNTS]);
const maybe = <T>(arb: fc.Arbitrary<T>, freq = 1) => fc.option(arb, { nil: undefined, freq });

/** An image declaration, its image mostly the slot's own (sometimes the other slot's: a move, or a contest). */
function imageDecl(own: number, options: ModelOptions): fc.Arbitrary<ImageDecl> {
  const image = fc.oneof({ arbitrary: fc.constant(IMAGES[own]), weight: 4 }, { arbitrary: fc.constant(IMAGES[1 - own]), weight: 1 });
  const units = options.units ? fc.oneof(fc.constant([] as string[]), fc.subarray([...UNITS], { minLength: 1 })) : fc.constant([] as string[]);
  const drift = maybe(action, 2);
  return fc.record({ renamed: fc.boolean(), imageId: image, accountIds: accounts, unitIds: units, excluded: accounts, removal, drift })
    .map(d => ({ ...d, excluded: d.unitIds.length > 0 ? d.excluded.filter(a => !d.accountIds.includes(a)) : [] }));
}

const aliasDecl: fc.Arbitrary<AliasDecl> = fc.record({
  renamed: fc.boolean(), accountId: fc.constantFrom(...ACCOUNTS), removal, drift: maybe(action, 2),
});
const partnerDecl: fc.Arbitrary<PartnerDecl> = fc.record({
  accessType: fc.constantFrom('ALLOW_ALL' as const, 'DENY_ALL' as const, 'ALLOW_BY_DEFAULT_DENY_SOME' as const),
  excluded: fc.subarray([...PARTICIPANTS]),
  removal,
  drift: maybe(action, 2),
}).map(d => ({ ...d, excluded: d.accessType === 'ALLOW_BY_DEFAULT_DENY_SOME' ? d.excluded : [] }));

export function stackDecl(options: ModelOptions): fc.Arbitrary<StackDecl> {
  return fc.record({
    images: fc.record({ S1: maybe(imageDecl(0, options), 4), S2: maybe(imageDecl(1, options), 1) }),
    alias: maybe(aliasDecl, 1),
    partner: maybe(partnerDecl, 1),
  // CloudFormation refuses a template without resources: removing everything is a delete of the stack.
  }).filter(decl => !isEmpty(decl));
}

export const orgChange: fc.Arbitrary<OrgChange> = fc.oneof(
  fc.record({ kind: fc.constant('move' as const), account: fc.constantFrom(...ACCOUNTS), parent: fc.constantFrom(ROOT, ...UNITS) }),
  fc.record({ kind: fc.constantFrom('suspend' as const, 'activate' as const, 'leave' as const), account: fc.constantFrom(...ACCOUNTS) }),
);

const sourceAction = fc.constantFrom<SourceAction>('share', 'unshare', 'delete');

function stepFaults(options: ModelOptions): fc.Arbitrary<StepFaults> {
  const events: fc.Arbitrary<MidEvent>[] = [];
  if (options.receiving) events.push(fc.record({ kind: fc.constant('source' as const), source: fc.nat(2), action: sourceAction }));
  if (options.checksInFlight) events.push(fc.record({ kind: fc.constant('check' as const), schedule: fc.nat(3) }));
  if (options.orgInFlight) events.push(fc.record({ kind: fc.constant('org' as const), change: orgChange }));
  return fc.record({
    failAtWrite: options.failures ? maybe(fc.nat(8), 2) : fc.constant(undefined),
    throttle: maybe(fc.record({ at: fc.integer({ min: 1, max: 20 }), count: fc.integer({ min: 1, max: 4 }) }), 3),
    at: events.length > 0 ? maybe(fc.record({ call: fc.integer({ min: 1, max: 30 }), event: fc.oneof(...events) }), 2) : fc.constant(undefined),
    concurrentCheck: options.checksInFlight ? maybe(fc.record({ schedule: fc.nat(3), afterCalls: fc.nat(6) }), 3) : fc.constant(undefined),
    twice: options.redeliveries ? fc.boolean() : fc.constant(false),
    slow: options.handOvers ? fc.constantFrom(false, false, false, true) : fc.constant(false),
  }, { requiredKeys: [] }) as fc.Arbitrary<StepFaults>;
}

const receivingDecl: fc.Arbitrary<ReceivingDecl> = fc.record({
  // Mostly the receiving side's own source, which is shared with the receiver until the owner changes that.
  copy: maybe(fc.record({ renamed: fc.boolean(), source: fc.constantFrom(2, 2, 2, 0, 1), name: fc.constantFrom(...COPY_NAMES), removal }), 4),
  bundle: maybe(fc.constantFrom(...BUNDLE_NAMES), 2),
  association: maybe(fc.record({ renamed: fc.boolean() }), 1),
}, { requiredKeys: [] }).filter(d => d.copy !== undefined || d.association !== undefined);

function receivingArbitraries(options: ModelOptions): fc.Arbitrary<Command>[] {
  // No owner's check runs during a receiving step: the harness signs every call of the process as
  // the account of the invocation that started last (signAs), so two accounts' invocations at once
  // would sign each other's calls, which two Lambda functions never do.
  const faults = stepFaults({ ...options, checksInFlight: false });
  return [
    fc.tuple(receivingDecl, faults).map(([decl, f]) => new ReceivingDeployCommand(decl, f)),
    fc.tuple(receivingDecl, faults).map(([decl, f]) => new ReceivingDeployCommand(decl, f)),
    faults.map(f => new ReceivingDestroyCommand(f)),
    fc.tuple(fc.nat(2), sourceAction).map(([source, done]) => new SourceCommand(source, done)),
    fc.constantFrom(...COPY_NAMES).map(name => new TakeNameCommand(name)),
  ];
}

/** The commands a sequence is made of, deploys the most frequent. */
export function commandArbitraries(options: ModelOptions): fc.Arbitrary<Command>[] {
  const arbs: fc.Arbitrary<Command>[] = [
    fc.tuple(stackDecl(options), stepFaults(options)).map(([decl, faults]) => new DeployCommand(decl, faults)),
    fc.tuple(stackDecl(options), stepFaults(options)).map(([decl, faults]) => new DeployCommand(decl, faults)),
    fc.tuple(stackDecl(options), stepFaults(options)).map(([decl, faults]) => new DeployCommand(decl, faults)),
    stepFaults(options).map(faults => new DestroyCommand(faults)),
    fc.tuple(fc.nat(3), options.redeliveries ? fc.boolean() : fc.constant(false)).map(([i, twice]) => new CheckCommand(i, twice)),
    fc.tuple(fc.constantFrom(...IMAGES), fc.constantFrom(...ACCOUNTS), fc.boolean()).map(([i, a, g]) => new HandImageCommand(i, a, g)),
    maybe(fc.constantFrom(...ACCOUNTS)).map(a => new HandAliasCommand(a)),
    fc.tuple(fc.constantFrom('ALLOW_ALL', 'DENY_ALL', 'ALLOW_BY_DEFAULT_DENY_SOME'), fc.subarray([...PARTICIPANTS]), fc.constantFrom(0, 0, 97, 99))
      .map(([t, e, outside]) => (t === 'ALLOW_BY_DEFAULT_DENY_SOME' ? new HandPartnerCommand(t, e, outside) : new HandPartnerCommand(t, []))),
  ];
  if (options.partnerTags) arbs.push(fc.boolean().map(taggable => new PartnerTagsCommand(taggable)));
  if (options.receiving) arbs.push(...receivingArbitraries(options));
  if (options.units) arbs.push(orgChange.map(c => new OrgCommand(c)));
  if (options.redeliveries) arbs.push(fc.nat(50).map(i => new LateDeliveryCommand(i)));
  return arbs;
}
