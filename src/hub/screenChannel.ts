import type { Namespace, Server, Socket } from 'socket.io';
import type { HubToScreenEvents, Received, ScreenToHubEvents } from '../shared/screenEvents.js';
import type { LiveScreen, ScreenInfo, ScreenState } from '../shared/adminApi.js';
import { z } from 'zod';
import { Id, toUtcTime } from '../shared/ids.js';
import {
  Ack,
  ACK_TIMEOUT_MS,
  MAX_QUEUE_EVENTS,
  AlertClear,
  AUTH_ERRORS,
  Command,
  CommandAck,
  Hello,
  ImpressionsMessage,
  PROTOCOL_VERSION,
  SCREENS_NAMESPACE,
  parseStatus,
  WaitMessage,
  Alert,
  type PlaylistsMessage,
} from '../shared/protocol.js';
import type { QueueEvent } from '../shared/queue.js';
import { formatIssues, formatPath, parseWith } from '../shared/validationError.js';
import { NUL_REFUSAL, nulCharacterPath, parseStorable } from './storableText.js';
import { HubError } from './hubError.js';
import type { AckedEvent, HubMetrics } from './hubMetrics.js';
import { HandshakeLimiter } from './requestLimits.js';
import type { HubStores } from './stores/index.js';
import { StorageFaultLog, storageKind } from './storageFault.js';

/**
 * The `/screens` namespace (protocol §3): authenticates screens, answers their events, and
 * pushes sets, alerts and commands to the connected ones. Every payload is parsed; a bad
 * one is answered `{ ok: false, error: "<path>: <reason>" }`, never by a crash.
 */

type AckFn = (answer: unknown) => void;

interface Connection {
  socket: ScreenSocket;
  screen: ScreenInfo;
  /** The revision being pushed and not yet answered. */
  pushing: string | null;
  /** The last status being stored: the next waits for it (a screen's statuses are stored in the order it sent them). */
  statuses: Promise<void>;
  /** Whether the site's recent ticket events were sent after a hello: once a connection (a player says hello once; the history of a busy site is thousands of events, and sending it at each hello of one socket stalled the hub). */
  historySent: boolean;
}

/** The events a screen sends a hub (§3; the map's keys, every one of them). */
const SCREEN_EVENTS: ReadonlySet<string> = new Set(Object.keys({ hello: true, impressions: true, wait: true, status: true } satisfies Record<keyof ScreenToHubEvents, true>));

function ackOf(value: unknown): AckFn {
  return typeof value === 'function' ? (value as AckFn) : () => {};
}

/** The socket.io room of a screen's connections (on any node, through the adapter). */
export function screenRoom(screenId: string): string {
  return `screen:${screenId}`;
}

/** The room of a site's screens. */
export function siteRoom(site: string): string {
  return `site:${site}`;
}

/** How long presence waits for the other nodes' answers (with the broker away, it answers with this node's own screens). */
const PRESENCE_TIMEOUT_MS = 3_000;

/** Screens whose sets are read in one go during a push (a site of 1,000 screens: 4 reads, not 1,000). */
const PUSH_READS_AT_ONCE = 250;

/** What nodes announce to each other (socket.io serverSideEmit through the adapter). */
const CLUSTER_PUSH = 'antichambre:push';
const CLUSTER_ALERT = 'antichambre:alert';
const CLUSTER_ALERT_CLEAR = 'antichambre:alert-clear';
const ScreenIds = z.array(Id).max(1_000_000);

/** The hub's socket.io server: §3's events typed (screenEvents.ts), what screens send still parsed at run time. */
export type HubIo = Server<Received<ScreenToHubEvents>, HubToScreenEvents>;
/** One screen's connection. */
type ScreenSocket = Socket<Received<ScreenToHubEvents>, HubToScreenEvents>;

export class ScreenChannel {
  private readonly namespace: Namespace<Received<ScreenToHubEvents>, HubToScreenEvents>;
  /** Set by joinedCluster(): pushes and alerts are also announced to the other nodes. */
  private clustered = false;
  private readonly connections = new Map<string, Set<Connection>>();

