/** npm run bench:wait: the estimator against two baselines on simulated days. Prints figures, asserts nothing. */
import type { QueueEvent } from '../src/shared/queue.js';
import { QueueModel } from '../src/shared/queueModel.js';
import { estimateWait, SERVICE_TIME_PRIOR_MS } from '../src/shared/waitEstimator.js';
import { ResultFile } from './resultFile.js';
import { percentile } from './stats.js';
import { SCENARIOS, simulateDay, type Scenario } from './waitSim.js';

interface Errors {
  ours: number[];
  les: number[];
  naive: number[];
  covered: number;
  count: number;
}

const WEEK_MS = 7 * 24 * 3_600_000;

export function lastWeek(scenario: Scenario, seed: number): QueueEvent[] {
  return simulateDay(scenario, seed + 1000).events.map((event) => ({ ...event, at: new Date(Date.parse(event.at) - WEEK_MS).toISOString() }));
}

export function evaluate(scenario: Scenario, seed: number): Errors {
  const day = simulateDay(scenario, seed);
  const model = new QueueModel();
  // The screen has seen the same weekday a week before (another draw of the same scenario),
  // as a player running for weeks has: its counters' hours and service times.
  model.add(lastWeek(scenario, seed));
  const errors: Errors = { ours: [], les: [], naive: [], covered: 0, count: 0 };
  const lastWait = new Map<string, number>();
  for (const event of day.events) {
    model.add([event]);
    if (event.type === 'called') {
      const call = model.calls.at(-1);
      if (call?.ticket === event.ticket && call.waitedMs !== null) lastWait.set(call.service, call.waitedMs / 60_000);
    }
    if (event.type !== 'issued') continue;
    const truth = day.waits.get(event.ticket);
    if (truth === undefined) continue; // gave up: no true wait to compare with
    const estimate = estimateWait(model, event.service, event.ticket);
    if (!estimate) continue;
    // Baselines: the last called person's wait; queue length x mean service time / open counters.
    const les = lastWait.get(event.service) ?? 0;
    const open = [...model.counters.values()].filter((c) => c.open && c.services.includes(event.service)).length;
    const samples = model.serviceSamples.filter((x) => x.service === event.service);
    const meanServiceMin = samples.length ? samples.reduce((sum, x) => sum + x.ms, 0) / samples.length / 60_000 : SERVICE_TIME_PRIOR_MS / 60_000;
    const waitingAhead = [...model.waiting.values()].filter((t) => t.service === event.service && t.ticket !== event.ticket).length;
    const naive = (waitingAhead * meanServiceMin) / Math.max(1, open);
    errors.ours.push(Math.abs(estimate.minutes - truth));
    errors.les.push(Math.abs(les - truth));
    errors.naive.push(Math.abs(naive - truth));
    errors.count++;
    if (truth >= estimate.low && truth <= estimate.high) errors.covered++;
  }
  return errors;
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const SEEDS = [1, 2, 3, 4, 5];

const WAIT_SOURCES = ['src/shared/waitEstimator.ts', 'src/shared/queueModel.ts', 'src/shared/counterHours.ts', 'src/shared/lognormal.ts', 'src/shared/queue.ts', 'bench/waitEval.ts', 'bench/waitSim.ts'];
const results = new ResultFile();
for (const scenario of SCENARIOS) {
  const all: Errors = { ours: [], les: [], naive: [], covered: 0, count: 0 };
  for (const seed of SEEDS) {
    const e = evaluate(scenario, seed);
    console.log(
      `wait ${scenario.name.padEnd(10)} seed ${seed}: ${String(e.count).padStart(4)} tickets  MAE ours ${mean(e.ours).toFixed(1)}  LES ${mean(e.les).toFixed(1)}  QL-naive ${mean(e.naive).toFixed(1)} min;  p90 ours ${percentile(e.ours, 90).toFixed(1)}  LES ${percentile(e.les, 90).toFixed(1)}  QL-naive ${percentile(e.naive, 90).toFixed(1)} min;  80 % interval covers ${((100 * e.covered) / Math.max(1, e.count)).toFixed(0)} %`,
    );
    all.ours.push(...e.ours);
    all.les.push(...e.les);
    all.naive.push(...e.naive);
    all.covered += e.covered;
    all.count += e.count;
  }
  const better = Math.min(mean(all.les), mean(all.naive));
  console.log(
    `wait ${scenario.name.padEnd(10)} all seeds: MAE ours ${mean(all.ours).toFixed(2)} vs better baseline ${better.toFixed(2)} min (${((100 * (better - mean(all.ours))) / better).toFixed(0)} % lower) [goal ≥ 20 %]; coverage ${((100 * all.covered) / all.count).toFixed(1)} % [goal 75-85 %]`,
  );
  const gain = (100 * (better - mean(all.ours))) / better;
  results.record({
    id: `wait.${scenario.name}.gain`,
    label: `wait estimates, ${scenario.name}, simulated days × ${SEEDS.length} seeds after last week's same day (\`npm run bench:wait\`): MAE below the better baseline`,
    value: Math.round(gain),
    unit: '%',
    text: `${gain.toFixed(0)} % (MAE ${mean(all.ours).toFixed(2)} vs ${better.toFixed(2)} min)`,
    runs: [Math.round(gain)],
    goal: { op: '>=', value: 20 },
    dependsOn: WAIT_SOURCES,
  });
  const coverage = (100 * all.covered) / all.count;
  results.record({
    id: `wait.${scenario.name}.coverage`,
    label: `wait estimates, ${scenario.name}: coverage of the 80 % interval`,
    value: Number(coverage.toFixed(1)),
    unit: '%',
    text: `${coverage.toFixed(0)} %`,
    runs: [Number(coverage.toFixed(1))],
    goal: { op: 'between', value: 75, upTo: 85 },
    dependsOn: WAIT_SOURCES,
  });
}
console.log(`bench:wait: results in ${results.toString()}`);
