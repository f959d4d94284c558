import { lognormalDraw as lognormal, seededRandom } from '../src/shared/lognormal.js';
import type { QueueEvent } from '../src/shared/queue.js';

/**
 * A discrete-event simulation of a waiting room's day: time-varying arrivals per service,
 * counters opening and closing on a schedule (some shared by services), lognormal service
 * times, people who give up (some saying so: `cancelled`, some not), systems that send or
 * never send `done`. Seeded: the same seed gives the same day. It answers the protocol events
 * and each ticket's true wait.
 */

export interface Scenario {
  name: string;
  /** Local day start, as a UTC instant (the simulation is in minutes from it). */
  day: number;
  services: {
    id: string;
    serviceMeanMin: number;
    serviceSigma: number;
    arrivalsPerHour: (minute: number) => number;
    /** A service time in minutes of another shape than lognormal(mean, sigma). */
    draw?: (random: () => number) => number;
  }[];
  counters: { id: string; services: string[]; open: [number, number][] }[];
  patienceMeanMin: number;
  /** Share of people giving up who tell the ticket machine. */
  cancelShare: number;
  sendsDone: boolean;
  /** Counters whose opening and closing the system never announces (only their calls show them). */
  unannounced?: string[];
  /** Events that reach the screen late (out of order, up to `lateMaxMin`) or twice. */
  noise?: { lateShare: number; lateMaxMin: number; duplicateShare: number };
}

export interface SimulatedDay {
  events: QueueEvent[];
  /** The true wait (issue to call) of each ticket that was called, in minutes. */
  waits: Map<string, number>;
}

interface Customer {
  ticket: string;
  service: string;
  arrival: number;
  patience: number;
  gone: boolean;
}

export function simulateDay(scenario: Scenario, seed: number): SimulatedDay {
  const random = seededRandom(seed);
  const events: { at: number; event: Omit<QueueEvent, 'at'> }[] = [];
  const waits = new Map<string, number>();
  const emit = (at: number, event: Omit<QueueEvent, 'at'>): void => void events.push({ at, event });

  // Arrivals: a non-homogeneous Poisson process per service, by thinning, over the day.
  const customers: Customer[] = [];
  let number = 0;
  for (const service of scenario.services) {
    const peak = Math.max(...Array.from({ length: 24 * 60 }, (_, m) => service.arrivalsPerHour(m)));
    if (peak <= 0) continue;
    let t = 0;
    while (t < 24 * 60) {
      t += (-Math.log(1 - random()) * 60) / peak;
      if (t < 24 * 60 && random() < service.arrivalsPerHour(t) / peak) {
        customers.push({ ticket: `${service.id.slice(0, 1).toUpperCase()}${String(++number).padStart(3, '0')}`, service: service.id, arrival: t, patience: -Math.log(1 - random()) * scenario.patienceMeanMin, gone: false });
      }
    }
  }
  customers.sort((a, b) => a.arrival - b.arrival);
  for (const c of customers) emit(c.arrival, { type: 'issued', ticket: c.ticket, service: c.service } as Omit<QueueEvent, 'at'>);

  // Counters: each free and open counter calls the longest-waiting ticket among its services.
  interface CounterRun {
    id: string;
    services: string[];
    open: [number, number][];
    freeAt: number;
  }
  const counters: CounterRun[] = scenario.counters.map((c) => ({ ...c, freeAt: 0 }));
  for (const c of counters) for (const [from, to] of c.open) {
    if (scenario.unannounced?.includes(c.id)) continue;
    emit(from, { type: 'counter', counter: c.id, open: true, services: c.services } as Omit<QueueEvent, 'at'>);
    emit(to, { type: 'counter', counter: c.id, open: false, services: c.services } as Omit<QueueEvent, 'at'>);
  }
  const serviceOf = new Map(scenario.services.map((s) => [s.id, s]));
  const waiting: Customer[] = [];
  let next = 0;
  const isOpen = (c: CounterRun, t: number): boolean => c.open.some(([from, to]) => t >= from && t < to);
  const step = 0.05; // minutes
  for (let t = 0; t < 24 * 60; t += step) {
    while (next < customers.length && customers[next]!.arrival <= t) waiting.push(customers[next++]!);
    // People give up when their patience runs out.
    for (const c of waiting) {
      if (!c.gone && t - c.arrival > c.patience) {
        c.gone = true;
        if (random() < scenario.cancelShare) emit(t, { type: 'cancelled', ticket: c.ticket } as Omit<QueueEvent, 'at'>);
      }
    }
    for (let k = waiting.length - 1; k >= 0; k--) if (waiting[k]!.gone) waiting.splice(k, 1);
    for (const counter of counters) {
      if (counter.freeAt > t || !isOpen(counter, t)) continue;
      const index = waiting.findIndex((c) => counter.services.includes(c.service));
      if (index < 0) continue;
      const [customer] = waiting.splice(index, 1);
      const service = serviceOf.get(customer!.service)!;
      const duration = service.draw ? service.draw(random) : lognormal(random, service.serviceMeanMin, service.serviceSigma);
      emit(t, { type: 'called', ticket: customer!.ticket, counter: counter.id } as Omit<QueueEvent, 'at'>);
      waits.set(customer!.ticket, t - customer!.arrival);
      counter.freeAt = t + duration;
      if (scenario.sendsDone) emit(t + duration, { type: 'done', ticket: customer!.ticket } as Omit<QueueEvent, 'at'>);
    }
  }
  events.sort((a, b) => a.at - b.at);
  const stamped = events.map(({ at, event }) => ({ ...event, at: new Date(scenario.day + Math.round(at * 60_000)).toISOString() }) as QueueEvent);
  if (!scenario.noise) return { events: stamped, waits };
  // Delivery: some events arrive later than others that happened after them, some twice.
  const noise = scenario.noise;
  const delivered = stamped.flatMap((event) => {
    const arrival = Date.parse(event.at) + (random() < noise.lateShare ? random() * noise.lateMaxMin * 60_000 : 0);
    return random() < noise.duplicateShare ? [{ arrival, event }, { arrival: arrival + random() * 300_000, event }] : [{ arrival, event }];
  });
  delivered.sort((a, b) => a.arrival - b.arrival);
  return { events: delivered.map((d) => d.event), waits };
}

