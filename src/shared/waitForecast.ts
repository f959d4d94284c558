import { toUtcTime } from './ids.js';
import type { QueueEvent, WaitEstimate } from './queue.js';
import { WaitingHistory } from './audience.js';
import { QueueModel } from './queueModel.js';
import { estimateWait } from './waitEstimator.js';

/**
 * Wait estimates whose range means what it says, corrected from what the room shows: each
 * ticket's realized wait is seen when it is called, and used the same day.
 *
 * The point estimate is the queue model's (`waitEstimator.ts`). An online combination of it with
 * the plain predictors (queue length, last served, recent waits; exponentially weighted
 * aggregation with a prior, weighted median) was measured on 125 held-out random rooms
 * (bench/waitRooms.ts) and on the named scenarios: no better on average (MAE ratio to the best
 * baseline 0.89 against the model's 0.88 on a first day, 0.85 against 0.83 with history) and
 * worse at the clinic (4.64 min against 3.73), so the model's estimate is shown as it is.
 *
 * The 80 % interval is calibrated online by adaptive conformal inference (Gibbs & Candès,
 * "Adaptive Conformal Inference Under Distribution Shift", NeurIPS 2021): the interval is the
 * estimate ± the empirical (1 - αₜ) quantile of recent absolute scaled residuals, and αₜ moves
 * after each realized wait, αₜ₊₁ = αₜ + γ(α - errₜ), so that the long-run miscoverage tends to
 * α = 20 % whatever the room's shape. Residuals are scaled by (estimate + SCALE_OFFSET_MIN): longer
 * waits err more. A ticket still waiting past its interval's upper end counts as a miss at once
 * (censored feedback: where waits are long, the interval would otherwise learn of its misses an
 * hour late). Until a service has MIN_RESIDUALS realized waits, the residuals of all the screen's
 * services stand in; before any, the interval is the queue model's own, widened (an honest cold
 * start rather than a confident one). Where realized waits keep falling outside the range, the
 * estimate is flagged as not trusted and the board says the wait is unavailable.
 */

/** The target miscoverage of the interval (80 %). */
export const ALPHA = 0.2;
/** ACI step. */
export const ACI_STEP = 0.02;
export const MIN_RESIDUALS = 12;
/**
 * Realized waits the interval is drawn from: the last hour or two of a busy service. A window of
 * 200 (most of a day) kept an overloaded morning's large errors in the afternoon's intervals,
 * when the queue only drains and the model is close: the prefecture's afternoon ranges covered
 * every wait (87 % over the day). Chosen on the tuning rooms and named scenarios (bench:wait
 * --tuning): 60 brought the prefecture to 84 % and kept the tuning classes at 78-82 %; a larger
 * ACI step (0.05) instead changed nothing there.
 */
export const RESIDUAL_WINDOW = 60;
export const SCALE_OFFSET_MIN = 5;
/** Outcomes looked at for the board's "is this estimate trustworthy" check, and the coverage under which it is not. */
export const TRUST_WINDOW = 20;
export const TRUST_MIN_COVERAGE = 0.5;

interface Pending {
  service: string;
  /** Ticket numbers start again every day: the prediction is for the ticket issued then. */
  issuedAt: number;
  estimate: number;
  low: number;
  high: number;
  /** Already counted as a miss: still waiting past `high` (censored feedback, see `missesSoFar`). */
  missed: boolean;
}

interface ServiceLearning {
  /** ACI's current miscoverage level. */
  alpha: number;
  /** Scaled residuals (realized - estimate) / (estimate + offset), most recent last. */
  residuals: number[];
  /** 1 per realized wait inside its interval, 0 outside, most recent last. */
  covered: number[];
}

function newLearning(): ServiceLearning {
  return { alpha: ALPHA, residuals: [], covered: [] };
}

function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const position = Math.min(sorted.length - 1, Math.max(0, p * (sorted.length - 1)));
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (position - lo);
}

/** The estimate as the protocol sends it (§4), without what the forecaster keeps for itself. */
export function onWire(estimate: ForecastEstimate): WaitEstimate {
  const { service, asOf, minutes, low, high, queueLength, openCounters } = estimate;
  return { service, asOf, minutes, low, high, queueLength, openCounters };
}

const round = (minutes: number): number => Math.round(minutes * 10) / 10;

export interface ForecastEstimate extends WaitEstimate {
  /** The newcomer the estimate is for, when it is as of that ticket's `issued` event. */
  ticket?: string;
  /** False when the estimate has not held lately (coverage far below 80 %): the board says "unavailable" rather than a wrong number. */
  trusted: boolean;
}

