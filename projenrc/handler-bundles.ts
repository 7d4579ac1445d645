/**
 * `npx projen bundle`: the custom-resource handler (lambda/) bundled into assets/lambda/handler/,
 * SDK clients included: the entry file index.js, and next to it, in on-demand/, the modules that
 * only some requests load, each required at its first use.
 *
 * The SDK's core (@smithy/*, @aws-sdk/core), which every client imports, is in the entry file
 * once: the on-demand SDK modules take it from there rather than carry a copy each (a copy is
 * about 150 KB and a third of a cold start). The entry file registers the parts of the core that
 * they import, by name (SHARED_CORE_KEY); they read them from that registry. Which names is
 * asked of esbuild itself: an on-demand module bundled against an empty core fails on each
 * name it imports from it. A module loaded without the entry file throws at once.
 */
import * as esbuild from 'esbuild';

const OUT_DIR = 'assets/lambda/handler';

/** Where the entry file puts the core's parts for the on-demand modules: `globalThis[Symbol.for(SHARED_CORE_KEY)]`. */
const SHARED_CORE_KEY = 'cdk-cross-account-sharing/sdk-core';

/** The import paths of the SDK's core: a client imports it by these. */
const SHARED_CORE = /^(@smithy\/[^/]+(\/[^/]+)?|@aws-sdk\/core(\/[^/]+)?)$/;

/** The on-demand modules that hold SDK clients, and take the core from the entry file. */
const ON_DEMAND_SDK = ['hand-over', 'dynamodb', 'organizations', 'cloudformation', 'partner-central'];
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

/** Each name each on-demand SDK module imports from the core, by import path. */
async function coreNamesImported(): Promise<Map<string, Set<string>>> {
  const emptyCore: esbuild.Plugin = {
    name: 'empty-core',
    setup(build) {
      build.onResolve({ filter: SHARED_CORE }, args => ({ path: args.path, namespace: 'core' }));
      build.onLoad({ filter: /.*/, namespace: 'core' }, () => ({ contents: 'export {};', loader: 'js' }));
    },
  };
  const names = new Map<string, Set<string>>();
  for (const module of ON_DEMAND_SDK) {
    const result = await esbuild.build({
      ...COMMON, entryPoints: [`lambda/on-demand/${module}.ts`], write: false, logLevel: 'silent', plugins: [emptyCore],
    }).catch((failure: esbuild.BuildFailure) => failure);
    for (const message of [...result.errors, ...result.warnings]) {
      const missing = /^No matching export in "core:([^"]+)" for import "([^"]+)"$/.exec(message.text);
      if (!missing) throw new Error(`Bundling lambda/on-demand/${module}.ts: ${message.text}`);
      names.set(missing[1], (names.get(missing[1]) ?? new Set()).add(missing[2]));
    }
  }
  return names;
}

/** The entry file's first module: it puts the core's parts that the on-demand modules import in the registry. */
function coreRegistry(names: Map<string, Set<string>>): string {
  const imports: string[] = [];
  const entries: string[] = [];
  [...names.entries()].sort(([a], [b]) => a.localeCompare(b)).forEach(([path, imported], i) => {
    const sorted = [...imported].sort();
    imports.push(`import { ${sorted.map(name => `${name} as m${i}_${name}`).join(', ')} } from ${JSON.stringify(path)};`);
    entries.push(`${JSON.stringify(path)}: { ${sorted.map(name => `${name}: m${i}_${name}`).join(', ')} }`);
  });
  return `${imports.join('\n')}\nglobalThis[Symbol.for(${JSON.stringify(SHARED_CORE_KEY)})] = {\n${entries.join(',\n')}\n};\n`;
}

/** The entry file: the core's registry first, then the handler. */
async function bundleEntry(registry: string): Promise<void> {
  const withRegistry: esbuild.Plugin = {
    name: 'core-registry',
    setup(build) {
      build.onResolve({ filter: /^core-registry$/ }, () => ({ path: 'core-registry', namespace: 'registry' }));
      build.onLoad({ filter: /.*/, namespace: 'registry' }, () => ({ contents: registry, loader: 'js', resolveDir: process.cwd() }));
    },
  };
  await esbuild.build({
    ...COMMON,
    stdin: { contents: "import 'core-registry';\nexport { handler } from './lambda/handler';\n", resolveDir: process.cwd(), sourcefile: 'index.ts', loader: 'ts' },
    outfile: `${OUT_DIR}/index.js`,
    // The on-demand modules are bundled on their own (below) and required only when needed.
    external: ['./on-demand/*'],
    alias: { ...COMMON.alias, ...Object.fromEntries(ON_DEMAND_PACKAGES.map(name => [`@aws-sdk/${name}`, `./lambda/sdk/${name}.ts`])) },
    plugins: [withRegistry],
  });
}

/**
 * The module an on-demand module gets for an import path of the core: the parts it imports
 * (`names`), read from the registry, which the entry file filled when it loaded.
 */
function coreModule(path: string, names: ReadonlySet<string>, module: string): string {
  return `const core = globalThis[Symbol.for(${JSON.stringify(SHARED_CORE_KEY)})];\n`
    + `if (!core) throw new Error('on-demand/${module}.js is loaded by the handler\\'s index.js, which it takes the SDK\\'s core from');\n`
    + `const part = core[${JSON.stringify(path)}];\n`
    + `export {};\n${[...names].map(name => `export const ${name} = part.${name};\n`).join('')}`;
}

/** An on-demand module, bundled next to the entry file, where its `require('./on-demand/…')` finds it. */
async function bundleOnDemand(module: string, core?: Map<string, Set<string>>): Promise<void> {
  const fromEntry: esbuild.Plugin = {
    name: 'core-from-entry',
    setup(build) {
      build.onResolve({ filter: SHARED_CORE }, args => ({ path: args.path, namespace: 'core' }));
      build.onLoad({ filter: /.*/, namespace: 'core' }, args => ({ loader: 'js', contents: coreModule(args.path, core?.get(args.path) ?? new Set(), module) }));
    },
  };
  await esbuild.build({
    ...COMMON,
    entryPoints: [`lambda/on-demand/${module}.ts`],
    outfile: `${OUT_DIR}/on-demand/${module}.js`,
    plugins: core ? [fromEntry] : [],
    // A part of the core that the registry lacks would be undefined when it runs: fail the bundle instead.
    logOverride: { 'import-is-undefined': 'error' },
  });
}

async function main(): Promise<void> {
  const core = await coreNamesImported();
  await bundleEntry(coreRegistry(core));
  for (const module of ON_DEMAND_SDK) await bundleOnDemand(module, core);
  for (const module of ON_DEMAND_OTHER) await bundleOnDemand(module);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
