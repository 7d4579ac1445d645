import { awscdk, DependencyType, javascript } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-cross-account-sharing',
  description:
    'AWS CDK constructs that declare cross-account shares CloudFormation has no resource for: WorkSpaces images, WorkSpaces connection aliases and Partner Central connection preferences.',
  author: 'cdk-cross-account-sharing maintainers',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://github.com/example/cdk-cross-account-sharing.git',
  keywords: ['aws-cdk', 'workspaces', 'partner-central', 'cross-account', 'custom-resource'],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.16.0',

  // aws-cdk-lib 2.259.0 is the first release whose latest Node.js runtime is nodejs24.x,
  // and cdk-nag 3 (used by the tests) needs >= 2.257.0.
  cdkVersion: '2.259.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~5.9.0',

  // There is no GitHub here: CI is `.ci/run`, releases are manual.
  github: false,
  release: false,

  // jsii targets: the same constructs for Python, Java, .NET and Go, under conventional names.
  // CI builds the Python, Java and Go packages and tests them (test:languages); .NET is generated
  // as source only, since NuGet is out of reach (see the README).
  publishToPypi: { distName: 'cdk-cross-account-sharing', module: 'cdk_cross_account_sharing' },
  publishToMaven: {
    javaPackage: 'com.example.cdk.crossaccountsharing',
    mavenGroupId: 'com.example',
    mavenArtifactId: 'cdk-cross-account-sharing',
  },
  publishToNuget: { dotNetNamespace: 'Example.Cdk.CrossAccountSharing', packageId: 'Example.Cdk.CrossAccountSharing' },
  publishToGo: { moduleName: 'github.com/example/cdk-cross-account-sharing-go' },

  devDeps: [
    '@aws-sdk/client-workspaces@3.1048.0',
    '@aws-sdk/client-partnercentral-account@3.1086.0',
    '@aws-sdk/client-lambda@3.1048.0',
    // Ownership decisions read the stacks that own what the handler shares (lambda/ownership/).
    '@aws-sdk/client-cloudformation@3.1048.0',
    // The fence that lets one delivery of a hand-over go on (lambda/on-demand/hand-over.ts).
    '@aws-sdk/client-ssm@3.1048.0',
    // Shares that follow organizational units: Organizations resolves the units, STS assumes the
    // management account's read role, DynamoDB remembers what the construct shared.
    '@aws-sdk/client-organizations@3.1048.0',
    '@aws-sdk/client-sts@3.1048.0',
    '@aws-sdk/client-dynamodb@3.1048.0',
    // A DynamoDB emulator of the wire protocol for the tests of that memory.
    'dynalite@4.0.0',
    '@aws-sdk/credential-provider-env@3.972.84',
    '@aws-lambda-powertools/logger@2.36.0',
    '@types/aws-lambda',
    'aws-sdk-client-mock@4.1.0',
    'aws-sdk-client-mock-jest@4.1.0',
    'cdk-nag@3.0.2',
    'source-map-js@1.3.0',
    // cdk-nag 2 (the Aspects API many apps still use), side by side with 3 for the tests.
    'cdk-nag-v2@npm:cdk-nag@2.38.2',
    // The integ apps (test/integ.*.ts) declare their tests with IntegTest. integ-tests-alpha is
    // released for some aws-cdk-lib versions only: 2.245.0-alpha.0 is the newest the registry
    // serves, and its peer range (^2.245.0) accepts this project's aws-cdk-lib.
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    // The model-based test (test/model/): random sequences of deploys, checks and changes made by hand, shrunk on failure.
    'fast-check@4.11.0',
  ],
  // One integ system, test/integ.*.ts (see the integ tasks below), not projen's *.integ.ts tasks
  // nor its integ-runner@latest.
  integrationTestAutoDiscover: false,
  experimentalIntegRunner: false,

  bundlerOptions: {
    esbuildVersion: '0.28.2',
  },

  // Snapshots must be able to fail: never let the test task rewrite them.
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    // A summary of the coverage, not a table per file (jestConfig below).
    coverageText: false,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Keeps the handler's JSON log lines out of the test output (a test turns them on to read them).
      setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
      // The local endpoint and handler runs use real sockets and timers.
      testTimeout: 60_000,
      // As in the bundle (projenrc/handler-bundles.ts): @aws-sdk/client-sts 3.1048.0 imports
      // @aws-sdk/region-config-resolver without depending on it; @aws-sdk/core/client exports what it needs.
      moduleNameMapper: { '^@aws-sdk/region-config-resolver$': '@aws-sdk/core/client' },
      // Coverage of the library's own code: not the minified bundle, not the test support.
      collectCoverageFrom: ['<rootDir>/src/**/*.ts', '<rootDir>/lambda/**/*.ts'],
      coverageReporters: ['json', 'lcov', 'clover', 'cobertura', 'text-summary'],
    },
  },
  tsconfigDev: {
    include: ['../lambda/**/*.ts', '../examples/**/*.ts', '../benchmark/**/*.ts'],
    compilerOptions: {},
  },
  eslintOptions: {
    dirs: ['src'],
    // lambda/ is bundled with its dependencies at build time: dev dependencies are right there.
    devdirs: ['lambda', 'test', 'examples', 'benchmark'],
  },
});

