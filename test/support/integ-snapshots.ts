/**
 * Snapshots of the integ apps (`test/integ.*.ts`), in integ-runner's layout: each app's cloud
 * assembly is kept in `test/<app>.snapshot/` without the asset bodies, and the check synthesizes
 * the app again and compares every template with the snapshot's, asset hashes set aside.
 *
 * Why not integ-runner itself: the newest `@aws-cdk/integ-runner` the registry serves (2.197.10)
 * reads cloud assemblies up to schema 53, and aws-cdk-lib 2.259.0 writes schema 54, so it fails
 * on every snapshot ("Cloud assembly schema version mismatch"). This does what its offline
 * snapshot check does: synthesize with version reporting and metadata off, compare the templates
 * with each asset hash replaced by its position (`Asset1`, ...), so that a rebuilt handler bundle
 * (a new asset hash) changes no result and any other template change fails. It also sets aside
 * the `salt` of integ-tests assertions (the time of synthesis). Unlike integ-runner, it applies
 * no recommended feature flags (the apps synthesize with aws-cdk-lib's defaults, as a user's app
 * does) and does not classify destructive changes: any difference fails.
 *
 *   npx ts-node --transpile-only --project test/tsconfig.json test/support/integ-snapshots.ts [app...]
 *
 * rewrites the snapshots whose templates changed (`npx projen integ:update [app...]`).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';

/** Where the integ apps live. */
export const INTEG_DIR = path.join(__dirname, '..');

/** The file names of integ apps, as integ-runner's TypeScript preset finds them. */
const INTEG_APP = /^integ\.(?!.*\.d\.ts$).*\.ts$/;

/** The context integ-runner synthesizes with: nothing that varies between machines or CDK versions. */
const SYNTH_CONTEXT = {
  // No stack traces (with this machine's paths) in the metadata, as `cdk synth` without --debug.
  'aws:cdk:disable-stack-trace': true,
  'aws:cdk:disable-creation-stack-traces': true,
  'aws:cdk:version-reporting': false,
  'aws:cdk:enable-path-metadata': false,
  'aws:cdk:enable-asset-metadata': false,
};

/** The integ apps, by file name (`integ.shared-workspace-image.ts`). */
export function integApps(): string[] {
  return fs.readdirSync(INTEG_DIR).filter(name => INTEG_APP.test(name)).sort();
}

/** The committed snapshot directory of an integ app. */
export function snapshotDirOf(app: string): string {
  return path.join(INTEG_DIR, `${app}.snapshot`);
}

