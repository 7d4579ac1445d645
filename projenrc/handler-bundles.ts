/**
 * `npx projen bundle`: the custom-resource handler (lambda/) bundled into assets/lambda/handler/,
 * SDK clients included: the entry file index.js, and next to it, in on-demand/, the modules that
 * only some requests load, each required at its first use.
 *
 * The SDK's core (@smithy/*, @aws-sdk/core), which every client imports, is in the entry file
 * once: the on-demand SDK modules take it from there rather than carry a copy each (a copy is
 * about 150 KB and a third of a cold start). But only the core's files that the entry file holds
 * for its own use (its WorkSpaces client): a file that only on-demand modules use (another
 * protocol, a waiter, the event streams) would cost every cold start its load, so each on-demand
 * module that uses it carries it. Likewise the handler's own modules and the other packages they
 * share (the logger): no file is in both, so that each class, logger and registry is one.
 *
 * Which files the entry file holds is asked of esbuild: those it bundles, with code, when it is
 * bundled without the registry. An on-demand module takes each name it imports from such a file
 * from the registry (SHARED_CORE_KEY), which the entry file fills as it loads: the names are those
 * left in the on-demand module's bundle. A module loaded without the entry file throws at once.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as esbuild from 'esbuild';

const OUT_DIR = 'assets/lambda/handler';

/** Where the entry file puts the core's parts for the on-demand modules: `globalThis[Symbol.for(SHARED_CORE_KEY)]`. */
const SHARED_CORE_KEY = 'cdk-cross-account-sharing/sdk-core';

/**
 * The SDK's event streams, which HttpProtocol loads with import() for an operation that streams
 * events (none of the operations the handler sends does): an on-demand module of their own,
 * required by the entry file there and by the on-demand modules whose clients configure them (the
 * Lambda client). In the entry file they were parsed at every cold start, and run (loading zlib)
 * as soon as an on-demand module took a part of them from it.
 */
const EVENT_STREAMS = '@smithy/core/event-streams';

/** The on-demand modules bundled from a package rather than from lambda/on-demand/: their source. */
const PACKAGE_MODULES: Record<string, string> = { 'event-streams': `export * from '${EVENT_STREAMS}';` };

/** The on-demand modules that hold SDK clients or parts of the core, and take the core from the entry file. */
const ON_DEMAND_SDK = ['hand-over', 'dynamodb', 'organizations', 'cloudformation', 'partner-central', 'event-streams'];
/** The other on-demand modules: no SDK client. */
const ON_DEMAND_OTHER = ['stack-traces'];

/**
 * In the entry file, the packages of the clients in on-demand modules are the stand-ins of
 * lambda/sdk/, whose classes require the on-demand module at their first `new`
 * (lambda/on-demand-sdk.ts): the code that imports the packages needs no change, and keeps its
 * own modules (errors compared with instanceof, the call guard's state) in one copy.
 */
const ON_DEMAND_PACKAGES = ['client-dynamodb', 'client-organizations', 'client-sts', 'client-cloudformation', 'client-partnercentral-account'];

/** What every bundle shares. */
const COMMON: esbuild.BuildOptions = {
  bundle: true,
  platform: 'node',
  // The oldest runtime SharingProvider accepts (its `runtime` prop): code for Node.js 20 runs on every later one.
  target: 'node20',
  format: 'cjs',
  minify: true,
  // Maps without the sources (a third of the size): stack traces of failures are mapped back to
  // the source file and line when they are logged (lambda/on-demand/stack-traces.ts), not at load.
  sourcemap: true,
  sourcesContent: false,
  // The SDK's ES-module builds (`module` before `main`) tree-shake far better than its CommonJS ones.
  mainFields: ['module', 'main'],
  // The handler imports only what it bundles.
  tsconfig: 'lambda/tsconfig.json',
  alias: {
    // Credentials from the environment only, as Lambda provides them.
    '@aws-sdk/credential-provider-node': './lambda/runtime/env-credentials.ts',
    // @aws-sdk/client-sts 3.1048.0 imports @aws-sdk/region-config-resolver without depending on it;
    // the function it takes from there (stsRegionDefaultResolver) is @aws-sdk/core's, which it depends on.
    '@aws-sdk/region-config-resolver': '@aws-sdk/core/client',
  },
  // The ES-module builds import Node's own modules with import(): as require(), they load in
  // CommonJS hosts too (jest's sandbox has no dynamic-import hook).
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
};

/** The files esbuild bundles for `options`, relative to the working directory, with the bytes of each in the output. */
async function bundledFiles(options: esbuild.BuildOptions): Promise<Map<string, number>> {
  const result = await esbuild.build({ write: false, ...options, metafile: true });
  return new Map(Object.values(result.metafile.outputs).flatMap(output => Object.entries(output.inputs).map(([file, i]) => [file, i.bytesInOutput])));
}

