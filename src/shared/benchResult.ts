import { z } from 'zod';

/**
 * One `npm run bench` (or `bench:wait`) result file, `bench/results/<date>-<commit>.json`:
 * the figures measured, with what they were measured on (commit, machine) and the source
 * files and folders each depends on, so that a figure older than its code can be told apart.
 */

export const BenchGoal = z.union([
  z.object({ op: z.enum(['<', '<=', '>', '>=', '=']), value: z.number() }),
  /** From `value` to `upTo`, both included. */
  z.object({ op: z.literal('between'), value: z.number(), upTo: z.number() }),
]);
export type BenchGoal = z.infer<typeof BenchGoal>;

export const BenchFigure = z.object({
  /** Stable name, one per figure: `startup.warm.ratio`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lowercase letters, digits, dots and dashes'),
  /** What is measured, as the README's table says it. */
  label: z.string().min(1),
  /** The figure compared with the goal (a median, a ratio, a count). */
  value: z.number(),
  unit: z.string(),
  /** How the README shows it, with its baseline if it has one ("412 ms, 1.6× the static page"). */
  text: z.string().min(1),
  /** Every run's value, in the unit. */
  runs: z.array(z.number()),
  goal: BenchGoal.nullable(),
  /** Repository paths (files or folders) whose change makes the figure stale. */
  dependsOn: z.array(z.string().min(1)).min(1),
  /** SHA-256 of the contents of every file under `dependsOn` when measured: the figure is stale once it differs. */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/, '64 hexadecimal digits'),
  measuredAt: z.iso.datetime(),
});
export type BenchFigure = z.infer<typeof BenchFigure>;

export const BenchMachine = z.object({
  cpu: z.string().min(1),
  cores: z.number().int().positive(),
  memoryGB: z.number().positive(),
  os: z.string().min(1),
});
export type BenchMachine = z.infer<typeof BenchMachine>;

export const BenchResult = z.object({
  /** The commit checked out when the figures were measured. */
  commit: z.string().regex(/^[0-9a-f]{40}$/, '40 hexadecimal digits'),
  machine: BenchMachine,
  figures: z.array(BenchFigure),
});
export type BenchResult = z.infer<typeof BenchResult>;

const OP_TEXT = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '=': '=' } as const;

export function goalText(goal: BenchGoal, unit: string): string {
  // '×' and '%' stick to the number; words do not.
  const glued = unit === '×' || unit === '%';
  if (goal.op === 'between') return `${goal.value.toLocaleString('en')}–${goal.upTo.toLocaleString('en')}${unit ? `${glued ? '' : ' '}${unit}` : ''}`;
  return `${OP_TEXT[goal.op]} ${goal.value.toLocaleString('en')}${unit ? `${glued ? '' : ' '}${unit}` : ''}`;
}

export function meetsGoal(value: number, goal: BenchGoal): boolean {
  switch (goal.op) {
    case '<':
      return value < goal.value;
    case '<=':
      return value <= goal.value;
    case '>':
      return value > goal.value;
    case '>=':
      return value >= goal.value;
    case '=':
      return value === goal.value;
    case 'between':
      return value >= goal.value && value <= goal.upTo;
  }
}

export function machineText(machine: BenchMachine): string {
  return `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB.toFixed(0)} GB, ${machine.os}`;
}
