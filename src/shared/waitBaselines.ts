import type { QueueModel } from './queueModel.js';
import { SERVICE_TIME_PRIOR_MS } from './waitEstimator.js';

/**
 * The plain predictors a wait estimate is judged against (and which the forecaster also
 * weighs, so that it is never much worse than the best of them in any room):
 * - queue length: the people ahead × the mean service time ÷ the open counters;
 * - last served (LES): the wait of the last person called for the service;
 * - recent waits: the median of the last few realized waits of the service.
 * Each answers minutes, or null when it has nothing to go on.
 */

/** Realized waits the "recent waits" predictor takes the median of. */
export const RECENT_WAITS = 5;

export function openCountersOf(model: QueueModel, service: string): number {
  let open = 0;
  for (const counter of model.counters.values()) if (counter.open && counter.services.includes(service)) open++;
  return open;
}

/** Plain mean of the service times seen (no shrinkage), else the prior. */
export function meanServiceMs(model: QueueModel, service: string): number {
  let sum = 0;
  let n = 0;
  for (const sample of model.samplesOf(service)) {
    sum += sample.ms;
    n++;
  }
  return n > 0 ? sum / n : SERVICE_TIME_PRIOR_MS;
}

/** People waiting for `service` before the newcomer (`ticket`, when it is one already issued). */
export function peopleAhead(model: QueueModel, service: string, ticket?: string): number {
  const issuedAt = ticket ? model.waitingTicket(ticket)?.issuedAt : undefined;
  let ahead = 0;
  for (const t of model.waiting.values()) if (t.service === service && t.ticket !== ticket && (issuedAt === undefined || t.issuedAt <= issuedAt)) ahead++;
  return ahead;
}

export function queueLengthWait(model: QueueModel, service: string, ticket?: string): number {
  return (peopleAhead(model, service, ticket) * meanServiceMs(model, service)) / 60_000 / Math.max(1, openCountersOf(model, service));
}

/** The realized waits of the service's calls today, most recent last. */
function realizedWaits(model: QueueModel, service: string, count: number): number[] {
  const out: number[] = [];
  for (let k = model.calls.length - 1; k >= 0 && out.length < count; k--) {
    const call = model.calls[k]!;
    if (call.service === service && call.waitedMs !== null && call.at >= model.today.start) out.push(call.waitedMs / 60_000);
  }
  return out.reverse();
}

export function lastServedWait(model: QueueModel, service: string): number | null {
  return realizedWaits(model, service, 1)[0] ?? null;
}

export function recentWaitsMedian(model: QueueModel, service: string): number | null {
  const waits = realizedWaits(model, service, RECENT_WAITS).sort((a, b) => a - b);
  if (waits.length === 0) return null;
  const mid = waits.length >> 1;
  return waits.length % 2 ? waits[mid]! : (waits[mid - 1]! + waits[mid]!) / 2;
}
