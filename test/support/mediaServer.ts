import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A media server on loopback for the cache's tests: serves files with Range support, and
 * misbehaves on request: wrong bytes, a transfer that stalls, one that drops mid-way, 404,
 * or a slow trickle; `cut`: the next transfers of a file (see `cutNext`) are cut at random
 * points, then it is served (Range too); `nocors`: served, but with no CORS header at all (a
 * town's website); `hold`: the first transfer sends 60 % of the file, then nothing, the
 * connection left open. Every
 * request is logged with its Range header.
 */

export type Behaviour = 'good' | 'wrong' | 'stall' | 'drop' | 'missing' | 'slow' | 'cut' | 'nocors' | 'hold';

export interface MediaServer {
  url(behaviour: Behaviour, name: string): string;
  log: { path: string; range: string | null; status: number; at: number; cutAfter?: number }[];
  /** `cut` behaviour: the next `count` transfers of `name` send a random share of their bytes (from `random`) and are cut. */
  cutNext(name: string, count: number, random: () => number): void;
  /** Files by name. */
  files: Map<string, { bytes: Uint8Array; type: string }>;
  close(): Promise<void>;
}

export async function startMediaServer(files: Record<string, { bytes: Uint8Array; type: string }>): Promise<MediaServer> {
  const store = new Map(Object.entries(files));
  const log: MediaServer['log'] = [];
  const firstHit = new Set<string>();
  const cuts = new Map<string, { left: number; random: () => number }>();
  const sockets = new Set<import('node:net').Socket>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const cors: Record<string, string> = (req.url ?? '').startsWith('/nocors/')
      ? {}
      : { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Range', 'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    const [, behaviour, name] = (req.url ?? '').split('/') as [string, Behaviour, string];
    const file = store.get(decodeURIComponent(name ?? ''));
    const range = req.headers.range ?? null;
    const entry: MediaServer['log'][number] = { path: req.url ?? '', range, status: 0, at: Date.now() };
    log.push(entry);
    if (!file || behaviour === 'missing') {
      entry.status = 404;
      res.writeHead(404, { ...cors, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    let bytes = file.bytes;
    if (behaviour === 'wrong') {
      bytes = Uint8Array.from(bytes);
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1]! + 1) & 0xff;
    }
    let start = 0;
    const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m) start = Number(m[1]);
    if (start >= bytes.length && bytes.length > 0) {
      entry.status = 416;
      res.writeHead(416, { ...cors, 'Content-Range': `bytes */${bytes.length}` }).end();
      return;
    }
    const body = bytes.subarray(start);
    entry.status = m ? 206 : 200;
    res.writeHead(entry.status, {
      ...cors,
      'Content-Type': file.type,
      'Content-Length': String(body.length),
      'Accept-Ranges': 'bytes',
      ...(m ? { 'Content-Range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    const first = !firstHit.has(req.url ?? '');
    firstHit.add(req.url ?? '');
    const half = body.subarray(0, body.length >> 1);
    if (behaviour === 'stall' && first) {
      res.write(half); // then nothing: the connection stays open, silent
      return;
    }
    // Every transfer from the start is dropped half-way, so that one always drops after the player
    // kept some bytes (on a busy machine the first may drop before any is written); a Range request is served.
    if (behaviour === 'drop' && !m) {
      res.write(half, () => setTimeout(() => res.socket?.destroy(), 50));
      return;
    }
    const cut = behaviour === 'cut' ? cuts.get(decodeURIComponent(name ?? '')) : undefined;
    if (cut && cut.left > 0) {
      cut.left--;
      const sent = Math.floor(cut.random() * body.length);
      entry.cutAfter = sent;
      res.write(body.subarray(0, sent), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    if (behaviour === 'hold' && first) {
      const until = Math.floor(body.length * 0.6);
      let offset = 0;
      const next = () => {
        if (res.destroyed || offset >= until) return; // then silent, open
        const end = Math.min(offset + 100_000, until);
        res.write(body.subarray(offset, end));
        offset = end;
        setImmediate(next);
      };
      next();
      return;
    }
    if (behaviour === 'slow') {
      let offset = 0;
      const tick = () => {
        if (res.destroyed) return;
        if (offset >= body.length) return void res.end();
        res.write(body.subarray(offset, offset + 16 * 1024));
        offset += 16 * 1024;
        setTimeout(tick, 100); // 160 kB/s: a slow ADSL line
      };
      tick();
      return;
    }
    res.end(body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: (behaviour, name) => `http://127.0.0.1:${port}/${behaviour}/${encodeURIComponent(name)}`,
    log,
    files: store,
    cutNext: (name, count, random) => void cuts.set(name, { left: count, random }),
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