  constructor(
    io: HubIo,
    private readonly stores: HubStores,
    private readonly log: (line: string) => void = () => {},
    private readonly faults = new StorageFaultLog(log),
    /** Behind a reverse proxy: the client's address is the first of X-Forwarded-For. */
    private readonly trustProxy = false,
    /** Where exchanges are counted and timed (null: not counted). */
    private readonly metrics: HubMetrics | null = null,
    private readonly handshakes = new HandshakeLimiter(),
  ) {
    this.namespace = io.of(SCREENS_NAMESPACE);
    this.namespace.use((socket, next) => {
      const forwarded = socket.handshake.headers['x-forwarded-for'];
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
      const address = this.trustProxy && first ? first : socket.handshake.address;
      const auth: Record<string, unknown> = typeof socket.handshake.auth === 'object' && socket.handshake.auth ? socket.handshake.auth : {};
      // Another protocol is answered as such whatever the address did before (§3): it is no token guess.
      // No protocol at all (no auth, or only a token) is first a question of credentials: a bad or missing
      // token is `unauthorized`, as §3 says of a bad token; a screen's good token without it, `unsupported-protocol`.
      const protocolGiven = auth['protocol'] !== undefined;
      if (protocolGiven && auth['protocol'] !== PROTOCOL_VERSION) return this.refuse(next, AUTH_ERRORS.unsupportedProtocol);
      // A screen id that is no id (§3's ids) names no screen: refused without a database read (PostgreSQL would fail on a NUL in it).
      const credentials = Id.safeParse(auth['screenId']).success && typeof auth['token'] === 'string' ? { screenId: auth['screenId'] as string, token: auth['token'] } : undefined;
      const limited = this.handshakes.refusal(address, Date.now(), credentials);
      if (limited) return this.refuse(next, limited);
      const verified = credentials ? this.stores.screens.verify(credentials.screenId, credentials.token) : Promise.resolve(null);
      verified.then(
        (screen) => {
          if (!screen || !credentials) {
            this.handshakes.failed(address, Date.now(), credentials?.screenId);
            return this.refuse(next, AUTH_ERRORS.unauthorized);
          }
          if (!protocolGiven) return this.refuse(next, AUTH_ERRORS.unsupportedProtocol);
          this.handshakes.accepted(credentials);
          (socket.data as { screen?: ScreenInfo }).screen = screen;
          next();
        },
        (error: unknown) => this.refuse(next, this.failure(error, 'checking a screen\'s token')),
      );
    });
    this.namespace.on('connection', (socket) => this.accept(socket));
  }

  private refuse(next: (error?: Error) => void, reason: string): void {
    this.metrics?.socketError('handshake');
    next(new Error(reason));
  }

  /** Every screen's state now: as stored, connected to any node or not, and the revision its assignments give it (sets read PUSH_READS_AT_ONCE at a time). */
  async screenStates(): Promise<ScreenState[]> {
    const screens = await this.liveScreens();
    const states: ScreenState[] = [];
    for (let k = 0; k < screens.length; k += PUSH_READS_AT_ONCE) {
      const chunk = screens.slice(k, k + PUSH_READS_AT_ONCE);
      const sets = await this.stores.playlists.setsFor(chunk);
      for (const screen of chunk) states.push({ ...screen, revision: sets.get(screen.id)?.revision ?? null });
    }
    return states;
  }

  /** Every screen as stored, connected to any node or not (what metrics and notifications read: no set assembled). */
  async liveScreens(): Promise<LiveScreen[]> {
    const [screens, online] = await Promise.all([this.stores.screens.list(), this.onlineScreens()]);
    return screens.map((screen) => ({ ...screen, online: online.has(screen.id) }));
  }

