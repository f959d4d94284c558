/**
 * npm run bench:wait: the wait estimator against the baselines, on the three named scenarios
 * and on random rooms held out from any tuning (bench/waitRooms.ts). Prints figures, asserts nothing.
 * `npm run bench:wait -- --rooms 20` evaluates fewer held-out rooms; `--tuning` the tuning rooms instead
 * (what to iterate on: `npm run bench:wait -- --tuning --rooms-only --first-day`, about a minute);
 * `--per-room` prints each room's figures.
 */
import type { QueueEvent } from '../src/shared/queue.js';
import { lastServedWait, queueLengthWait } from '../src/shared/waitBaselines.js';
import { WaitForecaster } from '../src/shared/waitForecast.js';
import { ResultFile } from './resultFile.js';
import { classOf, HELD_OUT_SEEDS, room, ROOM_CLASSES, TUNING_SEEDS } from './waitRooms.js';
import { SCENARIOS, simulateDay, type Scenario, type SimulatedDay } from './waitSim.js';

export interface Errors {
  ours: number;
  les: number;
  naive: number;
  covered: number;
  count: number;
}

const WEEK_MS = 7 * 24 * 3_600_000;

export function lastWeek(scenario: Scenario, seed: number): QueueEvent[] {
  return simulateDay(scenario, seed + 1000).events.map((event) => ({ ...event, at: new Date(Date.parse(event.at) - WEEK_MS).toISOString() }));
}

/**
 * One day as a screen sees it, event by event (in delivery order), with `history` seen before
 * (or none: the screen's first day). For each ticket estimated as of its `issued` event and
 * later called: the absolute errors of the estimate and of the baselines (the last called
 * person's wait; people ahead × mean service time ÷ open counters), and whether the 80 %
 * interval held the realized wait.
 */
export function evaluateDay(day: SimulatedDay, history: QueueEvent[] | null): Errors {
  const forecaster = new WaitForecaster();
  if (history) forecaster.add(history);
  const errors: Errors = { ours: 0, les: 0, naive: 0, covered: 0, count: 0 };
  for (const event of day.events) {
    const { issued } = forecaster.add([event]);
    for (const estimate of issued) {
      const truth = day.waits.get(estimate.ticket!);
      if (truth === undefined) continue; // gave up: no realized wait to compare with
      errors.ours += Math.abs(estimate.minutes - truth);
      errors.les += Math.abs((lastServedWait(forecaster.model, estimate.service) ?? 0) - truth);
      errors.naive += Math.abs(queueLengthWait(forecaster.model, estimate.service, estimate.ticket) - truth);
      errors.count++;
      if (truth >= estimate.low && truth <= estimate.high) errors.covered++;
    }
  }
  return errors;
}

function add(into: Errors, e: Errors): void {
  into.ours += e.ours;
  into.les += e.les;
  into.naive += e.naive;
  into.covered += e.covered;
  into.count += e.count;
}
const empty = (): Errors => ({ ours: 0, les: 0, naive: 0, covered: 0, count: 0 });
const mae = (e: Errors, k: 'ours' | 'les' | 'naive'): number => e[k] / Math.max(1, e.count);
const ratio = (e: Errors): number => mae(e, 'ours') / Math.max(1e-9, Math.min(mae(e, 'les'), mae(e, 'naive')));
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

const WAIT_SOURCES = ['src/shared/waitEstimator.ts', 'src/shared/waitForecast.ts', 'src/shared/waitBaselines.ts', 'src/shared/queueModel.ts', 'src/shared/counterHours.ts', 'src/shared/lognormal.ts', 'src/shared/queue.ts', 'bench/waitEval.ts', 'bench/waitSim.ts', 'bench/waitRooms.ts'];

function namedScenarios(results: ResultFile): void {
  for (const scenario of SCENARIOS) {
    const all = empty();
    for (const seed of [1, 2, 3, 4, 5]) add(all, evaluateDay(simulateDay(scenario, seed), lastWeek(scenario, seed)));
    const better = Math.min(mae(all, 'les'), mae(all, 'naive'));
    const gain = (100 * (better - mae(all, 'ours'))) / better;
    const coverage = (100 * all.covered) / all.count;
    results.record({
      id: `wait.${scenario.name}.gain`,
      label: `wait estimates, ${scenario.name}, simulated days × 5 seeds after last week's same day (\`npm run bench:wait\`): MAE below the better baseline`,
      value: Math.round(gain),
      unit: '%',
      text: `${gain.toFixed(0)} % (MAE ${mae(all, 'ours').toFixed(2)} vs ${better.toFixed(2)} min)`,
      runs: [Math.round(gain)],
      goal: { op: '>=', value: 20 },
      dependsOn: WAIT_SOURCES,
    });
    results.record({
      id: `wait.${scenario.name}.coverage`,
      label: `wait estimates, ${scenario.name}: coverage of the 80 % interval`,
      value: Number(coverage.toFixed(1)),
      unit: '%',
      text: `${coverage.toFixed(1)} %`,
      runs: [Number(coverage.toFixed(1))],
      goal: { op: 'between', value: 75, upTo: 85 },
      dependsOn: WAIT_SOURCES,
    });
    console.log(
      `wait ${scenario.name.padEnd(10)} 5 seeds, with last week: MAE ours ${mae(all, 'ours').toFixed(2)} vs better baseline ${better.toFixed(2)} min (${((100 * (better - mae(all, 'ours'))) / better).toFixed(0)} % lower); coverage ${pct(all.covered / all.count)} [${all.count} tickets]`,
    );
  }
}

