import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SharedWorkspaceImage } from '../src';
import { BUNDLE_DIR } from './support/cloudformation';

const ROOT = path.join(__dirname, '..');
const BUNDLE = path.join(BUNDLE_DIR, 'index.js');

describe('the shipped handler bundle', () => {
  test('exists, is minified and carries the SDK clients instead of taking them from the Lambda runtime', () => {
    const code = fs.readFileSync(BUNDLE, 'utf8');
    expect(code.length / code.split('\n').length).toBeGreaterThan(2_000);
    expect(code).toContain('WorkspacesService');
    expect(code).toContain('PartnerCentralAccount');
    // Only the optional CRT signer (SigV4a, which these services do not use) stays unresolved.
    const external = [...code.matchAll(/require\("(@aws-[^"]+)"\)/g)].map(m => m[1]);
    expect(new Set(external)).toEqual(new Set(['@aws-sdk/signature-v4-crt']));
  });

  test('is the code the synthesized template deploys', () => {
    const app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'BundleStack');
    new SharedWorkspaceImage(stack, 'Share', { imageId: 'wsi-abc123def', accountIds: ['111122223333'] });
    const assembly = app.synth();

    const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0];
    const stagedDir = path.join(assembly.directory, fn.Metadata['aws:asset:path']);
    expect(fs.readFileSync(path.join(stagedDir, 'index.js'))).toEqual(fs.readFileSync(BUNDLE));
    expect(fn.Properties.Handler).toBe('index.handler');
  });

  test('is in the npm package, and the handler sources are not', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const files: string[] = pack.files.map((f: { path: string }) => f.path);
    expect(files).toContain('assets/lambda/handler/index.js');
    expect(files.filter(f => f.startsWith('lambda/') || f.startsWith('test/'))).toEqual([]);
  });
});
