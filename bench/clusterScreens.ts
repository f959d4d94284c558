import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Impression } from '../src/shared/impression.js';

/**
 * A share of `npm run bench -- cluster`'s simulated screens, in a process of its own (started
 * by clusterBench.ts with an IPC channel), so that the screens' own work does not delay the
 * figures the bench reads from the others. Told what to do by messages; answers each with what
 * it measured: times are epoch milliseconds (performance.timeOrigin + now: the same clock in
 * every process), durations milliseconds.
 */

export const ScreensCommand = z.discriminatedUnion('type', [
  /** Connect these screens (screen k of the whole bench to node k mod nodes) and say hello: answers `connected`. */
  z.object({ type: z.literal('connect'), nodes: z.array(z.string()), ids: z.array(z.string()), first: z.number().int(), token: z.string() }),
  /** Send a status and 4 impressions per screen every periodMs, spread over the period, for ms: answers `steady`. */
  z.object({ type: z.literal('steady'), ms: z.number(), periodMs: z.number(), total: z.number().int() }),
  /** When each screen last received a set: answers `received`. */
  z.object({ type: z.literal('received') }),
  z.object({ type: z.literal('close') }),
]);
export type ScreensCommand = z.infer<typeof ScreensCommand>;

export type ScreensAnswer =
  | { type: 'connected'; hello: number[]; retries: number }
  | { type: 'steady'; acks: number[]; sentAt: number[]; failed: number; lagP99: number; cpuS: number }
  | { type: 'received'; at: Record<string, number> }
  | { type: 'error'; message: string };

const epochNow = (): number => performance.timeOrigin + performance.now();

function impressions(screenId: string, count: number, from: number): Impression[] {
  return Array.from({ length: count }, (_, k) => {
    const start = from + k * 8_000;
    return { id: uuidv7(), screenId, playlistId: 'p', itemId: `i${k % 9}`, revision: 'r', start: new Date(start).toISOString(), end: new Date(start + 8_000).toISOString(), durationMs: 8_000, complete: true };
  });
}

const screens: { id: string; socket: Socket; index: number }[] = [];
const received = new Map<string, number>();

/** Screens connecting at once in this process (each retries as a player does until it is in). */
const CONNECTING_AT_ONCE = 250;

async function connect(command: Extract<ScreensCommand, { type: 'connect' }>): Promise<ScreensAnswer> {
  const hello: number[] = [];
  let retries = 0;
  for (let k = 0; k < command.ids.length; k += CONNECTING_AT_ONCE) {
    const chunk = await Promise.all(
      command.ids.slice(k, k + CONNECTING_AT_ONCE).map(
        (id, j) =>
          new Promise<{ id: string; socket: Socket; index: number }>((resolve, reject) => {
            const index = command.first + k + j;
            const node = command.nodes[index % command.nodes.length]!;
            // As a player: refused or timed out, it tries again after a randomized backoff (1 to 5 s).
            const socket = io(`${node}/screens`, { auth: { screenId: id, token: command.token, protocol: 1, version: 'bench' }, transports: ['websocket'], timeout: 60_000, reconnectionDelay: 1_000, reconnectionDelayMax: 5_000 });
            let said = false;
            socket.on('playlists', (_message: unknown, ack: (a: unknown) => void) => {
              received.set(id, epochNow());
              ack({ ok: true });
            });
            socket.on('connect_error', () => retries++);
            socket.on('connect', () => {
              const h0 = performance.now();
              socket
                .timeout(120_000)
                .emitWithAck('hello', { revision: null, version: 'bench', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } })
                .then(() => {
                  if (said) return;
                  said = true;
                  hello.push(performance.now() - h0);
                  resolve({ id, socket, index });
                }, reject);
            });
          }),
      ),
    );
    screens.push(...chunk);
  }
  return { type: 'connected', hello, retries };
}

async function steady(command: Extract<ScreensCommand, { type: 'steady' }>): Promise<ScreensAnswer> {
  const acks: number[] = [];
  /** When each ack's batch was sent (epoch ms), in acks' order. */
  const sentAt: number[] = [];
  let failed = 0;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const cpu0 = process.cpuUsage();
  for (const screen of screens) {
    const tick = (): void => {
      screen.socket.emit('status', { at: new Date().toISOString(), revision: null, playing: { playlistId: 'p', itemId: 'i' }, cache: { bytes: 1e8, files: 12, missing: 0 }, outbox: 0, uptimeS: 60, version: 'bench' });
      const a0 = performance.now();
      screen.socket
        .timeout(30_000)
        .emitWithAck('impressions', { impressions: impressions(screen.id, 4, Date.now()) })
        .then(
          (answer: { ok?: boolean }) => {
            if (!answer.ok) return failed++;
            acks.push(performance.now() - a0);
            sentAt.push(performance.timeOrigin + a0);
          },
          () => failed++,
        );
    };
    const first = setTimeout(function again() {
      timers.delete(first);
      tick();
      const next = setTimeout(again, command.periodMs);
      timers.add(next);
    }, (screen.index / command.total) * command.periodMs);
    timers.add(first);
  }
  await new Promise((resolve) => setTimeout(resolve, command.ms));
  for (const timer of timers) clearTimeout(timer);
  // The acks of what was sent last, before answering.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  lag.disable();
  const cpu = process.cpuUsage(cpu0);
  return { type: 'steady', acks, sentAt, failed, lagP99: lag.percentile(99) / 1e6, cpuS: (cpu.user + cpu.system) / 1e6 };
}

function answer(message: ScreensAnswer): void {
  if (process.connected) process.send!(message);
}

// The bench that started this process is gone: so are its screens.
process.on('disconnect', () => process.exit(0));

process.on('message', (raw: unknown) => {
  const parsed = ScreensCommand.safeParse(raw);
  if (!parsed.success) return answer({ type: 'error', message: `bench screens: command not understood: ${parsed.error.message}` });
  const command = parsed.data;
  const work: Promise<ScreensAnswer> =
    command.type === 'connect'
      ? connect(command)
      : command.type === 'steady'
        ? steady(command)
        : command.type === 'received'
          ? Promise.resolve({ type: 'received', at: Object.fromEntries(received) })
          : (async () => {
              for (const screen of screens) screen.socket.close();
              process.disconnect();
              return { type: 'error', message: 'closed' } as const;
            })();
  work.then(
    (message) => {
      if (command.type !== 'close') answer(message);
    },
    (error: unknown) => answer({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
