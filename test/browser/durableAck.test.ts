import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { addScreen, startHubProcess, type HubProcess } from '../support/hubProcess.js';
import { backlogOf } from '../support/impressionsFixture.js';

/**
 * Security (issue 17): an ack means "on disk". Against the built hub as a real process:
 * - traced with strace, every impressions ack is written to the socket only after an fsync of
 *   the WAL that started after the batch's last WAL write and finished before the ack (the
 *   player deletes what is acked: without that fsync a power cut loses it);
 * - killed with SIGKILL right after acks, again and again: every acked id is there after restart.
 */

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function connect(hub: HubProcess, screenId: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${hub.url}/screens`, { auth: { screenId, token, protocol: 1, version: 'durable-ack' }, transports: ['websocket'], reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

interface TraceEvent {
  at: number;
  kind: 'wal-write' | 'wal-fsync' | 'ack';
  /** For fsyncs: when it returned. */
  end: number;
}

/** Parses `strace -f -y -ttt -T` output: WAL writes, WAL fsyncs (start and end, across threads) and socket writes of impression acks. */
function parseTrace(text: string): TraceEvent[] {
  const events: TraceEvent[] = [];
  const pending = new Map<string, number>();
  for (const line of text.split('\n')) {
    const head = /^(\d+)\s+(\d+\.\d+)\s+(.*)$/.exec(line);
    if (!head) continue;
    const [, pid, ts, rest] = head as unknown as [string, string, string, string];
    const at = Number(ts);
    if (/^f(data)?sync\(\d+<[^>]*-wal>/.test(rest)) {
      if (rest.includes('<unfinished ...>')) pending.set(pid, at);
      else if (/= 0 <(\d+\.\d+)>$/.test(rest)) events.push({ at, kind: 'wal-fsync', end: at + Number(/<(\d+\.\d+)>$/.exec(rest)![1]) });
    } else if (/^<\.\.\. f(data)?sync resumed>/.test(rest) && pending.has(pid)) {
      if (/= 0 <\d+\.\d+>$/.test(rest)) events.push({ at: pending.get(pid)!, kind: 'wal-fsync', end: at });
      pending.delete(pid);
    } else if (/^pwrite64\(\d+<[^>]*-wal>/.test(rest)) events.push({ at, kind: 'wal-write', end: at });
    else if (/^(write|writev)\(\d+<(TCP|socket)/.test(rest) && rest.includes('stored\\"')) events.push({ at, kind: 'ack', end: at });
  }
  return events.sort((a, b) => a.at - b.at);
}

describe('security: durable acks', () => {
  it('writes every impressions ack only after an fsync of the WAL that follows the batch\'s commit', async () => {
    const hub = await startHubProcess();
    cleanup.push(() => hub.stop());
    const token = await addScreen(hub, 'ecran-trace', 'mairie');
    const socket = await connect(hub, 'ecran-trace', token);
    cleanup.push(async () => void socket.close());
    // A first batch creates the WAL file before strace attaches.
    expect(((await socket.timeout(10_000).emitWithAck('impressions', { impressions: backlogOf('ecran-trace', 10) })) as { ok: boolean }).ok).toBe(true);

    const traceFile = join(mkdtempSync(join(tmpdir(), 'antichambre-trace-')), 'hub.strace');
    const strace = spawn('strace', ['-f', '-y', '-ttt', '-T', '-s', '200', '-e', 'trace=pwrite64,fsync,fdatasync,write,writev', '-o', traceFile, '-p', String(hub.pid)], { stdio: 'ignore' });
    const straceExited = new Promise<void>((resolve) => strace.once('exit', () => resolve()));
    cleanup.push(async () => {
      if (strace.exitCode === null) strace.kill('SIGINT');
      await straceExited;
    });
    for (let k = 0; k < 100 && !(existsSync(traceFile) && readFileSync(traceFile, 'utf8').length > 0); k++) await sleep(50);
    await sleep(300);

    // Batches one after the other (each waits for its ack), so that nothing interleaves with them.
    const batches = 20;
    for (let b = 0; b < batches; b++) {
      const batch = backlogOf('ecran-trace', 200, 'trace', Date.UTC(2026, 10, 3, 8) + b * 3_600_000);
      const answer = (await socket.timeout(20_000).emitWithAck('impressions', { impressions: batch })) as { ok: boolean; stored: number };
      expect(answer).toMatchObject({ ok: true, stored: 200 });
    }
    await sleep(200);
    strace.kill('SIGINT');
    await straceExited;

    const events = parseTrace(readFileSync(traceFile, 'utf8'));
    const acks = events.filter((event) => event.kind === 'ack');
    expect(acks.length).toBe(batches);
    const unflushed: number[] = [];
    acks.forEach((ack, index) => {
      const lastWrite = events.filter((event) => event.kind === 'wal-write' && event.at < ack.at).at(-1);
      expect(lastWrite, `ack ${index}: no WAL write before it`).toBeDefined();
      const flushed = events.some((event) => event.kind === 'wal-fsync' && event.at >= lastWrite!.at && event.end <= ack.at);
      if (!flushed) unflushed.push(index);
    });
    expect(unflushed, 'acks written to the socket before their batch was fsynced').toEqual([]);
  });

  it('keeps every acked id when the hub is killed (SIGKILL) right after acks, again and again', async () => {
    let hub = await startHubProcess();
    cleanup.push(() => hub.stop());
    const token = await addScreen(hub, 'ecran-kill', 'mairie');
    const acked = new Set<string>();
    for (let round = 0; round < 5; round++) {
      const socket = await connect(hub, 'ecran-kill', token);
      const sends: Promise<void>[] = [];
      // Several batches in flight; the kill comes the instant the third ack arrives.
      let acks = 0;
      const killed = new Promise<void>((resolve) => {
        for (let b = 0; b < 8; b++) {
          const batch = backlogOf('ecran-kill', 300, 'kill', Date.UTC(2026, 10, 4, 8) + (round * 8 + b) * 3_600_000);
          sends.push(
            socket
              .timeout(10_000)
              .emitWithAck('impressions', { impressions: batch })
              .then((answer: { ok: boolean }) => {
                if (!answer.ok) return;
                for (const impression of batch) acked.add(impression.id);
                if (++acks === 3) resolve();
              })
              .catch(() => {}),
          );
        }
      });
      await killed;
      await hub.kill();
      socket.close();
      await Promise.all(sends);
      hub = await startHubProcess({ dir: hub.dir });
    }
    await hub.stop();
    const db = new Database(hub.db, { readonly: true });
    const stored = new Set(db.prepare('SELECT id FROM impressions').pluck().all() as string[]);
    db.close();
    expect(acked.size).toBeGreaterThanOrEqual(5 * 3 * 300);
    const lost = [...acked].filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
  });
});
