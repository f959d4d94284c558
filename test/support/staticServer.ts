import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import sirv from 'sirv';

/** dist/web on loopback, as any static server would serve the web player; `/playlists/` may come from another folder. */
export interface StaticSite {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export const WEB_DIR = resolve(import.meta.dirname, '../../dist/web');

/** `webDir`: another build of the web player (the startup bench compares two builds side by side). */
export async function serveWeb(options: { playlistsDir?: string; webDir?: string } = {}): Promise<StaticSite> {
  // Like a production static server: hashed assets cached for good, the rest revalidated.
  const web = sirv(options.webDir ?? WEB_DIR, {
    etag: true,
    setHeaders: (res, pathname) => res.setHeader('Cache-Control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  const playlists = options.playlistsDir ? sirv(options.playlistsDir, { dev: true }) : null;
  const requests: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(req.url ?? '');
    const notFound = () => {
      res.statusCode = 404;
      res.end('not found');
    };
    if (playlists && req.url?.startsWith('/playlists/')) {
      req.url = req.url.slice('/playlists'.length);
      playlists(req, res, notFound);
      return;
    }
    web(req, res, notFound);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