// The wire contract (src/contract/) is bundled into the handler too: it must not depend on aws-cdk-lib or constructs.
project.eslint?.addOverride({
  files: ['src/contract/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{ group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', '../*'], message: 'src/contract/ is shared with the handler: keep it free of aws-cdk-lib, constructs and the rest of src/' }],
    }],
  },
});

// Functions that fit one screen, in the library and its handler (tests may be longer).
project.eslint?.addOverride({
  files: ['src/**/*.ts', 'lambda/**/*.ts'],
  rules: { 'max-lines-per-function': ['error', { max: 50, skipBlankLines: true, skipComments: true }] },
});

// ts-jest, ts-node and the lambda type-check use the same TypeScript line as jsii 5.9.
project.deps.removeDependency('typescript');
project.deps.addDependency('typescript@~5.9.3', DependencyType.BUILD);

// unrs-resolver 1.13.0 (jest 30, eslint-import-resolver-typescript 4) names platform bindings that the
// registry here does not serve at that version, so npm writes a lock file that `npm ci` rejects.
// 1.12.2 has all of them.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// The custom-resource handler lives in lambda/ (outside jsii) and is bundled at build time, SDK
// clients included, into assets/lambda/handler/, which the npm package ships: the entry file, and
// the modules that only some requests load, bundled apart and required at their first use, which
// take the SDK's core from the entry file. esbuild's command line cannot do the last part (it needs
// a plugin): projenrc/handler-bundles.ts bundles them all, with the esbuild the bundler pins.
const bundleTask = project.bundler.bundleTask;
bundleTask.exec('ts-node --transpile-only --project projenrc/tsconfig.json projenrc/handler-bundles.ts');

// esbuild does not type-check and jsii only compiles src/: type-check the handler on its own.
const typecheckLambda = project.addTask('typecheck:lambda', {
  description: 'Type-check the custom-resource handler in lambda/',
  exec: 'tsc --noEmit -p lambda/tsconfig.json',
});
project.preCompileTask.spawn(typecheckLambda);

// Tests and the demo run the bundled handler, so build it first on a fresh clone.
// ts-jest transpiles without type-checking (isolatedModules): the tests are type-checked first.
const typecheckTests = project.addTask('typecheck:test', {
  description: 'Type-check the tests, examples and benchmark',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});
project.testTask.prependSpawn(typecheckTests);
project.testTask.prependSpawn(bundleTask);

project.tasks.tryFind('test:update')?.prependSpawn(bundleTask);
// Packing ships the handler (assets/lambda/handler/): on a fresh clone, the README's install lines
// (compile, then package:js) would otherwise pack a tarball without it, which fails only at the
// user's synth ("Cannot find asset"). jsii-pacmak packs whatever assets/ holds, so bundle first.
project.tasks.tryFind('package:js')!.prependSpawn(bundleTask);

// Integration tests: test/integ.*.ts apps (IntegTest of integ-tests-alpha) and their snapshots in
// test/integ.*.ts.snapshot/. The check is a jest test (test/integ-snapshots.test.ts), so `test`
// runs it; see test/support/integ-snapshots.ts for why it is not integ-runner.
const integ = project.addTask('integ', {
  description: 'Synthesize the integ apps (test/integ.*.ts) and compare their templates with the committed snapshots',
});
integ.spawn(bundleTask);
integ.exec('jest --ci --coverage=false test/integ-snapshots.test.ts');
const integUpdate = project.addTask('integ:update', {
  description: 'Rewrite the snapshots of the integ apps whose templates changed (name apps to limit it): review the diff, then commit',
  receiveArgs: true,
});
integUpdate.spawn(bundleTask);
integUpdate.exec('ts-node --transpile-only --project test/tsconfig.json test/support/integ-snapshots.ts', { receiveArgs: true });
// The asset bodies integ-runner would copy, and its temporary assemblies.
project.gitignore.exclude('/test/*.snapshot/asset.*', '/test/*.snapshot/.cache/', '/test/cdk-integ.out.*');

// Code examples that compile: every TypeScript block of README.md and of docs/*.md, and every
// @example in src/, is compiled against the library (from the jsii assembly) by jsii-rosetta in
// strict mode, with the fixtures in rosetta/, so the docs cannot drift from the API. The README
// and the @example docs are in the assembly; docs/*.md are not, so a script hands them to
// jsii-rosetta the same way (test/support/check-doc-examples.ts).
const checkExamples = project.addTask('check:examples', {
  description: 'Compile the TypeScript examples of README.md, docs/*.md and the @example docs in src/ against the library (jsii-rosetta, strict)',
});
checkExamples.spawn(project.compileTask);
checkExamples.exec('jsii-rosetta extract --strict');
checkExamples.exec('ts-node --transpile-only --project test/tsconfig.json test/support/check-doc-examples.ts');
project.testTask.spawn(checkExamples);
// rosetta's tablet of translated examples, written next to the assembly: a by-product of the
// check, kept out of the package so that it holds the same files however it is built.
project.gitignore.exclude('/.jsii.tabl.json');
project.npmignore?.exclude('/rosetta/', '/.jsii.tabl.json');
// The design notes: the README links to them in the repository (the package holds the library only).
project.npmignore?.exclude('/docs/');