export class WaitForecaster {
  readonly model: QueueModel;
  /** People waiting over time, for impressions' `audience` (§3). */
  readonly waiting = new WaitingHistory();
  private readonly pending = new Map<string, Pending>();
  private readonly learning = new Map<string, ServiceLearning>();
  private readonly pooled: number[] = [];
  /**
   * By service, the estimate a `queue` message sent for the ticket just issued (§4: an estimate as
   * of an `issued` event predicts that very ticket's wait): the board's and the minute's report,
   * as long as no other event came (the model's `version`), so that one service has one estimate as of one instant.
   */
  private readonly newcomers = new Map<string, { version: number; estimate: ForecastEstimate }>();

  constructor(model?: QueueModel) {
    this.model = model ?? new QueueModel();
  }

  /**
   * Applies events (any order, repeats ignored) and learns from the realized waits they show.
   * With `learn`, every newly issued ticket is predicted as of its own `issued` event (so its
   * wait, once called, teaches the interval); answers the services touched, and those estimates.
   */
  add(events: readonly QueueEvent[], learn = true): { touched: Set<string>; issued: ForecastEstimate[] } {
    const touched = new Set<string>();
    const issued: ForecastEstimate[] = [];
    const fresh = events.filter((event) => !this.model.knows(event)).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    for (const event of fresh) {
      for (const service of this.model.add([event])) touched.add(service);
      this.waiting.record(this.model.now, this.model.waiting.size);
      if (event.type === 'called') {
        this.learnFrom(event.ticket);
        this.passedOver(this.model.calls.at(-1)?.service ?? undefined);
      } else if (event.type === 'cancelled') this.left(event.ticket);
      else if (learn && event.type === 'issued' && this.model.now === Date.parse(event.at) && this.model.waitingTicket(event.ticket)) {
        const estimate = this.estimate(event.service, event.ticket);
        if (estimate) issued.push({ ...estimate, ticket: event.ticket });
      }
    }
    this.missesSoFar();
    // Tickets passed over, or gone with a new day, never get a realized wait.
    if (this.pending.size > 500) for (const ticket of this.pending.keys()) if (!this.model.waitingTicket(ticket)) this.pending.delete(ticket);
    return { touched, issued };
  }

  /**
   * A `queue` message (§4): its events applied, then one estimate per service it touched, as of its
   * latest event; for a service whose latest event is an `issued`, the estimate of that very ticket.
   */
  receive(events: readonly QueueEvent[]): { touched: Set<string>; estimates: WaitEstimate[]; forecasts: ForecastEstimate[] } {
    const { touched, issued } = this.add(events);
    let last: QueueEvent | undefined;
    for (const event of events) if (!last || Date.parse(event.at) >= Date.parse(last.at)) last = event;
    const forecasts: ForecastEstimate[] = [];
    for (const service of touched) {
      const newcomer = last?.type === 'issued' && last.service === service ? issued.find((e) => e.ticket === last.ticket) : undefined;
      if (newcomer) this.newcomers.set(service, { version: this.model.version, estimate: newcomer });
      const estimate = newcomer ?? this.estimate(service);
      if (estimate) forecasts.push(estimate);
    }
    return { touched, estimates: forecasts.map(onWire), forecasts };
  }

  /** Tickets past their 4 hours as of `at` (the queue's time) leave the queue and the audience, each at the moment it aged out. */
  forgetStale(at: number): void {
    let count = this.model.waiting.size;
    const left = this.model.forgetStale(at);
    for (const moment of left) this.waiting.record(moment, --count);
  }

  /** The service's estimate as of now, as the board shows it and the minute reports it: the last message's, when its latest event issued a ticket of it. */
  current(service: string): ForecastEstimate | null {
    const newcomer = this.newcomers.get(service);
    return newcomer && newcomer.version === this.model.version ? newcomer.estimate : this.estimate(service);
  }

