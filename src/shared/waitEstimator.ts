import { firstDayWindows, openWindows, referenceDay } from './counterHours.js';
import { toUtcTime } from './ids.js';
import { lognormalDraw, normalDraw, residualSampler, seededRandom, seedOf, weightedQuantile, type Weighted } from './lognormal.js';
import type { QueueEvent, WaitEstimate } from './queue.js';
import type { QueueModel, Ticket } from './queueModel.js';

/**
 * The wait of someone taking a ticket for `service` now, as of the model's event time: the
 * median of its distribution (what makes the mean absolute error smallest) with an 80 %
 * interval (protocol §4).
 *
 * A queue-length-based predictor for multi-server queues, after Ibrahim & Whitt, "Real-time
 * delay estimation based on delay history" (MSOM 11(3), 2009) and "Wait-time predictors for
 * customer service systems with time-varying demand and capacity" (Operations Research 59(5),
 * 2011): the people ahead, the counters that serve them and the service rate predict the wait
 * better than "the last customer to enter service" (LES) whenever the counters and service
 * times are known, and with time-varying capacity the counters to come must be used, not only
 * those open now. As in Senderovich et al., "Queue mining for delay prediction in multi-class
 * service processes" (Information Systems 53, 2015), the queue is played forward from the
 * state the events show, here a few hundred times with drawn service times (a small seeded
 * simulation, so the same events give the same answer on a screen and in a replay):
 * - the people ahead in the order they were issued, each to the counter that can call them
 *   first among those serving their service (shared counters included), each staying with the
 *   chance that they have not given up by then (abandonment rate from the day's departures:
 *   QL with abandonment, Whitt 2011);
 * - service times lognormal, mean and spread from recent ones (`done` - `called`, or the gap
 *   to the same counter's next call when people were waiting: systems that never send `done`),
 *   shrunk towards past days' (or a prior), the mean's own uncertainty drawn too;
 * - a busy counter finishing after the rest of a service that has lasted this long (without
 *   `done` and with nobody waiting, it may be idle already);
 * - counters' hours foretold from a past day (`counterHours.ts`): closing for lunch, reopening;
 *   on a first day, a counter that closed in the middle of the day back after a lunch hour.
 */

export const SERVICE_TIME_PRIOR_MS = 6 * 60_000;
/** Log-sd assumed for service times when there are too few to measure it. */
export const SERVICE_SIGMA = 0.5;
/**
 * Weight of the prior (past days' mean, or the fixed one), in samples: service times change
 * slowly, so the last hours' (up to SERVICE_SAMPLES) count for little more than the past days'.
 */
export const PRIOR_WEIGHT = 30;
/**
 * Weight of the fixed prior (SERVICE_TIME_PRIOR_MS), in samples, when no past day says what
 * services take: a screen's first day. Rooms' mean service times range from 3 to 20 minutes, so
 * the prior is a guess worth three services: the day's first ones outweigh it (a Bayesian update
 * of the mean with a prior of 3 pseudo-samples at 6 min). At 30, like PRIOR_WEIGHT, it held the
 * morning's estimates near 6 min for hours: on 100 tuning rooms' first days the MAE ratio to the
 * better baseline was 0.90 at 30, 0.86 at 10, 0.85 at 3, 0.88 at 1 (bench:wait --tuning).
 */
export const FIXED_PRIOR_WEIGHT = 3;
/** Service times considered: the most recent ones. */
export const SERVICE_SAMPLES = 50;
/** Older service times (earlier today beyond the recent window, past days) needed to stand in for the fixed prior. */
export const HISTORY_SAMPLES = 10;
export const RECENT_MS = 60 * 60_000;
/** A free counter still takes a moment to call: the interval reaches at least this far. */
export const CALL_DELAY_MS = 60_000;
/** Simulated continuations of the queue per estimate. */
export const DRAWS = 300;
/**
 * Fewer continuations where many people are ahead (at least MIN_DRAWS): a continuation's work
 * grows with the people ahead, and a long queue's wait is a sum of many service times, less
 * spread than a short one's. Continuations × (people ahead + 1) stay within DRAW_BUDGET, so that
 * an estimate costs about as much with 100 people ahead as with 10 (bench wait-cost: a `queue`
 * message of a 2,000-ticket day, each message's estimation under 5 ms at the 99th percentile).
 *
 * Chosen on the tuning rooms and the named scenarios (`npm run bench:wait -- --tuning`), with the
 * estimator's draws seeded three ways to see their own noise (2026-12-04): the mean MAE ratio to
 * the better baseline was 0.842 to 0.843 (first day) and 0.804 to 0.807 (with last week) at a
 * budget of 6,000 and MIN_DRAWS 50, the same at 3,000 and 30 (0.842 to 0.843, 0.804 to 0.807),
 * coverage and the named scenarios' MAE unchanged; the estimates of a large prefecture's day move
 * from one message to the next by 4.8 % on average instead of 4.3 %, and the day's estimation
 * takes 43 % less time. Up to 99 people ahead the budget sets the continuations (150 or more up
 * to 19 ahead; earlier, 100 draws everywhere cost 0.01 of MAE ratio, 150 nothing); beyond, 30,
 * where a long queue's median is off by about 1.25 × 7 % / √30 ≈ 1.6 % of the wait (its spread is
 * mostly the service mean's uncertainty, some ±7 % after 50 services).
 */
