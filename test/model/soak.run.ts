/**
 * The soak's jest side (run by test/model/soak.ts, not by `npm test`: its name does not end in
 * .test.ts): MODEL_RUNS sequences from MODEL_SEED with every option, each result one JSON line
 * appended to MODEL_REPORT as it ends.
 */
import { appendFileSync } from 'fs';
import { FULL } from './generators';
import { useModelHooks } from './quiet';
import { runSequences } from './run';

useModelHooks();

test('soak', async () => {
  const report = process.env.MODEL_REPORT!;
  await runSequences({
    seed: Number(process.env.MODEL_SEED),
    runs: Number(process.env.MODEL_RUNS),
    options: FULL,
    path: process.env.MODEL_PATH || undefined,
    replayPath: process.env.MODEL_REPLAY_PATH || undefined,
    shrinkBudget: Number(process.env.MODEL_SHRINK_BUDGET ?? 40),
  }, result => appendFileSync(report, JSON.stringify(result) + '\n'));
}, 7 * 24 * 3600_000);
