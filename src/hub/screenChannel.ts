import type { Namespace, Server, Socket } from 'socket.io';
import type { LiveScreen, ScreenInfo, ScreenState } from '../shared/adminApi.js';
import { toUtcTime } from '../shared/ids.js';
import {
  Ack,
  ACK_TIMEOUT_MS,
  AlertClear,
  AUTH_ERRORS,
  Command,
  CommandAck,
  Hello,
  ImpressionsMessage,
  PROTOCOL_VERSION,
  SCREENS_NAMESPACE,
  StatusMessage,
  WaitMessage,
  type Alert,
  type PlaylistsMessage,
} from '../shared/protocol.js';
import type { QueueEvent } from '../shared/queue.js';
import { parseWith } from '../shared/validationError.js';
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
  socket: Socket;
  screen: ScreenInfo;
  /** The revision being pushed and not yet answered. */
  pushing: string | null;
}

function ackOf(value: unknown): AckFn {
  return typeof value === 'function' ? (value as AckFn) : () => {};
}

export class ScreenChannel {
  private readonly namespace: Namespace;
  private readonly connections = new Map<string, Set<Connection>>();

  constructor(
    io: Server,
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
      const limited = this.handshakes.refusal(address, Date.now());
      if (limited) return this.refuse(next, limited);
      const auth: Record<string, unknown> = typeof socket.handshake.auth === 'object' && socket.handshake.auth ? socket.handshake.auth : {};
      if (auth['protocol'] !== PROTOCOL_VERSION) return this.refuse(next, AUTH_ERRORS.unsupportedProtocol);
      const verified = typeof auth['screenId'] === 'string' && typeof auth['token'] === 'string' ? this.stores.screens.verify(auth['screenId'], auth['token']) : Promise.resolve(null);
      verified.then(
        (screen) => {
          if (!screen) {
            this.handshakes.failed(address, Date.now());
            return this.refuse(next, AUTH_ERRORS.unauthorized);
          }
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

  /** Every screen's state now: as stored, with its connection from this channel and the revision its assignments give it. */
  async screenStates(): Promise<ScreenState[]> {
    return Promise.all((await this.liveScreens()).map(async (screen) => ({ ...screen, revision: (await this.stores.playlists.setFor(screen))?.revision ?? null })));
  }

  /** Every screen as stored, with its connection from this channel (what metrics and notifications read: no set assembled). */
  async liveScreens(): Promise<LiveScreen[]> {
    return (await this.stores.screens.list()).map((screen) => ({ ...screen, online: this.isOnline(screen.id) }));
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

  isOnline(screenId: string): boolean {
    return (this.connections.get(screenId)?.size ?? 0) > 0;
  }

  onlineCount(): number {
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
  private guarded(what: string, handler: (payload: unknown, ack: AckFn) => Promise<void> | void, event?: string): (payload: unknown, ack: unknown) => void {
    return (payload, ack) => {
      const acknowledge = ackOf(ack);
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

  private accept(socket: Socket): void {
    const screen = (socket.data as { screen: ScreenInfo }).screen;
    const connection: Connection = { socket, screen, pushing: null };
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
        const hello = parseWith(Hello, payload);
        if (!hello.ok) return ack({ ok: false, error: hello.error });
        ack({ ok: true, serverTime: toUtcTime(Date.now()) });
        await this.stores.screens.seen(screen.id, Date.now());
        const current = await this.stores.playlists.setFor(screen);
        if (current && current.revision !== hello.value.revision) void this.push(connection, current);
        for (const alert of await this.stores.alerts.activeFor(screen, Date.now())) void this.sendAlert(connection, alert);
        const recent = await this.stores.queue.recent(screen.site, Date.now());
        if (recent.length > 0) void this.sendQueue(connection, recent);
      }, 'hello'),
    );

    socket.on(
      'impressions',
      this.guarded(`storing impressions from ${screen.id}`, async (payload, ack) => {
        const started = performance.now();
        const message = parseWith(ImpressionsMessage, payload);
        if (!message.ok) return ack({ ok: false, error: message.error });
        const foreign = message.value.impressions.findIndex((impression) => impression.screenId !== screen.id);
        if (foreign >= 0) return ack({ ok: false, error: `impressions[${foreign}].screenId: expected "${screen.id}", the screen of this connection` });
        // Acked only once durable (the player deletes what is acked); a failed write or fsync is answered, and the batch comes again.
        const { stored, duplicates } = await this.stores.impressions.insert(message.value.impressions, Date.now());
        this.faults.recovered();
        this.metrics?.impressionsStored(screen.site, stored);
        ack({ ok: true, stored, duplicates });
        this.metrics?.acked('impressions', started);
      }, 'impressions'),
    );

    socket.on(
      'wait',
      this.guarded(`storing wait estimates from ${screen.id}`, async (payload, ack) => {
        const message = parseWith(WaitMessage, payload);
        if (!message.ok) return ack({ ok: false, error: message.error });
        await this.stores.waits.insert(screen.id, message.value.estimates, Date.now());
        ack({ ok: true });
      }, 'wait'),
    );

    socket.on(
      'status',
      this.guarded(`status from ${screen.id}`, async (payload) => {
        const status = parseWith(StatusMessage, payload);
        if (!status.ok) {
          this.metrics?.socketError('status');
          return this.log(`status from ${screen.id} ignored: ${status.error}`);
        }
        await this.stores.screens.recordStatus(screen.id, status.value, Date.now());
        const power = status.value.power;
        if (power) await this.stores.power.record(screen.id, power, status.value.at, Date.now());
        // A push that went unanswered (lost connection, timeout) is sent again, but not one the screen refused.
        const current = await this.stores.playlists.setFor(screen);
        if (current && status.value.revision !== current.revision && connection.pushing === null && (await this.stores.screens.ackedRevision(screen.id)) !== current.revision) {
          void this.push(connection, current);
        }
      }),
    );
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

  /** Closes a screen's live connections at once (its token was rotated): its next handshake, with the old token, is refused `unauthorized`. */
  disconnectScreen(screenId: string): number {
    const live = [...(this.connections.get(screenId) ?? [])];
    for (const connection of live) connection.socket.disconnect(true);
    return live.length;
  }

  /** Sends each screen its set as it is now (after an assignment or a playlist changed); resolves once sent (not acked). */
  async pushSets(screenIds: string[]): Promise<void> {
    for (const id of screenIds) {
      for (const connection of this.connections.get(id) ?? []) {
        const set = await this.stores.playlists.setFor(connection.screen);
        if (set) void this.push(connection, set);
      }
    }
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

  private async sendQueue(connection: Connection, events: QueueEvent[]): Promise<void> {
    try {
      await this.timed('queue', () => connection.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('queue', { events }));
    } catch {
      this.log(`${connection.screen.id}: no answer to queue; the events are sent again at its next hello`);
    }
  }

  /** Relays a site's new ticket events to its connected screens. */
  queue(site: string, events: QueueEvent[], screenIds: string[]): void {
    this.metrics?.queueRelayed(site, events.length);
    for (const id of screenIds) for (const connection of this.connections.get(id) ?? []) void this.sendQueue(connection, events);
  }

  alert(alert: Alert, screenIds: string[]): void {
    for (const id of screenIds) for (const connection of this.connections.get(id) ?? []) void this.sendAlert(connection, alert);
  }

  clearAlert(clear: AlertClear, screenIds: string[]): void {
    for (const id of screenIds) {
      for (const connection of this.connections.get(id) ?? []) {
        this.timed('alert:clear', () => connection.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('alert:clear', clear))
          .then(
            async (answer: unknown) => {
              if (Ack.safeParse(answer).data?.ok) await this.stores.alerts.recordAck(clear.id, id, 'cleared', Date.now());
            },
            () => this.log(`${id}: no answer to alert:clear ${clear.id}`),
          )
          .catch((error: unknown) => this.failure(error, `recording ${id}'s answer to alert:clear ${clear.id}`));
      }
    }
  }

  /** Sends a command to a connected screen and answers its ack. */
  async command(screenId: string, command: Command): Promise<CommandAck> {
    const connection = [...(this.connections.get(screenId) ?? [])][0];
    if (!connection) throw new HubError(409, `screen: "${screenId}" is not connected; commands go only to screens online`);
    let raw: unknown;
    try {
      raw = await this.timed('command', () => connection.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('command', command));
    } catch {
      throw new HubError(504, `screen "${screenId}" did not answer the ${command.type} command within ${ACK_TIMEOUT_MS / 1000} s`);
    }
    const answer = parseWith(CommandAck, raw);
    if (!answer.ok) throw new HubError(502, `screen "${screenId}" answered the ${command.type} command with something unexpected: ${answer.error}`);
    return answer.value;
  }
}
