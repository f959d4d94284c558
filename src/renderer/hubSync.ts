import { io, type Socket } from 'socket.io-client';
import type { HubToScreenEvents, Received, ScreenToHubEvents } from '../shared/screenEvents.js';
import { toUtcTime } from '../shared/ids.js';
import { mapSources } from '../shared/playlist.js';
import {
  ACK_TIMEOUT_MS,
  Alert,
  AlertClear,
  AUTH_ERRORS,
  Command,
  HelloAck,
  PlaylistsMessage,
  PROTOCOL_VERSION,
  QueueMessage,
  SCREENS_NAMESPACE,
  STATUS_INTERVAL_MS,
  type Ack,
  type CommandAck,
  type Hello,
  type Playing,
  type StatusMessage,
} from '../shared/protocol.js';
import type { PowerStatus } from '../shared/powerSchedule.js';
import type { QueueEvent } from '../shared/queue.js';
import { parseWith } from '../shared/validationError.js';
import type { AlertBoard } from './alertBoard.js';
import type { KioskEvents } from './kioskEvents.js';
import type { PlayerMedia } from './playerMedia.js';
import { OutboxSender, type OutboxMessage } from './outboxSender.js';
import { DisposableStore, TimerSlot, type Disposable } from './disposables.js';
import type { PlayerDb } from './db.js';
import type { SetSwitch } from './setSwitch.js';

/**
 * The player's side of protocol §3: connects to the hub's `/screens`, says `hello`, stores
 * pushed sets durably before acking them, shows alerts, runs commands, reports `status`
 * every 30 s and empties the outbox. Every payload is parsed; a bad one is refused with its
 * error and changes nothing. socket.io's offline buffer is never used: events are sent only
 * while connected, and whatever was buffered at a disconnection is dropped (the outbox keeps it).
 */

/** After the hub refused the screen (token, protocol), ask again this much later. */
export const REFUSED_RETRY_MS = 60_000;
/**
 * After the hub closed the connection itself (socket.io does not come back by itself then), come
 * back this much later, give or take half: a hub that restarts or sheds load gets its screens back
 * within seconds, spread out; one that refuses the screen then gets REFUSED_RETRY_MS.
 */
export const SERVER_CLOSED_RETRY_MS = 5_000;

type AckFn = (answer: unknown) => void;

export interface HubSyncDeps {
  hubUrl: string;
  screenId: string;
  token: string;
  version: string;
  timezone: string;
  db: PlayerDb;
  switcher: SetSwitch;
  alerts: AlertBoard;
  cache: PlayerMedia;
  nowPlaying(): Playing | null;
  /** The display's power state (the power schedule), for `status.power`. */
  power?(): PowerStatus;
  runCommand(command: Command): Promise<CommandAck>;
  onQueue?(events: QueueEvent[]): Promise<void>;
  /** The kiosk PC's own events, sent with the next status (Electron only). */
  kioskEvents?: KioskEvents | null;
  /** The hub refused this screen's token (revoked, or the screen was paired again). */
  onUnauthorized?(): void;
}

export interface SyncState {
  /** Why the hub is not reachable or refused us (`unauthorized`, …). */
  error: string | null;
  lastRefusal: string | null;
}

export interface HubReport {
  url: string;
  connected: boolean;
  error: string | null;
  refusal: string | null;
  sent: number;
  sendError: string | null;
}

function ackOf(value: unknown): AckFn {
  return typeof value === 'function' ? (value as AckFn) : () => {};
}

/** The screen's connection: §3's events typed (screenEvents.ts), what the hub sends still parsed at run time. */
type HubSocket = Socket<Received<HubToScreenEvents>, ScreenToHubEvents>;

/** What the screen answers to the hub's event `E`. */
type AckAnswer<E extends keyof HubToScreenEvents> = Parameters<Parameters<HubToScreenEvents[E]>[1]>[0];

