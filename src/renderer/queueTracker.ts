import type { QueueEvent, WaitEstimate } from '../shared/queue.js';
import { QueueEvent as QueueEventSchema } from '../shared/queue.js';
import { eventKey, HISTORY_MS } from '../shared/queueModel.js';
import { onWire, WaitForecaster, type ForecastEstimate } from '../shared/waitForecast.js';
import type { PlayerDb } from './db.js';
import { DisposableStore, type Disposable } from './disposables.js';
import { Listeners } from './listeners.js';

/**
 * The site's queue on this screen: the ticket events from the hub kept in IndexedDB for a week
 * and a day (a restart mid-day rebuilds the same queue, and past days teach the estimator the
 * counters' hours and service times), the live estimates for the scheduler and the queue board,
 * and the estimates reported through the outbox (after each `queue` message, and every minute
 * per service while there is queue data).
 */

export const REPORT_EVERY_MS = 60_000;
/**
 * Each `queue` message's estimation time (the forecaster's estimates of the services it touched,
 * and the board's), as a user-timing measure: `npm run bench -- wait-cost` reads it in the page,
 * DevTools show it. Cleared every MEASURES_KEPT messages, so that months of messages keep none
 * (an observer still sees every one).
 */
export const ESTIMATION_MEASURE = 'antichambre:queue-estimation';
const MEASURES_KEPT = 1_000;

export interface ServiceBoard {
  service: string;
  /** null: no estimate (all its counters closed, or no data). */
  estimate: WaitEstimate | null;
  /** False when realized waits keep falling outside the range lately: the board says the wait is unavailable. */
  trusted: boolean;
  closed: boolean;
}

/** A ticket called to a counter, for its service. */
export interface BoardCall {
  ticket: string;
  counter: string;
  /** Null when it cannot be told (the ticket's issue was not seen): shown and announced on every board. */
  service: string | null;
  at: number;
}

export interface BoardView {
  /** The last calls, newest first. */
  calls: BoardCall[];
  services: Map<string, ServiceBoard>;
}

export class QueueTracker implements Disposable {
  /** The queue model, and the range it calibrates from the waits realized since this page started. */
  private readonly forecaster = new WaitForecaster();
  private get model() {
    return this.forecaster.model;
  }
  private view: BoardView = { calls: [], services: new Map() };
  private readonly listeners = new Listeners();
  /** The estimates' report every REPORT_EVERY_MS: disposed with the tracker. */
  private readonly owned = new DisposableStore();
  private measured = 0;
  /** This screen's clock when the latest events were applied: the queue's time runs on from its latest event by the time elapsed here since (robust to a screen clock set apart from the ticket system's). */
  private appliedAt = Date.now();
  /** Called after estimates were queued for the hub. */
  onReport: () => void = () => {};
  /** The calls a `queue` message newly applied (never those already known: the hub resends recent events on each connection), in `at` order. */
  onCalled: (calls: BoardCall[]) => void = () => {};

  constructor(private readonly db: PlayerDb) {}

  subscribe = this.listeners.subscribe;
  getView = (): BoardView => this.view;

  async init(): Promise<void> {
    const stored = await this.db.queueEvents.toArray();
    const events = stored.flatMap((row) => {
      const parsed = QueueEventSchema.safeParse(row.event);
      return parsed.success ? [parsed.data] : [];
    });
    const latest = Math.max(...events.map((e) => Date.parse(e.at)));
    const kept = events.filter((e) => latest - Date.parse(e.at) <= HISTORY_MS);
    if (kept.length < stored.length) {
      const keep = new Set(kept.map(eventKey));
      await this.db.queueEvents.bulkDelete(stored.filter((row) => !keep.has(row.key)).map((row) => row.key));
    }
    // Rebuilt without learning (a day's thousand estimates would delay the first item): the range
    // starts wide again after a restart and narrows as the next calls come.
    this.forecaster.add(kept, false);
    this.refresh();
    this.owned.interval(() => void this.reportAll(), REPORT_EVERY_MS);
  }

  dispose(): void {
    this.owned.dispose();
  }

