/**
 * Callers without types (plain JavaScript, or `any`) get synth errors that name the construct
 * path, the prop and the value for every wrong type, never a bare TypeError.
 */
import { Construct } from 'constructs';
import {
  ComputeType, ConnectionAliasAssociation, PartnerConnectionPreferences, SharedConnectionAlias, SharedWorkspaceImage,
  WorkspaceBundle, WorkspaceImageCopy,
} from '../src';
import { newStack } from './support/template';

/** Build a construct the way an untyped caller can. */
type Untyped = (scope: Construct, id: string, props?: any) => unknown;
const image: Untyped = (scope, id, props) => new SharedWorkspaceImage(scope, id, props);
const alias: Untyped = (scope, id, props) => new SharedConnectionAlias(scope, id, props);
const preferences: Untyped = (scope, id, props) => new PartnerConnectionPreferences(scope, id, props);
const copy: Untyped = (scope, id, props) => new WorkspaceImageCopy(scope, id, props);
const bundle: Untyped = (scope, id, props) => new WorkspaceBundle(scope, id, props);
const association: Untyped = (scope, id, props) => new ConnectionAliasAssociation(scope, id, props);

const IMAGE = 'wsi-abc123def';
const ALIAS = 'wsca-abc12345de';
const A = '222233334444';

