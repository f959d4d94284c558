import type { QueueEvent } from './queue.js';

/**
 * A site's queue rebuilt from its ticket events (protocol §4), as of event time: who waits
 * for which service, which counters are open and for what, who was called when. Events are
 * applied in `at` order; an exact repeat is ignored; a late event (older than the last one
 * applied) makes the model replay its events in order. Plain data in, plain data out: the
 * player keeps the events in IndexedDB and rebuilds this after a restart.
 */

/** A ticket older than this that was never called nor cancelled is taken as gone (people leave without a word). */
export const STALE_TICKET_MS = 4 * 3_600_000;
/** A gap this long between two events starts a new day: the queue starts empty. */
export const NEW_DAY_GAP_MS = 6 * 3_600_000;
/** Past days kept (events, service times, counters' hours): a week and a day, so that last week's same day is there. */
export const HISTORY_MS = 8 * 24 * 3_600_000;
/**
 * A free counter calls someone who waits within this: a ticket called this long after it was
 * issued was waiting when the counter's previous service ended, so that service lasted until the call.
 */
export const CALL_SLACK_MS = 30_000;

export interface Ticket {
  ticket: string;
  service: string;
  issuedAt: number;
}

export interface Call {
  ticket: string;
  /** Null when the ticket's issue was not seen and its counter serves several services, or none known. */
  service: string | null;
  counter: string;
  at: number;
  /** How long this ticket waited, when its issue was seen. */
  waitedMs: number | null;
}

export interface Counter {
  open: boolean;
  services: string[];
  since: number;
  /** The ticket at the counter, until `done` or the counter's next call, and its service. */
  serving: string | null;
  servingService: string | null;
  /** When that ticket was called, and whether people were still waiting for this counter then. */
  calledAt: number;
  backlog: boolean;
}

/** A service time seen at a counter: `done` - `called`, or the gap to its next call while people waited. */
export interface ServiceSample {
  counter: string;
  service: string;
  at: number;
  ms: number;
}

/** A ticket that stopped waiting: called, or gone (cancelled, or passed over by a later ticket of its service). */
export interface Departure {
  service: string;
  at: number;
  waitedMs: number;
  left: boolean;
  /** Left saying so (`cancelled`), rather than found gone when passed over. */
  cancelled: boolean;
}

/** When each counter was open on one day (protocol events' instants), for the estimator's expectation of later days. */
export interface DayHours {
  /** The day's first and last events. */
  start: number;
  end: number;
  counters: Map<string, { services: string[]; open: [number, number][] }>;
}

export function eventKey(event: QueueEvent): string {
  switch (event.type) {
    case 'issued':
      return `i|${event.ticket}|${event.service}|${event.at}`;
    case 'called':
      return `c|${event.ticket}|${event.counter}|${event.at}`;
    case 'done':
      return `d|${event.ticket}|${event.at}`;
    case 'cancelled':
      return `x|${event.ticket}|${event.at}`;
    case 'counter':
      return `k|${event.counter}|${event.open}|${[...event.services].sort().join(',')}|${event.at}`;
  }
}

export class QueueModel {
  /** Tickets waiting to be called, by ticket id. */
  readonly waiting = new Map<string, Ticket>();
  readonly counters = new Map<string, Counter>();
  /** Calls in time order (the recent ones feed the estimator). */
  readonly calls: Call[] = [];
  readonly serviceSamples: ServiceSample[] = [];
  readonly departures: Departure[] = [];
  /** The same, by service (an estimate reads its service's, not a busy day's thousands). */
  private readonly samplesByService = new Map<string, ServiceSample[]>();
  private readonly departuresByService = new Map<string, Departure[]>();
  /** Whether this system sends `done` at all (if not, a counter counts as free one service time after its call). */
  sendsDone = false;
  /** Services seen in any event. */
  readonly services = new Set<string>();
  private readonly issued = new Map<string, Ticket>();
  private readonly events: QueueEvent[] = [];
  private readonly seen = new Set<string>();
  /** Time of the latest event applied. */
  now = -Infinity;
  /** Changes to the queue so far (events applied, replays included, and tickets gone stale): an estimate made at one count holds until the next. */
  version = 0;
  /** Counters' hours of the past days (oldest first, within HISTORY_MS), and of the current one so far. */
  readonly pastDays: DayHours[] = [];
  today: DayHours = { start: -Infinity, end: -Infinity, counters: new Map() };

  /** Adds events (any order, repeats allowed); answers the services they touched. */
  add(events: readonly QueueEvent[]): Set<string> {
    const touched = new Set<string>();
    let late = false;
    const fresh: QueueEvent[] = [];
    for (const event of events) {
      // Repeats, and events older than the history kept (they would only be dropped again).
      if (this.knows(event)) continue;
      this.seen.add(eventKey(event));
      fresh.push(event);
      if (Date.parse(event.at) < this.now) late = true;
    }
    fresh.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    this.events.push(...fresh);
    if (late) {
      this.events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      this.replay();
    } else for (const event of fresh) this.apply(event);
    for (const event of fresh) for (const service of this.servicesOf(event)) touched.add(service);
    return touched;
  }