export const MIN_DRAWS = 30;
export const DRAW_BUDGET = 3_000;

export interface ServiceTimes {
  meanMs: number;
  /** Log-sd of the service times. */
  sigma: number;
  /** Weight of evidence behind the mean, in samples (its uncertainty shrinks with it). */
  weight: number;
}

function logSd(values: readonly number[]): number {
  const logs = values.filter((v) => v > 0).map(Math.log);
  const m = logs.reduce((a, b) => a + b, 0) / logs.length;
  return Math.sqrt(logs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, logs.length - 1));
}

/**
 * Service times of `service`: the recent ones, shrunk towards what earlier ones took (past
 * days: the morning's first estimates need not start from a guess), or towards the fixed prior.
 */
export function serviceTimes(model: QueueModel, service: string): ServiceTimes {
  const all = model.samplesOf(service);
  const recentFrom = all.findIndex((s) => model.now - s.at <= RECENT_MS * 3);
  const older = recentFrom < 0 ? all : all.slice(0, recentFrom);
  const samples = (recentFrom < 0 ? [] : all.slice(recentFrom)).slice(-SERVICE_SAMPLES).map((s) => s.ms);
  const history = older.slice(-SERVICE_SAMPLES * 5).map((s) => s.ms);
  const known = history.length >= HISTORY_SAMPLES;
  const prior = known ? history.reduce((total, ms) => total + ms, 0) / history.length : SERVICE_TIME_PRIOR_MS;
  const sum = samples.reduce((total, ms) => total + ms, 0);
  const measured = [...history, ...samples];
  const sigma = measured.length >= HISTORY_SAMPLES ? (logSd(measured) * measured.length + SERVICE_SIGMA * PRIOR_WEIGHT) / (measured.length + PRIOR_WEIGHT) : SERVICE_SIGMA;
  const priorWeight = known ? PRIOR_WEIGHT : FIXED_PRIOR_WEIGHT;
  return { meanMs: (sum + prior * priorWeight) / (samples.length + priorWeight), sigma, weight: samples.length + (known ? history.length : FIXED_PRIOR_WEIGHT) };
}

/**
 * Waiting time (person x ms) behind the prior rate of giving up: with less history than this,
 * the day's own departures are shrunk towards nobody leaving with this weight; with more, towards
 * past days' rate, weighing as their waiting time up to ABANDON_HISTORY_MS (about a busy day's:
 * a week of departures is a steadier measure than one morning's handful).
 */
export const ABANDON_PRIOR_MS = 10 * 3_600_000;
export const ABANDON_HISTORY_MS = 80 * 3_600_000;

export interface Abandonment {
  /** People giving up, per waiting person and per ms. */
  rate: number;
  /** Share of them who say so (`cancelled`); the others stay on the list until passed over. */
  cancelShare: number;
  /** Departures behind the rate, in people (its uncertainty shrinks with them). */
  weight: number;
}

/**
 * How people give up waiting for `service`: recent departures (left over the time people spent
 * waiting, theirs and that of those still waiting), shrunk towards past days' rate.
 */