test.each([
  ['SharedWorkspaceImage without props', image, undefined, /TestStack\/Share: props are required, with at least imageId; got nothing \(undefined\)/],
  ['SharedWorkspaceImage with null props', image, null, /TestStack\/Share: props are required, with at least imageId; got null/],
  ['SharedWorkspaceImage with a numeric imageId', image, { imageId: 123 }, /TestStack\/Share: imageId must be a string, got 123 \(a number\)/],
  ['SharedWorkspaceImage with a missing imageId', image, { accountIds: [A] }, /TestStack\/Share: imageId must be a string, got nothing \(undefined\)/],
  ['SharedWorkspaceImage with one account as a string', image, { imageId: IMAGE, accountIds: A },
    /TestStack\/Share: accountIds must be a list of strings, got "222233334444" \(a string\): for one value, write \["222233334444"\]/],
  ['SharedWorkspaceImage with the accounts as one comma-separated string', image, { imageId: IMAGE, accountIds: '222222222222,333333333333' },
    /TestStack\/Share: accountIds must be a list of strings, got "222222222222,333333333333" \(a string\): write one string per value, \["222222222222", "333333333333"\]/],
  ['SharedWorkspaceImage with the removal policy as a string', image, { imageId: IMAGE, removalPolicy: 'RETAIN' },
    /TestStack\/Share: removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY, got "RETAIN" \(a string\): write RemovalPolicy.RETAIN \(import \{ RemovalPolicy \} from 'aws-cdk-lib'\), not the string "RETAIN"$/],
  ['SharedWorkspaceImage with null in the accounts', image, { imageId: IMAGE, accountIds: [A, null] }, /TestStack\/Share: accountIds\[1\] must be a string, got null/],
  ['SharedWorkspaceImage with a numeric account', image, { imageId: IMAGE, accountIds: [222233334444] }, /TestStack\/Share: accountIds\[0\] must be a string, got 222233334444 \(a number\)/],
  ['SharedWorkspaceImage with a boolean removal policy', image, { imageId: IMAGE, removalPolicy: true }, /TestStack\/Share: removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY, got true/],
  ['SharedConnectionAlias with the removal policy as a string', alias, { aliasId: ALIAS, accountId: A, removalPolicy: 'Destroy' },
    /TestStack\/Share: removalPolicy must be .* got "Destroy" \(a string\): write RemovalPolicy.DESTROY \(import \{ RemovalPolicy \} from 'aws-cdk-lib'\), not the string "Destroy"$/],
  ['SharedConnectionAlias without props', alias, undefined, /TestStack\/Share: props are required, with at least aliasId and accountId/],
  ['SharedConnectionAlias with a numeric accountId', alias, { aliasId: ALIAS, accountId: 222233334444 }, /TestStack\/Share: accountId must be a string, got 222233334444 \(a number\)/],
  ['SharedConnectionAlias with a boolean aliasId', alias, { aliasId: true, accountId: A }, /TestStack\/Share: aliasId must be a string, got true \(a boolean\)/],
  ['SharedConnectionAlias with a list as accountId', alias, { aliasId: ALIAS, accountId: [A] }, /TestStack\/Share: accountId must be a string, got \["222233334444"\] \(a list\)/],
  ['PartnerConnectionPreferences without props', preferences, undefined, /TestStack\/Share: props are required, with at least accessType/],
  ['PartnerConnectionPreferences with a numeric catalog', preferences, { catalog: 7, accessType: 'ALLOW_ALL' }, /TestStack\/Share: catalog must be a string, got 7 \(a number\)/],
  ['PartnerConnectionPreferences with a missing access type', preferences, { catalog: 'AWS' }, /TestStack\/Share: accessType must be a string, got nothing \(undefined\)/],
  ['PartnerConnectionPreferences with one exclusion as a string', preferences, { accessType: 'ALLOW_BY_DEFAULT_DENY_SOME', excludedParticipantIds: 'competitor' },
    /TestStack\/Share: excludedParticipantIds must be a list of strings, got "competitor" \(a string\)/],
  ['PartnerConnectionPreferences with null in the exclusions', preferences, { accessType: 'ALLOW_BY_DEFAULT_DENY_SOME', excludedParticipantIds: [null] },
    /TestStack\/Share: excludedParticipantIds\[0\] must be a string, got null/],
  ['WorkspaceImageCopy without props', copy, undefined, /TestStack\/Share: props are required, with at least sourceImageId and name/],
  ['WorkspaceImageCopy with a missing name', copy, { sourceImageId: IMAGE }, /TestStack\/Share: name must be a string, got nothing \(undefined\)/],
  ['WorkspaceImageCopy with a numeric description', copy, { sourceImageId: IMAGE, name: 'x', description: 5 }, /TestStack\/Share: description must be a string, got 5 \(a number\)/],
  ['WorkspaceImageCopy with a boolean removal policy', copy, { sourceImageId: IMAGE, name: 'x', removalPolicy: true }, /TestStack\/Share: removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY, got true/],
  ['WorkspaceBundle without props', bundle, undefined, /TestStack\/Share: props are required, with at least imageId, computeType and name/],
  ['WorkspaceBundle with a storage size as a string', bundle, { imageId: IMAGE, computeType: ComputeType.VALUE, name: 'x', userStorageGiB: '50' },
    /TestStack\/Share: userStorageGiB must be a number, got "50" \(a string\)/],
  ['WorkspaceBundle with a missing compute type', bundle, { imageId: IMAGE, name: 'x' },
    /TestStack\/Share: computeType must be a ComputeType, such as ComputeType.STANDARD, got nothing \(undefined\)/],
  ['WorkspaceBundle with a compute type as a string', bundle, { imageId: IMAGE, name: 'x', computeType: 'VALUE' },
    /TestStack\/Share: computeType must be a ComputeType, such as ComputeType.STANDARD, got "VALUE": write ComputeType.VALUE, or ComputeType.of\("VALUE"\) for a newer one/],
  ['ConnectionAliasAssociation without props', association, undefined, /TestStack\/Share: props are required, with at least aliasId and directoryId/],
  ['ConnectionAliasAssociation with a numeric directoryId', association, { aliasId: ALIAS, directoryId: 7 }, /TestStack\/Share: directoryId must be a string, got 7 \(a number\)/],
])('%s is a synth error that names the construct, the prop and the value', (_name, build, props, message) => {
  expect(() => build(newStack(), 'Share', props)).toThrow(message);
});

test('addAccount with a number is a synth error too', () => {
  const share = new SharedWorkspaceImage(newStack(), 'Share', { imageId: IMAGE });
  expect(() => share.addAccount(222233334444 as any)).toThrow(/TestStack\/Share: accountId must be a string, got 222233334444 \(a number\)/);
});
