/**
 * The drift check's log lines, as a test reads them: the handler writes each as one JSON line on
 * stdout (the embedded metric format), whatever the log level.
 */

/** The drift check's log lines written while `run` runs. */
export async function driftLines(run: () => Promise<unknown>): Promise<Record<string, any>[]> {
  const lines: string[] = [];
  // Patched by hand, not with jest.spyOn: the demo (examples/demo.ts, outside jest) reads them too.
  const write = process.stdout.write;
  process.stdout.write = ((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  const level = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  try {
    await run();
  } finally {
    if (level === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = level;
    process.stdout.write = write;
  }
  return lines.flatMap(l => l.split('\n')).filter(l => l.includes('"Drift check ')).map(l => JSON.parse(l));
}
