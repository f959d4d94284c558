import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { SCREENS_NAMESPACE } from '../../src/shared/protocol.js';

/** A stand-in hub: a real socket.io server on loopback that accepts any screen and acks its hello, for tests that send a player what a real hub would not. */
export interface StandInHub {
  url: string;
  /** The next screen that says hello. */
  connected(): Promise<Socket>;
  close(): Promise<void>;
}

export async function startStandInHub(): Promise<StandInHub> {
  const http = createServer();
  const io = new Server(http, { cors: { origin: '*' } });
  const waiting: ((socket: Socket) => void)[] = [];
  const ready: Socket[] = [];
  io.of(SCREENS_NAMESPACE).on('connection', (socket) => {
    socket.on('hello', (_payload: unknown, ack: (answer: unknown) => void) => {
      ack({ ok: true, serverTime: new Date().toISOString() });
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
    close: () => new Promise((resolve) => io.close(() => resolve())),
  };
}
