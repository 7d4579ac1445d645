/**
 * What one invocation did and still meant to do, for the log line and for a failure's Reason.
 */
export class Progress {
  private readonly done: Record<string, string[]> = {};
  private readonly planned: Record<string, string[]> = {};

  /** Announce the changes about to be made, e.g. plan('share', ['111122223333']). */
  public plan(action: string, targets: readonly string[]): void {
    (this.planned[action] ??= []).push(...targets);
  }

  /** Record one change made. */
  public record(action: string, target: string): void {
    (this.done[action] ??= []).push(target);
  }

  /** The changes made, by action. */
  public get changes(): Readonly<Record<string, readonly string[]>> {
    return this.done;
  }

  /** Planned changes not made yet, by action. */
  public get remaining(): Record<string, string[]> {
    const left: Record<string, string[]> = {};
    for (const [action, targets] of Object.entries(this.planned)) {
      const made = new Set(this.done[action] ?? []);
      const rest = targets.filter(t => !made.has(t));
      if (rest.length > 0) left[action] = rest;
    }
    return left;
  }

  /** One short sentence for a Reason: "Done: shared 2 (a, b). Not done: share 1 (c)." */
  public summary(maxListed = 5): string {
    const describe = (entries: [string, readonly string[]][]) =>
      entries.filter(([, t]) => t.length > 0).map(([action, targets]) => {
        const listed = targets.slice(0, maxListed).join(', ');
        const more = targets.length > maxListed ? `, and ${targets.length - maxListed} more` : '';
        return `${action} ${targets.length} (${listed}${more})`;
      }).join('; ');
    const done = describe(Object.entries(this.done));
    const rest = describe(Object.entries(this.remaining));
    return `Done: ${done || 'nothing'}. Not done: ${rest || 'nothing'}.`;
  }
}
