import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueueEvent } from '../../src/shared/queue.js';
import { QueueModel } from '../../src/shared/queueModel.js';
import { normalCdf, normalQuantile, residualDraw, seededRandom, weightedQuantile } from '../../src/shared/lognormal.js';
import { abandonment, ABANDON_HISTORY_MS, estimateWait, FIXED_PRIOR_WEIGHT, serviceTimes } from '../../src/shared/waitEstimator.js';
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

  it('without `done`, takes the gap to a counter\'s next call as a service time only when the one called was already waiting', () => {
    const model = new QueueModel();
    // A2 waits when g1 calls A1, but g2 takes A2 a minute later: g1 may then stand idle until A3 comes.
    model.add([counter('g1', true, ['ec'], 0), counter('g2', true, ['ec'], 0), issued('A1', 'ec', 1), issued('A2', 'ec', 2), called('A1', 'g1', 3), called('A2', 'g2', 4)]);
    model.add([issued('A3', 'ec', 30), called('A3', 'g1', 30.2)]);
    expect(model.serviceSamples).toEqual([]);
    // Nobody waits when g1 calls A3; A4 comes during that service and waits until g1 calls it: A3's service lasted until then.
    model.add([issued('A4', 'ec', 33), called('A4', 'g1', 38)]);
    expect(model.serviceSamples.map((s) => [s.counter, s.ms / 60_000])).toEqual([['g1', 7.8]]);
  });

  it('does not count those who leave after every counter of their service has closed as giving up', () => {
    const model = new QueueModel();
    model.add([counter('g1', true, ['ec'], 0), issued('A1', 'ec', 1), issued('A2', 'ec', 2), { type: 'cancelled', ticket: 'A1', at: at(5) }]);
    model.add([counter('g1', false, ['ec'], 10), { type: 'cancelled', ticket: 'A2', at: at(12) }]);
    expect(model.departures.map((d) => d.waitedMs / 60_000)).toEqual([4]);
    expect(model.waiting.size).toBe(0);
  });

  it('keeps each service\'s service times and departures apart, as the whole list has them, through new days and replays', () => {
    const scenario = SCENARIOS.find((s) => s.name === 'mairie')!;
    const model = new QueueModel();
    const byService = (): string =>
      JSON.stringify([...model.services].sort().map((service) => [model.samplesOf(service), model.departuresOf(service), model.serviceSamples.filter((x) => x.service === service), model.departures.filter((x) => x.service === service)]));
    const expectSame = (): void => {
      for (const service of model.services) {
        expect(model.samplesOf(service)).toEqual(model.serviceSamples.filter((x) => x.service === service));
        expect(model.departuresOf(service)).toEqual(model.departures.filter((x) => x.service === service));
      }
    };
    const first = simulateDay(scenario, 1).events;
    for (const event of first) model.add([event]);
    expect(model.samplesOf('etat-civil').length).toBeGreaterThan(20);
    expectSame();
    // Nine days later: the first day falls out of the history kept, from every list.
    const later = simulateDay(scenario, 2).events.map((e) => ({ ...e, at: new Date(Date.parse(e.at) + 9 * 24 * 3_600_000).toISOString() }));
    model.add(later.slice(0, 50));
    expect(model.samplesOf('etat-civil').every((x) => x.at >= Date.parse(later[0]!.at) - 8 * 24 * 3_600_000)).toBe(true);
    expectSame();
    // A late event: the model replays its events, and the lists are rebuilt the same.
    const before = byService();
    model.add([{ ...later[10]!, type: 'cancelled', ticket: 'NOBODY' } as QueueEvent]);
    expect(byService()).toBe(before);
    expectSame();
  });

  it('records a call whose ticket it never saw issued, its service null unless its counter serves one service alone', () => {
    const model = new QueueModel();
    model.add([counter('g1', true, ['ec'], 0), counter('g2', true, ['ec', 'pa'], 0), called('X1', 'g1', 1), called('X2', 'g2', 2), called('X3', 'g9', 3)]);
    expect(model.calls.map((c) => [c.ticket, c.counter, c.service, c.waitedMs])).toEqual([
      ['X1', 'g1', 'ec', null],
      ['X2', 'g2', null, null],
      ['X3', 'g9', null, null],
    ]);
  });

  it('a counter closing without naming its services closes those it served: a service whose counters all closed so is closed, and touched', () => {
    const model = new QueueModel();
    model.add([counter('g1', true, ['ec'], 0), issued('A1', 'ec', 1)]);
    expect(model.closedFor('ec')).toBe(false);
    expect([...model.add([counter('g1', false, [], 2)])]).toEqual(['ec']);
    expect(model.closedFor('ec')).toBe(true);
    expect(estimateWait(model, 'ec')).toBeNull();
  });

  it('a call of a ticket never seen issued (the screen joined later) touches its counter\'s services; a call at a counter never seen, none', () => {
    const model = new QueueModel();
    model.add([counter('g1', true, ['ec'], 0), counter('g2', true, ['ec', 'titres'], 0), issued('A1', 'ec', 1)]);
    expect([...model.add([called('A0', 'g1', 2)])]).toEqual(['ec']);
    expect([...model.add([called('B0', 'g2', 3)])].sort()).toEqual(['ec', 'titres']);
    expect([...model.add([called('C0', 'g9', 4)])]).toEqual([]);
    // One it saw issued: its own service only.
    expect([...model.add([called('A1', 'g2', 5)])]).toEqual(['ec']);
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

  it('keeps its own noise small beside the wait: newcomers issued together, each estimate drawn from its own seed, agree within a few percent', () => {
    // The estimate plays the queue forward a limited number of times (DRAW_BUDGET, MIN_DRAWS): a
    // cheaper estimate is a noisier one. Twenty tickets issued in the same instant have the same
    // people ahead and differ only by their seeds; their spread is the estimator's own.
    for (const scenario of SCENARIOS) {
      for (const cut of [0.3, 0.7]) {
        const day = simulateDay(scenario, 7);
        const events = day.events.slice(0, Math.floor(cut * day.events.length));
        const model = new QueueModel();
        model.add(events);
        const service = scenario.services[0]!.id;
        const now = events.at(-1)!.at;
        model.add(Array.from({ length: 20 }, (_, k): QueueEvent => ({ type: 'issued', ticket: `Z${k}`, service, at: now })));
        const waits = Array.from({ length: 20 }, (_, k) => estimateWait(model, service, `Z${k}`)!.minutes);
        const mean = waits.reduce((a, b) => a + b, 0) / waits.length;
        const sd = Math.sqrt(waits.reduce((a, b) => a + (b - mean) ** 2, 0) / (waits.length - 1));
        expect(mean, `${scenario.name} at ${cut} of the day`).toBeGreaterThan(5);
        expect(sd / mean, `${scenario.name} at ${cut} of the day: the estimates ${waits.join(', ')}`).toBeLessThan(0.035);
      }
    }
  });

  it('draws how long a service under way will last (lognormal, conditioned on what has elapsed)', () => {
    const random = seededRandom(7);
    const meanOf = (elapsed: number): number => Array.from({ length: 20_000 }, () => residualDraw(random, 10, 0.5, elapsed)).reduce((a, b) => a + b, 0) / 20_000;
    // E[S - e | S > e] for a lognormal of mean 10 and log-sd 0.5.
    const exact = (e: number): number => {
      const z = (Math.log(e) - (Math.log(10) - 0.125)) / 0.5;
      return (10 * (1 - normalCdf(z - 0.5))) / (1 - normalCdf(z)) - e;
    };
    expect(meanOf(0)).toBeCloseTo(10, 0);
    expect(Math.abs(meanOf(5) - exact(5)) / exact(5)).toBeLessThan(0.03);
    expect(Math.abs(meanOf(20) - exact(20)) / exact(20)).toBeLessThan(0.05);
    expect(exact(5)).toBeLessThan(10);
  });

  it('has quantiles that invert the normal CDF, and weighted quantiles', () => {
    for (const x of [-3, -1.2816, 0, 0.5, 2.2]) expect(normalQuantile(normalCdf(x))).toBeCloseTo(x, 4);
    const values = [1, 2, 3, 4].map((value) => ({ value, weight: value === 4 ? 3 : 1 }));
    expect(weightedQuantile(values, 0.5)).toBe(3);
    expect(weightedQuantile(values, 0.6)).toBe(4);
    expect(weightedQuantile(values, 0.1)).toBe(1);
  });
});

