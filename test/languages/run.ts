/**
 * `npm run test:languages`: proves the Python, Java and Go packages (dist/, written by
 * `npx projen package:python|java|go`) in their own languages.
 *
 * For each language, an app (test/languages/<lang>/) installs the built package and that
 * language's aws-cdk-lib, declares the same stacks as the TypeScript twin
 * (test/languages/typescript/app.ts) and synthesizes; each of its templates must equal the
 * twin's, normalized as test/languages/compare.ts says. The package's README must show the
 * examples in the language (translated by jsii-rosetta), not in TypeScript.
 *
 * For each language it builds the package first, with the commands of `npx projen package:<lang>`.
 *
 * Usage: ts-node test/languages/run.ts [python] [java] [go]   (all three by default); the
 * test:languages task runs package:prepare (bundle, jsii compile, rosetta tablet) before it.
 * Python then Java run in one process and Go beside them in another (see GROUPS below); each
 * one's output is printed whole when it ends. LANGUAGES_SERIAL=1 runs all in this process.
 * The work (virtual environment, Maven and Go work folders, cloud assemblies) goes to a temporary
 * folder, removed at the end unless LANGUAGES_KEEP_WORK=1; LANGUAGES_WORK_DIR names another.
 * The registries' caches are the clients' own (~/.cache/pip, ~/.m2, the Go module cache).
 *
 * The last line is `N passed, M failed`; the exit code is 1 when anything failed.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkReadme, compareTemplate, Language, readTemplates } from './compare';

const ROOT = path.resolve(__dirname, '..', '..');
const HERE = __dirname;
const DIST = path.join(ROOT, 'dist');

const LANGUAGES: Language[] = ['python', 'java', 'go'];

/** A failure that says what went wrong in words: the runner prints it, not a stack trace. */
class StepFailure extends Error {}

interface Result { readonly name: string; readonly passed: boolean; readonly detail?: string }
const results: Result[] = [];

function record(name: string, passed: boolean, detail?: string): void {
  results.push({ name, passed, detail });
  console.log(`${passed ? 'PASS' : 'FAIL'} ${name}${detail ? `\n${indent(detail)}` : ''}`);
}

function indent(text: string): string {
  return text.split('\n').map(line => `     ${line}`).join('\n');
}

/** What each registry's client prints when the registry cannot be reached or does not serve a version. */
const UNREACHABLE: Record<string, RegExp> = {
  'PyPI': /Could not find a version that satisfies|No matching distribution found|Max retries exceeded|NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution|Name or service not known|ReadTimeoutError|ConnectTimeoutError|HTTP error 40[34]|ProxyError/,
  'Maven Central': /Could not transfer (artifact|metadata)|Could not resolve (dependencies|artifact|plugin)|Plugin .* could not be resolved|UnknownHostException|Connection refused|Connect to .* failed|connect timed out|Non-resolvable|status code: 40[34]/,
  'the Go module proxy': /dial tcp|no such host|connection refused|i\/o timeout|403 Forbidden|404 Not Found|410 Gone|not available|proxyconnect|TLS handshake timeout|unrecognized import path/,
};

interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The registry the command reaches: a failure that reads like a network one is reported as its. */
  readonly registry?: keyof typeof UNREACHABLE;
  readonly log: string;
}