const demo = project.addTask('demo', {
  description:
    'Synthesize examples/app.ts and run its custom resources through create, update and delete against the local endpoint, then shares that follow units and their drift checks',
});
demo.spawn(bundleTask);
demo.exec('ts-node --transpile-only --project test/tsconfig.json examples/demo.ts');

const benchmark = project.addTask('benchmark', {
  description: 'Measure API calls and wall time of the handler for large account lists against the local endpoint',
});
benchmark.spawn(bundleTask);
benchmark.exec('ts-node --transpile-only --project test/tsconfig.json benchmark/run.ts');

// The model-based test's soak: `npm run soak -- --runs N --seed S` runs N random sequences of deploys,
// checks, Organizations changes, hand-made shares and faults (test/model/), each followed by the
// invariants, and ends with `N passed, M failed`. `npm test` runs a fixed quick set (test/model.e2e.test.ts).
const soak = project.addTask('soak', {
  description: 'Run N random sequences of the model-based test (--runs N --seed S; --path and --replay-path replay a shrunk failure)',
  receiveArgs: true,
});
soak.spawn(bundleTask);
soak.exec('ts-node --transpile-only --project test/tsconfig.json test/model/soak.ts', { receiveArgs: true });


// The other languages' packages. PyPI, Maven Central and the Go module proxy are within reach of
// this project's machines (with Python 3.11, JDK 17 and Maven, Go 1.26); NuGet is not, so .NET is
// generated as source only (`bindings`). Each package is built from a fresh clone's state: the
// handler bundled (the packages embed the npm tarball, which must ship it), the jsii compile, and
// rosetta's tablet (`check:examples`), so that the packages' READMEs and docs carry the examples
// translated into their language; an example missing from the tablet fails the build.
const prepareBindings = project.addTask('package:prepare', {
  description: 'Bundle the handler, compile with jsii and translate the examples (rosetta tablet) for the other languages\' packages',
});
prepareBindings.spawn(bundleTask);
prepareBindings.spawn(checkExamples);
const pacmak = 'jsii-pacmak -v --rosetta-tablet .jsii.tabl.json --rosetta-unknown-snippets fail';
const pacmakCommands = {
  // The wheel and the source distribution, in dist/python.
  python: `${pacmak} --target python`,
  // A Maven repository with the jar, the sources, the Javadoc and the pom, in dist/java.
  java: `${pacmak} --target java`,
  // The Go module (source and go.mod, as Go modules are published), in dist/go. --code-only:
  // pacmak's own check of the module (go mod tidy, go build) needs aws-cdk-go at the version the
  // project builds against (v2.259.0), which the Go module proxy here does not serve;
  // test:languages builds the module, against the nearest version it does serve.
  go: `${pacmak} --code-only --target go --outdir dist`,
};
for (const [language, command] of Object.entries(pacmakCommands)) {
  const task = project.tasks.tryFind(`package:${language}`)!;
  task.reset();
  task.spawn(prepareBindings);
  task.exec(command);
}

// The packages proven in their languages: each of test/languages/<lang>/ installs its package
// from dist/ and that language's aws-cdk-lib, synthesizes, and its templates must equal those of
// the TypeScript twin (test/languages/typescript/app.ts). See test/languages/run.ts.
const testLanguages = project.addTask('test:languages', {
  description: 'Build the Python, Java and Go packages and prove each in its language: its app synthesizes the TypeScript app\'s templates (name languages to limit it to them)',
  receiveArgs: true,
});
testLanguages.spawn(prepareBindings);
// run.ts builds each package with its package:<lang> commands, so that a registry out of reach
// is reported as such.
testLanguages.exec('ts-node --transpile-only --project test/tsconfig.json test/languages/run.ts', { receiveArgs: true });

// .NET as source (its registry, NuGet, is out of reach), with the other languages' source beside it.
const bindings = project.addTask('bindings', {
  description: 'Generate the Python, Java, .NET and Go bindings as source (no packaging) into dist/bindings, and byte-compile the Python',
});
bindings.spawn(prepareBindings);
bindings.exec('jsii-pacmak --code-only --rosetta-tablet .jsii.tabl.json --rosetta-unknown-snippets fail --target python --target java --target dotnet --target go --outdir dist/bindings');
bindings.exec('python3 -m compileall -q dist/bindings/python/src');

project.gitignore.exclude('/cdk.out/', '/examples/cdk.out/');
// Where a developer builds a language's app in place (test:languages works in a temporary folder).
project.gitignore.exclude('/test/languages/java/target/', '/test/languages/go/go.sum', '/test/languages/go/app');
project.npmignore?.exclude('/examples/', '/benchmark/', '/lambda/', '/.ci/');

project.synth();
