/**
 * Runs sequences of the model: each a fast-check property of one run, so that each sequence has
 * its own seed (the soak's seed plus its index), shrinks on its own, and replays on its own.
 */
import * as fc from 'fast-check';
import type { Command } from './commands';
import type { ModelOptions } from './generators';
import { commandArbitraries } from './generators';
import { initialState } from './state';
import { startWorld } from './world';

export interface SequenceResult {
  readonly seed: number;
  readonly passed: boolean;
  /** Commands run, shrinking included. */
  readonly commands: number;
  /** The shrunk sequence, one command a line, and the error, when it failed. */
  readonly sequence?: string[];
  readonly error?: string;
  readonly replay?: string;
}

export interface RunOptions {
  readonly seed: number;
  readonly runs: number;
  readonly options: ModelOptions;
  /** A counterexample's path and the commands' replay path (to replay a shrunk failure). */
  readonly path?: string;
  readonly replayPath?: string;
  /** The most executions of a failing sequence while it shrinks. */
  readonly shrinkBudget?: number;
}

/** One execution of a sequence in a fresh world; the number of commands it ran. */
async function execute(cmds: Iterable<Command>, counter: { commands: number }): Promise<void> {
  const world = await startWorld();
  const model = initialState();
  if (process.env.MODEL_TRACE) process.stderr.write('--- a sequence\n');
  try {
    await fc.asyncModelRun(() => ({ model, real: world }), cmds);
  } finally {
    counter.commands += model.log.length;
    await world.stop();
  }
}

/** The one-line command that replays a sequence (generated with `options`: the soak's `--without` names the ones turned off). */
export function replayCommand(seed: number, options: ModelOptions, path?: string, replayPath?: string): string {
  const off = Object.entries(options).filter(([, on]) => on === false).map(([name]) => name);
  return `npm run soak -- --runs 1 --seed ${seed}${off.length > 0 ? ` --without ${off.join(',')}` : ''}`
    + `${path ? ` --path ${path}` : ''}${replayPath ? ` --replay-path '${replayPath}'` : ''}`;
}

export async function runSequence(seed: number, run: RunOptions): Promise<SequenceResult> {
  const counter = { commands: 0 };
  let executions = 0;
  const budget = run.shrinkBudget ?? 40;
  const commands = fc.commands(commandArbitraries(run.options), { maxCommands: run.options.maxCommands, size: 'max', replayPath: run.replayPath });
  const property = fc.asyncProperty(commands, async cmds => {
    // Past the budget, a shrunk candidate counts as passing: shrinking stops at the shortest failure so far.
    if (++executions > budget) return true;
    await execute(cmds, counter);
    return true;
  });
  const details = await fc.check(property, { seed, numRuns: 1, path: run.path });
  if (!details.failed) return { seed, passed: true, commands: counter.commands };
  const shrunk = String(details.counterexample?.[0] ?? '');
  const replayPath = /replayPath="([^"]*)"/.exec(shrunk)?.[1];
  const sequence = shrunk.replace(/\/\*replayPath=.*?\*\/\s*/, '').split(/,(?=(?:deploy |delete |fire |organization: |by hand: |late |receiving: |Partner Central ))/);
  const error = String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance ?? 'unknown');
  const replay = replayCommand(seed, run.options, details.counterexamplePath ?? undefined, replayPath);
  return { seed, passed: false, commands: counter.commands, sequence, error, replay };
}

/** `runs` sequences from `seed`, each reported through `report` as it ends. */
export async function runSequences(run: RunOptions, report: (r: SequenceResult) => void): Promise<SequenceResult[]> {
  const results: SequenceResult[] = [];
  for (let i = 0; i < run.runs; i++) {
    const result = await runSequence(run.seed + i, run);
    report(result);
    results.push(result);
  }
  return results;
}

/** Run an explicit sequence in a fresh world (a shrunk failure written out, or a scenario); throws the first violation. */
export async function runCommands(cmds: Command[]): Promise<void> {
  await execute(cmds, { commands: 0 });
}