/** A hub's acked event: socket.io puts the ack last, so one sent without a payload (or with more than one) is answered too. */
function onAcked<E extends keyof HubToScreenEvents>(socket: HubSocket, event: E, handler: (payload: unknown, ack: (answer: AckAnswer<E>) => void) => void): void {
  const listener = (...args: unknown[]) => handler(typeof args[0] === 'function' ? undefined : args[0], ackOf(args.at(-1)));
  // (The listener takes any arguments: socket.io's types cannot resolve a listener's type for a generic event.)
  socket.on(event as keyof HubToScreenEvents, listener);
}

export class HubSync implements Disposable {
  private socket: HubSocket | null = null;
  /** Owns the status timer, the retry timer and the outbox's sender: all given up on dispose. */
  private readonly owned = new DisposableStore();
  private readonly retryTimer = this.owned.add(new TimerSlot());
  /** Connected and `hello` answered (or given up on): what the screen sends comes after its hello (§3). */
  private greeted = false;
  private readonly startedMono = performance.now();
  readonly sender: OutboxSender;
  readonly state: SyncState = { error: null, lastRefusal: null };

  constructor(private readonly deps: HubSyncDeps) {
    this.sender = this.owned.add(new OutboxSender(deps.db, deps.screenId, (message) => this.sendWithAck(message), () => this.greeted && (this.socket?.connected ?? false)));
  }

  start(): void {
    const { deps } = this;
    const socket: HubSocket = io(new URL(SCREENS_NAMESPACE, deps.hubUrl).href, {
      auth: { screenId: deps.screenId, token: deps.token, protocol: PROTOCOL_VERSION, version: deps.version },
      transports: ['websocket', 'polling'],
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 30_000,
      randomizationFactor: 0.5,
      timeout: ACK_TIMEOUT_MS,
    });
    this.socket = socket;

    socket.on('connect', () => void this.connected(socket));
    socket.on('disconnect', (reason) => {
      socket.sendBuffer = [];
      this.greeted = false;
      this.state.error = `disconnected (${reason})`;
      // socket.io does not come back by itself when the hub closed the connection: come back soon.
      if (reason === 'io server disconnect') this.retryLater(socket, SERVER_CLOSED_RETRY_MS * (0.5 + Math.random()));
    });
    socket.on('connect_error', (error) => {
      this.state.error = error.message;
      // The hub refused this screen: socket.io does not retry that by itself. Ask again, slowly.
      if (!socket.active) this.retryLater(socket);
      if (error.message === AUTH_ERRORS.unauthorized) {
        console.warn(`[antichambre] hub ${deps.hubUrl} refused screen ${deps.screenId}: wrong or revoked token`);
        deps.onUnauthorized?.();
      }
    });

    onAcked(socket, 'playlists', (payload, ack) => void this.receiveSet(payload, ack));
    onAcked(socket, 'alert', (payload, ack) => {
      const alert = parseWith(Alert, payload);
      if (!alert.ok) return ack({ ok: false, error: alert.error });
      deps.alerts.show(alert.value).then(
        () => ack({ ok: true }),
        (error: unknown) => ack({ ok: false, error: `storage: ${String(error)}` }),
      );
    });
    onAcked(socket, 'alert:clear', (payload, ack) => {
      const clear = parseWith(AlertClear, payload);
      if (!clear.ok) return ack({ ok: false, error: clear.error });
      deps.alerts.clear(clear.value.id).then(
        () => ack({ ok: true }),
        (error: unknown) => ack({ ok: false, error: `storage: ${String(error)}` }),
      );
    });
    onAcked(socket, 'queue', (payload, ack) => {
      const message = parseWith(QueueMessage, payload);
      if (!message.ok) return ack({ ok: false, error: message.error });
      (deps.onQueue?.(message.value.events) ?? Promise.resolve()).then(
        () => ack({ ok: true }),
        (error: unknown) => ack({ ok: false, error: `storage: ${String(error)}` }),
      );
    });
    onAcked(socket, 'command', (payload, ack) => {
      const command = parseWith(Command, payload);
      if (!command.ok) return ack({ ok: false, error: command.error });
      deps.runCommand(command.value).then(ack, (error: unknown) => ack({ ok: false, error: String(error) }));
    });

    this.owned.interval(() => void this.sendStatus(), STATUS_INTERVAL_MS);
  }