  /** The estimate for `service` now (for the newcomer `ticket` when given); null when the service is closed. */
  estimate(service: string, ticket?: string): ForecastEstimate | null {
    const base = estimateWait(this.model, service, ticket);
    if (!base) return null;
    const estimate = base.minutes;
    const learning = this.learning.get(service) ?? newLearning();
    const residuals = learning.residuals.length >= MIN_RESIDUALS ? learning.residuals : this.pooled.length >= MIN_RESIDUALS ? this.pooled : null;
    let low: number;
    let high: number;
    if (residuals) {
      const alpha = Math.min(0.9, Math.max(0.01, learning.alpha));
      const scale = estimate + SCALE_OFFSET_MIN;
      // Symmetric in the scaled residual: a morning whose first waits all ran long (the model's prior
      // service times) must not leave the interval's low end above the estimate for the rest of the day.
      const q = quantile(residuals.map(Math.abs).sort((a, b) => a - b), 1 - alpha);
      low = Math.max(0, estimate - q * scale);
      high = Math.max(low + 1, estimate + q * scale);
    } else {
      // Nothing realized yet: the model's own interval, widened.
      low = Math.min(base.low, estimate * 0.5);
      high = Math.max(base.high, estimate * 1.6 + SCALE_OFFSET_MIN);
    }
    const issuedAt = ticket ? this.model.waitingTicket(ticket)?.issuedAt : undefined;
    if (ticket && issuedAt !== undefined && this.pending.get(ticket)?.issuedAt !== issuedAt) this.pending.set(ticket, { service, issuedAt, estimate, low, high, missed: false });
    const covered = learning.covered.slice(-TRUST_WINDOW);
    const trusted = covered.length < TRUST_WINDOW / 2 || covered.reduce((a, b) => a + b, 0) / covered.length >= TRUST_MIN_COVERAGE;
    return {
      service,
      asOf: toUtcTime(this.model.now),
      minutes: round(estimate),
      low: round(Math.min(low, estimate)),
      high: round(Math.max(high, estimate)),
      queueLength: base.queueLength,
      openCounters: base.openCounters,
      trusted,
    };
  }

  /** The realized coverage of the interval for `service` over its last outcomes (null before any). */
  coverage(service: string): number | null {
    const covered = this.learning.get(service)?.covered ?? [];
    return covered.length === 0 ? null : covered.reduce((a, b) => a + b, 0) / covered.length;
  }

  /**
   * A ticket still waiting past its interval's upper end is a miss already: counted now, not an
   * hour later at its call. Where waits are long (an overloaded prefecture) the interval would
   * otherwise learn of its misses only after dozens more tickets were given it.
   */
  private missesSoFar(): void {
    for (const [ticket, prediction] of this.pending) {
      if (prediction.missed || this.model.now - prediction.issuedAt <= prediction.high * 60_000 || this.model.waitingTicket(ticket)?.issuedAt !== prediction.issuedAt) continue;
      prediction.missed = true;
      this.recordCoverage(this.learningOf(prediction.service), 0);
    }
  }

  /**
   * Someone who gave up (said so, or was passed over by a later ticket of the service) has no
   * realized wait: the range is judged on the waits of those who are called, which is what it
   * estimates (the queue model weighs its draws by the chance of still being there). A miss
   * counted while they still waited (`missesSoFar`) is taken back: where many leave without a
   * word, as in an overloaded prefecture, those provisional misses widened the range of the
   * ones who stay.
   */
  private left(ticket: string): void {
    const prediction = this.pending.get(ticket);
    if (!prediction) return;
    this.pending.delete(ticket);
    if (!prediction.missed) return;
    const learning = this.learningOf(prediction.service);
    learning.alpha -= ACI_STEP * (ALPHA - 1);
    const miss = learning.covered.lastIndexOf(0);
    if (miss >= 0) learning.covered.splice(miss, 1);
  }

  /** Tickets of `service` predicted and no longer waiting, yet not called: passed over, gone. */
  private passedOver(service: string | undefined): void {
    if (service === undefined) return;
    for (const [ticket, prediction] of this.pending) {
      if (prediction.service === service && this.model.waitingTicket(ticket)?.issuedAt !== prediction.issuedAt) this.left(ticket);
    }
  }

  private learningOf(service: string): ServiceLearning {
    let learning = this.learning.get(service);
    if (!learning) this.learning.set(service, (learning = newLearning()));
    return learning;
  }

  private recordCoverage(learning: ServiceLearning, inside: 0 | 1): void {
    learning.alpha += ACI_STEP * (ALPHA - (1 - inside));
    learning.covered.push(inside);
    if (learning.covered.length > RESIDUAL_WINDOW) learning.covered.shift();
  }

  private learnFrom(ticket: string): void {
    const prediction = this.pending.get(ticket);
    if (!prediction) return;
    this.pending.delete(ticket);
    const call = this.model.calls.at(-1);
    if (!call || call.ticket !== ticket || call.waitedMs === null || call.at - call.waitedMs !== prediction.issuedAt) return;
    const realized = call.waitedMs / 60_000;
    const learning = this.learningOf(prediction.service);
    if (!prediction.missed) this.recordCoverage(learning, realized >= prediction.low && realized <= prediction.high ? 1 : 0);
    const residual = (realized - prediction.estimate) / (prediction.estimate + SCALE_OFFSET_MIN);
    for (const list of [learning.residuals, this.pooled]) {
      list.push(residual);
      if (list.length > RESIDUAL_WINDOW) list.shift();
    }
  }
}
