import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueueEvent } from '../../src/shared/queue.js';
import { QueueModel } from '../../src/shared/queueModel.js';
import { estimateWait, expectedRemaining, gammaQuantile, meanResidual } from '../../src/shared/waitEstimator.js';
import { SCENARIOS, simulateDay } from '../../bench/waitSim.js';

const T0 = Date.UTC(2026, 11, 1, 8);
const at = (minute: number): string => new Date(T0 + minute * 60_000).toISOString();
const issued = (ticket: string, service: string, minute: number): QueueEvent => ({ type: 'issued', ticket, service, at: at(minute) });
const called = (ticket: string, counter: string, minute: number): QueueEvent => ({ type: 'called', ticket, counter, at: at(minute) });
const counter = (id: string, open: boolean, services: string[], minute: number): QueueEvent => ({ type: 'counter', counter: id, open, services, at: at(minute) });
const seed = Number(process.env.PROPERTY_SEED ?? (process.env.CI ? 20261129 : Date.now() % 2 ** 31));

describe('the queue model', () => {
  it('applies events in time order, ignores exact repeats, replays late ones', () => {
    const inOrder = new QueueModel();
    const events = [counter('g1', true, ['ec'], 0), issued('A1', 'ec', 1), issued('A2', 'ec', 2), called('A1', 'g1', 5), issued('A3', 'ec', 6)];
    inOrder.add(events);
    const shuffled = new QueueModel();
    shuffled.add([events[3]!, events[1]!]);
    shuffled.add([events[4]!, events[0]!, events[1]!, events[2]!, events[3]!]);
    expect([...shuffled.waiting.keys()].sort()).toEqual([...inOrder.waiting.keys()].sort());
    expect(shuffled.calls).toEqual(inOrder.calls);
    expect(shuffled.allEvents()).toHaveLength(5);
  });

  it('takes a ticket passed over by a later one of its service as gone', () => {
    const model = new QueueModel();
    model.add([counter('g1', true, ['ec'], 0), issued('A1', 'ec', 1), issued('A2', 'ec', 2), called('A2', 'g1', 10)]);
    expect(model.waiting.size).toBe(0);
    expect(model.departures.filter((d) => d.left)).toHaveLength(1);
  });
});

describe('the wait estimator', () => {
  it('gives no estimate for a service whose counters are all closed, and says 0 when a counter is free', () => {
    const model = new QueueModel();
    model.add([counter('g1', true, ['ec'], 0), issued('A1', 'ec', 1)]);
    expect(estimateWait(model, 'ec', 'A1')?.minutes).toBe(0);
    model.add([counter('g1', false, ['ec'], 2)]);
    expect(estimateWait(model, 'ec')).toBeNull();
    expect(estimateWait(model, 'unknown-service')).toBeNull();
  });

  it('grows with the people ahead and shrinks with more counters open', () => {
    const base = [counter('g1', true, ['ec'], 0), ...Array.from({ length: 10 }, (_, k) => issued(`A${k}`, 'ec', 1 + k * 0.1)), called('A0', 'g1', 2)];
    const one = new QueueModel();
    one.add(base);
    const two = new QueueModel();
    two.add([...base, counter('g2', true, ['ec'], 2.5), called('A1', 'g2', 2.6)]);
    const longer = new QueueModel();
    longer.add([...base, ...Array.from({ length: 10 }, (_, k) => issued(`B${k}`, 'ec', 3 + k * 0.1))]);
    expect(estimateWait(two, 'ec')!.minutes).toBeLessThan(estimateWait(one, 'ec')!.minutes);
    expect(estimateWait(longer, 'ec')!.minutes).toBeGreaterThan(estimateWait(one, 'ec')!.minutes);
  });

  it('never answers a negative wait, and its interval contains its estimate (simulated days, random instants)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: SCENARIOS.length - 1 }), fc.integer({ min: 1, max: 1_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (s, daySeed, cut) => {
        const day = simulateDay(SCENARIOS[s]!, daySeed);
        const model = new QueueModel();
        model.add(day.events.slice(0, Math.floor(cut * day.events.length)));
        for (const service of SCENARIOS[s]!.services) {
          const estimate = estimateWait(model, service.id);
          if (!estimate) continue;
          expect(estimate.minutes).toBeGreaterThanOrEqual(0);
          expect(estimate.low).toBeGreaterThanOrEqual(0);
          expect(estimate.low).toBeLessThanOrEqual(estimate.minutes);
          expect(estimate.high).toBeGreaterThanOrEqual(estimate.minutes);
          expect(estimate.queueLength).toBeGreaterThanOrEqual(0);
        }
      }),
      { seed, numRuns: Number(process.env.PROPERTY_RUNS ?? 40) },
    );
  });

  it('knows how long a service under way will last', () => {
    // Lognormal, mean 10, log-sd 0.5: at its start, the whole mean; later, less; never negative.
    expect(meanResidual(10, 0.5, 0)).toBe(10);
    expect(meanResidual(10, 0.5, 5)).toBeLessThan(10);
    expect(meanResidual(10, 0.5, 5)).toBeGreaterThan(5);
    // Not knowing whether it ended: E[(S - e)+] is below the conditional residual, and 0 long after.
    expect(expectedRemaining(10, 0.5, 5)).toBeLessThan(meanResidual(10, 0.5, 5));
    expect(expectedRemaining(10, 0.5, 200)).toBeCloseTo(0, 3);
  });

  it('has Gamma quantiles on the right side of the mean', () => {
    expect(gammaQuantile(4, 2, -1.2816)).toBeLessThan(8);
    expect(gammaQuantile(4, 2, 1.2816)).toBeGreaterThan(8);
    // Erlang(4, 2): the 90 % quantile is 13.36.
    expect(gammaQuantile(4, 2, 1.2816)).toBeCloseTo(13.36, 0);
  });
});