  private retryLater(socket: HubSocket, ms = REFUSED_RETRY_MS): void {
    this.retryTimer.arm(() => socket.connect(), ms);
  }

  dispose(): void {
    this.owned.dispose();
    this.socket?.disconnect();
  }

  /** For the status overlay: where the hub is, whether we are connected, what went wrong last. */
  report(): HubReport {
    return { url: this.deps.hubUrl, connected: this.socket?.connected ?? false, error: this.state.error, refusal: this.state.lastRefusal, sent: this.sender.figures.sent, sendError: this.sender.lastError };
  }

  /** The display went to sleep or woke: the hub hears it now rather than at the next status. */
  powerChanged(): void {
    void this.sendStatus();
  }

  /** Something was added to the outbox: send it if we can. */
  outboxChanged(): void {
    if (this.greeted && this.socket?.connected) this.sender.kick();
  }

  private sendWithAck(message: OutboxMessage): Promise<unknown> {
    const socket = this.socket;
    if (!socket?.connected) return Promise.reject(new Error('not connected to the hub'));
    const acked = socket.timeout(ACK_TIMEOUT_MS);
    return message.event === 'impressions' ? acked.emitWithAck('impressions', message.payload) : acked.emitWithAck('wait', message.payload);
  }

  private async connected(socket: HubSocket): Promise<void> {
    this.state.error = null;
    this.greeted = false;
    const hello: Hello = {
      revision: this.deps.switcher.hubRevision(),
      version: this.deps.version,
      timezone: this.deps.timezone,
      screen: { width: window.screen.width, height: window.screen.height },
    };
    try {
      const answer = parseWith(HelloAck, await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('hello', hello));
      if (!answer.ok) this.state.error = `hello: ${answer.error}`;
    } catch {
      this.state.error = 'hello: no answer from the hub';
    }
    if (!socket.connected) return;
    this.greeted = true;
    await this.sender.offerSetAsideAgain().catch((error: unknown) => console.warn(`[antichambre] impressions set aside stay aside for now: ${String(error)}`));
    this.sender.kick();
    void this.sendStatus();
  }

  private async receiveSet(payload: unknown, ack: (answer: Ack) => void): Promise<void> {
    const message = parseWith(PlaylistsMessage, payload);
    if (!message.ok) {
      this.state.lastRefusal = message.error;
      console.warn(`[antichambre] playlists from the hub refused: ${message.error}`);
      return ack({ ok: false, error: message.error });
    }
    const { revision, playlists, layout, power } = message.value;
    try {
      // A relative src is relative to the hub.
      const resolved = playlists.map((playlist) => mapSources(playlist, (src) => new URL(src, this.deps.hubUrl).href));
      await this.deps.switcher.receive({ source: 'hub', revision, playlists: resolved, storedAt: Date.now(), ...(layout ? { layout } : {}), ...(power ? { power } : {}) });
      ack({ ok: true });
    } catch (error) {
      ack({ ok: false, error: `storage: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  private async sendStatus(): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected || !this.greeted) return;
    const [outbox, pending] = await Promise.all([this.sender.pending(), this.deps.kioskEvents?.pending().catch(() => null) ?? null]);
    // The cache's figures last, and `at` read in the same turn: its ages ("missing for 660 s") are
    // as of `at`, not of some earlier moment before the other reads settled.
    const cache = await this.deps.cache.cacheStatus();
    const events = pending && pending.events.length > 0 ? pending : null;
    const status: StatusMessage = {
      at: toUtcTime(Date.now()),
      revision: this.deps.switcher.hubRevision(),
      playing: this.deps.nowPlaying(),
      cache,
      outbox,
      uptimeS: Math.round((performance.now() - this.startedMono) / 1000),
      version: this.deps.version,
      ...(events ? { events: events.events } : {}),
      ...(this.deps.power ? { power: this.deps.power() } : {}),
    };
    if (!socket.connected || !this.greeted) return;
    socket.emit('status', status);
    if (events) this.deps.kioskEvents?.sent(events.through).catch(() => {});
  }
}
