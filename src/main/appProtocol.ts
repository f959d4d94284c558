import { extname, normalize, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './contentSecurity.js';

/**
 * The `app://` protocol: serves the app's own files (the built renderer and the bundled
 * playlists) and nothing else, every response with the CSP and no-sniff headers.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'player';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
  '.vtt': 'text/vtt; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

/** The file under `root` that an app:// URL names, or null when it names anything else. */
export function fileForUrl(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const base = resolve(root);
  const file = resolve(base, `.${normalize(path)}`);
  return file.startsWith(base + sep) ? file : null;
}

export type ReadFile = (path: string) => Promise<Uint8Array | null>;

export function createAppHandler(root: string, readFile: ReadFile): (request: Request) => Promise<Response> {
  return async (request) => {
    const file = fileForUrl(root, request.url);
    const body = file && request.method === 'GET' ? await readFile(file) : null;
    if (!file || !body) return new Response('Not found', { status: 404, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
    return new Response(body as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: { ...SECURITY_HEADERS, 'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' },
    });
  };
}
