/**
 * The soak's jest side (run by test/model/soak.ts, not by `npm test`: its name does not end in
 * .test.ts): MODEL_RUNS sequences from MODEL_SEED with every option but MODEL_WITHOUT's, each result one JSON line
 * appended to MODEL_REPORT as it ends.
 */
import { appendFileSync } from 'fs';
import { FULL, ModelOptions } from './generators';
import { useModelHooks } from './quiet';
import { runSequences } from './run';

useModelHooks();

/** FULL, less the options MODEL_WITHOUT names (comma-separated). */
function options(): ModelOptions {
  const without = (process.env.MODEL_WITHOUT ?? '').split(',').filter(Boolean);
  const unknown = without.filter(name => !(name in FULL) || name === 'maxCommands');
  if (unknown.length > 0) throw new Error(`--without: no option ${unknown.join(', ')}`);
  return { ...FULL, ...Object.fromEntries(without.map(name => [name, false])) };
}

test('soak', async () => {
  const report = process.env.MODEL_REPORT!;
  await runSequences({
    seed: Number(process.env.MODEL_SEED),
    runs: Number(process.env.MODEL_RUNS),
    options: options(),
    path: process.env.MODEL_PATH || undefined,
    replayPath: process.env.MODEL_REPLAY_PATH || undefined,
    shrinkBudget: Number(process.env.MODEL_SHRINK_BUDGET ?? 80),
  }, result => appendFileSync(report, JSON.stringify(result) + '\n'));
}, 7 * 24 * 3600_000);
