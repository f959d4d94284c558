import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { END_MARKER, figuresTable, freshness, latestFigures, replaceBetweenMarkers, START_MARKER } from '../../bench/readmeFigures.js';
import { readResultFile, ResultFile, type FigureInput } from '../../bench/resultFile.js';

/** The figures table and its staleness, on a real git repository in a temporary folder. */

let root: string;
const results = (): string => join(root, 'bench', 'results');

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
}

function write(path: string, text: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

function commit(message: string): string {
  git('add', '-A');
  git('commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD');
}

const startup = (value: number): FigureInput => ({
  id: 'startup.warm.ratio',
  label: 'first item, warm profile, against a static page',
  value,
  unit: '×',
  text: `${value}× the static page`,
  runs: [value],
  goal: { op: '<=', value: 1.5 },
  dependsOn: ['src/renderer', 'bench/startup.ts'],
});

const clock = (iso: string) => () => new Date(iso);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'antichambre-bench-readme-'));
  git('init', '-q');
  git('config', 'user.email', 'bench@example.org');
  git('config', 'user.name', 'Bench');
  write('src/renderer/main.ts', 'export const a = 1;\n');
  write('bench/startup.ts', 'export {};\n');
  write('docs/notes.md', 'notes\n');
  write('README.md', `# Title\n\n${START_MARKER}\nold table\n${END_MARKER}\n\nAfter.\n`);
  commit('first');
  return () => rmSync(root, { recursive: true, force: true });
});

describe('bench result files', () => {
  it('writes bench/results/<date>-<commit>.json with the machine, the commit and each figure', () => {
    const file = new ResultFile(root, clock('2026-12-02T06:00:00Z'));
    file.record(startup(1.4));
    const head = git('rev-parse', 'HEAD');
    expect(file.path).toBe(join(results(), `2026-12-02-${head.slice(0, 12)}.json`));
    const result = readResultFile(file.path);
    expect(result.commit).toBe(head);
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(result.machine.cpu.length).toBeGreaterThan(0);
    expect(result.figures.map((f) => [f.id, f.value, f.measuredAt])).toEqual([['startup.warm.ratio', 1.4, '2026-12-02T06:00:00.000Z']]);
  });

  it('a figure measured again the same day replaces the earlier one; the others stay', () => {
    const file = new ResultFile(root, clock('2026-12-02T06:00:00Z'));
    file.record(startup(1.4));
    file.record({ ...startup(2), id: 'startup.fresh.ratio', goal: { op: '<=', value: 2.5 } });
    file.record(startup(1.2));
    const figures = readResultFile(file.path).figures;
    expect(figures.map((f) => `${f.id}=${f.value}`).sort()).toEqual(['startup.fresh.ratio=2', 'startup.warm.ratio=1.2']);
  });

  it('refuses a figure that depends on a path the repository does not have', () => {
    const file = new ResultFile(root);
    expect(() => file.record({ ...startup(1), dependsOn: ['src/nowhere'] })).toThrow(/startup\.warm\.ratio: depends on src\/nowhere/);
  });

  it('an invalid result file is named, with the field at fault', () => {
    write('bench/results/2026-12-01-abc.json', JSON.stringify({ commit: 'nope', machine: { cpu: 'x', cores: 2, memoryGB: 8, os: 'linux' }, figures: [] }));
    expect(() => latestFigures(results())).toThrow(/2026-12-01-abc\.json: commit: 40 hexadecimal digits/);
    write('bench/results/2026-12-01-abc.json', '{ not json');
    expect(() => latestFigures(results())).toThrow(/2026-12-01-abc\.json: not a readable JSON file/);
  });
});