export function abandonment(model: QueueModel, service: string): Abandonment {
  let left = 0;
  let exposure = 0;
  let pastLeft = 0;
  let pastExposure = 0;
  let cancelled = 0;
  let leftAll = 0;
  for (const d of model.departuresOf(service)) {
    if (d.cancelled) cancelled++;
    if (d.left) leftAll++;
    // Someone found gone when passed over left at some time before: half-way, on average.
    const waited = d.left && !d.cancelled ? d.waitedMs / 2 : d.waitedMs;
    if (model.now - d.at > RECENT_MS * 2) {
      pastExposure += waited;
      if (d.left) pastLeft++;
      continue;
    }
    exposure += waited;
    if (d.left) left++;
  }
  for (const t of model.waiting.values()) if (t.service === service) exposure += model.now - t.issuedAt;
  const known = pastExposure >= ABANDON_PRIOR_MS;
  const prior = known ? pastLeft / pastExposure : 0;
  const priorExposure = known ? Math.min(pastExposure, ABANDON_HISTORY_MS) : ABANDON_PRIOR_MS;
  return { rate: (left + prior * priorExposure) / (exposure + priorExposure), cancelShare: leftAll > 0 ? cancelled / leftAll : 0, weight: left + prior * priorExposure };
}

function minutes(ms: number): number {
  return Math.round(ms / 6_000) / 10;
}

/** A counter as the queue is played forward. */
interface Desk {
  services: readonly string[];
  /** When it can call, [from, to) instants ascending. */
  windows: [number, number][];
  /** When it is next free, drawn for each continuation. */
  firstFree(random: () => number): number;
}

/** The indices of the desks serving each service, in desk order (looked up once per estimate, not per ticket and draw). */
function desksByService(desks: readonly Desk[]): Map<string, number[]> {
  const by = new Map<string, number[]>();
  for (let k = 0; k < desks.length; k++) {
    for (const service of new Set(desks[k]!.services)) {
      let list = by.get(service);
      if (!list) by.set(service, (list = []));
      list.push(k);
    }
  }
  return by;
}

const NO_DESK: readonly number[] = [];

/**
 * What the continuations need of each service among the people ahead (and the newcomer's,
 * index 0), looked up once per estimate rather than per ticket and continuation.
 */
interface Services {
  /** Mean service time (ms) and its log-sd, and the weight of evidence behind the mean (its square root). */
  meanMs: Float64Array;
  sigma: Float64Array;
  sqrtWeight: Float64Array;
  /** Rate of giving up (per waiting person and ms), whether any is known (else nobody gives up), and the square root of its weight + 1. */
  goneRate: Float64Array;
  goneKnown: Uint8Array;
  sqrtGoneWeight: Float64Array;
  /** 1 - the share of those giving up who say so. */
  silentShare: Float64Array;
}

/** The people ahead as the continuations read them: their service's index, when they were issued, how long they have waited. */
interface Ahead {
  service: Int32Array;
  issuedAt: Float64Array;
  waitedMs: Float64Array;
  /** The desks that can call each, in desk order. */
  desks: (readonly number[])[];
}


/**
 * Plays the queue forward `runs` times: when the newcomer is called (its waits, sorted). Per continuation, each service's mean service time and rate of giving up are drawn
 * from what is known of them (first when met); the people ahead go in order, each to the
 * counter that can call them first among theirs (the first in desk order on a tie), staying
 * with the chance that they have not given up by then, then held there for a drawn service
 * time. Written as one loop over typed arrays (each counter's next call time kept as it changes,
 * its opening windows flattened, each service's counters looked up once): a 2,000-ticket day's
 * page plays a hundred people ahead fifty times per estimate, on every `queue` message.
 * The draws are taken in a fixed order (the counters' first free times, then per person: the
 * chance of staying, their service's mean and rate when first met in the continuation, the
 * service time), so that the same events give the same estimate everywhere.
 */
