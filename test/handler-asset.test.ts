import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SharedWorkspaceImage } from '../src';
import { BUNDLE_DIR } from './support/handler-harness';

const ROOT = path.join(__dirname, '..');
const BUNDLE = path.join(BUNDLE_DIR, 'index.js');
const HAND_OVER = path.join(BUNDLE_DIR, 'on-demand', 'hand-over.js');
// Real requires only: the SDK's SigV4a error message (DynamoDB's multi-Region signer) quotes
// `[require("@aws-sdk/signature-v4-crt");]` as advice, which is text, not a call.
const sdkRequires = (code: string) => [...code.matchAll(/(?<!\[)require\("(@aws-[^"]+)"\)/g)].map(m => m[1]);

describe('the shipped handler bundle', () => {
  test('exists, is minified and carries the SDK clients instead of taking them from the Lambda runtime', () => {
    const code = fs.readFileSync(BUNDLE, 'utf8');
    expect(code.length / code.split('\n').length).toBeGreaterThan(2_000);
    expect(code).toContain('WorkspacesService');
    expect(code).toContain('PartnerCentralAccount');
    expect(sdkRequires(code)).toEqual([]);
  });

  test('leaves the Lambda client to the hand-over module, which it requires only when handing over', () => {
    const code = fs.readFileSync(BUNDLE, 'utf8');
    expect(code).not.toContain('/2015-03-31/functions/');
    expect(code).toContain('require("./on-demand/hand-over")');
    const handOver = fs.readFileSync(HAND_OVER, 'utf8');
    expect(handOver).toContain('/2015-03-31/functions/');
    expect(sdkRequires(handOver)).toEqual([]);
  });

  test('takes credentials from the environment only: no profile, SSO, web-identity, process or container providers', () => {
    for (const file of [BUNDLE, HAND_OVER]) {
      const code = fs.readFileSync(file, 'utf8');
      expect(code).toContain('AWS_SECRET_ACCESS_KEY');
      for (const provider of ['sso_start_url', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'credential_process', 'AWS_CONTAINER_CREDENTIALS']) {
        expect(code).not.toContain(provider);
      }
    }
  });

  test('is the code the synthesized template deploys', () => {
    const app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'BundleStack');
    new SharedWorkspaceImage(stack, 'Share', { imageId: 'wsi-abc123def', accountIds: ['111122223333'] });
    const assembly = app.synth();

    const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0];
    const stagedDir = path.join(assembly.directory, fn.Metadata['aws:asset:path']);
    expect(fs.readFileSync(path.join(stagedDir, 'index.js'))).toEqual(fs.readFileSync(BUNDLE));
    expect(fs.readFileSync(path.join(stagedDir, 'on-demand', 'hand-over.js'))).toEqual(fs.readFileSync(HAND_OVER));
    expect(fn.Properties.Handler).toBe('index.handler');
  });

  test('is in the npm package, and the handler sources are not', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const files: string[] = pack.files.map((f: { path: string }) => f.path);
    expect(files).toContain('assets/lambda/handler/index.js');
    expect(files).toContain('assets/lambda/handler/on-demand/hand-over.js');
    expect(files.filter(f => f.startsWith('lambda/') || f.startsWith('test/'))).toEqual([]);
  });
});