describe('the README figures table', () => {
  it('shows the latest value of each figure with its goal, whether it is met, its date and commit, and the machine', () => {
    new ResultFile(root, clock('2026-12-01T06:00:00Z')).record(startup(1.9));
    const second = commit('results of the first');
    write('src/renderer/main.ts', 'export const a = 2;\n');
    const faster = commit('faster');
    new ResultFile(root, clock('2026-12-02T06:00:00Z')).record(startup(1.3));
    commit('results of the second');
    expect(second).not.toBe(faster);

    const latest = latestFigures(results());
    expect(latest).toHaveLength(1);
    expect(latest[0]!.figure.value).toBe(1.3);
    expect(latest[0]!.commit).toBe(faster);

    const table = figuresTable(root, results());
    expect(table).toMatch(/^Machine: .+, \d+ cores, \d+ GB, /);
    const row = table.split('\n').find((line) => line.startsWith('| first item'))!;
    expect(row).toBe(`| first item, warm profile, against a static page | 1.3× the static page | ≤ 1.5× | yes | 2026-12-02, \`${faster.slice(0, 7)}\` |`);
    expect(table).not.toContain('**stale**:');
  });

  it('orders the figures by group (start-up first, the wait estimates last), then by id', () => {
    const file = new ResultFile(root, clock('2026-12-02T06:00:00Z'));
    for (const id of ['wait.mairie.gain', 'hub.ingest', 'cache.cpu', 'zeta', 'startup.warm', 'cache.throughput', 'startup.fresh']) file.record({ ...startup(1), id });
    expect(latestFigures(results()).map((f) => f.figure.id)).toEqual(['startup.fresh', 'startup.warm', 'cache.cpu', 'cache.throughput', 'hub.ingest', 'wait.mairie.gain', 'zeta']);
  });

  it('marks a figure stale once a file it depends on changes (committed or not), naming the file; other files do not matter', () => {
    new ResultFile(root, clock('2026-12-02T06:00:00Z')).record(startup(1.3));
    const latest = () => latestFigures(results())[0]!;
    write('docs/notes.md', 'other notes\n');
    commit('docs only');
    expect(freshness(root, latest())).toEqual({ stale: false });

    write('src/renderer/main.ts', 'export const a = 3;\n');
    expect(freshness(root, latest())).toEqual({ stale: true, reason: '1 file changed since: `src/renderer/main.ts`' });
    commit('slower');
    expect(freshness(root, latest())).toEqual({ stale: true, reason: '1 file changed since: `src/renderer/main.ts`' });
    expect(figuresTable(root, results())).toContain('**stale**: 1 file changed since: `src/renderer/main.ts`');
    expect(figuresTable(root, results())).toContain('(1 figure, 1 stale)');

    // Back to the measured contents: fresh again.
    write('src/renderer/main.ts', 'export const a = 1;\n');
    commit('revert');
    expect(freshness(root, latest())).toEqual({ stale: false });

    // A new file under a folder it depends on.
    write('src/renderer/extra.ts', 'export {};\n');
    expect(freshness(root, latest())).toEqual({ stale: true, reason: '1 file changed since: `src/renderer/extra.ts`' });
  });

  it('measured on uncommitted changes, then committed: fresh (it is the contents that count)', () => {
    write('src/renderer/main.ts', 'export const a = 5;\n');
    new ResultFile(root, clock('2026-12-02T06:00:00Z')).record(startup(1.1));
    const latest = () => latestFigures(results())[0]!;
    expect(freshness(root, latest())).toEqual({ stale: false });
    commit('the change and its figure');
    expect(freshness(root, latest())).toEqual({ stale: false });
    write('src/renderer/main.ts', 'export const a = 1;\n');
    expect(freshness(root, latest())).toEqual({ stale: true, reason: 'measured with uncommitted changes to src/renderer, bench/startup.ts' });
  });

  it('a commit git does not know makes the figure stale, with the reason', () => {
    const file = new ResultFile(root, clock('2026-12-02T06:00:00Z'));
    file.record(startup(1.3));
    const json = JSON.parse(readFileSync(file.path, 'utf8')) as { commit: string; figures: { fingerprint: string }[] };
    json.commit = 'f'.repeat(40);
    json.figures[0]!.fingerprint = '0'.repeat(64);
    writeFileSync(file.path, JSON.stringify(json));
    expect(freshness(root, latestFigures(results())[0]!)).toEqual({ stale: true, reason: "its commit fffffff is not in this repository's history" });
  });

  it('replaces only the text between the markers, and says which file lacks them', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const out = replaceBetweenMarkers(readme, 'NEW TABLE', 'README.md');
    expect(out).toBe(`# Title\n\n${START_MARKER}\nNEW TABLE\n${END_MARKER}\n\nAfter.\n`);
    expect(replaceBetweenMarkers(out, 'NEWER', 'README.md')).toBe(`# Title\n\n${START_MARKER}\nNEWER\n${END_MARKER}\n\nAfter.\n`);
    expect(() => replaceBetweenMarkers('# no markers', 'x', '/repo/README.md')).toThrow('/repo/README.md: needs <!-- bench:start --> then <!-- bench:end -->');
  });
});

describe('goals', () => {
  it('reads each kind of goal and says whether a value meets it', async () => {
    const { goalText, meetsGoal } = await import('../../src/shared/benchResult.js');
    expect([meetsGoal(1.5, { op: '<=', value: 1.5 }), meetsGoal(1.51, { op: '<=', value: 1.5 }), meetsGoal(50, { op: '<', value: 50 }), meetsGoal(0, { op: '=', value: 0 }), meetsGoal(1, { op: '=', value: 0 })]).toEqual([true, false, false, true, false]);
    expect([meetsGoal(75, { op: 'between', value: 75, upTo: 85 }), meetsGoal(85.1, { op: 'between', value: 75, upTo: 85 }), meetsGoal(74.9, { op: 'between', value: 75, upTo: 85 })]).toEqual([true, false, false]);
    expect([goalText({ op: 'between', value: 75, upTo: 85 }, '%'), goalText({ op: '>=', value: 50_000 }, 'impressions/s'), goalText({ op: '<', value: 100 }, 'ms')]).toEqual(['75–85%', '≥ 50,000 impressions/s', '< 100 ms']);
  });
});
