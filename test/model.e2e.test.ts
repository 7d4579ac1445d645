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
const SEEDS = Array.from({ length: 24 }, (_, i) => i + 1);

/**
 * RESTRICTED until issue 24's engine lands: without MODEL_FULL=1, the quick set leaves out
 * organizational units and hand-overs, because the current code breaks the invariants on their
 * paths (a failed unit-following Create leaves grants shared; removing the units, renaming the
 * share or turning a list into units leaves accounts shared; a duplicate or late hand-over hop
 * writes again and answers again: see the soak's report). Everything else is on. The engine's
 * developer removes this restriction (and the flag): `MODEL_FULL=1 npx jest test/model.e2e.test.ts`
 * runs the quick set with everything.
 */
const OPTIONS: ModelOptions = process.env.MODEL_FULL === '1'
  ? { ...FULL, maxCommands: 12 }
  : { ...FULL, units: false, handOvers: false, maxCommands: 12 };

test.each(SEEDS)('sequence of seed %i keeps every invariant', async seed => {
  const result = await runSequence(seed, { seed, runs: 1, options: OPTIONS, shrinkBudget: 20 });
  if (!result.passed) throw new Error(`seed ${seed}, shrunk to:\n  ${result.sequence!.join('\n  ')}\n${result.error}\nreplay: ${result.replay}`);
}, 600_000);
