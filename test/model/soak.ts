/**
 * `npm run soak -- --runs N --seed S [--path P --replay-path R] [--shrink-budget B] [--without units,failures]`:
 * runs N sequences of the model
 * (test/model/soak.run.ts, in jest for its virtual time), prints each failure (its seed, shrunk
 * sequence, the invariants it broke, and the one-line command that replays it), and ends with
 * `N passed, M failed`; exits non-zero when M > 0. A failure shrinks through at most B executions
 * of its sequence (80 by default). `--without` turns options of the generators off (see
 * ModelOptions: units, failures, checksInFlight, orgInFlight, redeliveries, partnerTags), to look
 * past the violations of known-broken paths.
 */
import { spawnSync } from 'child_process';
import { existsSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import type { SequenceResult } from './run';

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function printFailure(r: SequenceResult): void {
  console.log(`\nFAILED seed ${r.seed}:`);
  for (const line of r.sequence ?? []) console.log(`  ${line}`);
  console.log(`  broke: ${(r.error ?? '').split('\n').filter(l => /^I\d/.test(l)).join('\n         ') || r.error}`);
  console.log(`  replay: ${r.replay}`);
}

function main(): number {
  const runs = Number(arg('runs', '20'));
  const seed = Number(arg('seed', String(Date.now() % 1_000_000)));
  const report = path.join(tmpdir(), `model-soak-${process.pid}.jsonl`);
  rmSync(report, { force: true });
  console.log(`soak: ${runs} sequences from seed ${seed}${arg('without') ? ` without ${arg('without')}` : ''}`);
  const started = Date.now();
  const jest = spawnSync('npx', ['jest', '--ci', '--coverage=false', '--runInBand', '--testMatch', '**/test/model/soak.run.ts'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, MODEL_RUNS: String(runs), MODEL_SEED: String(seed), MODEL_REPORT: report, MODEL_PATH: arg('path', ''), MODEL_REPLAY_PATH: arg('replay-path', ''), MODEL_SHRINK_BUDGET: arg('shrink-budget', '80'), MODEL_WITHOUT: arg('without', '') },
  });
  const results: SequenceResult[] = existsSync(report) ? readFileSync(report, 'utf8').trim().split('\n').filter(Boolean).map(l => JSON.parse(l)) : [];
  rmSync(report, { force: true });
  results.filter(r => !r.passed).forEach(printFailure);
  const minutes = (Date.now() - started) / 60_000;
  const commands = results.reduce((n, r) => n + r.commands, 0);
  console.log(`\n${results.length} sequences and ${commands} commands in ${minutes.toFixed(1)} min (${(results.length / minutes).toFixed(1)} sequences, ${(commands / minutes).toFixed(0)} commands a minute)`);
  // Sequences that never reported (jest crashed) count as failed.
  const failed = results.filter(r => !r.passed).length + (runs - results.length);
  console.log(`${runs - failed} passed, ${failed} failed`);
  return failed > 0 || jest.status !== 0 ? 1 : 0;
}

process.exitCode = main();
