/**
 * Compares the cloud assemblies that the Python, Java and Go apps of test/languages/ synthesize
 * with the TypeScript twin's: the same stacks, and in each template the same logical IDs, types
 * and properties; and checks that a package's README shows its examples in its language.
 *
 * What is normalized before the comparison, and why (nothing else is):
 * - The asset hash (64 hex digits) in the S3 key of a Lambda function's code (`Code.S3Key`) and in
 *   the `aws:asset:*` metadata of a resource: it is the fingerprint of the bundled handler as
 *   staged from the package that the language installed, which the comparison sets aside (the
 *   handler's content is the npm package's, tested by the TypeScript tests).
 * - The `CDKMetadata` resource (and its `CDKMetadataAvailable` condition, where a stack has one):
 *   aws-cdk-lib's version reporting, whose `Analytics` value encodes the runtime the app ran in
 *   (the jsii runtime of each language) and the aws-cdk-lib version, so it differs by language by
 *   design and declares no infrastructure.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The languages whose packages test:languages builds and proves. */
export type Language = 'python' | 'java' | 'go';

const ASSET_HASH = /[0-9a-f]{64}/g;
const ASSET_HASH_PLACEHOLDER = '<asset-hash>';

/** The templates of a cloud assembly (a `cdk.out` folder), by file name. */
export function readTemplates(assemblyDir: string): Map<string, unknown> {
  const templates = new Map<string, unknown>();
  for (const file of fs.readdirSync(assemblyDir).sort()) {
    if (file.endsWith('.template.json')) {
      templates.set(file, JSON.parse(fs.readFileSync(path.join(assemblyDir, file), 'utf8')));
    }
  }
  return templates;
}

/** A copy of `template` with what legitimately varies by language normalized (see the header). */
export function normalizeTemplate(template: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(template)) as Record<string, any>;
  const resources: Record<string, any> = copy.Resources ?? {};
  delete resources.CDKMetadata;
  if (copy.Conditions) {
    delete copy.Conditions.CDKMetadataAvailable;
    if (Object.keys(copy.Conditions).length === 0) delete copy.Conditions;
  }
  for (const resource of Object.values(resources)) {
    const code = resource?.Properties?.Code;
    if (code && typeof code.S3Key === 'string') code.S3Key = code.S3Key.replace(ASSET_HASH, ASSET_HASH_PLACEHOLDER);
    const metadata = resource?.Metadata;
    if (metadata) {
      for (const key of Object.keys(metadata)) {
        if (key.startsWith('aws:asset:') && typeof metadata[key] === 'string') {
          metadata[key] = metadata[key].replace(ASSET_HASH, ASSET_HASH_PLACEHOLDER);
        }
      }
    }
  }
  return copy;
}

/** The paths at which two JSON values differ, each with both values, at most `limit` of them. */
export function jsonDifferences(expected: unknown, actual: unknown, limit = 20, at = ''): string[] {
  const differences: string[] = [];
  const visit = (e: unknown, a: unknown, where: string): void => {
    if (differences.length >= limit) return;
    if (isObject(e) && isObject(a)) {
      const keys = [...new Set([...Object.keys(e), ...Object.keys(a)])].sort();
      for (const key of keys) {
        const child = Array.isArray(e) ? `${where}[${key}]` : `${where}.${key}`;
        if (!(key in a)) differences.push(`${child}: missing (TypeScript has ${brief(e[key as keyof typeof e])})`);
        else if (!(key in e)) differences.push(`${child}: extra ${brief(a[key as keyof typeof a])} (not in TypeScript)`);
        else visit(e[key as keyof typeof e], a[key as keyof typeof a], child);
        if (differences.length >= limit) return;
      }
      if (Array.isArray(e) !== Array.isArray(a)) differences.push(`${where}: an array in one, an object in the other`);
    } else if (JSON.stringify(e) !== JSON.stringify(a)) {
      differences.push(`${where || '(root)'}: ${brief(a)} where TypeScript has ${brief(e)}`);
    }
  };
  visit(expected, actual, at);
  return differences;
}

/**
 * Compares one template of a language's assembly with the TypeScript twin's, after normalization.
 * @returns the differences in words: empty when they are equal
 */
export function compareTemplate(expected: unknown, actual: unknown): string[] {
  return jsonDifferences(normalizeTemplate(expected), normalizeTemplate(actual));
}

/**
 * The README's examples, as a package carries them, are in its language: blocks of it, and no
 * TypeScript left. Java carries the README as the Javadoc of the package (`<pre>` blocks); the
 * others as Markdown, where only the blocks marked as TypeScript are translated: the README's
 * other blocks (shell, JavaScript) stay as they are, and in Javadoc their language is lost, so
 * `verbatim` (the source README) tells them apart.
 * @returns what is wrong, in words, or undefined when nothing is
 */
export function checkReadme(language: Language, text: string, verbatim = ''): string | undefined {
  const fence = {
    python: /^```python\n([\s\S]*?)^```/gm,
    java: /<pre>([\s\S]*?)<\/pre>/g,
    go: /^```go\n([\s\S]*?)^```/gm,
  }[language];
  const untranslatedOnPurpose = new Set([...verbatim.matchAll(/^```(\w*)[^\n]*\n([\s\S]*?)^```/gm)]
    .filter(match => !['ts', 'typescript'].includes(match[1]))
    .map(match => firstLine(match[2])));
  const blocks = [...text.matchAll(fence)].map(match => match[1]).filter(block => !untranslatedOnPurpose.has(firstLine(block)));
  // What a block of the language has, that a TypeScript block of the README does not.
  const own = { python: /^\s*from \S+ import |^\s*\w+ = \w+\(/m, java: /\.Builder\.create\(|^\s*\*\s*import [\w.]+;/m, go: /jsii\.String\(|^\s*\w+ := /m }[language];
  if (!blocks.some(block => own.test(block))) return `no ${language} example in the README (${blocks.length} code block(s), none in ${language})`;
  const typescript = text.match(/^```(ts|typescript)\b/gm);
  if (typescript) return `${typescript.length} TypeScript block(s) left untranslated`;
  // TypeScript that would be left in a block: const/let, import { ... }, new X(this, 'Id', { ... }).
  const tsOnly = /^[\s*]*(const|let) \w+|^[\s*]*import \{|new \w+\((this|stack), '/m;
  const untranslated = blocks.find(block => tsOnly.test(block));
  if (untranslated) return `a ${language} block holds TypeScript:\n${untranslated.trim().split('\n').slice(0, 6).join('\n')}`;
  return undefined;
}

/** The first line of a code block with text, without Javadoc's ` * ` and its HTML escapes. */
function firstLine(block: string): string {
  const line = block.split('\n').map(l => l.replace(/^\s*\*\s?/, '').trim()).find(l => l) ?? '';
  return line.replace(/&#64;/g, '@').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

function isObject(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