describe('how people give up', () => {
  // One counter, 10-minute services; each hour 6 tickets, the 6th called and 1 gone without a word.
  const hourOf = (day: number, hour: number, minutes: number): QueueEvent[] => {
    const base = day * 24 * 60 + hour * 60;
    const t = (k: number) => `H${day}-${hour}-${k}`;
    return [
      ...Array.from({ length: 6 }, (_, k) => issued(t(k), 'ec', base + k)),
      ...[0, 1, 2, 3].map((k) => called(t(k), 'g1', base + minutes * (k + 1) / 5)),
      called(t(5), 'g1', base + minutes),
    ];
  };

  it('learns the rate from past days as well as today: an hour when many left moves it, a little', () => {
    const history: QueueEvent[] = [];
    for (let day = -7; day < 0; day++) for (let hour = 0; hour < 9; hour++) history.push(counter('g1', true, ['ec'], day * 24 * 60 + hour * 60), ...hourOf(day, hour, 50));
    // Today's first hour: five of six gone, passed over when the sixth is called.
    const today = [counter('g1', true, ['ec'], 0), ...Array.from({ length: 6 }, (_, k) => issued(`T${k}`, 'ec', k)), called('T5', 'g1', 40)];
    const experienced = new QueueModel();
    experienced.add([...history, ...today]);
    const pastOnly = new QueueModel();
    pastOnly.add(history);
    const past = pastOnly.departures;
    const pastRate = past.filter((d) => d.left).length / past.reduce((sum, d) => sum + (d.left && !d.cancelled ? d.waitedMs / 2 : d.waitedMs), 0);
    const rate = abandonment(experienced, 'ec').rate;
    // A week of one in six gone weighs as a day's worth of waiting (ABANDON_HISTORY_MS) against the hour's.
    expect(rate).toBeGreaterThan(pastRate);
    expect(rate).toBeLessThan(pastRate * 1.6);
    expect(abandonment(experienced, 'ec').weight).toBeLessThanOrEqual(5 + pastRate * ABANDON_HISTORY_MS + 1e-9);
  });
});

