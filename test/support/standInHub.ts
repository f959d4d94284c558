import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { SCREENS_NAMESPACE } from '../../src/shared/protocol.js';

/** A stand-in hub: a real socket.io server on loopback that accepts any screen and acks its hello, for tests that send a player what a real hub would not. */
export interface StandInHub {
  url: string;
  /** The next screen that says hello. */
  connected(): Promise<Socket>;
  /** The screen's socket now (its latest hello, still connected), waiting for one if none: survives the player's reconnections. */
  screen(screenId: string): Promise<Socket>;
  /** Every payload of `event` the screen sent, across its reconnections, oldest first. */
  received(screenId: string, event: string): unknown[];
  close(): Promise<void>;
}

/**
 * `pingTimeoutMs`: how long the hub waits for a pong; a player's own heartbeat check runs on its page's clock and
 * gives up after ping interval + this, so a long one keeps the connection across a page clock moved by many minutes.
 */
export async function startStandInHub(options: { pingTimeoutMs?: number; answers?: Record<string, (payload: unknown) => unknown>; refuse?: (auth: Record<string, unknown>) => string | null } = {}): Promise<StandInHub> {
  const http = createServer();
  const io = new Server(http, { cors: { origin: '*' }, ...(options.pingTimeoutMs ? { pingTimeout: options.pingTimeoutMs } : {}) });
  const waiting: ((socket: Socket) => void)[] = [];
  const ready: Socket[] = [];
  const latest = new Map<string, Socket>();
  const waitingFor: { screenId: string; resolve: (socket: Socket) => void }[] = [];
  const log: { screenId: string; event: string; payload: unknown }[] = [];
  // `refuse`: the handshake's refusal (a connect_error with that message), or null to accept.
  const refuse = options.refuse;
  if (refuse) {
    io.of(SCREENS_NAMESPACE).use((socket, next) => {
      const refusal = refuse(socket.handshake.auth as Record<string, unknown>);
      next(refusal ? new Error(refusal) : undefined);
    });
  }
  io.of(SCREENS_NAMESPACE).on('connection', (socket) => {
    socket.onAny((event: string, payload: unknown) => log.push({ screenId: String((socket.handshake.auth as { screenId?: unknown }).screenId ?? ''), event, payload }));
    // `answers`: how this hub acks the player's events (unanswered otherwise: the player's send times out).
    for (const [event, answer] of Object.entries(options.answers ?? {})) socket.on(event, (payload: unknown, ack: (answer: unknown) => void) => ack(answer(payload)));
    socket.on('hello', (_payload: unknown, ack: (answer: unknown) => void) => {
      ack({ ok: true, serverTime: new Date().toISOString() });
      const screenId = String((socket.handshake.auth as { screenId?: unknown }).screenId ?? '');
      latest.set(screenId, socket);
      for (const waiter of waitingFor.filter((w) => w.screenId === screenId)) {
        waitingFor.splice(waitingFor.indexOf(waiter), 1);
        waiter.resolve(socket);
      }
      const next = waiting.shift();
      if (next) next(socket);
      else ready.push(socket);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    connected: () => {
      const socket = ready.shift();
      return socket ? Promise.resolve(socket) : new Promise((resolve) => waiting.push(resolve));
    },
    screen: (screenId) => {
      const socket = latest.get(screenId);
      return socket?.connected ? Promise.resolve(socket) : new Promise((resolve) => waitingFor.push({ screenId, resolve }));
    },
    received: (screenId, event) => log.filter((entry) => entry.screenId === screenId && entry.event === event).map((entry) => entry.payload),
    close: () => new Promise((resolve) => io.close(() => resolve())),
  };
}

/** Sends a screen its set as a hub does (§3 `playlists`) and answers the player's ack; `timeoutMs`: how long the ack may take (§3: 10 s). */
export async function pushSet(screen: Socket, message: unknown, timeoutMs = 10_000): Promise<{ ok: boolean; error?: string }> {
  return (await screen.timeout(timeoutMs).emitWithAck('playlists', message)) as { ok: boolean; error?: string };
}
