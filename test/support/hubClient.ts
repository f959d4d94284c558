import { io, type Socket } from 'socket.io-client';
import type { ScreenToken } from '../../src/shared/adminApi.js';
import { PlaylistsMessage } from '../../src/shared/protocol.js';

/**
 * A hub seen from the outside, for the tests that run one in their own process: its admin API
 * as a script calls it, and a screen's socket as a player opens it.
 */

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

/** Headers that sign a request with another token than the test's admin one. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/**
 * The admin API with `token` (Bearer; null: none, as a player calls the pairing endpoints): JSON
 * in (a string body is sent as it is: a malformed one on purpose), JSON out, or the text when the
 * answer is not JSON. `headers` add to or replace the defaults. `hubUrl` is read at each call:
 * the hub starts after the file's first line runs.
 */
export function adminApi(hubUrl: () => string, token: string | null) {
  return async function api<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
    const response = await fetch(new URL(path, hubUrl()), {
      method,
      headers: { ...(token === null ? {} : bearer(token)), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T };
  };
}

/** What the hub sends a screen and expects an ack for. */
export type ScreenEvent = 'playlists' | 'alert' | 'queue';

/**
 * A screen's connection, as the player opens it (WebSocket, its id and token, no reconnection):
 * resolves once connected. `answers` ack what the hub sends, per event; an event without one
 * goes unanswered.
 */
export function connectScreen(hubUrl: string, created: ScreenToken, answers: Partial<Record<ScreenEvent, (payload: unknown) => unknown>> = {}, version = 'unit'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${hubUrl}/screens`, { auth: { screenId: created.screen.id, token: created.token, protocol: 1, version }, transports: ['websocket'], reconnection: false });
    for (const [event, answer] of Object.entries(answers)) socket.on(event, (payload: unknown, ack: (a: unknown) => void) => ack(answer(payload)));
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Answers that ack every set the hub pushes, keeping each (parsed as the player would) in `received`. */
export function keepingSets(received: PlaylistsMessage[]): Partial<Record<ScreenEvent, (payload: unknown) => unknown>> {
  return {
    playlists: (payload) => {
      received.push(PlaylistsMessage.parse(payload));
      return { ok: true };
    },
  };
}