export interface RoomOptions {
  /** Only the first day (no history): half the time, for iterating on tuning rooms. */
  firstDayOnly?: boolean;
  /** Print each room's ratio and coverage. */
  perRoom?: boolean;
}

function rooms(seeds: readonly number[], label: string, results: ResultFile | null, options: RoomOptions = {}): void {
  console.log(`\nwait rooms (${label}: seeds ${seeds[0]}…${seeds.at(-1)}, ${seeds.length} rooms). Ratio = MAE ours ÷ MAE of the room's better baseline (goal ≤ 0.85 on average, ≤ 1.0 in every class); coverage of the 80 % interval (goal 75-85 %)`);
  for (const withHistory of options.firstDayOnly ? [false] : [false, true]) {
    const all = { ratios: [] as number[], errors: empty() };
    const byClass = new Map(ROOM_CLASSES.map((c) => [c, { ratios: [] as number[], errors: empty() }]));
    for (const seed of seeds) {
      const scenario = room(seed);
      const e = evaluateDay(simulateDay(scenario, seed), withHistory ? simulateDay(room(seed, 'last-week'), seed + 1).events : null);
      if (e.count === 0) continue;
      if (options.perRoom) console.log(`    ${scenario.name.padEnd(18)} ratio ${ratio(e).toFixed(2)}  ours ${mae(e, 'ours').toFixed(2)}  les ${mae(e, 'les').toFixed(2)}  queue length ${mae(e, 'naive').toFixed(2)} min  coverage ${pct(e.covered / e.count)} [${e.count}]`);
      for (const bucket of [all, byClass.get(classOf(seed))!]) {
        bucket.ratios.push(ratio(e));
        add(bucket.errors, e);
      }
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const line = (name: string, b: { ratios: number[]; errors: Errors }): string =>
      `  ${name.padEnd(11)} ${String(b.ratios.length).padStart(3)} rooms  ratio mean ${mean(b.ratios).toFixed(2)}  worst ${Math.max(...b.ratios).toFixed(2)}  rooms worse than the baseline ${b.ratios.filter((r) => r > 1).length}  coverage ${pct(b.errors.covered / Math.max(1, b.errors.count))}`;
    console.log(withHistory ? ' with last week seen:' : ' first day (no history):');
    for (const [name, b] of byClass) console.log(line(name, b));
    console.log(line('all', all));
    if (!results) continue;
    const when = withHistory ? 'with last week seen' : 'first day';
    const classMeans = [...byClass.values()].map((b) => mean(b.ratios));
    const coverages = [...byClass.values()].map((b) => (100 * b.errors.covered) / Math.max(1, b.errors.count));
    results.record({
      id: `wait.rooms.${withHistory ? 'history' : 'first-day'}.ratio`,
      label: `wait estimates on ${all.ratios.length} held-out random rooms, ${when}: MAE ÷ the room's better baseline's, mean over rooms (worst class mean)`,
      value: Number(mean(all.ratios).toFixed(2)),
      unit: '×',
      text: `${mean(all.ratios).toFixed(2)} (worst class ${Math.max(...classMeans).toFixed(2)}; ${all.ratios.filter((r) => r > 1).length} rooms above 1)`,
      runs: all.ratios.map((r) => Number(r.toFixed(3))),
      goal: { op: '<=', value: 0.85 },
      dependsOn: WAIT_SOURCES,
    });
    results.record({
      id: `wait.rooms.${withHistory ? 'history' : 'first-day'}.coverage`,
      label: `wait estimates on ${all.ratios.length} held-out random rooms, ${when}: coverage of the 80 % interval, lowest and highest class`,
      value: Number(Math.min(...coverages).toFixed(1)),
      unit: '%',
      text: `${Math.min(...coverages).toFixed(1)} to ${Math.max(...coverages).toFixed(1)} % (all rooms ${((100 * all.errors.covered) / Math.max(1, all.errors.count)).toFixed(1)} %)`,
      runs: coverages.map((c) => Number(c.toFixed(1))),
      goal: { op: 'between', value: 75, upTo: 85 },
      dependsOn: WAIT_SOURCES,
    });
  }
}

if (process.argv[1]?.endsWith('waitEval.ts')) main();

function main(): void {
const argv = process.argv.slice(2);
const count = argv.includes('--rooms') ? Number(argv[argv.indexOf('--rooms') + 1]) : Infinity;
const started = performance.now();
const results = new ResultFile();
if (!argv.includes('--rooms-only')) namedScenarios(results);
const options: RoomOptions = { firstDayOnly: argv.includes('--first-day'), perRoom: argv.includes('--per-room') };
if (argv.includes('--tuning')) rooms(TUNING_SEEDS.slice(0, count), 'tuning rooms, used to choose settings', null, options);
// Only the whole held-out set makes the figures the README shows.
else rooms(HELD_OUT_SEEDS.slice(0, count), 'held-out rooms, never used to choose anything', count >= HELD_OUT_SEEDS.length && !options.firstDayOnly ? results : null, options);
console.log(`bench:wait: results in ${results.toString()}`);
console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
