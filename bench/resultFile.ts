import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { BenchResult, type BenchFigure, type BenchGoal, type BenchMachine } from '../src/shared/benchResult.js';
import { formatIssues } from '../src/shared/validationError.js';
import { headCommit, sourceFingerprint } from './sourceFingerprint.js';

/** The repository's root, and where the benchmarks keep their result files. */
export const REPO_ROOT = resolve(import.meta.dirname, '..');
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

export function thisMachine(): BenchMachine {
  const all = cpus();
  return {
    cpu: all[0]?.model.trim() || 'unknown CPU',
    cores: all.length,
    memoryGB: Math.max(1, Math.round(totalmem() / 1e9)),
    os: `${platform()} ${release()}`,
  };
}

/** Reads a result file, or says which file and which field is wrong. */
export function readResultFile(path: string): BenchResult {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: not a readable JSON file (${(error as Error).message})`);
  }
  const parsed = BenchResult.safeParse(json);
  if (!parsed.success) throw new Error(`${path}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

export type FigureInput = Omit<BenchFigure, 'fingerprint' | 'measuredAt'>;

/**
 * The figures of one run of the benchmarks, written to `bench/results/<date>-<commit>.json` as
 * each is measured (a run stopped halfway keeps what it measured). A figure measured again on
 * the same day and commit replaces the earlier one of the same id; the others stay.
 */
export class ResultFile {
  readonly path: string;
  private readonly commit: string;

  constructor(
    private readonly root = REPO_ROOT,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.commit = headCommit(root);
    this.path = join(root, 'bench', 'results', `${now().toISOString().slice(0, 10)}-${this.commit.slice(0, 12)}.json`);
  }

  record(figure: FigureInput): BenchFigure {
    for (const dep of figure.dependsOn) {
      if (!existsSync(join(this.root, dep))) throw new Error(`figure ${figure.id}: depends on ${dep}, which is not in the repository`);
    }
    const entry: BenchFigure = { ...figure, fingerprint: sourceFingerprint(this.root, figure.dependsOn), measuredAt: this.now().toISOString() };
    const previous = existsSync(this.path) ? readResultFile(this.path) : null;
    const figures = [...(previous?.figures ?? []).filter((f) => f.id !== figure.id), entry];
    const result = BenchResult.parse({ commit: this.commit, machine: thisMachine(), figures });
    mkdirSync(join(this.root, 'bench', 'results'), { recursive: true });
    writeFileSync(this.path, `${JSON.stringify(result, null, 2)}\n`);
    return entry;
  }

  /** The file's path from the repository's root. */
  toString(): string {
    return relative(this.root, this.path);
  }
}
