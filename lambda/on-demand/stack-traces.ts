/**
 * Loaded only when a failure is logged: maps the positions of a stack trace in the minified
 * bundles back to the source files and lines they came from, with the source map esbuild writes
 * next to each bundle. Node's --enable-source-maps would do it for every trace, but it reads and
 * parses the maps when the bundle loads, which would add most of a cold start to every request.
 */
import * as fs from 'fs';
import { SourceMapConsumer } from 'source-map-js';

/** The source map of each bundle file, read on first need; null when there is none. */
const consumers = new Map<string, SourceMapConsumer | null>();

function consumerFor(file: string): SourceMapConsumer | null {
  if (!consumers.has(file)) {
    try {
      consumers.set(file, new SourceMapConsumer(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8'))));
    } catch {
      consumers.set(file, null);
    }
  }
  return consumers.get(file)!;
}

/**
 * `stack` with each `file.js:line:column` that a source map covers replaced by the source file
 * (relative to the project, e.g. `lambda/resources/workspace-image.ts`) and its line and column.
 */
export function originalStack(stack: string): string {
  return stack.replace(/(\/[^\s():]+\.js):(\d+):(\d+)/g, (position: string, file: string, line: string, column: string) => {
    const original = consumerFor(file)?.originalPositionFor({ line: Number(line), column: Number(column) - 1 });
    if (!original?.source || original.line === null) return position;
    return `${original.source.replace(/^(\.\.\/)+/, '')}:${original.line}:${original.column + 1}`;
  });
}
