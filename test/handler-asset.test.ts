import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SharedWorkspaceImage } from '../src';
import {
  assetFiles, DEFLATED_ASSET_BUDGET_BYTES, deflatedAssetBytes, ENTRY_BUDGET_BYTES, ENTRY_FILE, entryBytes, ON_DEMAND_MODULES,
  ON_DEMAND_SDK_MODULES, onDemandFile, servicesIn,
} from './support/handler-asset';
import { BUNDLE_DIR } from './support/handler-harness';

const ROOT = path.join(__dirname, '..');
const BUNDLE = ENTRY_FILE;
const HAND_OVER = onDemandFile('hand-over');
// Real requires only: the SDK's SigV4a error message (DynamoDB's multi-Region signer) quotes
// `[require("@aws-sdk/signature-v4-crt");]` as advice, which is text, not a call.
const sdkRequires = (code: string) => [...code.matchAll(/(?<!\[)require\("(@aws-[^"]+)"\)/g)].map(m => m[1]);

describe('the shipped handler bundle', () => {
  test('exists, is minified and carries the SDK clients instead of taking them from the Lambda runtime', () => {
    const code = fs.readFileSync(BUNDLE, 'utf8');
    expect(code.length / code.split('\n').length).toBeGreaterThan(2_000);
    expect(code).toContain('WorkspacesService');
    for (const file of [BUNDLE, ...ON_DEMAND_MODULES.map(onDemandFile)]) expect(sdkRequires(fs.readFileSync(file, 'utf8'))).toEqual([]);
  });

  test('holds only the WorkSpaces client in its entry file: the others load on demand, each from its own module', () => {
    expect(servicesIn(BUNDLE)).toEqual(['workspaces']);
    expect(servicesIn(onDemandFile('hand-over'))).toEqual(['lambda', 'ssm']);
    expect(servicesIn(onDemandFile('dynamodb'))).toEqual(['dynamodb']);
    expect(servicesIn(onDemandFile('organizations'))).toEqual(['organizations', 'sts']);
    expect(servicesIn(onDemandFile('cloudformation'))).toEqual(['cloudformation']);
    expect(servicesIn(onDemandFile('partner-central'))).toEqual(['partnercentralaccount']);
    const code = fs.readFileSync(BUNDLE, 'utf8');
    expect(code).not.toContain('/2015-03-31/functions/');
    for (const module of ON_DEMAND_MODULES) expect(code).toContain(`require("./on-demand/${module}")`);
    expect(fs.readFileSync(HAND_OVER, 'utf8')).toContain('/2015-03-31/functions/');
  });

  test('keeps its entry file within 400 KB and the whole asset, deflated, within 500 KB', () => {
    expect(entryBytes()).toBeLessThanOrEqual(ENTRY_BUDGET_BYTES);
    expect(deflatedAssetBytes()).toBeLessThanOrEqual(DEFLATED_ASSET_BUDGET_BYTES);
  });

  test('gives the on-demand SDK modules the SDK core of the entry file: each client and command of each module constructs', () => {
    const script = `require(${JSON.stringify(BUNDLE)});
      for (const module of ${JSON.stringify(ON_DEMAND_SDK_MODULES)}) {
        const exported = Object.entries(require(${JSON.stringify(path.join(path.dirname(BUNDLE), 'on-demand'))} + '/' + module));
        for (const [name, Class] of exported) if (/(Client|Command)$/.test(name)) new Class(name.endsWith('Client') ? { region: 'eu-west-1' } : {});
        console.log(module, exported.length);
      }`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    expect(out.trim().split('\n').map(line => line.split(' ')[0])).toEqual([...ON_DEMAND_SDK_MODULES]);
  });

  test('loads at its cold start neither the SDK\'s event streams nor zlib, which only an operation that streams events needs', () => {
    const script = `require(${JSON.stringify(BUNDLE)}); console.log(JSON.stringify(process.moduleLoadList))`;
    const loaded: string[] = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    expect(loaded).not.toContain('NativeModule zlib');
    expect(fs.readFileSync(BUNDLE, 'utf8')).not.toContain('EventStreamCodec');
    expect(fs.readFileSync(onDemandFile('event-streams'), 'utf8')).toContain('EventStreamCodec');
  });

  test('holds each source file once: an on-demand module takes what the entry file holds from it (one copy of each class, logger and registry)', () => {
    const sourcesOf = (file: string) => (JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')).sources as string[])
      .filter(source => !/^[a-z-]+:/.test(source))
      .map(source => path.resolve(path.dirname(file), source));
    const entry = new Set(sourcesOf(BUNDLE));
    expect(entry.size).toBeGreaterThan(100);
    for (const module of ON_DEMAND_MODULES) expect(sourcesOf(onDemandFile(module)).filter(source => entry.has(source))).toEqual([]);
  });

  test('refuses to load an on-demand SDK module without the entry file, which holds the SDK core it uses', () => {
    expect(() => execFileSync(process.execPath, ['-e', `require(${JSON.stringify(onDemandFile('dynamodb'))})`], { encoding: 'utf8', stdio: 'pipe' }))
      .toThrow(/loaded by the handler's index\.js/);
  });

  test('takes credentials from the environment only: no profile, SSO, web-identity, process or container providers', () => {
    // The environment's provider is in the entry file, which the on-demand modules take it from.
    expect(fs.readFileSync(BUNDLE, 'utf8')).toContain('AWS_SECRET_ACCESS_KEY');
    for (const file of [BUNDLE, ...ON_DEMAND_SDK_MODULES.map(onDemandFile)]) {
      const code = fs.readFileSync(file, 'utf8');
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
    expect(assetFiles(stagedDir)).toEqual(assetFiles());
    for (const file of assetFiles()) expect(fs.readFileSync(path.join(stagedDir, file))).toEqual(fs.readFileSync(path.join(BUNDLE_DIR, file)));
    expect(fn.Properties.Handler).toBe('index.handler');
  });

  test('is in the npm package, and the handler sources are not', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const files: string[] = pack.files.map((f: { path: string }) => f.path);
    expect(files).toContain('assets/lambda/handler/index.js');
    for (const module of ON_DEMAND_MODULES) expect(files).toContain(`assets/lambda/handler/on-demand/${module}.js`);
    expect(files.filter(f => f.startsWith('lambda/') || f.startsWith('test/'))).toEqual([]);
  });
});