  /**
   * The tickets still waiting STALE_TICKET_MS after their issue, as of `at`: gone (protocol-notes).
   * Each event applied sweeps at its own time; the screen's tracker sweeps too as time passes
   * without events, so that a ticket system gone quiet, its last tickets never called, no longer
   * counts them once their 4 hours are over. Answers when each left, oldest first.
   */
  forgetStale(at: number): number[] {
    const left: number[] = [];
    for (const [id, ticket] of this.waiting) {
      if (at - ticket.issuedAt > STALE_TICKET_MS) {
        this.waiting.delete(id);
        left.push(ticket.issuedAt + STALE_TICKET_MS);
      }
    }
    if (left.length > 0) this.version++;
    return left.sort((a, b) => a - b);
  }

  /** Whether adding this event would change nothing: already applied, or older than the history kept. */
  knows(event: QueueEvent): boolean {
    return this.seen.has(eventKey(event)) || Date.parse(event.at) < this.now - HISTORY_MS;
  }

  waitingTicket(ticket: string): Ticket | undefined {
    return this.waiting.get(ticket);
  }

  /** Every event kept, in time order (what the player stores). */
  allEvents(): readonly QueueEvent[] {
    return this.events;
  }

  private servicesOf(event: QueueEvent): string[] {
    if (event.type === 'issued') return [event.service];
    // A counter closing without naming its services touches those it served.
    if (event.type === 'counter') return event.services.length > 0 ? event.services : (this.counters.get(event.counter)?.services ?? []);
    const ticket = this.issued.get(event.ticket);
    if (ticket) return [ticket.service];
    // A ticket called that this screen never saw issued (it joined later): the call still moves its
    // counter (who it serves, since when), so it touches the counter's services, as apply counts it.
    if (event.type === 'called') return this.counters.get(event.counter)?.services ?? [];
    return [];
  }

  private replay(): void {
    this.waiting.clear();
    this.counters.clear();
    this.calls.length = 0;
    this.serviceSamples.length = 0;
    this.departures.length = 0;
    this.samplesByService.clear();
    this.departuresByService.clear();
    this.sendsDone = false;
    this.services.clear();
    this.issued.clear();
    this.now = -Infinity;
    this.pastDays.length = 0;
    this.today = { start: -Infinity, end: -Infinity, counters: new Map() };
    for (const event of this.events) this.apply(event);
  }

  private apply(event: QueueEvent): void {
    this.version++;
    const at = Date.parse(event.at);
    if (at - this.now > NEW_DAY_GAP_MS && this.now !== -Infinity) this.startDay(at);
    if (this.today.start === -Infinity) this.today.start = at;
    this.now = Math.max(this.now, at);
    this.today.end = this.now;
    switch (event.type) {
      case 'issued': {
        const ticket = { ticket: event.ticket, service: event.service, issuedAt: at };
        this.issued.set(event.ticket, ticket);
        this.waiting.set(event.ticket, ticket);
        this.services.add(event.service);
        break;
      }
      case 'called': {
        const ticket = this.issued.get(event.ticket);
        this.waiting.delete(event.ticket);
        const counter = this.counters.get(event.counter) ?? { open: true, services: ticket ? [ticket.service] : [], since: at, serving: null, servingService: null, calledAt: at, backlog: false };
        if (ticket && !counter.services.includes(ticket.service)) counter.services = [...counter.services, ticket.service];
        // No `done` for the previous one: it was served until this call if the one called now was
        // already waiting (else the counter may have stood idle). Unknown ticket: whether people waited at the previous call.
        const waitedForCounter = ticket ? ticket.issuedAt <= at - CALL_SLACK_MS : counter.backlog;
        if (counter.serving !== null && waitedForCounter && counter.servingService !== null) {
          this.addSample({ counter: event.counter, service: counter.servingService, at, ms: at - counter.calledAt });
        }
        // A call at a counter the system never opened: it is open.
        if (!counter.open || !this.today.counters.has(event.counter)) this.recordHours(event.counter, counter.services, true, at);
        counter.open = true;
        counter.serving = event.ticket;
        counter.servingService = ticket?.service ?? null;
        counter.calledAt = at;
        if (ticket) {
          this.addDeparture({ service: ticket.service, at, waitedMs: at - ticket.issuedAt, left: false, cancelled: false });
          // Tickets of a service are called in order: older ones still waiting were passed over (gone without a word).
          for (const [id, other] of this.waiting) {
            if (other.service === ticket.service && other.issuedAt < ticket.issuedAt) {
              this.waiting.delete(id);
              this.addDeparture({ service: other.service, at, waitedMs: at - other.issuedAt, left: true, cancelled: false });
            }
          }
        }
        counter.backlog = [...this.waiting.values()].some((t) => counter.services.includes(t.service));
        this.counters.set(event.counter, counter);
        const service = ticket?.service ?? (counter.services.length === 1 ? counter.services[0]! : null);
        // Recorded (and so announced, §6) even when its service cannot be told: a screen that joined after the ticket was issued.
        this.calls.push({ ticket: event.ticket, service, counter: event.counter, at, waitedMs: ticket ? at - ticket.issuedAt : null });
        break;
      }
      case 'done':
        this.sendsDone = true;
        for (const [id, counter] of this.counters) {
          if (counter.serving !== event.ticket) continue;
          if (counter.servingService !== null) this.addSample({ counter: id, service: counter.servingService, at, ms: at - counter.calledAt });
          counter.serving = null;
          counter.servingService = null;
        }
        break;
      case 'cancelled': {
        const ticket = this.waiting.get(event.ticket);
        this.waiting.delete(event.ticket);
        // Leaving once every counter of the service has closed is not giving up: nobody would be called.
        if (ticket && !this.closedFor(ticket.service)) {
          this.addDeparture({ service: ticket.service, at, waitedMs: at - ticket.issuedAt, left: true, cancelled: true });
        }
        break;
      }
      case 'counter': {
        const previous = this.counters.get(event.counter);
        // A counter opening or closing without naming its services keeps those it served (§4: a service is closed when all its counters are).
        const services = event.services.length === 0 && previous ? previous.services : event.services;
        this.recordHours(event.counter, services, event.open, at);
        this.counters.set(event.counter, {
          open: event.open,
          services: [...services],
          since: at,
          serving: event.open ? (previous?.serving ?? null) : null,
          servingService: event.open ? (previous?.servingService ?? null) : null,
          calledAt: previous?.calledAt ?? at,
          backlog: event.open && (previous?.backlog ?? false),
        });
        for (const service of services) this.services.add(service);
        break;
      }
    }
    this.forgetStale(at);
  }

