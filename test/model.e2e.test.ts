/**
 * The model-based test's fixed quick set (test/model/): a few sequences of random deploys and
 * deletes (of the sharing stack and of a receiving stack), checks, Organizations changes,
 * hand-made shares, faults and redeliveries, in virtual time through LocalDeployment, each step
 * followed by the invariants I1 to I5. `npm run soak -- --runs N --seed S` runs many more, with everything.
 */
import { FULL, ModelOptions } from './model/generators';
import { useModelHooks } from './model/quiet';
import { runSequence } from './model/run';

useModelHooks();

/** The quick set's seeds: fixed, so that `npm test` runs the same sequences every time. */
const SEEDS = process.env.MODEL_SEEDS ? process.env.MODEL_SEEDS.split(',').map(Number) : Array.from({ length: 40 }, (_, i) => i + 1);

/** Everything on (units, failures, checks and Organizations changes in flight, hand-overs, redeliveries, the receiving side), at most twenty commands a sequence. */
const OPTIONS: ModelOptions = { ...FULL, maxCommands: 20 };

test.each(SEEDS)('sequence of seed %i keeps every invariant', async seed => {
  const result = await runSequence(seed, { seed, runs: 1, options: OPTIONS, shrinkBudget: 20 });
  if (!result.passed) throw new Error(`seed ${seed}, shrunk to:\n  ${result.sequence!.join('\n  ')}\n${result.error}\nreplay: ${result.replay}`);
}, 600_000);
