import { lognormalDraw, seededRandom } from '../src/shared/lognormal.js';
import type { Scenario } from './waitSim.js';

/**
 * Random waiting rooms, for judging the wait estimator on rooms it was not shaped on: services,
 * counters and their hours (lunch closures, staggered, shared counters), arrival profiles,
 * service times of different shapes and spreads, people giving up with or without saying so,
 * systems that never send `done`, counters opened without notice, events arriving late or twice.
 * A room is a seed: `room(seed)` is its day; `room(seed, 'last-week')` the same room on the same
 * weekday a week before, which differs as real weeks do (arrivals, a changed lunch hour).
 *
 * Seeds: TUNING_SEEDS may be looked at while choosing settings; HELD_OUT_SEEDS never are (the
 * figures that count are theirs).
 */

export const ROOM_CLASSES = ['guichet', 'mairie', 'clinique', 'prefecture', 'bruitee'] as const;
export type RoomClass = (typeof ROOM_CLASSES)[number];

/** 20 rooms per class: 100 tuning rooms (seeds 1-20 until issue 16's second pass, 21-100 added then to choose on more than four rooms a class). */
export const TUNING_SEEDS = Array.from({ length: 100 }, (_, i) => i + 1);
/** 25 rooms per class: 125 held-out rooms. */
export const HELD_OUT_SEEDS = Array.from({ length: 125 }, (_, i) => 100_001 + i);

export function classOf(seed: number): RoomClass {
  return ROOM_CLASSES[seed % ROOM_CLASSES.length]!;
}

const DAY = Date.UTC(2026, 11, 1, 0);
const WEEK_MS = 7 * 24 * 3_600_000;
const H = (h: number, m = 0): number => h * 60 + m;

type Shape = (random: () => number) => number;

/** A service-time draw of one of several shapes, with the given mean in minutes. */
function serviceShape(random: () => number, mean: number): { draw: Shape; sigma: number; label: string } {
  const kind = Math.floor(random() * 5);
  switch (kind) {
    case 0: {
      const sigma = 0.2 + random() * 0.8;
      return { draw: (r) => lognormalDraw(r, mean, sigma), sigma, label: `lognormal σ ${sigma.toFixed(1)}` };
    }
    case 1:
      return { draw: (r) => -Math.log(1 - r()) * mean, sigma: 0.8, label: 'exponential' };
    case 2: {
      // Erlang-3: a steadier job.
      return { draw: (r) => (-Math.log(1 - r()) - Math.log(1 - r()) - Math.log(1 - r())) * (mean / 3), sigma: 0.55, label: 'erlang-3' };
    }
    case 3: {
      // Two kinds of visit: quick ones and long ones.
      const quick = mean * 0.35;
      const long = mean * 2.5;
      const p = (long - mean) / (long - quick);
      return { draw: (r) => lognormalDraw(r, r() < p ? quick : long, 0.3), sigma: 0.9, label: 'bimodal' };
    }
    default:
      return { draw: (r) => mean * (0.5 + r()), sigma: 0.3, label: 'uniform' };
  }
}

/** Arrivals per hour over the day's minutes: opening hours with one of several profiles. */
function arrivals(random: () => number, open: [number, number][], perHour: number): (m: number) => number {
  const profile = Math.floor(random() * 4);
  const peakAt = random();
  return (m) => {
    const window = open.find(([from, to]) => m >= from && m < to - 20);
    if (!window) return 0;
    const x = (m - window[0]) / (window[1] - window[0]);
    switch (profile) {
      case 0:
        return perHour;
      case 1:
        return perHour * (0.6 + 1.4 * Math.exp(-((x - 0.15) ** 2) / 0.02));
      case 2:
        return perHour * (0.5 + 1.2 * Math.exp(-((x - peakAt) ** 2) / 0.03));
      default:
        return perHour * (0.4 + 1.2 * x);
    }
  };
}

export function room(seed: number, day: 'today' | 'last-week' = 'today'): Scenario {
  const cls = classOf(seed);
  // The room's structure comes from the seed; the week's differences from a second stream.
  const random = seededRandom(seed * 7919 + 17);
  const week = seededRandom(seed * 104_729 + (day === 'today' ? 1 : 2));
  const serviceCount = cls === 'guichet' ? 1 : 1 + Math.floor(random() * 3);
  const counterCount = cls === 'guichet' ? 1 + Math.floor(random() * 2) : 2 + Math.floor(random() * 4);
  const opens = H(8) + Math.floor(random() * 6) * 15;
  const closes = opens + H(6) + Math.floor(random() * 16) * 15;
  const lunch = cls !== 'clinique' && random() < 0.7;
  // Last week's lunch may have been at another time: history can mislead.
  const lunchShift = day === 'last-week' && week() < 0.3 ? (week() < 0.5 ? -30 : 30) : 0;
  const lunchAt = H(12) + Math.floor(random() * 5) * 15 + lunchShift;
  const lunchLength = 45 + Math.floor(random() * 4) * 15;
  const services = Array.from({ length: serviceCount }, (_, i) => ({ id: `s${i + 1}`, mean: 3 + random() * (cls === 'prefecture' ? 18 : 12) }));
  const counters = Array.from({ length: counterCount }, (_, k) => {
    const shared = services.length > 1 && random() < 0.3;
    const own = services[k % services.length]!.id;
    const serves = shared ? services.map((s) => s.id) : [own];
    // Staggered lunches keep some counters open.
    const stagger = lunch && random() < 0.5 ? Math.floor(random() * 3) * 30 : 0;
    const open: [number, number][] = lunch
      ? [
          [opens + (random() < 0.2 ? 30 : 0), lunchAt + stagger],
          [lunchAt + stagger + lunchLength, closes],
        ]
      : [[opens, closes]];
    return { id: `g${k + 1}`, services: serves, open };
  });
  const load = cls === 'prefecture' ? 0.95 + random() * 0.3 : 0.55 + random() * 0.4;
  const weekFactor = day === 'today' ? 1 : 0.8 + week() * 0.4;
  const siteOpen: [number, number][] = lunch ? [[opens, lunchAt], [lunchAt + lunchLength, closes]] : [[opens, closes]];
  const scenarioServices = services.map((s) => {
    const servers = counters.reduce((n, c) => n + (c.services.includes(s.id) ? 1 / c.services.length : 0), 0);
    const perHour = (load * weekFactor * Math.max(0.5, servers) * 60) / s.mean;
    const shape = serviceShape(random, s.mean);
    return { id: s.id, serviceMeanMin: s.mean, serviceSigma: shape.sigma, draw: shape.draw, arrivalsPerHour: arrivals(random, siteOpen, perHour) };
  });
  const unannounced = cls === 'bruitee' ? counters.filter(() => random() < 0.4).map((c) => c.id) : [];
  return {
    name: `${cls}-${seed}`,
    day: day === 'today' ? DAY : DAY - WEEK_MS,
    services: scenarioServices,
    counters,
    patienceMeanMin: cls === 'prefecture' ? 40 + random() * 60 : 60 + random() * 120,
    cancelShare: random() < 0.3 ? 0 : random(),
    sendsDone: cls === 'clinique' ? false : random() < 0.6,
    ...(unannounced.length ? { unannounced } : {}),
    ...(cls === 'bruitee' ? { noise: { lateShare: 0.05 + random() * 0.1, lateMaxMin: 3, duplicateShare: 0.05 } } : {}),
  };
}