describe('what past days teach the estimator', () => {
  const DAY = 24 * 60;
  // One counter, open 8:30-12:00 and 13:30-17:00 (minutes from 8:00 here), serving in 6 minutes.
  const dayOf = (offset: number, lunch: boolean): QueueEvent[] => [
    counter('g1', true, ['ec'], offset + 30),
    ...Array.from({ length: 30 }, (_, k) => [issued(`D${offset}-${k}`, 'ec', offset + 31 + k * 6), called(`D${offset}-${k}`, 'g1', offset + 31 + k * 6), { type: 'done' as const, ticket: `D${offset}-${k}`, at: at(offset + 37 + k * 6) }]).flat(),
    ...(lunch ? [counter('g1', false, ['ec'], offset + 240), counter('g1', true, ['ec'], offset + 330)] : []),
    counter('g1', false, ['ec'], offset + 540),
  ];
  const morningRush = (offset: number): QueueEvent[] => [counter('g1', true, ['ec'], offset + 30), ...Array.from({ length: 6 }, (_, k) => issued(`M${k}`, 'ec', offset + 225 + k * 0.1)), called('M0', 'g1', offset + 225.5)];

  it('expects the counter to close for lunch as it did a week before: a ticket before lunch waits past it', () => {
    const remembers = new QueueModel();
    remembers.add([...dayOf(-7 * DAY, true), ...morningRush(0)]);
    const forgets = new QueueModel();
    forgets.add(morningRush(0));
    // Five people ahead of M5 at 11:45, 6-minute services: 30 minutes with the counter open; with
    // the usual lunch (12:00-13:30), about 15 minutes before it and the rest after.
    expect(estimateWait(forgets, 'ec', 'M5')!.minutes).toBeLessThan(45);
    expect(estimateWait(remembers, 'ec', 'M5')!.minutes).toBeGreaterThan(90);
  });

  it('on a first day, expects a counter closed in the middle of the day back after a lunch hour, and not once it has been closed two hours', () => {
    // Two counters; g1 closes at 12:00 with twenty people waiting (6-minute services, the prior: no service seen yet).
    const model = new QueueModel();
    model.add([counter('g1', true, ['ec'], 0), counter('g2', true, ['ec'], 0), counter('g1', false, ['ec'], 240), ...Array.from({ length: 20 }, (_, i) => issued(`L${i}`, 'ec', 241 + i / 10)), issued('N1', 'ec', 245)]);
    // g2 alone would take about 20 × 6 = 120 minutes; with g1 back at 13:00, 55 minutes from now, about 55 + 11 × 6 / 2 = 88.
    const onBreak = estimateWait(model, 'ec', 'N1')!.minutes;
    expect(onBreak).toBeLessThan(100);
    expect(onBreak).toBeGreaterThan(75);
    // The same queue at 14:05: g1 has not come back in two hours, it has closed for the day.
    const late = new QueueModel();
    late.add([counter('g1', true, ['ec'], 0), counter('g2', true, ['ec'], 0), counter('g1', false, ['ec'], 240), ...Array.from({ length: 20 }, (_, i) => issued(`L${i}`, 'ec', 361 + i / 10)), issued('N1', 'ec', 365)]);
    expect(estimateWait(late, 'ec', 'N1')!.minutes).toBeGreaterThan(105);
  });

  it('starts the day from past days\' service times rather than a guess', () => {
    const slow = (offset: number): QueueEvent[] => [
      counter('g1', true, ['ec'], offset + 30),
      ...Array.from({ length: 20 }, (_, k) => [issued(`S${offset}-${k}`, 'ec', offset + 31 + k * 15), called(`S${offset}-${k}`, 'g1', offset + 31 + k * 15), { type: 'done' as const, ticket: `S${offset}-${k}`, at: at(offset + 46 + k * 15) }]).flat(),
    ];
    const opening = [counter('g1', true, ['ec'], 30), ...Array.from({ length: 4 }, (_, k) => issued(`O${k}`, 'ec', 31 + k * 0.1)), called('O0', 'g1', 31.5)];
    const experienced = new QueueModel();
    experienced.add([...slow(-DAY), ...opening]);
    const fresh = new QueueModel();
    fresh.add(opening);
    // 15-minute services yesterday: three people ahead take about 45 minutes, not 3 x 6.
    expect(estimateWait(experienced, 'ec', 'O3')!.minutes).toBeGreaterThan(35);
    expect(estimateWait(fresh, 'ec', 'O3')!.minutes).toBeLessThan(25);
  });

  it('on a first day, follows the day\'s first services rather than its 6-minute guess (a prior worth three services)', () => {
    // Quick services, 2 minutes each with `done`, from the opening: no past day to go on.
    const quick = [counter('g1', true, ['ec'], 0), ...Array.from({ length: 6 }, (_, k) => [issued(`Q${k}`, 'ec', 1 + k * 2), called(`Q${k}`, 'g1', 1 + k * 2), { type: 'done' as const, ticket: `Q${k}`, at: at(3 + k * 2) }]).flat()];
    const model = new QueueModel();
    model.add(quick);
    const times = serviceTimes(model, 'ec');
    // (6 × 2 + 3 × 6) / 9 ≈ 3.3 min: closer to what the room shows than to the guess.
    expect(times.meanMs / 60_000).toBeCloseTo((6 * 2 + FIXED_PRIOR_WEIGHT * 6) / (6 + FIXED_PRIOR_WEIGHT), 5);
    expect(times.meanMs / 60_000).toBeLessThan(4);
    // Ten people then wait behind one counter: about 10 × 2 minutes, not 10 × 6.
    model.add(Array.from({ length: 10 }, (_, k) => issued(`R${k}`, 'ec', 14 + k * 0.01)));
    expect(estimateWait(model, 'ec', 'R9')!.minutes).toBeLessThan(40);
  });

  it('keeps about a week of history, however long it runs', () => {
    const model = new QueueModel();
    for (let d = 0; d < 20; d++) model.add(dayOf(d * DAY, d % 2 === 0));
    expect(model.pastDays.length).toBeLessThanOrEqual(8);
    const oldest = Math.min(...model.allEvents().map((e) => Date.parse(e.at)));
    // Pruned at each new day: 8 days back from the start of the current one.
    expect(model.now - oldest).toBeLessThanOrEqual(9 * DAY * 60_000);
    // An event older than that is ignored, not replayed into the model.
    expect(model.add([issued('OLD', 'ec', 0)]).size).toBe(0);
  });
});