/** Synthesize an integ app into `outdir`, as `cdk synth` would, in a process of its own. */
export async function synthIntegApp(app: string, outdir: string): Promise<void> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(INTEG_DIR, app)], {
    cwd: INTEG_DIR,
    env: {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify(SYNTH_CONTEXT),
      TS_NODE_PROJECT: path.join(INTEG_DIR, 'tsconfig.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', chunk => (output += chunk));
  child.stderr.on('data', chunk => (output += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0 || !fs.existsSync(path.join(outdir, 'manifest.json'))) {
    throw new Error(`synthesizing ${app} failed (exit code ${code}):\n${output}`);
  }
}

/** A cloud assembly's templates by file name, each with its asset hashes replaced by `Asset1`, `Asset2`... */
export function canonicalTemplates(assemblyDir: string): Record<string, unknown> {
  const templates: Record<string, unknown> = {};
  for (const file of fs.readdirSync(assemblyDir).filter(name => name.endsWith('.template.json')).sort()) {
    const template = readJson(path.join(assemblyDir, file));
    const assetsFile = path.join(assemblyDir, file.replace(/\.template\.json$/, '.assets.json'));
    templates[file] = withoutSalts(canonicalizeTemplate(template, fs.existsSync(assetsFile) ? assetIds(readJson(assetsFile)) : []));
  }
  return templates;
}

/**
 * A template whose integ-tests assertions (`Custom::DeployAssert@...` resources) have no `salt`:
 * integ-tests-alpha sets it to the time of synthesis so that they run at every deployment.
 */
export function withoutSalts(template: any): any {
  const resources = Object.entries<any>(template?.Resources ?? {}).map(([logicalId, resource]) => {
    if (!String(resource?.Type).startsWith('Custom::DeployAssert@') || !resource.Properties || !('salt' in resource.Properties)) {
      return [logicalId, resource];
    }
    const { salt: _salt, ...properties } = resource.Properties;
    return [logicalId, { ...resource, Properties: properties }];
  });
  return template?.Resources ? { ...template, Resources: Object.fromEntries(resources) } : template;
}

/** The IDs (source hashes) of the file and Docker image assets of an asset manifest. */
export function assetIds(assetManifest: any): string[] {
  return [...Object.keys(assetManifest?.files ?? {}), ...Object.keys(assetManifest?.dockerImages ?? {})];
}

/**
 * A template with each asset ID replaced, wherever a string (or key) holds it, by `Asset<n>`, n
 * its position in `ids`: two templates that differ only by the content of their assets compare equal.
 */
export function canonicalizeTemplate(template: unknown, ids: string[]): unknown {
  const substitute = (text: string) => ids.reduce((result, id, index) => result.split(id).join(`Asset${index + 1}`), text);
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return substitute(value);
    }
    if (Array.isArray(value)) {
      return value.map(walk);
    }
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [substitute(key), walk(inner)]));
    }
    return value;
  };
  return walk(template);
}

/** Synthesize an integ app into a temporary directory, hand it to `use`, then remove it. */
export async function withSynthesized<T>(app: string, use: (assemblyDir: string) => T | Promise<T>): Promise<T> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk-integ.out.${app}.`));
  try {
    await synthIntegApp(app, outdir);
    return await use(outdir);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Write an integ app's snapshot: its cloud assembly without the asset bodies (`asset.*`, which
 * are git-ignored anyway, and the asset cache), and without the stack traces some metadata
 * entries carry (this machine's paths), as integ-runner cleans them. A snapshot whose templates
 * compare equal is left as it is.
 *
 * @returns whether the snapshot was written
 */
export async function writeSnapshot(app: string): Promise<boolean> {
  return withSynthesized(app, outdir => {
    for (const name of fs.readdirSync(outdir)) {
      if (name.startsWith('asset.') || name === '.cache') {
        fs.rmSync(path.join(outdir, name), { recursive: true, force: true });
      } else if (name.endsWith('.metadata.json')) {
        const metadata: Record<string, Array<{ trace?: unknown }>> = readJson(path.join(outdir, name));
        Object.values(metadata).forEach(entries => entries.forEach(entry => delete entry.trace));
        fs.writeFileSync(path.join(outdir, name), `${JSON.stringify(metadata, undefined, 2)}\n`);
      }
    }
    const snapshotDir = snapshotDirOf(app);
    if (fs.existsSync(snapshotDir) && isDeepStrictEqual(canonicalTemplates(outdir), canonicalTemplates(snapshotDir))) {
      // Unchanged: keep the snapshot as it is rather than churn its asset hashes and salts.
      return false;
    }
    fs.rmSync(snapshotDir, { recursive: true, force: true });
    fs.cpSync(outdir, snapshotDir, { recursive: true });
    return true;
  });
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

if (require.main === module) {
  const requested = process.argv.slice(2).map(arg => path.basename(arg));
  const unknown = requested.filter(app => !integApps().includes(app));
  if (unknown.length > 0) {
    console.error(`no such integ app: ${unknown.join(', ')} (the apps: ${integApps().join(', ')})`);
    process.exit(1);
  }
  const apps = requested.length > 0 ? requested : integApps();
  Promise.all(apps.map(async app => {
    const written = await writeSnapshot(app);
    console.log(`${written ? 'wrote' : 'unchanged:'} ${path.relative(process.cwd(), snapshotDirOf(app))}`);
  })).catch(error => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