/** Runs a command, its output into `log`; throws a StepFailure that says what failed. */
function run(what: string, command: string, args: string[], options: RunOptions): string {
  const started = Date.now();
  process.stdout.write(`  ${what} ... `);
  const child = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const output = `$ ${command} ${args.join(' ')}\n${child.stdout ?? ''}${child.stderr ?? ''}`;
  fs.appendFileSync(options.log, `${output}\n`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (child.error) {
    console.log(`failed (${seconds} s)`);
    throw new StepFailure(`${what}: could not run ${command}: ${child.error.message}`);
  }
  if (child.status !== 0) {
    console.log(`failed (${seconds} s)`);
    const tail = output.split('\n').filter(line => line.trim() && !line.startsWith('!!')).slice(-25).join('\n');
    const pattern = options.registry ? UNREACHABLE[options.registry] : undefined;
    if (options.registry && pattern?.test(output)) {
      const evidence = [...new Set(output.split('\n').filter(line => pattern.test(line)).map(line => line.trim().slice(0, 300)))].slice(-3).join('\n');
      throw new StepFailure(`${options.registry} could not be reached, or did not serve what was asked for (${what}):\n${evidence}\n(whole output: ${options.log})`);
    }
    throw new StepFailure(`${what} failed (exit code ${child.status}):\n${tail}\n(whole output: ${options.log})`);
  }
  console.log(`done (${seconds} s)`);
  return output;
}

function only(dir: string, pattern: RegExp, hint: string): string {
  const found = fs.existsSync(dir) ? fs.readdirSync(dir).filter(file => pattern.test(file)) : [];
  if (found.length !== 1) {
    throw new StepFailure(`expected one ${pattern} in ${path.relative(ROOT, dir)}, found ${found.length ? found.join(', ') : 'none'}: run ${hint} first`);
  }
  return path.join(dir, found[0]);
}

const PACKAGE_REGISTRY: Record<Language, keyof typeof UNREACHABLE | undefined> = {
  python: 'PyPI', // pacmak's build installs its build tools into a virtual environment
  java: 'Maven Central', // the dependencies and plugins of the generated Maven project
  go: undefined, // the module's source only (see package:go in .projenrc.ts)
};

/**
 * Builds the language's package into dist/ with the commands of its projen task
 * (`package:<lang>` in .projen/tasks.json), less the task it spawns first (package:prepare),
 * which test:languages has run once for all of them.
 */
function buildPackage(language: Language, log: string): void {
  const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks;
  const steps: Array<{ exec?: string; spawn?: string }> = tasks[`package:${language}`]?.steps ?? [];
  const commands = steps.filter(step => step.exec).map(step => step.exec!);
  if (commands.length === 0) throw new StepFailure(`no package:${language} task with a command in .projen/tasks.json`);
  for (const command of commands) {
    run(`package:${language}: ${command}`, 'sh', ['-c', command], {
      cwd: ROOT,
      log,
      registry: PACKAGE_REGISTRY[language],
      env: { PATH: `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` },
    });
  }
}

/** Installs the built wheel and aws-cdk-lib into a new virtual environment, runs the app. */
function synthPython(work: string, outdir: string, log: string): void {
  const wheel = only(path.join(DIST, 'python'), /\.whl$/, 'npx projen package:python');
  const venv = path.join(work, 'venv');
  run('create a virtual environment', 'python3', ['-m', 'venv', venv], { cwd: work, log });
  const python = path.join(venv, 'bin', 'python');
  run('pip install the wheel, aws-cdk-lib 2.259.0 and constructs 10.5.1', python,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', wheel, 'aws-cdk-lib==2.259.0', 'constructs==10.5.1'],
    { cwd: work, log, registry: 'PyPI' });
  run('synthesize test/languages/python/app.py', python, [path.join(HERE, 'python', 'app.py')],
    { cwd: work, log, env: { CDK_OUTDIR: outdir } });
}

/** Builds the app against the built jar (dist/java as a Maven repository) and aws-cdk-lib, runs it. */
function synthJava(work: string, outdir: string, log: string): void {
  only(path.join(DIST, 'java', 'com', 'example', 'cdk-cross-account-sharing', '0.0.0'), /^cdk-cross-account-sharing-0\.0\.0\.jar$/, 'npx projen package:java');
  const app = path.join(work, 'java');
  fs.cpSync(path.join(HERE, 'java'), app, { recursive: true });
  fs.rmSync(path.join(app, 'target'), { recursive: true, force: true });
  // Maven resolves a version it holds in its local repository before dist/java: a jar an earlier
  // run left there (version 0.0.0 every time) would be tested instead of the one just built.
  fs.rmSync(path.join(os.homedir(), '.m2', 'repository', 'com', 'example', 'cdk-cross-account-sharing'), { recursive: true, force: true });
  run('mvn compile exec:java (the built jar, aws-cdk-lib 2.259.0, constructs 10.5.1)', 'mvn',
    ['--batch-mode', '--no-transfer-progress', `-Ddist.repository=file://${path.join(DIST, 'java')}`, 'compile', 'exec:java'],
    { cwd: app, log, registry: 'Maven Central', env: { CDK_OUTDIR: outdir } });
}

/** Builds the app against the built module (dist/go) and aws-cdk-go, runs it. */
function synthGo(work: string, outdir: string, log: string): void {
  const module = path.join(DIST, 'go', 'cdkcrossaccountsharing');
  only(module, /^go\.mod$/, 'npx projen package:go');
  const app = path.join(work, 'go');
  fs.mkdirSync(app, { recursive: true });
  fs.copyFileSync(path.join(HERE, 'go', 'main.go'), path.join(app, 'main.go'));
  const goMod = fs.readFileSync(path.join(HERE, 'go', 'go.mod'), 'utf8');
  const relative = '=> ../../../dist/go/cdkcrossaccountsharing';
  if (!goMod.includes(relative)) throw new StepFailure(`test/languages/go/go.mod no longer has "${relative}"`);
  fs.writeFileSync(path.join(app, 'go.mod'), goMod.replace(relative, `=> ${module}`));
  const env = {
    // The checksum database is not among the registries this project's machines reach: go.sum
    // still records what was downloaded, but nothing checks it against the database.
    GOSUMDB: 'off',
    GOFLAGS: '-mod=mod',
    // The machine's Go, never a toolchain download.
    GOTOOLCHAIN: 'local',
  };
  run('go mod tidy (the built module, aws-cdk-go, constructs-go, jsii-runtime-go)', 'go', ['mod', 'tidy'], { cwd: app, log, env, registry: 'the Go module proxy' });
  run('go build', 'go', ['build', '-o', 'app', '.'], { cwd: app, log, env, registry: 'the Go module proxy' });
  run('synthesize test/languages/go/main.go', path.join(app, 'app'), [], { cwd: app, log, env: { CDK_OUTDIR: outdir } });
}

function synthTypeScript(outdir: string, log: string): void {
  run('synthesize test/languages/typescript/app.ts', path.join(ROOT, 'node_modules', '.bin', 'ts-node'),
    ['--transpile-only', '--project', path.join(ROOT, 'test', 'tsconfig.json'), path.join(HERE, 'typescript', 'app.ts')],
    { cwd: ROOT, log, env: { CDK_OUTDIR: outdir } });
}

/** The package's README, as the language's users see it. */
function readme(language: Language, work: string, log: string): string {
  switch (language) {
    case 'python': {
      const wheel = only(path.join(DIST, 'python'), /\.whl$/, 'npx projen package:python');
      const metadata = run('read the wheel\'s description', 'python3', ['-c',
        'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.read([n for n in z.namelist() if n.endswith(".dist-info/METADATA")][0]).decode())', wheel],
      { cwd: work, log });
      return metadata;
    }
    case 'java': {
      // pacmak writes the README into the package's Javadoc overview (package-info), in the jar of sources.
      const sources = only(path.join(DIST, 'java', 'com', 'example', 'cdk-cross-account-sharing', '0.0.0'), /-sources\.jar$/, 'npx projen package:java');
      return run('read the sources jar\'s package-info', 'unzip', ['-p', sources, 'com/example/cdk/crossaccountsharing/package-info.java'], { cwd: work, log });
    }
    case 'go':
      return fs.readFileSync(path.join(DIST, 'go', 'cdkcrossaccountsharing', 'README.md'), 'utf8');
  }
}

/** Builds, synthesizes and compares `languages`, one after the other, recording the results. */
function runLanguages(languages: Language[]): void {
  const work = process.env.LANGUAGES_WORK_DIR
    ? path.resolve(process.env.LANGUAGES_WORK_DIR)
    : fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-cross-account-sharing-languages-'));
  fs.mkdirSync(work, { recursive: true });
  const started = Date.now();
  console.log(`Work folder: ${work}`);

  let expected: Map<string, unknown> | undefined;
  console.log('typescript (the twin)');
  try {
    const outdir = path.join(work, 'typescript.out');
    fs.rmSync(outdir, { recursive: true, force: true });
    synthTypeScript(outdir, path.join(work, 'typescript.log'));
    expected = readTemplates(outdir);
    if (expected.size === 0) throw new StepFailure('the TypeScript app synthesized no template');
  } catch (error) {
    record('typescript: the twin synthesizes', false, describe(error));
  }

  const synths: Record<Language, typeof synthPython> = { python: synthPython, java: synthJava, go: synthGo };
  for (const language of languages) {
    const languageStarted = Date.now();
    console.log(language);
    const log = path.join(work, `${language}.log`);
    fs.writeFileSync(log, '');

    let built = true;
    try {
      buildPackage(language, log);
      record(`${language}: the package builds into dist/${language}`, true);
    } catch (error) {
      built = false;
      record(`${language}: the package builds into dist/${language}`, false, describe(error));
    }

    try {
      if (!built) throw new StepFailure('not run: the package did not build');
      const problem = checkReadme(language, readme(language, work, log), fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
      record(`${language}: the package's README shows ${language}`, !problem, problem);
    } catch (error) {
      record(`${language}: the package's README shows ${language}`, false, describe(error));
    }

    const outdir = path.join(work, `${language}.out`);
    fs.rmSync(outdir, { recursive: true, force: true });
    let actual: Map<string, unknown> | undefined;
    try {
      if (!built) throw new StepFailure('not run: the package did not build');
      synths[language](work, outdir, log);
      actual = readTemplates(outdir);
      record(`${language}: installs the built package and synthesizes`, true);
    } catch (error) {
      record(`${language}: installs the built package and synthesizes`, false, describe(error));
    }

    for (const file of [...(expected?.keys() ?? [])]) {
      const name = `${language}: ${file} equals the TypeScript app's`;
      if (!actual) { record(name, false, 'not synthesized'); continue; }
      if (!actual.has(file)) { record(name, false, `the ${language} app synthesized no ${file}`); continue; }
      const differences = compareTemplate(expected!.get(file), actual.get(file));
      record(name, differences.length === 0, differences.join('\n') || undefined);
    }
    for (const file of [...(actual?.keys() ?? [])].filter(f => expected && !expected.has(f))) {
      record(`${language}: ${file} is in the TypeScript app's too`, false, 'the TypeScript app synthesizes no such template');
    }
    console.log(`  (${language}: ${((Date.now() - languageStarted) / 1000).toFixed(0)} s)`);
  }

  if (process.env.LANGUAGES_KEEP_WORK !== '1' && !process.env.LANGUAGES_WORK_DIR) {
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`  (took ${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

/**
 * The groups of languages that run side by side, each in a process of its own: the Go build
 * (about 3 minutes of compiling aws-cdk-go) is mostly CPU, the Python and Java steps mostly
 * downloads, so they overlap well. LANGUAGES_SERIAL=1 runs them one after the other instead.
 */
const GROUPS: Language[][] = [['python', 'java'], ['go']];
const RESULTS_LINE = '@@test-languages-results ';

/** Runs `languages` in a child process; its output is printed whole when it ends. */
function runGroup(languages: Language[]): Promise<void> {
  return new Promise(resolve => {
    const workDir = process.env.LANGUAGES_WORK_DIR ? path.join(process.env.LANGUAGES_WORK_DIR, languages.join('-')) : undefined;
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'ts-node'),
      ['--transpile-only', '--project', path.join(ROOT, 'test', 'tsconfig.json'), __filename, ...languages],
      { cwd: ROOT, env: { ...process.env, LANGUAGES_CHILD: '1', ...(workDir ? { LANGUAGES_WORK_DIR: workDir } : {}) } });
    let output = '';
    child.stdout.on('data', chunk => { output += chunk; });
    child.stderr.on('data', chunk => { output += chunk; });
    child.on('close', code => {
      let reported = false;
      for (const line of output.split('\n')) {
        if (line.startsWith(RESULTS_LINE)) {
          results.push(...(JSON.parse(line.slice(RESULTS_LINE.length)) as Result[]));
          reported = true;
        }
      }
      console.log(`===== ${languages.join(', ')}\n${output.split('\n').filter(line => !line.startsWith(RESULTS_LINE)).join('\n').trimEnd()}`);
      if (!reported) record(`${languages.join(', ')}: the run reports its results`, false, `its process ended (exit code ${code}) before it did`);
      resolve();
    });
  });
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  for (const language of asked) {
    if (!LANGUAGES.includes(language as Language)) {
      console.error(`unknown language ${language}: one of ${LANGUAGES.join(', ')}`);
      process.exit(2);
    }
  }
  const languages = asked.length ? (asked as Language[]) : LANGUAGES;
  if (process.env.LANGUAGES_CHILD) {
    runLanguages(languages);
    console.log(`${RESULTS_LINE}${JSON.stringify(results)}`);
    return;
  }

  const started = Date.now();
  const groups = GROUPS.map(group => group.filter(language => languages.includes(language))).filter(group => group.length > 0);
  if (process.env.LANGUAGES_SERIAL === '1' || groups.length < 2) {
    runLanguages(languages);
  } else {
    console.log(`Running ${groups.map(group => group.join(' then ')).join(' beside ')}; each one's output follows when it ends`);
    await Promise.all(groups.map(runGroup));
  }

  const passed = results.filter(r => r.passed).length;
  const failed = results.length - passed;
  console.log(`\ntest:languages took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  for (const result of results.filter(r => !r.passed)) console.log(`failed: ${result.name}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

function describe(error: unknown): string {
  return error instanceof StepFailure ? error.message : `unexpected: ${error instanceof Error ? error.stack ?? error.message : String(error)}`;
}

void main();