function playForward(desks: readonly Desk[], ahead: Ahead, services: Services, serving: readonly number[], now: number, runs: number, random: () => number): Weighted[] {
  const { meanMs: timesMean, sigma: timesSigma, sqrtWeight, goneRate, goneKnown, sqrtGoneWeight, silentShare } = services;
  const count = timesMean.length;
  const drawnIn = new Int32Array(count).fill(-1);
  const meanMs = new Float64Array(count);
  const rate = new Float64Array(count);
  /** log(mean) - σ²/2: a lognormal draw is exp(mu + σ z). */
  const mu = new Float64Array(count);
  // Every desk's windows in two flat arrays, desk k's from windowStart[k] to windowStart[k + 1].
  const windowStart = new Int32Array(desks.length + 1);
  for (let k = 0; k < desks.length; k++) windowStart[k + 1] = windowStart[k]! + desks[k]!.windows.length;
  const windowFrom = new Float64Array(windowStart[desks.length]!);
  const windowTo = new Float64Array(windowStart[desks.length]!);
  for (let k = 0, w = 0; k < desks.length; k++) for (const [from, to] of desks[k]!.windows) (windowFrom[w] = from), (windowTo[w++] = to);
  /** The first instant from `free` on when desk `k` is open. */
  const openFrom = (k: number, free: number): number => {
    for (let w = windowStart[k]!, end = windowStart[k + 1]!; w < end; w++) if (windowTo[w]! > free) return Math.max(windowFrom[w]!, free);
    return Infinity;
  };
  /** Service `s`'s mean service time and rate of giving up in continuation `run` (drawn when first met in it). */
  const drawService = (s: number, run: number): void => {
    drawnIn[s] = run;
    meanMs[s] = timesMean[s]! * Math.exp((normalDraw(random) * timesSigma[s]!) / sqrtWeight[s]!);
    rate[s] = goneKnown[s] ? goneRate[s]! * Math.exp(normalDraw(random) / sqrtGoneWeight[s]!) : 0;
    mu[s] = Math.log(meanMs[s]!) - (timesSigma[s]! * timesSigma[s]!) / 2;
  };
  const free = new Float64Array(desks.length);
  const nextCall = new Float64Array(desks.length);
  const people = ahead.desks.length;
  const servingDesks = Int32Array.from(serving);
  const newcomer: Weighted[] = [];
  for (let run = 0; run < runs; run++) {
    for (let k = 0; k < desks.length; k++) {
      free[k] = desks[k]!.firstFree(random);
      nextCall[k] = openFrom(k, free[k]!);
    }
    for (let i = 0; i < people; i++) {
      // The first counter that can call them (the first in desk order on a tie), or none.
      const candidates = ahead.desks[i]!;
      let best = -1;
      let bestAt = Infinity;
      for (let j = 0; j < candidates.length; j++) {
        const k = candidates[j]!;
        if (nextCall[k]! < bestAt) {
          best = k;
          bestAt = nextCall[k]!;
        }
      }
      if (best < 0) continue;
      const u = random();
      const s = ahead.service[i]!;
      if (drawnIn[s] !== run) drawService(s, run);
      const r = rate[s]!;
      // The chance that they are there when called: some on the list are gone already without a
      // word (those who say so are off it). Nobody gives up (r = 0): they are.
      if (r !== 0) {
        const present = Math.exp(-r * ahead.waitedMs[i]!);
        if (!(u < Math.exp(-r * (bestAt - ahead.issuedAt[i]!)) / (present + (1 - present) * silentShare[s]!))) continue;
      }
      free[best] = bestAt + Math.exp(mu[s]! + timesSigma[s]! * normalDraw(random));
      nextCall[best] = openFrom(best, free[best]!);
    }
    let call = Infinity;
    for (let j = 0; j < servingDesks.length; j++) call = Math.min(call, nextCall[servingDesks[j]!]!);
    const wait = call - now;
    if (drawnIn[0] !== run) drawService(0, run);
    // Weighted by the chance that the newcomer is still there to be called: the waits of those
    // who are called, which is what a realized wait measures.
    newcomer.push({ value: wait, weight: Math.exp(-rate[0]! * wait) });
  }
  return newcomer.sort((a, b) => a.value - b.value);
}

/** An estimate from a continuation's waits (minutes, with the 80 % interval). */
function fromWaits(waits: readonly Weighted[], base: Omit<WaitEstimate, 'minutes' | 'low' | 'high'>): WaitEstimate {
  return {
    ...base,
    minutes: minutes(weightedQuantile(waits, 0.5)),
    low: minutes(weightedQuantile(waits, 0.1)),
    high: minutes(Math.max(weightedQuantile(waits, 0.9), CALL_DELAY_MS)),
  };
}

const finite = (waits: readonly Weighted[]): boolean => Number.isFinite(waits.at(-1)!.value);

/**
 * The estimate for `service`, or null when it has none (all its counters are known to be
 * closed). `ticket`: the newcomer is that ticket (an estimate as of its `issued` event).
 */