  /** Times an answer to what the hub sent; a timeout (or a lost connection) is counted as `<event> timeout` and rethrown. */
  private async timed<T>(event: AckedEvent, send: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const answer = await send();
      this.metrics?.acked(event, started);
      return answer;
    } catch (error) {
      this.metrics?.socketError(`${event} timeout`);
      throw error;
    }
  }

  /** Screens connected to this node. */
  localCount(): number {
    return this.connections.size;
  }

  /**
   * What to answer for an error thrown by a handler: a storage failure is counted and answered
   * `storage: …` (logged once per kind); anything else is logged with its context.
   */
  private failure(error: unknown, what: string): string {
    const kind = storageKind(error);
    if (kind) return this.faults.record(kind, what, error);
    this.log(`hub: ${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 'hub: internal error (see the hub log)';
  }

  /** A socket handler that answers `{ ok: false, error }` instead of throwing or rejecting (either in a socket.io handler would stop the hub). */
  private guarded(what: string, handler: (payload: unknown, ack: AckFn) => Promise<void> | void, event?: string): (...args: unknown[]) => void {
    return (...args) => {
      // socket.io puts the ack last: an event sent without a payload (or with more than one) is answered too.
      const acknowledge = ackOf(args.at(-1));
      const payload = typeof args[0] === 'function' ? undefined : args[0];
      // With `event`, each { ok: false } answer is counted as an error of that event.
      const answer: AckFn = (value) => {
        if (event && (value as { ok?: unknown } | null)?.ok === false) this.metrics?.socketError(event);
        acknowledge(value);
      };
      const failed = (error: unknown): void => answer({ ok: false, error: this.failure(error, what) });
      try {
        void Promise.resolve(handler(payload, answer)).catch(failed);
      } catch (error) {
        failed(error);
      }
    };
  }

  private accept(socket: ScreenSocket): void {
    const screen = (socket.data as { screen: ScreenInfo }).screen;
    const connection: Connection = { socket, screen, pushing: null, statuses: Promise.resolve(), historySent: false };
    void socket.join([screenRoom(screen.id), siteRoom(screen.site)]);
    // An event no player sends, with an acknowledgement: answered as refused (else its sender waits out its timeout, 10 s in §3).
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && SCREEN_EVENTS.has(event)) return;
      const ack = args.at(-1);
      if (typeof ack === 'function') (ack as AckFn)({ ok: false, error: `event: ${JSON.stringify(String(event).slice(0, 64))} is not an event a screen sends (${[...SCREEN_EVENTS].join(', ')})` });
    });
    let set = this.connections.get(screen.id);
    if (!set) this.connections.set(screen.id, (set = new Set()));
    set.add(connection);
    this.guarded(`connection of ${screen.id}`, () => this.stores.screens.seen(screen.id, Date.now()))(undefined, undefined);

    socket.on(
      'disconnect',
      this.guarded(`disconnection of ${screen.id}`, async () => {
        set.delete(connection);
        if (set.size === 0 && this.connections.get(screen.id) === set) this.connections.delete(screen.id);
        await this.stores.screens.seen(screen.id, Date.now());
      }),
    );

    socket.on(
      'hello',
      this.guarded(`hello from ${screen.id}`, async (payload, ack) => {
        const hello = parseStorable(Hello, payload);
        if (!hello.ok) return ack({ ok: false, error: hello.error });
        ack({ ok: true, serverTime: toUtcTime(Date.now()) });
        await this.stores.screens.seen(screen.id, Date.now());
        const current = await this.stores.playlists.setFor(screen);
        if (current && current.revision !== hello.value.revision && connection.pushing !== current.revision) void this.push(connection, current);
        for (const alert of await this.stores.alerts.activeFor(screen, Date.now())) void this.sendAlert(connection, alert);
        // Alerts cleared while it was offline: it keeps them until their `until` otherwise (§3: until `until` or `alert:clear`).
        const cleared = await this.stores.alerts.clearedFor(screen, Date.now());
        if (cleared.length > 0) this.clearAlertOn(connection, cleared);
        if (connection.historySent) return;
        connection.historySent = true;
        // A read that fails (a busy database) leaves it to the next hello.
        const recent = await this.stores.queue.recent(screen.site, Date.now()).catch((error: unknown) => {
          connection.historySent = false;
          throw error;
        });
        if (recent.length > 0) void this.sendQueue(connection, recent);
      }, 'hello'),
    );

    socket.on(
      'impressions',
      this.guarded(`storing impressions from ${screen.id}`, async (payload, ack) => {
        const started = performance.now();
        const message = parseStorable(ImpressionsMessage, payload);
        if (!message.ok) return ack({ ok: false, error: message.error });
        const foreign = message.value.impressions.findIndex((impression) => impression.screenId !== screen.id);
        if (foreign >= 0) return ack({ ok: false, error: `impressions[${foreign}].screenId: expected "${screen.id}", the screen of this connection` });
        // A UUID's text is case-insensitive (RFC 9562 §4): the idempotency key is its lower case, so a
        // repeat sent in capitals is a repeat. Acked only once durable (the player deletes what is
        // acked); a failed write or fsync is answered, and the batch comes again.
        const impressions = message.value.impressions.map((impression) => ({ ...impression, id: impression.id.toLowerCase() }));
        const { stored, duplicates } = await this.stores.impressions.insert(impressions, Date.now());
        this.faults.recovered();
        this.metrics?.impressionsStored(screen.site, stored);
        ack({ ok: true, stored, duplicates });
        this.metrics?.acked('impressions', started);
      }, 'impressions'),
    );

    socket.on(
      'wait',
      this.guarded(`storing wait estimates from ${screen.id}`, async (payload, ack) => {
        const message = parseStorable(WaitMessage, payload);
        if (!message.ok) return ack({ ok: false, error: message.error });
        await this.stores.waits.insert(screen.id, message.value.estimates, Date.now());
        ack({ ok: true });
      }, 'wait'),
    );

    socket.on(
      'status',
      this.guarded(`status from ${screen.id}`, (payload) => {
        // One after the other: on an engine with a pool of connections, two statuses stored at
        // once could land in either order (a display "off" overwritten by the "black" before it).
        const stored = connection.statuses.then(() => this.storeStatus(connection, payload));
        connection.statuses = stored.catch(() => {});
        return stored;
      }),
    );
  }

  private async storeStatus(connection: Connection, payload: unknown): Promise<void> {
    const { screen } = connection;
    const parsedStatus = parseStatus(payload);
    const nul = parsedStatus.ok ? nulCharacterPath(parsedStatus.value) : null;
    const status = nul ? { ok: false as const, error: `${formatPath(nul)}: ${NUL_REFUSAL}` } : parsedStatus;
    if (!status.ok) {
      this.metrics?.socketError('status');
      return this.log(`status from ${screen.id} ignored: ${status.error}`);
    }
    if (status.ignored.length > 0) this.log(`status from ${screen.id} kept without the extension fields that do not parse: ${status.ignored.join('; ')}`);
    const now = Date.now();
    const power = status.value.power;
    // The status written and the screen's set's revision read at once (on PostgreSQL, one round trip each); the set itself is read and parsed only when it must be sent.
    const [, revision] = await Promise.all([
      (async () => {
        await this.stores.screens.recordStatus(screen.id, status.value, now);
        if (power) await this.stores.power.record(screen.id, power, status.value.at, now);
      })(),
      this.stores.playlists.revisionFor(screen),
    ]);
    // A push that went unanswered (lost connection, timeout) is sent again, but not one the screen refused.
    if (revision !== null && status.value.revision !== revision && connection.pushing === null && (await this.stores.screens.answeredRevision(screen.id)) !== revision) {
      const current = await this.stores.playlists.setFor(screen);
      if (current && connection.pushing === null) void this.push(connection, current);
    }
  }

  private async push(connection: Connection, set: PlaylistsMessage): Promise<void> {
    connection.pushing = set.revision;
    try {
      const answer = parseWith(Ack, await this.timed('playlists', () => connection.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('playlists', set)));
      if (!answer.ok) {
        this.metrics?.socketError('playlists');
        this.log(`${connection.screen.id}: answer to playlists not understood: ${answer.error}`);
      } else if (answer.value.ok) await this.stores.screens.recordAck(connection.screen.id, set.revision);
      else {
        this.metrics?.revisionRefused(connection.screen.site);
        await this.stores.screens.recordRefusal(connection.screen.id, set.revision, answer.value.error ?? 'refused without a reason', Date.now());
      }
    } catch (error) {
      if (storageKind(error)) this.failure(error, `recording ${connection.screen.id}'s answer to playlists ${set.revision}`);
      else this.log(`${connection.screen.id}: no answer to playlists ${set.revision} within ${ACK_TIMEOUT_MS} ms; sent again at its next status or hello`);
    } finally {
      if (connection.pushing === set.revision) connection.pushing = null;
    }
  }

  /**
   * Closes a screen's live connections at once, on every node (its token was rotated): its next
   * handshake, with the old token, is refused `unauthorized`.
   */
  disconnectScreen(screenId: string): void {
    this.namespace.in(screenRoom(screenId)).disconnectSockets(true);
  }

  /** Which of these screens have a connection, on any node (the adapter asks the others; without a broker, only this one). */
  async onlineAmong(screenIds: readonly string[]): Promise<Set<string>> {
    return (await this.presence(screenIds)).online;
  }

  /** Every screen connected to any node. */
  async onlineScreens(): Promise<Set<string>> {
    return (await this.onlineIn([])).online;
  }

  private async presence(screenIds: readonly string[]): Promise<{ online: Set<string>; complete: boolean }> {
    if (screenIds.length === 0) return { online: new Set(), complete: true };
    return this.onlineIn(screenIds.map(screenRoom));
  }

  private async onlineIn(rooms: string[]): Promise<{ online: Set<string>; complete: boolean }> {
    const operator = rooms.length > 0 ? this.namespace.in(rooms) : this.namespace;
    let timer: NodeJS.Timeout | undefined;
    try {
      // Raced with a timer of its own: the adapter first asks the broker how many nodes there are, which waits while the broker is away.
      const sockets = await Promise.race([
        operator.timeout(PRESENCE_TIMEOUT_MS).fetchSockets(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${PRESENCE_TIMEOUT_MS} ms`)), PRESENCE_TIMEOUT_MS))),
      ]);
      return { online: new Set(sockets.map((socket) => (socket.data as { screen?: ScreenInfo }).screen?.id).filter((id): id is string => id !== undefined)), complete: true };
    } catch (error) {
      // The broker or another node not answering: this node's own screens are all it knows.
      this.log(`cluster: presence from the other nodes not received (${error instanceof Error ? error.message : String(error)}); answering with this node's screens`);
      const local = [...this.connections.keys()];
      return { online: new Set(rooms.length > 0 ? local.filter((id) => rooms.includes(screenRoom(id))) : local), complete: false };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Sends each connected screen, on any node, its set as it is now (after an assignment or a
   * playlist changed); resolves once this node's screens were sent theirs (not acked). In a
   * cluster, one message tells the other nodes to do the same for theirs: each reads its own
   * screens' sets and records their acks, so a push to a site of 1,000 screens is one message
   * between nodes, not 1,000. With the broker away, that message waits in the node's Redis client.
   */
  async pushSets(screenIds: string[]): Promise<void> {
    if (this.clustered) this.namespace.serverSideEmit(CLUSTER_PUSH, screenIds);
    await this.pushLocal(screenIds);
  }

  private async pushLocal(screenIds: readonly string[]): Promise<void> {
    const here = screenIds.filter((id) => this.connections.has(id));
    // Read PUSH_READS_AT_ONCE screens' sets at a time, in one go each (a site's screens share theirs), each sent as soon as read.
    for (let k = 0; k < here.length; k += PUSH_READS_AT_ONCE) {
      const chunk = here.slice(k, k + PUSH_READS_AT_ONCE).flatMap((id) => {
        const first = [...(this.connections.get(id) ?? [])][0];
        return first ? [first.screen] : [];
      });
      const sets = await this.stores.playlists.setsFor(chunk);
      for (const screen of chunk) {
        const set = sets.get(screen.id);
        if (set) for (const connection of this.connections.get(screen.id) ?? []) void this.push(connection, set);
      }
    }
  }

  /**
   * Brings every screen connected to this node up to date, as at its hello: its set if it has
   * not acked it, the alerts active now, the site's recent ticket events (after the broker was
   * away: what other nodes announced meanwhile may not have come).
   */
  async resync(): Promise<void> {
    const here = [...this.connections.values()].flatMap((set) => [...set]);
    for (let k = 0; k < here.length; k += PUSH_READS_AT_ONCE) {
      await Promise.all(
        here.slice(k, k + PUSH_READS_AT_ONCE).map(async (connection) => {
          const { screen } = connection;
          const current = await this.stores.playlists.setFor(screen);
          if (current && connection.pushing === null && (await this.stores.screens.answeredRevision(screen.id)) !== current.revision) void this.push(connection, current);
          for (const alert of await this.stores.alerts.activeFor(screen, Date.now())) void this.sendAlert(connection, alert);
          const cleared = await this.stores.alerts.clearedFor(screen, Date.now());
          if (cleared.length > 0) this.clearAlertOn(connection, cleared);
          const recent = await this.stores.queue.recent(screen.site, Date.now());
          if (recent.length > 0) void this.sendQueue(connection, recent);
        }),
      );
    }
  }

  /** Listens to the other nodes' announcements (pushes, alerts, alert clears), each parsed before use. */
  joinedCluster(): void {
    this.clustered = true;
    this.namespace.on(CLUSTER_PUSH, (ids: unknown) => {
      const parsed = ScreenIds.safeParse(ids);
      if (!parsed.success) return this.log(`cluster: a push announcement not understood (${formatIssues(parsed.error)})`);
      this.pushLocal(parsed.data).catch((error: unknown) => this.failure(error, 'pushing sets announced by another node'));
    });
    this.namespace.on(CLUSTER_ALERT, (alert: unknown, ids: unknown) => {
      const parsed = z.tuple([Alert, ScreenIds]).safeParse([alert, ids]);
      if (!parsed.success) return this.log(`cluster: an alert announcement not understood (${formatIssues(parsed.error)})`);
      this.alertLocal(...parsed.data);
    });
    this.namespace.on(CLUSTER_ALERT_CLEAR, (clear: unknown, ids: unknown) => {
      const parsed = z.tuple([AlertClear, ScreenIds]).safeParse([clear, ids]);
      if (!parsed.success) return this.log(`cluster: an alert clear announcement not understood (${formatIssues(parsed.error)})`);
      this.clearAlertLocal(...parsed.data);
    });
  }

  /**
   * Emits a command to every connection of a screen on any node and collects their acks (socket.io's
   * broadcast with acks goes through the adapter): all of them, or, when some did not come in
   * time (a node or the broker away), those that did; null when none did.
   */
  private commandToScreen(screenId: string, command: Command): Promise<unknown[] | null> {
    return new Promise((resolve) => {
      this.namespace
        .to(screenRoom(screenId))
        .timeout(ACK_TIMEOUT_MS)
        .emit('command', command, (error: Error | null, answers: unknown[] | undefined) => resolve(error && !answers?.length ? null : (answers ?? [])));
    });
  }

  private async sendAlert(connection: Connection, alert: Alert): Promise<void> {
    try {
      const answer = Ack.safeParse(await this.timed('alert', () => connection.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('alert', alert)));
      if (answer.success && answer.data.ok) await this.stores.alerts.recordAck(alert.id, connection.screen.id, 'shown', Date.now());
    } catch (error) {
      if (storageKind(error)) this.failure(error, `recording ${connection.screen.id}'s answer to alert ${alert.id}`);
      else this.log(`${connection.screen.id}: no answer to alert ${alert.id}; sent again at its next hello`);
    }
  }

  /**
   * The recent events, oldest first, in messages of at most MAX_QUEUE_EVENTS (a busy site's 12 h
   * hold more), each answered (or timed out: a screen estimating a long backlog may answer late)
   * before the next, so that the newest, the queue as it stands, always go.
   */
  private async sendQueue(connection: Connection, events: QueueEvent[]): Promise<void> {
    let unanswered = 0;
    for (let from = 0; from < events.length && connection.socket.connected; from += MAX_QUEUE_EVENTS) {
      const part = events.slice(from, from + MAX_QUEUE_EVENTS);
      await this.timed('queue', () => connection.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('queue', { events: part })).catch(() => unanswered++);
    }
    if (unanswered > 0) this.log(`${connection.screen.id}: no answer to ${unanswered} queue message(s); the events are sent again at its next connection`);
  }

  /** Relays a site's new ticket events to its screens connected to any node (one message to the site's room); timed until all answered. */
  queue(site: string, events: QueueEvent[]): void {
    this.metrics?.queueRelayed(site, events.length);
    const started = performance.now();
    this.namespace
      .to(siteRoom(site))
      .timeout(ACK_TIMEOUT_MS)
      .emit('queue', { events }, (error: Error | null) => {
        if (error) {
          this.metrics?.socketError('queue timeout');
          this.log(`site ${site}: some screens did not answer queue; the events are sent again at their next connection`);
        } else this.metrics?.acked('queue', started);
      });
  }

  /** An alert to these screens wherever they are connected (the other nodes told in one message); each one's ack recorded by its node. */
  alert(alert: Alert, screenIds: string[]): void {
    if (this.clustered) this.namespace.serverSideEmit(CLUSTER_ALERT, alert, screenIds);
    this.alertLocal(alert, screenIds);
  }

  private alertLocal(alert: Alert, screenIds: readonly string[]): void {
    for (const id of screenIds) for (const connection of this.connections.get(id) ?? []) void this.sendAlert(connection, alert);
  }

  clearAlert(clear: AlertClear, screenIds: string[]): void {
    if (this.clustered) this.namespace.serverSideEmit(CLUSTER_ALERT_CLEAR, clear, screenIds);
    this.clearAlertLocal(clear, screenIds);
  }

  private clearAlertLocal(clear: AlertClear, screenIds: readonly string[]): void {
    for (const id of screenIds) for (const connection of this.connections.get(id) ?? []) this.clearAlertOn(connection, [clear.id]);
  }

  /** Sends `alert:clear` for each alert to one connection; its ack is recorded (not sent again at its next hello). */
  private clearAlertOn(connection: Connection, alertIds: readonly string[]): void {
    const id = connection.screen.id;
    for (const alertId of alertIds) {
      const clear: AlertClear = { id: alertId };
      this.timed('alert:clear', () => connection.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('alert:clear', clear))
        .then(
          async (answer: unknown) => {
            // Not if the alert was sent again meanwhile (revived: its acks start over).
            if (Ack.safeParse(answer).data?.ok && (await this.stores.alerts.get(alertId))?.clearedAt) await this.stores.alerts.recordAck(alertId, id, 'cleared', Date.now());
          },
          () => this.log(`${id}: no answer to alert:clear ${alertId}; sent again at its next hello`),
        )
        .catch((error: unknown) => this.failure(error, `recording ${id}'s answer to alert:clear ${alertId}`));
    }
  }

  /** Sends a command to a screen connected to any node and answers its ack (the first of its connections to answer). */
  async command(screenId: string, command: Command): Promise<CommandAck> {
    if (!(await this.onlineAmong([screenId])).has(screenId)) throw new HubError(409, `screen: "${screenId}" is not connected; commands go only to screens online`);
    const started = performance.now();
    const answers = await this.commandToScreen(screenId, command);
    if (answers === null) {
      this.metrics?.socketError('command timeout');
      throw new HubError(504, `screen "${screenId}" did not answer the ${command.type} command within ${ACK_TIMEOUT_MS / 1000} s`);
    }
    if (answers.length === 0) throw new HubError(409, `screen: "${screenId}" is not connected; commands go only to screens online`);
    this.metrics?.acked('command', started);
    const answer = parseWith(CommandAck, answers[0]);
    if (!answer.ok) throw new HubError(502, `screen "${screenId}" answered the ${command.type} command with something unexpected: ${answer.error}`);
    return answer.value;
  }
}