  /** A `queue` message: stored, applied, estimates reported for the services it touched. */
  async receive(events: QueueEvent[]): Promise<void> {
    // The hub sends the recent events again after each (re)connection: only new ones are written and estimated.
    const fresh = events.filter((event) => !this.model.knows(event));
    if (fresh.length === 0) return;
    await this.db.queueEvents.bulkPut(fresh.map((event) => ({ key: eventKey(event), at: event.at, event })));
    const days = this.model.pastDays.length;
    const started = performance.now();
    const { estimates, touched, forecasts } = this.forecaster.receive(fresh);
    this.appliedAt = Date.now();
    const estimatedMs = performance.now() - started;
    // A new day: what the model no longer keeps leaves the disk too (a screen runs for months).
    if (this.model.pastDays.length !== days) await this.db.queueEvents.where('at').below(new Date(this.model.now - HISTORY_MS).toISOString()).delete();
    await this.report(estimates);
    const refreshed = performance.now();
    this.view = this.boardView({ touched, forecasts });
    this.measure(estimatedMs + performance.now() - refreshed);
    this.listeners.notify();
    const called = this.callsOf(fresh);
    if (called.length > 0) this.onCalled(called);
  }

  private measure(durationMs: number): void {
    if (++this.measured % MEASURES_KEPT === 0) performance.clearMeasures(ESTIMATION_MEASURE);
    const end = performance.now();
    performance.measure(ESTIMATION_MEASURE, { start: end - durationMs, end });
  }

  /** The calls the model made of these `called` events (with their service), in `at` order. */
  private callsOf(events: QueueEvent[]): BoardCall[] {
    const wanted = new Set(events.flatMap((e) => (e.type === 'called' ? [`${e.ticket}\u0000${e.counter}\u0000${Date.parse(e.at)}`] : [])));
    if (wanted.size === 0) return [];
    const found: BoardCall[] = [];
    for (let i = this.model.calls.length - 1; i >= 0 && found.length < wanted.size; i--) {
      const call = this.model.calls[i]!;
      if (wanted.has(`${call.ticket}\u0000${call.counter}\u0000${call.at}`)) found.push({ ticket: call.ticket, counter: call.counter, service: call.service, at: call.at });
    }
    return found.sort((a, b) => a.at - b.at);
  }

  /** §3 `audience`: the mean number of people waiting over [start, end) (undefined without queue data). */
  audienceOf = (start: number, end: number): number | undefined => {
    this.forgetStale();
    return this.forecaster.waiting.meanOver(start, end);
  };

  /** Tickets waiting more than 4 hours leave the queue as the time passes, not only at the next event. */
  private forgetStale(): void {
    if (this.model.now === -Infinity) return;
    this.forecaster.forgetStale(this.model.now + Math.max(0, Date.now() - this.appliedAt));
  }

  /** Current estimates in minutes by service, for `when.waitMinutes`. */
  waits(): Record<string, number> {
    const waits: Record<string, number> = {};
    for (const [service, board] of this.view.services) if (board.estimate) waits[service] = board.estimate.minutes;
    return waits;
  }

  /**
   * Every minute (§4): each service's estimate, on the board and to the hub. Estimates are as of
   * event time: with no event since, it is as of the last one (the same `asOf`, and the same figures
   * unless tickets waiting 4 hours have left the queue meanwhile).
   */
  private async reportAll(): Promise<void> {
    this.forgetStale();
    this.refresh();
    await this.report([...this.view.services.values()].flatMap((board) => (board.estimate ? [board.estimate] : [])));
  }

  private async report(estimates: WaitEstimate[]): Promise<void> {
    if (estimates.length === 0) return;
    await this.db.waitOutbox.bulkAdd(estimates.map((estimate) => ({ estimate })));
    this.onReport();
  }

  private refresh(): void {
    this.view = this.boardView();
    this.listeners.notify();
  }

  /**
   * Each service's estimate now, and the last calls. After a `queue` message (`fresh`), only the
   * services it touched are estimated again (reusing the message's own estimates: the board shows
   * what was sent, also the estimate for a ticket just issued, §4); the others' queues have
   * not changed, and the minute's refresh brings their estimates up to date. An estimate plays the
   * queue forward 30 to 300 times (waitEstimator.ts): three services estimated on each of a busy day's thousands
   * of messages were most of the page's work.
   */
  private boardView(fresh?: { touched: Set<string>; forecasts: readonly ForecastEstimate[] }): BoardView {
    const services = new Map<string, ServiceBoard>();
    for (const service of this.model.services) {
      const previous = this.view.services.get(service);
      if (fresh && previous && !fresh.touched.has(service)) {
        services.set(service, previous);
        continue;
      }
      const estimate = fresh?.forecasts.find((e) => e.service === service) ?? this.forecaster.current(service);
      services.set(service, { service, estimate: estimate && onWire(estimate), trusted: estimate?.trusted ?? true, closed: this.model.closedFor(service) });
    }
    const calls = this.model.calls.slice(-12).reverse().map((call) => ({ ticket: call.ticket, counter: call.counter, service: call.service, at: call.at }));
    return { calls, services };
  }
}