/** The files that the entry file holds (bundled with code, and run at its load): files on disk, not the plugins' modules. */
const heldFiles = (files: ReadonlyMap<string, number>) =>
  new Set([...files].filter(([file, bytes]) => bytes > 0 && fs.existsSync(file)).map(([file]) => file));

/** The event streams as the on-demand module at `from`, relative to the importing file (EVENT_STREAMS). */
function eventStreamsAt(from: string): esbuild.Plugin {
  return {
    name: 'event-streams-on-demand',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${EVENT_STREAMS}$`) }, () => ({ path: from, external: true }));
    },
  };
}

/** The key of the part `name` of the held `file` in the registry: the name, and a hash of the file's path (short, since both files hold each key). */
const keyOf = (file: string, name: string) => `${name}@${crypto.createHash('sha256').update(file).digest('hex').slice(0, 8)}`;

/** The names a held file exports (esbuild, not bundling, lists them); null when it re-exports a whole module (`export *`), which only bundling resolves. */
async function exportsOf(file: string): Promise<string[] | null> {
  if (/export\s*\*/.test(fs.readFileSync(file, 'utf8'))) return null;
  const result = await esbuild.build({ entryPoints: [file], bundle: false, format: 'esm', write: false, metafile: true, logLevel: 'silent' });
  return Object.values(result.metafile.outputs)[0].exports;
}

/**
 * The names that the held `file` re-exports from a file the entry file does not hold
 * (`export { a as b } from './x'`, as the packages' index files do), each with that file (absolute)
 * and its name there: the on-demand module takes them from there, not from the entry file, which
 * would otherwise have to hold them.
 */
function reExportedFromElsewhere(file: string, held: ReadonlySet<string>): Map<string, Part> {
  const names = new Map<string, Part>();
  for (const [, list, spec] of fs.readFileSync(file, 'utf8').matchAll(/export\s*\{([^}]*)\}\s*from\s*"(\.[^"]+)"/g)) {
    const base = path.join(path.dirname(file), spec);
    const source = [`${base}.js`, `${base}.ts`, base, path.join(base, 'index.js'), path.join(base, 'index.ts')].find(candidate => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
    if (!source || held.has(path.relative(process.cwd(), source))) continue;
    for (const item of list.split(',').map(i => i.trim()).filter(Boolean)) {
      const [name, as = name] = item.split(/\s+as\s+/);
      names.set(as, { file: path.resolve(source), name });
    }
  }
  return names;
}

/**
 * The core for an on-demand module: each file the entry file holds (`held`) is a module that reads
 * each of its exports from the registry; the other files are bundled. Each read is pure, so that
 * the reads of the names the module never uses are dropped, and the names left are those the
 * registry must hold.
 */
function coreFrom(module: string, held: ReadonlySet<string>, parts: Map<string, Part>): esbuild.Plugin {
  return {
    name: 'core-from-entry',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async args => {
        if (args.pluginData === 'resolving' || !['file', 'held'].includes(args.namespace)) return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'resolving' });
        const file = path.relative(process.cwd(), resolved.path);
        return held.has(file) ? { path: file, namespace: 'held' } : undefined;
      });
      build.onResolve({ filter: /^core-registry$/ }, () => ({ path: 'core-registry', namespace: 'registry' }));
      build.onLoad({ filter: /.*/, namespace: 'registry' }, () => ({ loader: 'js', contents: registryReader(module) }));
      build.onLoad({ filter: /.*/, namespace: 'held' }, async args => {
        const names = await exportsOf(args.path);
        if (!names) throw new Error(`${args.path} re-exports a whole module: which of its names the entry file holds is unknown`);
        const elsewhere = reExportedFromElsewhere(args.path, held);
        const lines = names.map(name => {
          if (elsewhere.has(name)) return `export { ${elsewhere.get(name)!.name} as ${name} } from ${JSON.stringify(elsewhere.get(name)!.file)};\n`;
          parts.set(keyOf(args.path, name), { file: args.path, name });
          return `export const ${name} = /* @__PURE__ */ takeFromCore$(${JSON.stringify(keyOf(args.path, name))});\n`;
        });
        return { loader: 'js', resolveDir: process.cwd(), contents: `import { take as takeFromCore$ } from 'core-registry';\n${lines.join('')}` };
      });
    },
  };
}

/** The registry as an on-demand module reads it: it throws at once without the entry file. */
function registryReader(module: string): string {
  return `const core = globalThis[Symbol.for(${JSON.stringify(SHARED_CORE_KEY)})];\n`
    + `if (!core) throw new Error('on-demand/${module}.js is loaded by the handler\\'s index.js, which it takes the SDK\\'s core from');\n`
    + 'export function take(key) { if (!(key in core)) throw new Error(`The handler\'s index.js holds no ${key}`); return core[key]; }\n';
}

/** A part of the core that the registry holds: the name `name` that the file `file` exports. */
interface Part {
  readonly file: string;
  readonly name: string;
}

/**
 * An on-demand module, bundled next to the entry file, where its `require('./on-demand/…')`
 * finds it; with `held`, it takes those files of the core from the entry file, and puts the
 * parts it takes in `parts` (by their keys in the registry).
 */
async function bundleOnDemand(module: string, held?: ReadonlySet<string>, parts?: Map<string, Part>): Promise<Map<string, number>> {
  const outfile = `${OUT_DIR}/on-demand/${module}.js`;
  const stubs = new Map<string, Part>();
  const source: esbuild.BuildOptions = module in PACKAGE_MODULES
    ? { stdin: { contents: PACKAGE_MODULES[module], resolveDir: process.cwd(), sourcefile: `${module}.js`, loader: 'js' } }
    : { entryPoints: [`lambda/on-demand/${module}.ts`], plugins: [eventStreamsAt('./event-streams')] };
  const files = await bundledFiles({
    ...COMMON,
    ...source,
    outfile,
    write: true,
    plugins: [...source.plugins ?? [], ...held ? [coreFrom(module, held, stubs)] : []],
    // A part of the core that a file the entry file holds does not export would be undefined when it runs: fail the bundle instead.
    logOverride: { 'import-is-undefined': 'error' },
  });
  const code = fs.readFileSync(outfile, 'utf8');
  for (const [key, part] of stubs) if (code.includes(JSON.stringify(key))) parts?.set(key, part);
  return files;
}

/** The entry file's first module: it puts the parts of the core that the on-demand modules take in the registry. */
function coreRegistry(parts: ReadonlyMap<string, Part>): string {
  const sorted = [...parts].sort(([a], [b]) => a.localeCompare(b));
  const imports = sorted.map(([, { file, name }], i) => `import { ${name} as p${i} } from ${JSON.stringify(path.resolve(file))};`);
  const entries = sorted.map(([key], i) => `${JSON.stringify(key)}: p${i}`);
  return `${imports.join('\n')}\nglobalThis[Symbol.for(${JSON.stringify(SHARED_CORE_KEY)})] = {\n${entries.join(',\n')}\n};\n`;
}

/** The entry file's options: the core's registry first, then the handler. */
function entryOptions(registry: string): esbuild.BuildOptions {
  const withRegistry: esbuild.Plugin = {
    name: 'core-registry',
    setup(build) {
      build.onResolve({ filter: /^core-registry$/ }, () => ({ path: 'core-registry', namespace: 'registry' }));
      build.onLoad({ filter: /.*/, namespace: 'registry' }, () => ({ contents: registry, loader: 'js', resolveDir: process.cwd() }));
    },
  };
  return {
    ...COMMON,
    stdin: { contents: "import 'core-registry';\nexport { handler } from './lambda/handler';\n", resolveDir: process.cwd(), sourcefile: 'index.ts', loader: 'ts' },
    outfile: `${OUT_DIR}/index.js`,
    // The on-demand modules are bundled on their own (below) and required only when needed.
    external: ['./on-demand/*'],
    alias: { ...COMMON.alias, ...Object.fromEntries(ON_DEMAND_PACKAGES.map(name => [`@aws-sdk/${name}`, `./lambda/sdk/${name}.ts`])) },
    plugins: [withRegistry, eventStreamsAt('./on-demand/event-streams')],
  };
}

/** The files with code in both the entry file and an on-demand module. */
function coreInBoth(entry: ReadonlyMap<string, number>, onDemand: ReadonlyMap<string, number>): string[] {
  return [...heldFiles(onDemand)].filter(file => (entry.get(file) ?? 0) > 0);
}

/**
 * The entry file, bundled first without the registry to learn which files of the core it holds;
 * then the on-demand modules, taking those from it; then the entry file with the registry of what
 * they take. Taking a part the entry file left out may bring more of the core into it: then again,
 * until no file of the core is in both.
 */
async function main(): Promise<void> {
  let held = heldFiles(await bundledFiles(entryOptions('')));
  for (let round = 1; ; round++) {
    const parts = new Map<string, Part>();
    const onDemand = new Map<string, Map<string, number>>();
    for (const module of ON_DEMAND_SDK) onDemand.set(module, await bundleOnDemand(module, held, parts));
    const entry = await bundledFiles({ ...entryOptions(coreRegistry(parts)), write: true });
    const inBoth = [...onDemand].flatMap(([module, files]) => coreInBoth(entry, files).map(file => `${module}: ${file}`));
    if (inBoth.length === 0) break;
    if (round === 3) throw new Error(`Files in both the entry file and an on-demand module:\n${inBoth.join('\n')}`);
    held = new Set([...held, ...heldFiles(entry)]);
  }
  for (const module of ON_DEMAND_OTHER) await bundleOnDemand(module);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
