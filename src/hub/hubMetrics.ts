import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LiveScreen } from '../shared/adminApi.js';

/**
 * The hub's Prometheus metrics (`GET /metrics`, text format 0.0.4), on a registry of its own
 * (two hubs in one process, as in tests, never share counters). Counters move as screens and
 * ticket systems talk to the hub; the per-screen gauges are read from the screens' stored
 * state at each scrape, so they are never stale and cost nothing between scrapes.
 */

/** Where acks are timed: the hub's own answer to `impressions` (stored and flushed), or a screen's answer to what the hub sent. */
export type AckedEvent = 'impressions' | 'playlists' | 'alert' | 'alert:clear' | 'queue' | 'command';

/** Round trips from a LAN screen take milliseconds; a flush on a slow SD card or a screen on 4G, seconds. */
const ACK_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let processRegistry: Registry | null = null;

/**
 * The process's own metrics (memory, CPU, event loop lag, GC): one set per process, however
 * many hubs run in it (tests start several). prom-client's collectors install observers that
 * cannot be removed: made once, they belong to the process and last as long as it does.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'antichambre_hub_' });
  }
  return processRegistry;
}

export class HubMetrics {
  readonly registry = new Registry();
  private readonly impressions: Counter<'site'>;
  private readonly acks: Histogram<'event'>;
  private readonly refusals: Counter<'site'>;
  private readonly relayed: Counter<'site'>;
  private readonly httpErrors: Counter<'method' | 'route' | 'status'>;
  private readonly socketErrors: Counter<'event'>;
  private readonly notifications: Counter<'channel' | 'result'>;

  /** `screens`: every screen's state now (its site, whether it is connected, its last status), read at each scrape. */
  constructor(screens: () => Promise<LiveScreen[]> | LiveScreen[], now: () => number = Date.now) {
    const registry = this.registry;
    // Filled at each scrape from one read of the screens (the three gauges below are collected together).
    let snapshot: Promise<LiveScreen[]> | null = null;
    const read = (): Promise<LiveScreen[]> => (snapshot ??= Promise.resolve(screens()).finally(() => queueMicrotask(() => (snapshot = null))));
    new Gauge({
      name: 'antichambre_screens',
      help: 'Screens registered on the hub, per site, and how many of them are connected now (state="online") or not (state="offline").',
      labelNames: ['site', 'state'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const screen of await read()) this.inc({ site: screen.site, state: screen.online ? 'online' : 'offline' });
      },
    });
    new Gauge({
      name: 'antichambre_screen_last_seen_age_seconds',
      help: 'Seconds since the hub last heard from each screen (0 while it is connected); absent for a screen never seen.',
      labelNames: ['site', 'screen'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const at = now();
        for (const screen of await read()) {
          if (screen.online) this.set({ site: screen.site, screen: screen.id }, 0);
          else if (screen.lastSeen) this.set({ site: screen.site, screen: screen.id }, Math.max(0, (at - Date.parse(screen.lastSeen)) / 1000));
        }
      },
    });
    new Gauge({
      name: 'antichambre_screen_outbox_impressions',
      help: 'Impressions waiting on each screen to be sent to the hub, as its last status said (grows while a screen cannot deliver).',
      labelNames: ['site', 'screen'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const screen of await read()) if (screen.status) this.set({ site: screen.site, screen: screen.id }, screen.status.outbox);
      },
    });
    new Gauge({
      name: 'antichambre_screen_cache_missing_files',
      help: 'Files of its set each screen still lacks, as its last status said.',
      labelNames: ['site', 'screen'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const screen of await read()) if (screen.status) this.set({ site: screen.site, screen: screen.id }, screen.status.cache.missing);
      },
    });
    new Gauge({
      name: 'antichambre_screens_refusing_revision',
      help: 'Screens whose last answer to their set was a refusal, per site.',
      labelNames: ['site'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const screen of await read()) if (screen.refused) this.inc({ site: screen.site });
      },
    });
    this.impressions = new Counter({ name: 'antichambre_impressions_ingested_total', help: 'Impressions stored by the hub (repeats of an id already stored not counted), per site.', labelNames: ['site'] as const, registers: [registry] });
    this.acks = new Histogram({
      name: 'antichambre_ack_latency_seconds',
      help: 'Seconds until an ack: for "impressions", the hub storing and flushing a batch before answering; for the others, a screen answering what the hub sent.',
      labelNames: ['event'] as const,
      buckets: ACK_BUCKETS_S,
      registers: [registry],
    });
    this.refusals = new Counter({ name: 'antichambre_revisions_refused_total', help: 'Sets (revisions) screens refused, per site.', labelNames: ['site'] as const, registers: [registry] });
    this.relayed = new Counter({ name: 'antichambre_queue_events_relayed_total', help: 'New ticket events posted by a site\'s ticket system and relayed to its screens, per site.', labelNames: ['site'] as const, registers: [registry] });
    this.httpErrors = new Counter({
      name: 'antichambre_http_errors_total',
      help: 'HTTP answers with a 4xx or 5xx status, per method, route pattern and status.',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    });
    this.socketErrors = new Counter({
      name: 'antichambre_socket_errors_total',
      help: 'Screen channel errors: refused handshakes ("handshake"), payloads answered { ok: false } or failed (per event), screens not answering in time ("<event> timeout").',
      labelNames: ['event'] as const,
      registers: [registry],
    });
    this.notifications = new Counter({
      name: 'antichambre_notifications_total',
      help: 'Notification deliveries per channel (webhook, email) and result (sent, failed: each failed try counts).',
      labelNames: ['channel', 'result'] as const,
      registers: [registry],
    });
  }

  /** A notification delivered (`sent`) or not (`failed`, tried again or dropped), by webhook or e-mail. */
  notification(channel: 'webhook' | 'email', result: 'sent' | 'failed'): void {
    this.notifications.inc({ channel, result });
  }

  impressionsStored(site: string, count: number): void {
    if (count > 0) this.impressions.inc({ site }, count);
  }

  /** The time from `startedAt` (a `performance.now()`) to now, for an ack of `event`. */
  acked(event: AckedEvent, startedAt: number): void {
    this.acks.observe({ event }, (performance.now() - startedAt) / 1000);
  }

  revisionRefused(site: string): void {
    this.refusals.inc({ site });
  }

  queueRelayed(site: string, count: number): void {
    if (count > 0) this.relayed.inc({ site }, count);
  }

  /** A 4xx or 5xx answer; `route` is the pattern (`/api/screens/:id`), never the raw URL (one series per route, not per id). */
  httpAnswered(method: string, route: string | undefined, status: number): void {
    if (status >= 400) this.httpErrors.inc({ method, route: route ?? 'unmatched', status: String(status) });
  }

  socketError(event: string): void {
    this.socketErrors.inc({ event });
  }

  /** The hub's metrics, then its process's. */
  async text(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${own}${process}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
