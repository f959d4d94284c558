import { toUtcTime } from './ids.js';
import type { QueueEvent, WaitEstimate } from './queue.js';
import type { QueueModel } from './queueModel.js';

/**
 * The expected wait of someone taking a ticket for `service` now, as of the model's event
 * time, with an 80 % interval (protocol §4).
 *
 * A queue-length-based predictor for multi-server queues, after Ibrahim & Whitt, "Real-time
 * delay estimation based on delay history" (MSOM 11(3), 2009) and "Wait-time predictors for
 * customer service systems with time-varying demand and capacity" (Operations Research 59(5),
 * 2011): with n people ahead, s counters serving the service and a mean service time m, the
 * newcomer is called after about n + 1 - (idle counters) departures, each coming at rate s/m,
 * so the wait is Gamma(k, m/s) distributed (the QL predictor; Erlang when exponential). Their
 * results: such predictors beat "the last customer to enter service" (LES) whenever the number
 * of servers and the service rate are known; we estimate both from the events:
 * - m from recent service times (`done` - `called`, or the gap to the same counter's next call
 *   when people were waiting: systems that never send `done`), shrunk towards a prior;
 * - s as the open counters that serve the service, a counter shared by several services
 *   counting for the share of the waiting people that are this service's;
 * - people ahead who leave: the recent share of cancellations (QL with abandonment, Whitt 2011).
 * The interval is the Gamma's 10 % and 90 % quantiles, widened by the uncertainty of m.
 */

export const SERVICE_TIME_PRIOR_MS = 6 * 60_000;
/** Weight of the prior, in samples. */
export const PRIOR_WEIGHT = 3;
/** Service times considered: the most recent ones. */
export const SERVICE_SAMPLES = 20;
export const RECENT_MS = 60 * 60_000;

const Z90 = 1.2815515655446004;
/**
 * Variance of the wait relative to a Gamma with one stage per service ahead per counter,
 * calibrated on `npm run bench:wait` (three kinds of waiting rooms, five days each): when the
 * system sends `done` (counters' states known), when it does not, and per expected departure
 * of people giving up during the wait.
 */
export const SPREAD_KNOWN = 0.2;
export const SPREAD_GUESSED = 0.8;
export const ABANDON_SPREAD = 3;

/** Quantile of Gamma(shape, scale) by Wilson–Hilferty (good to a few % for shape ≥ 1). */
export function gammaQuantile(shape: number, scale: number, z: number): number {
  const c = 1 / (9 * shape);
  return shape * scale * Math.max(0, 1 - c + z * Math.sqrt(c)) ** 3;
}

export interface ServiceTimes {
  meanMs: number;
  samples: number;
}

/** Mean service time of `service`, from its recent services (shrunk towards the prior when they are few). */
export function serviceTimes(model: QueueModel, service: string): ServiceTimes {
  const samples = model.serviceSamples.filter((s) => s.service === service && model.now - s.at <= RECENT_MS * 3).slice(-SERVICE_SAMPLES);
  const sum = samples.reduce((total, s) => total + s.ms, 0);
  return { meanMs: (sum + SERVICE_TIME_PRIOR_MS * PRIOR_WEIGHT) / (samples.length + PRIOR_WEIGHT), samples: samples.length };
}

/** People giving up, per waiting person and per ms, for `service` (recent cancellations over the time people spent waiting). */
export function abandonmentRate(model: QueueModel, service: string): number {
  let left = 0;
  let exposure = 0;
  for (const d of model.departures) {
    if (d.service !== service || model.now - d.at > RECENT_MS * 2) continue;
    exposure += d.waitedMs;
    if (d.left) left++;
  }
  for (const t of model.waiting.values()) if (t.service === service) exposure += model.now - t.issuedAt;
  return exposure > 0 ? left / exposure : 0;
}

/** Log-sd assumed for service times (lognormal): how much they vary around their mean. */
export const SERVICE_SIGMA = 0.5;

/** Standard normal CDF (Abramowitz & Stegun 7.1.26, error < 1.5e-7). */
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/** E[S - e | S > e] for a lognormal service time S of mean `mean`: how much longer a service that has lasted `elapsed` will last. */
export function meanResidual(mean: number, sigma: number, elapsed: number): number {
  if (elapsed <= 0) return mean;
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  const z = (Math.log(elapsed) - mu) / sigma;
  const survival = 1 - normalCdf(z);
  if (survival < 1e-9) return mean * 0.1;
  return Math.max(mean * 0.05, (mean * (1 - normalCdf(z - sigma))) / survival - elapsed);
}

/** E[(S - e)+]: the remaining service time when it is not known whether the service is still going on. */
export function expectedRemaining(mean: number, sigma: number, elapsed: number): number {
  if (elapsed <= 0) return mean;
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  const z = (Math.log(elapsed) - mu) / sigma;
  return Math.max(0, mean * (1 - normalCdf(z - sigma)) - elapsed * (1 - normalCdf(z)));
}

function minutes(ms: number): number {
  return Math.round(ms / 6_000) / 10;
}

