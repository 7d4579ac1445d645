/**
 * The integ apps (test/integ.*.ts) against their committed snapshots (test/integ.*.ts.snapshot/),
 * as integ-runner checks them offline: a changed template fails, a rebuilt handler bundle does not.
 * `npx projen integ:update` rewrites the snapshots; review the diff before committing it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { canonicalTemplates, canonicalizeTemplate, integApps, snapshotDirOf, withSynthesized } from './support/integ-snapshots';

const UPDATE = 'run `npx projen integ:update` and review the diff';

test('each construct has an integ app', () => {
  expect(integApps()).toEqual(expect.arrayContaining([
    'integ.partner-connection-preferences.ts',
    'integ.shared-connection-alias.ts',
    'integ.shared-workspace-image.ts',
  ]));
});

describe.each(integApps())('%s', app => {
  test('synthesizes the templates of its snapshot', async () => {
    // A new app fails until its snapshot is written, as with integ-runner.
    if (!fs.existsSync(path.join(snapshotDirOf(app), 'manifest.json'))) {
      throw new Error(`${app} has no snapshot: ${UPDATE}`);
    }
    const expected = canonicalTemplates(snapshotDirOf(app));
    const actual = await withSynthesized(app, canonicalTemplates);
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    // On a difference, jest prints it; if it is intended, UPDATE.
    expect(actual).toEqual(expected);
  });
});

describe('the comparison', () => {
  const app = 'integ.shared-workspace-image.ts';
  const stack = 'SharedWorkspaceImageInteg';

  function readAssembly(dir: string) {
    return {
      template: JSON.parse(fs.readFileSync(path.join(dir, `${stack}.template.json`), 'utf-8')),
      assets: JSON.parse(fs.readFileSync(path.join(dir, `${stack}.assets.json`), 'utf-8')),
    };
  }

  test('sets aside the hash of a rebuilt handler bundle', () => {
    const { template, assets } = readAssembly(snapshotDirOf(app));
    const handlerKey: string = template.Resources.CrossAccountSharingProviderHandler833CF45F.Properties.Code.S3Key;
    const oldHash = handlerKey.replace(/\.zip$/, '');
    expect(Object.keys(assets.files)).toContain(oldHash);

    // The same template and asset manifest, for a bundle with other contents.
    const newHash = 'f'.repeat(64);
    const rebuilt = JSON.parse(JSON.stringify(template).split(oldHash).join(newHash));
    const rebuiltIds = Object.keys(assets.files).map(id => (id === oldHash ? newHash : id));

    expect(JSON.stringify(rebuilt)).not.toEqual(JSON.stringify(template));
    expect(canonicalizeTemplate(rebuilt, rebuiltIds)).toEqual(canonicalizeTemplate(template, Object.keys(assets.files)));
  });

  test('fails on any other change to a template', () => {
    const { template, assets } = readAssembly(snapshotDirOf(app));
    const ids = Object.keys(assets.files);
    const changed = JSON.parse(JSON.stringify(template));
    changed.Resources.GoldenImage08D927E2.Properties.RemovalPolicy = 'retain';

    expect(canonicalizeTemplate(changed, ids)).not.toEqual(canonicalizeTemplate(template, ids));
  });
});