  /** The service times seen for `service`, oldest first. */
  samplesOf(service: string): readonly ServiceSample[] {
    return this.samplesByService.get(service) ?? [];
  }

  /** The departures of `service`'s tickets, oldest first. */
  departuresOf(service: string): readonly Departure[] {
    return this.departuresByService.get(service) ?? [];
  }

  private addSample(sample: ServiceSample): void {
    this.serviceSamples.push(sample);
    let list = this.samplesByService.get(sample.service);
    if (!list) this.samplesByService.set(sample.service, (list = []));
    list.push(sample);
  }

  private addDeparture(departure: Departure): void {
    this.departures.push(departure);
    let list = this.departuresByService.get(departure.service);
    if (!list) this.departuresByService.set(departure.service, (list = []));
    list.push(departure);
  }

  /** Every counter known to serve `service` is closed (none known: not closed): it has no estimate, and the board says so. */
  closedFor(service: string): boolean {
    const serving = [...this.counters.values()].filter((c) => c.services.includes(service));
    return serving.length > 0 && serving.every((c) => !c.open);
  }

  /** A counter opened or closed today. */
  private recordHours(id: string, services: readonly string[], open: boolean, at: number): void {
    const hours = this.today.counters.get(id) ?? { services: [...services], open: [] };
    hours.services = [...services];
    const last = hours.open.at(-1);
    const isOpen = last !== undefined && last[1] === Infinity;
    if (open && !isOpen) hours.open.push([at, Infinity]);
    if (!open && isOpen) last[1] = at;
    this.today.counters.set(id, hours);
  }

  /**
   * A new day: yesterday's unserved tickets are gone, its counters' hours are kept (a counter
   * still open at its last event closed then), and what is older than HISTORY_MS is dropped,
   * so that weeks of running keep a bounded model.
   */
  private startDay(at: number): void {
    this.waiting.clear();
    this.issued.clear();
    for (const counter of this.counters.values()) counter.serving = null;
    for (const hours of this.today.counters.values()) for (const interval of hours.open) if (interval[1] === Infinity) interval[1] = this.today.end;
    this.pastDays.push(this.today);
    this.today = { start: at, end: at, counters: new Map() };
    const cutoff = at - HISTORY_MS;
    while (this.pastDays.length > 0 && this.pastDays[0]!.end < cutoff) this.pastDays.shift();
    for (const list of [this.serviceSamples, this.departures, ...this.samplesByService.values(), ...this.departuresByService.values()]) {
      const firstKept = list.findIndex((item) => item.at >= cutoff);
      list.splice(0, firstKept < 0 ? list.length : firstKept);
    }
    this.calls.splice(0, Math.max(0, this.calls.length - 6));
    let old = 0;
    while (old < this.events.length && Date.parse(this.events[old]!.at) < cutoff) this.seen.delete(eventKey(this.events[old++]!));
    this.events.splice(0, old);
  }
}
