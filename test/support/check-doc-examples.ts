/**
 * Compile the TypeScript blocks of docs/*.md against the library, as `jsii-rosetta extract
 * --strict` compiles README.md's and the @example docs' (the `check:examples` task runs both).
 *
 * The README reaches jsii-rosetta through the assembly (`.jsii`'s readme); the files of docs/ are
 * not in it. So this script loads the assembly, hands jsii-rosetta a copy of it whose only
 * Markdown is each docs file as a submodule's readme (named `docs/<file>` in the diagnostics), and
 * lets jsii-rosetta extract, fixture (rosetta/*.ts-fixture) and compile those snippets exactly as
 * it does the README's. The assembly loader is jsii-rosetta's own (not in its public exports, so it
 * is required by path: the package is pinned in package-lock.json).
 *
 * Usage: ts-node --transpile-only --project test/tsconfig.json test/support/check-doc-examples.ts [files...]
 * (default: every docs/*.md). Exits 1 when a block does not compile, or when no block is found in
 * a file that has a ```ts block (a sign the extraction broke).
 */
import * as fs from 'fs';
import * as path from 'path';
import { RosettaTranslator } from 'jsii-rosetta';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const assemblies = require(path.join(path.dirname(require.resolve('jsii-rosetta')), 'jsii', 'assemblies'));

const ROOT = path.join(__dirname, '..', '..');

async function main(): Promise<number> {
  const files = process.argv.length > 2
    ? process.argv.slice(2)
    : fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).sort().map(f => `docs/${f}`);

  const [loaded] = assemblies.loadAssemblies([ROOT], false);
  const submodules: Record<string, { readme: { markdown: string } }> = {};
  let expected = 0;
  for (const file of files) {
    const markdown = fs.readFileSync(path.join(ROOT, file), 'utf8');
    submodules[file] = { readme: { markdown } };
    expected += (markdown.match(/^```(ts|typescript)\b/gm) ?? []).length;
  }
  const docsOnly = { ...loaded.assembly, readme: undefined, types: {}, submodules };
  const snippets = await assemblies.allTypeScriptSnippets([{ ...loaded, assembly: docsOnly }]);
  if (snippets.length !== expected) {
    console.error(`check-doc-examples: ${expected} TypeScript blocks in ${files.join(', ')}, but jsii-rosetta extracted ${snippets.length}`);
    return 1;
  }
  const translator = new RosettaTranslator({ assemblies: [loaded.assembly], includeCompilerDiagnostics: true });
  const result = await translator.translateAll(snippets, { cleanup: true });
  const errors = result.diagnostics.filter(d => d.isError);
  for (const d of errors) console.error(d.formattedMessage);
  console.log(`check-doc-examples: ${snippets.length} TypeScript blocks of ${files.length} docs files compiled, ${errors.length} errors`);
  return errors.length > 0 ? 1 : 0;
}

main().then(code => process.exit(code), error => {
  console.error(error);
  process.exit(1);
});
