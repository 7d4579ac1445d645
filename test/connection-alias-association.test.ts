/**
 * ConnectionAliasAssociation: the IAM it grants and the synth-time checks of its literal values
 * against the WorkSpaces model.
 */
import { CfnParameter } from 'aws-cdk-lib';
import { ConnectionAliasAssociation } from '../src';
import { ALIAS, DIRECTORY, ENV, statements } from './support/receiving-side';
import { newStack } from './support/template';

describe('IAM of ConnectionAliasAssociation', () => {
  test('a token directory and alias name their ARNs by reference', () => {
    const stack = newStack({ env: ENV });
    const directory = new CfnParameter(stack, 'Directory');
    new ConnectionAliasAssociation(stack, 'Association', { aliasId: ALIAS, directoryId: directory.valueAsString });

    const associate = statements(stack).find(s => s.Action === 'workspaces:AssociateConnectionAlias');
    expect(JSON.stringify(associate.Resource)).toContain('{"Ref":"Directory"}');
  });
});

describe('ConnectionAliasAssociation rejects bad literal input at synth, naming the construct, the prop and the value', () => {
  const stack = () => newStack({ env: ENV });
  test.each([
    ['an alias ID that is not one', () => new ConnectionAliasAssociation(stack(), 'Association', { aliasId: 'alias-1', directoryId: DIRECTORY }), /TestStack\/Association: aliasId must be a WorkSpaces connection alias ID .* got "alias-1"/],
    ['a directory ID that is not one', () => new ConnectionAliasAssociation(stack(), 'Association', { aliasId: ALIAS, directoryId: 'd-XYZ' }), /TestStack\/Association: directoryId must be a WorkSpaces directory ID .* got "d-XYZ"/],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('two associations of one alias in one app, naming both paths', () => {
    const s = stack();
    new ConnectionAliasAssociation(s, 'First', { aliasId: ALIAS, directoryId: DIRECTORY });
    expect(() => new ConnectionAliasAssociation(s, 'Second', { aliasId: ALIAS, directoryId: 'd-9067ffff00' }))
      .toThrow(/TestStack\/Second: aliasId "wsca-abc12345de" is already shared by TestStack\/First: a connection alias can be associated with only one directory/);
  });
});
