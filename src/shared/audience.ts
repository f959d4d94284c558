/**
 * §3 `audience`: the mean number of people waiting (tickets issued, not yet called or
 * cancelled) over an impression's interval. The queue model's waiting count is kept as a step
 * function of time (after each event it applies); an interval's audience is its integral over
 * the interval divided by the time it covers. Before the first event there is no queue data,
 * and no audience.
 */

/** How long the steps are kept: a showing is never longer than this. */
export const AUDIENCE_HISTORY_MS = 36 * 3_600_000;

export class WaitingHistory {
  /** `count` people waiting from `at` on, `at` ascending. */
  private readonly steps: { at: number; count: number }[] = [];

  record(at: number, count: number): void {
    const last = this.steps.at(-1);
    if (last && at < last.at) return; // the model's time only moves forward
    if (last && last.at === at) last.count = count;
    else if (!last || last.count !== count) this.steps.push({ at, count });
    const cutoff = at - AUDIENCE_HISTORY_MS;
    let old = 0;
    while (old + 1 < this.steps.length && this.steps[old + 1]!.at <= cutoff) old++;
    if (old > 0) this.steps.splice(0, old);
  }

  /** Mean number waiting over [start, end), from the first queue data on; undefined without any before `end`. */
  meanOver(start: number, end: number): number | undefined {
    const first = this.steps[0];
    if (!first || first.at >= end) return undefined;
    const from = Math.max(start, first.at);
    if (end <= from) return first.at <= start ? this.countAt(start) : undefined;
    let area = 0;
    for (let k = 0; k < this.steps.length; k++) {
      const step = this.steps[k]!;
      const stepEnd = this.steps[k + 1]?.at ?? Infinity;
      const a = Math.max(from, step.at);
      const b = Math.min(end, stepEnd);
      if (b > a) area += step.count * (b - a);
    }
    return Math.round((area / (end - from)) * 100) / 100;
  }

  private countAt(t: number): number {
    let count = 0;
    for (const step of this.steps) if (step.at <= t) count = step.count;
    return count;
  }
}
