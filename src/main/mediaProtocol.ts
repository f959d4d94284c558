import { createReadStream } from 'node:fs';
import { resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { APP_SCHEME, SECURITY_HEADERS } from './appProtocol.js';

/**
 * `app://media/<sha256>`: the kiosk's verified media files, read by the page through the app's
 * own scheme, with Range (a video seeks and starts at once) and the type recorded when the
 * file was fetched. Only a file the store says is verified is served, and only from inside
 * its folder (the containment rule of `fileForUrl`).
 */

export const MEDIA_HOST = 'media';
export const MEDIA_ORIGIN = `${APP_SCHEME}://${MEDIA_HOST}`;

export const mediaUrl = (sha256: string) => `${MEDIA_ORIGIN}/${sha256.toLowerCase()}`;

export interface ServedFile {
  path: string;
  bytes: number;
  type: string;
}

/** The verified file of a digest, or null: the store decides. */
export type FindVerified = (sha256: string) => Promise<ServedFile | null>;

/** The sha256 an app://media URL names, or null when it names anything else. */
export function shaForMediaUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:`) return null;
  if (parsed.host !== MEDIA_HOST) return null;
  if (parsed.search !== '' || parsed.hash !== '') return null;
  const match = /^\/([0-9a-fA-F]{64})$/.exec(parsed.pathname);
  return match ? match[1]!.toLowerCase() : null;
}

/** The byte range a Range header asks of a file of `size` bytes: null for the whole file, 'unsatisfiable' for a 416. */
export function rangeOf(header: string | null, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  if (header === null) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // A header we do not understand (several ranges, another unit) is ignored: the whole file (RFC 9110 §14.2).
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

function refusal(status: number, extra: Record<string, string> = {}): Response {
  return new Response(status === 416 ? null : 'Not found', { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra } });
}

export function createMediaHandler(folder: string, findVerified: FindVerified): (request: Request) => Promise<Response> {
  const base = resolve(folder);
  return async (request) => {
    const sha256 = shaForMediaUrl(request.url);
    if (!sha256 || request.method !== 'GET') return refusal(404);
    const file = await findVerified(sha256);
    if (!file) return refusal(404);
    // The store names the file; it must still be inside the folder.
    const path = resolve(file.path);
    if (!path.startsWith(base + sep)) return refusal(404);
    const range = rangeOf(request.headers.get('range'), file.bytes);
    if (range === 'unsatisfiable') return refusal(416, { 'Content-Range': `bytes */${file.bytes}` });
    const { start, end } = range ?? { start: 0, end: file.bytes - 1 };
    const length = Math.max(0, end - start + 1);
    const body = length === 0 ? null : (Readable.toWeb(createReadStream(path, { start, end })) as ReadableStream<Uint8Array>);
    return new Response(body, {
      status: range ? 206 : 200,
      headers: {
        ...SECURITY_HEADERS,
        'Content-Type': file.type,
        'Content-Length': String(length),
        'Accept-Ranges': 'bytes',
        // Named by its digest: the bytes of this URL never change.
        'Cache-Control': 'no-cache',
        ...(range ? { 'Content-Range': `bytes ${start}-${end}/${file.bytes}` } : {}),
      },
    });
  };
}

/** The app scheme's one handler: media by digest from the store, everything else from the app's files. */
export function routeAppScheme(appFiles: (request: Request) => Promise<Response>, media: (request: Request) => Promise<Response>): (request: Request) => Promise<Response> {
  return (request) => {
    let host = '';
    try {
      host = new URL(request.url).host;
    } catch {
      // An unreadable URL is the app handler's to refuse.
    }
    return host === MEDIA_HOST ? media(request) : appFiles(request);
  };
}