const DAY = Date.UTC(2026, 11, 1, 0);
/** Arrivals between `from` and `to` (minutes), with an early peak. */
function hours(from: number, to: number, perHour: number, peak = 1.6): (minute: number) => number {
  return (m) => (m < from || m >= to ? 0 : perHour * (1 + (peak - 1) * Math.exp(-((m - from - 45) ** 2) / (2 * 40 ** 2))));
}
const H = (h: number, m = 0): number => h * 60 + m;

export const SCENARIOS: Scenario[] = [
  {
    name: 'mairie',
    day: DAY,
    services: [
      { id: 'etat-civil', serviceMeanMin: 6, serviceSigma: 0.5, arrivalsPerHour: (m) => hours(H(8, 30), H(12), 22)(m) + hours(H(13, 30), H(16, 45), 18)(m) },
      { id: 'passeports', serviceMeanMin: 12, serviceSigma: 0.4, arrivalsPerHour: (m) => hours(H(8, 30), H(12), 9)(m) + hours(H(13, 30), H(16, 45), 7)(m) },
    ],
    counters: [
      { id: 'g1', services: ['etat-civil'], open: [[H(8, 30), H(12, 15)], [H(13, 30), H(17, 30)]] },
      { id: 'g2', services: ['etat-civil'], open: [[H(8, 30), H(12, 15)], [H(14), H(17, 30)]] },
      { id: 'g3', services: ['passeports'], open: [[H(8, 30), H(12, 15)], [H(13, 30), H(17, 30)]] },
      { id: 'g4', services: ['etat-civil', 'passeports'], open: [[H(9), H(12, 15)], [H(13, 30), H(17, 30)]] },
    ],
    patienceMeanMin: 90,
    cancelShare: 0.8,
    sendsDone: true,
  },
  {
    name: 'clinique',
    day: DAY,
    services: [
      { id: 'consultation', serviceMeanMin: 10, serviceSigma: 0.6, arrivalsPerHour: hours(H(8), H(18, 30), 14, 1.3) },
      { id: 'prelevement', serviceMeanMin: 4, serviceSigma: 0.5, arrivalsPerHour: hours(H(7, 30), H(11), 28, 2) },
    ],
    counters: [
      { id: 'box1', services: ['consultation'], open: [[H(8), H(12)], [H(13), H(19)]] },
      { id: 'box2', services: ['consultation'], open: [[H(8), H(13)], [H(14), H(19)]] },
      { id: 'box3', services: ['consultation', 'prelevement'], open: [[H(7, 30), H(19)]] },
      { id: 'labo', services: ['prelevement'], open: [[H(7, 30), H(11, 30)]] },
    ],
    patienceMeanMin: 120,
    cancelShare: 0.5,
    sendsDone: false,
  },
  {
    name: 'prefecture',
    day: DAY,
    services: [
      { id: 'titres-sejour', serviceMeanMin: 14, serviceSigma: 0.5, arrivalsPerHour: hours(H(9), H(15, 30), 19, 2.2) },
      { id: 'permis', serviceMeanMin: 8, serviceSigma: 0.5, arrivalsPerHour: hours(H(9), H(15, 30), 10, 1.5) },
    ],
    counters: [
      { id: 'p1', services: ['titres-sejour'], open: [[H(9), H(12, 30)], [H(13, 30), H(16)]] },
      { id: 'p2', services: ['titres-sejour', 'permis'], open: [[H(9), H(16)]] },
      { id: 'p3', services: ['titres-sejour', 'permis'], open: [[H(9), H(12)], [H(13), H(16)]] },
    ],
    patienceMeanMin: 75,
    cancelShare: 0.6,
    sendsDone: true,
  },
];
