import type { Step } from './plan';
import {
  budgetSecondsFor, IMAGE_SHARE_OVERHEAD_CALLS, imageShareCalls, MAX_TIME_BUDGET_SECONDS, PLANNED_CALLS_PER_SECOND,
} from '../../src/contract/time-budget';
import { PreconditionError } from '../runtime/errors';
import type { ResourceContext } from '../runtime/resource';

/**
 * Whether an Update's writes fit in what is left of its budget (docs/engine.md, "Budgets"). The
 * construct's budget covers any Update from an old list at most as long as the new one; one that
 * does not fit and has shares to make fails here, before its first write, with a Reason that says
 * how to deploy it in steps. One with only unshares left goes on: when its budget runs out it
 * answers and a detached chain finishes them (row E11).
 */

/** How long `writes` writes take at the handler's pace, in ms; 0 when unpaced. */
function writesMs(writes: number, ctx: ResourceContext): number {
  const perSecond = ctx.settings.workspacesCallsPerSecond;
  return perSecond > 0 ? (writes * 1_000) / perSecond : 0;
}

/** Besides its writes, what a request's time must hold: the stop margin, and the least budget a hand-over needs when the writes outlast this invocation. */
function marginsMs(writeMs: number, ctx: ResourceContext): number {
  return ctx.settings.stopMarginMs + (writeMs > ctx.deadline.workMs ? ctx.settings.minHandOverMs : 0);
}

/** The writes one deployment of a list of `accounts` accounts can make at least: that list's own budget, less the handler's margins. */
function writesPerDeployment(accounts: number, ctx: ResourceContext): number {
  const budgetMs = Math.min(MAX_TIME_BUDGET_SECONDS, budgetSecondsFor(imageShareCalls(accounts).update)) * 1_000;
  const { answerMarginMs, stopMarginMs, minHandOverMs } = ctx.settings;
  const workSeconds = (budgetMs - answerMarginMs - stopMarginMs - minHandOverMs) / 1_000;
  return Math.max(1, Math.floor(workSeconds * PLANNED_CALLS_PER_SECOND) - IMAGE_SHARE_OVERHEAD_CALLS);
}

/** The Reason's steps: first the unshares alone (in batches that fit), then the new list. */
function stepsText(removed: number, added: number, declared: number, ctx: ResourceContext): string {
  const kept = declared - added;
  const perDeployment = writesPerDeployment(kept, ctx);
  const batches = removed > perDeployment
    ? `; one deployment fits at least ${perDeployment} writes, so remove them ${perDeployment} at a time, in ${Math.ceil(removed / perDeployment)} deployments`
    : '';
  const steps = [
    ...(removed > 0 ? [`deploy the list without the ${removed} accounts to remove, that is the ${kept} accounts both lists hold (it only unshares${batches})`] : []),
    `deploy the new list of ${declared} accounts (it only shares the ${added} to add)`,
  ];
  return steps.map((step, i) => `${i + 1}. ${step}`).join('; ');
}

/** Throws, before any write, when an Update that shares does not fit in what is left of its budget. */
export function assertUpdateFits(steps: readonly Step[], declared: number, ctx: ResourceContext): void {
  const added = steps.filter(s => s.grant).length;
  const removed = steps.length - added;
  if (added === 0) return;
  const writeMs = writesMs(steps.length, ctx);
  const leftMs = ctx.deadline.requestRemainingMs;
  if (writeMs + marginsMs(writeMs, ctx) <= leftMs) return;
  throw new PreconditionError(`This Update unshares ${removed} accounts and shares ${added}: ${steps.length} writes, about ${Math.ceil(writeMs / 1_000)} s `
    + `at ${ctx.settings.workspacesCallsPerSecond} calls/s, but only ${Math.max(0, Math.floor(leftMs / 1_000))} s of the resource's time budget are left, so nothing was changed. `
    + `The budget covers an Update that removes and adds at most as many accounts as the new list holds (${declared}), within CloudFormation's ${MAX_TIME_BUDGET_SECONDS} s. `
    + `Deploy this change in steps: ${stepsText(removed, added, declared, ctx)}`);
}