/**
 * The estimate for `service`, or null when it has none (all its counters are known to be
 * closed). `ticket`: the newcomer is that ticket (an estimate as of its `issued` event).
 */
export function estimateWait(model: QueueModel, service: string, ticket?: string): WaitEstimate | null {
  const serving = [...model.counters.values()].filter((c) => c.services.includes(service));
  const open = serving.filter((c) => c.open);
  if (serving.length > 0 && open.length === 0) return null;
  if (!model.services.has(service)) return null;

  const issuedAt = ticket ? model.waitingTicket(ticket)?.issuedAt : undefined;
  // Everyone waiting before the newcomer, in the order they were issued.
  const ahead = [...model.waiting.values()]
    .filter((t) => t.ticket !== ticket && (issuedAt === undefined || t.issuedAt <= issuedAt))
    .sort((a, b) => a.issuedAt - b.issuedAt);
  const queueLength = ahead.filter((t) => t.service === service).length + (ticket && issuedAt !== undefined ? 1 : 0);
  const times = serviceTimes(model, service);

  const asOf = toUtcTime(model.now);
  const theta = abandonmentRate(model, service);

  // The counters that may call this service's tickets, and when each is next free: a busy one
  // after the rest of its current service (its mean less what has elapsed), a free one now.
  interface Desk {
    services: readonly string[];
    free: number;
  }
  const desks: Desk[] = [];
  for (const counter of model.counters.values()) {
    if (!counter.open) continue;
    const current = counter.servingService ? serviceTimes(model, counter.servingService).meanMs : times.meanMs;
    const elapsed = model.now - counter.calledAt;
    // With `done` events a serving counter is surely busy; without, it may have finished already.
    const free = counter.serving === null ? 0 : model.sendsDone ? meanResidual(current, SERVICE_SIGMA, elapsed) : expectedRemaining(current, SERVICE_SIGMA, elapsed);
    desks.push({ services: counter.services, free });
  }
  if (open.length === 0) {
    const recent = new Set(model.calls.filter((c) => c.service === service && model.now - c.at <= RECENT_MS).map((c) => c.counter));
    for (let k = 0; k < Math.max(1, recent.size); k++) desks.push({ services: [service], free: times.meanMs / 2 });
  }

  // Play the queue forward, deterministically: tickets in the order they were issued (up to the
  // newcomer), each to the eligible counter free first, which then serves it for its service's
  // mean time, weighted by the chance that the person is still there (abandonment at rate theta).
  const meanOf = new Map<string, number>();
  const mean = (s: string): number => meanOf.get(s) ?? (meanOf.set(s, serviceTimes(model, s).meanMs), meanOf.get(s)!);
  const eligible = (s: string): Desk[] => desks.filter((d) => d.services.includes(s));
  let stages = 0;
  for (const t of ahead) {
    const candidates = eligible(t.service);
    if (candidates.length === 0) continue;
    const desk = candidates.reduce((a, b) => (b.free < a.free ? b : a));
    const stays = Math.exp(-theta * (desk.free + model.now - t.issuedAt));
    desk.free += stays * mean(t.service);
    if (t.service === service) stages += stays;
  }
  const mine = eligible(service);
  const wait = mine.length > 0 ? Math.min(...mine.map((d) => d.free)) : 0;
  if (wait <= 0) return { service, asOf, minutes: 0, low: 0, high: minutes(times.meanMs / 2), queueLength, openCounters: open.length };
  // The spread: the wait is a sum of about (people ahead / counters + 1) service times, each known
  // only through an estimated mean; a Gamma with that many stages, calibrated on simulated days.
  // Wider when counters' states are guessed (no `done`) and when many may leave meanwhile.
  const shape = (stages / Math.max(1, mine.length) + 1) / ((model.sendsDone ? SPREAD_KNOWN : SPREAD_GUESSED) * (1 + ABANDON_SPREAD * theta * wait));
  const scale = wait / shape;
  const low = gammaQuantile(shape, scale, -Z90);
  const high = gammaQuantile(shape, scale, Z90);
  return { service, asOf, minutes: minutes(wait), low: minutes(Math.min(low, wait)), high: minutes(Math.max(high, wait)), queueLength, openCounters: open.length };
}

/**
 * The estimates to report after a `queue` message (protocol §4): one per service it touched,
 * as of the latest event; for the service of a final `issued` event, that very ticket's wait.
 */
export function estimatesAfter(model: QueueModel, events: readonly QueueEvent[], touched: Iterable<string>): WaitEstimate[] {
  let last: QueueEvent | undefined;
  for (const event of events) if (!last || Date.parse(event.at) >= Date.parse(last.at)) last = event;
  const out: WaitEstimate[] = [];
  for (const service of touched) {
    const newcomer = last?.type === 'issued' && last.service === service && model.waitingTicket(last.ticket) ? last.ticket : undefined;
    const estimate = estimateWait(model, service, newcomer);
    if (estimate) out.push(estimate);
  }
  return out;
}
