/**
 * The drift check's log lines, as a test reads them: the handler writes each as one JSON line on
 * stdout (the embedded metric format), whatever the log level.
 */

/** The drift check's log lines written while `run` runs. */
export async function driftLines(run: () => Promise<unknown>): Promise<Record<string, any>[]> {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    lines.push(String(chunk));
    return true;
  });
  const level = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  try {
    await run();
  } finally {
    process.env.POWERTOOLS_LOG_LEVEL = level;
    spy.mockRestore();
  }
  return lines.flatMap(l => l.split('\n')).filter(l => l.includes('"Drift check ')).map(l => JSON.parse(l));
}
