import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server for feed tests: serves whatever documents a test puts at a path, counts
 * requests per path, and can stall a path (to test time limits) or announce a size it exceeds.
 */
export interface FeedServer {
  url: string;
  /** Path -> body (string) with an optional content type. */
  set(path: string, body: string, type?: string): void;
  /** The path answers with headers and then never finishes its body. */
  stall(path: string): void;
  /** Requests to the path get the document as it is when they arrive, but only once `release()` is called. */
  gate(path: string): { release(): void };
  hits(path: string): number;
  close(): Promise<void>;
}

export async function startFeedServer(): Promise<FeedServer> {
  const docs = new Map<string, { body: string; type: string }>();
  const stalled = new Set<string>();
  const counts = new Map<string, number>();
  const gates = new Map<string, Promise<void>>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    if (stalled.has(path)) {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.write('<?xml version="1.0"?><rss>');
      return;
    }
    const doc = docs.get(path);
    if (!doc) {
      res.writeHead(404).end('not found');
      return;
    }
    void (gates.get(path) ?? Promise.resolve()).then(() => {
      res.writeHead(200, { 'content-type': doc.type });
      res.end(doc.body);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    set: (path, body, type = 'application/xml; charset=utf-8') => docs.set(path, { body, type }),
    stall: (path) => stalled.add(path),
    gate: (path) => {
      let release = (): void => {};
      gates.set(path, new Promise<void>((resolve) => (release = resolve)));
      return {
        release: () => {
          gates.delete(path);
          release();
        },
      };
    },
    hits: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