export function estimateWait(model: QueueModel, service: string, ticket?: string): WaitEstimate | null {
  if (model.closedFor(service) || !model.services.has(service)) return null;
  const open = [...model.counters.values()].filter((c) => c.open && c.services.includes(service));

  const now = model.now;
  const issuedAt = ticket ? model.waitingTicket(ticket)?.issuedAt : undefined;
  // Everyone waiting before the newcomer, in the order they were issued.
  const ahead = [...model.waiting.values()]
    .filter((t) => t.ticket !== ticket && (issuedAt === undefined || t.issuedAt <= issuedAt))
    .sort((a, b) => a.issuedAt - b.issuedAt);
  const queueLength = ahead.filter((t) => t.service === service).length + (ticket && issuedAt !== undefined ? 1 : 0);
  const timesOf = new Map<string, ServiceTimes>();
  const times = (s: string): ServiceTimes => timesOf.get(s) ?? (timesOf.set(s, serviceTimes(model, s)), timesOf.get(s)!);

  const reference = referenceDay(model);
  const desks: Desk[] = [];
  for (const id of new Set([...model.counters.keys(), ...(reference?.hours.counters.keys() ?? [])])) {
    const counter = model.counters.get(id);
    const usual = reference?.hours.counters.get(id);
    const windows = reference ? openWindows(now, counter, usual?.open, reference.shift) : firstDayWindows(now, counter, model.today.counters.get(id));
    if (windows.length === 0) continue;
    let firstFree: Desk['firstFree'] = () => now;
    if (counter?.open && counter.serving !== null) {
      const current = times(counter.servingService ?? service);
      const elapsed = now - counter.calledAt;
      // With `done` events a serving counter is surely busy; without, it is too when people wait
      // for it (a free counter would have called them), else it may have finished already.
      let busy = model.sendsDone;
      if (!busy) for (const t of model.waiting.values()) if (t.issuedAt < now && counter.services.includes(t.service)) busy = true;
      const residual = residualSampler(current.meanMs, current.sigma, elapsed);
      firstFree = busy ? (random) => now + residual(random) : (random) => now + Math.max(0, lognormalDraw(random, current.meanMs, current.sigma) - elapsed);
    }
    desks.push({ services: counter?.services ?? usual!.services, windows, firstFree });
  }
  if (open.length === 0) {
    // Calls seen for the service but no counter known to serve it: as many as called lately, busy.
    const recent = new Set(model.calls.filter((c) => c.service === service && now - c.at <= RECENT_MS).map((c) => c.counter));
    for (let k = 0; k < Math.max(1, recent.size); k++) desks.push({ services: [service], windows: [[now, Infinity]], firstFree: (random) => now + random() * times(service).meanMs });
  }

  // The services met: the newcomer's first.
  const index = new Map<string, number>([[service, 0]]);
  for (const t of ahead) if (!index.has(t.service)) index.set(t.service, index.size);
  const met = [...index.keys()].map((s) => ({ t: times(s), g: abandonment(model, s) }));
  const services: Services = {
    meanMs: Float64Array.from(met, ({ t }) => t.meanMs),
    sigma: Float64Array.from(met, ({ t }) => t.sigma),
    sqrtWeight: Float64Array.from(met, ({ t }) => Math.sqrt(t.weight)),
    goneRate: Float64Array.from(met, ({ g }) => g.rate),
    goneKnown: Uint8Array.from(met, ({ g }) => (g.weight > 0 ? 1 : 0)),
    sqrtGoneWeight: Float64Array.from(met, ({ g }) => Math.sqrt(g.weight + 1)),
    silentShare: Float64Array.from(met, ({ g }) => 1 - g.cancelShare),
  };
  const people = {
    service: Int32Array.from(ahead, (t) => index.get(t.service)!),
    issuedAt: Float64Array.from(ahead, (t) => t.issuedAt),
    waitedMs: Float64Array.from(ahead, (t) => now - t.issuedAt),
  };
  const random = seededRandom(seedOf(`${service}|${ticket ?? ''}|${now}`));
  const runs = Math.max(MIN_DRAWS, Math.min(DRAWS, Math.ceil(DRAW_BUDGET / (ahead.length + 1))));
  const play = (runDesks: readonly Desk[]): Weighted[] => {
    const byService = desksByService(runDesks);
    return playForward(runDesks, { ...people, desks: ahead.map((t) => byService.get(t.service) ?? NO_DESK) }, services, byService.get(service) ?? NO_DESK, now, runs, random);
  };
  let draws = play(desks);
  // Counters' usual hours that would leave the newcomer uncalled today: they are taken as staying open.
  if (!finite(draws)) draws = play(desks.map((d) => ({ ...d, windows: [...d.windows.slice(0, -1), [d.windows.at(-1)![0], Infinity]] })));
  const base = { service, asOf: toUtcTime(now), queueLength, openCounters: open.length };
  return fromWaits(draws, base);
}
