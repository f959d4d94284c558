import type { RetryKind } from '../shared/mediaStatus.js';
import { isQuotaError } from './quotaError.js';
import { createSHA256, type IHasher } from 'hash-wasm';
import type { PlayerDb } from './db.js';
import type { DownloadPace } from '../shared/downloadPace.js';
import { deleteMedia } from './mediaStore.js';

/**
 * One file, from its URL into IndexedDB: streamed, hashed as the bytes arrive, written in
 * parts of a few MB together with the hash state, so that a dropped or interrupted transfer
 * resumes with an HTTP Range request where it stopped. A file whose digest differs is
 * deleted, never stored as media.
 */

export interface FileRequest {
  sha256: string;
  src: string;
  bytes?: number | undefined;
}

export type { RetryKind } from '../shared/mediaStatus.js';

const COMMIT_EVERY_MS = 1_000;
const READ_BYTES = 256 * 1024;
const MIN_TIMED_PART = 64 * 1024;

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly retry: RetryKind,
  ) {
    super(message);
  }
}

export interface DownloadOptions {
  signal: AbortSignal;
  /** A transfer that brings no byte for this long is aborted. */
  stallMs: number;
  partBytes: number;
  onProgress(done: number, total: number | null): void;
  /** Called before each step that waits (IndexedDB, the server), named for a log of what it waited for. */
  onStep?(waitingFor: string): void;
  /**
   * A file of at most this many bytes, fetched whole by this attempt, is also answered as a Blob
   * once verified (its parts, already in memory): its first showing need not read it back.
   */
  keepUpTo?: number;
  /** The cache's pace, asked at each read how long to wait after the bytes received (slower while a video plays). */
  pace?: DownloadPace;
}


/** What the player says of a host that answers but sends no Access-Control-Allow-Origin (French first, then English). */
export function noCorsMessage(src: string): string {
  let host = src;
  try {
    host = new URL(src).host;
  } catch {
    // Not a URL: named as written.
  }
  return `${host} n'envoie pas Access-Control-Allow-Origin : le lecteur web ne peut pas le télécharger, le kiosque le peut · ${host} sends no Access-Control-Allow-Origin: the web player cannot fetch it; the kiosk can (${src})`;
}

/**
 * A fetch that failed with a network error: asked again without CORS (an opaque HEAD, whose
 * answer the page cannot read). If that one is answered, the host is up and only the CORS
 * rule refused the first: the host sends no Access-Control-Allow-Origin (or does not allow Range).
 */
async function reachableWithoutCors(src: string, signal: AbortSignal): Promise<boolean> {
  try {
    await fetch(src, { mode: 'no-cors', method: 'HEAD', cache: 'no-store', signal });
    return true;
  } catch {
    return false;
  }
}

async function restart(db: PlayerDb, sha256: string, hasher: IHasher): Promise<number> {
  await deleteMedia(db, sha256);
  hasher.init();
  return 0;
}

/**
 * Fetches, verifies and stores one file. Answers its bytes when `keepUpTo` allows (the whole file
 * fetched by this attempt, at most that size), else null (and null when it was stored already).
 */
export async function downloadFile(db: PlayerDb, file: FileRequest, options: DownloadOptions): Promise<Blob | null> {
  const sha256 = file.sha256.toLowerCase();
  const step = (waitingFor: string) => options.onStep?.(waitingFor);
  // Side by side: one wait for the store, not two, and the hasher's WebAssembly meanwhile.
  step('the stored file and its partial download to be looked up (IndexedDB), the SHA-256 hasher to load');
  const [stored, partial, hasher] = await Promise.all([db.media.get(sha256), db.downloads.get(sha256), createSHA256()]);
  if (stored) return null;
  hasher.init();
  let offset = 0;
  if (partial && partial.src === file.src) {
    hasher.load(partial.hashState);
    offset = partial.bytesDone;
  } else if (partial) {
    step('an old partial download to be deleted (IndexedDB)');
    await restart(db, sha256, hasher);
  }

  const stall = new AbortController();
  const signal = AbortSignal.any([options.signal, stall.signal]);
  let response: Response;
  step(`the server's answer${offset > 0 ? ` to a Range request from byte ${offset}` : ''}`);
  try {
    response = await fetch(file.src, { signal, cache: 'no-store', ...(offset > 0 ? { headers: { Range: `bytes=${offset}-` } } : {}) });
  } catch (error) {
    if (options.signal.aborted) throw new DownloadError(`${file.src}: stopped`, 'soon');
    step(`${file.src} to answer without CORS (is the host reachable?)`);
    if (await reachableWithoutCors(file.src, signal)) throw new DownloadError(noCorsMessage(file.src), 'later');
    throw new DownloadError(`${file.src}: network error (${(error as Error).message})`, 'soon');
  }
  if ([401, 403, 404, 410].includes(response.status)) throw new DownloadError(`${file.src}: HTTP ${response.status}`, 'later');
  if (response.status === 416 && offset > 0) {
    step('the partial download to be deleted after a refused range (IndexedDB)');
    await restart(db, sha256, hasher);
    throw new DownloadError(`${file.src}: range refused, starting again`, 'soon');
  }
  if (!response.ok || !response.body) throw new DownloadError(`${file.src}: HTTP ${response.status}`, 'soon');
  if (offset > 0) {
    const range = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
    if (response.status !== 206 || Number(range?.[1]) !== offset) {
      step('the partial download to be deleted: the server sends the whole file (IndexedDB)');
      offset = await restart(db, sha256, hasher); // the server sends it all again
    }
  }
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? offset + length : (file.bytes ?? null);
  if (file.bytes !== undefined && total !== null && total !== file.bytes) throw new DownloadError(`${file.src}: the server has ${total} bytes, the playlist says ${file.bytes}`, 'later');
  const type = response.headers.get('content-type')?.split(';')[0] ?? 'application/octet-stream';
  // The parts written by this attempt, kept for the answer while the file fits `keepUpTo` (a resumed one never does).
  const keepUpTo = options.keepUpTo ?? 0;
  let kept: Blob[] | null = offset === 0 && (total ?? 0) <= keepUpTo ? [] : null;

  // Bytes are read into one reusable buffer (a BYOB reader) and gathered in another, the part
  // being filled: no garbage per network chunk, and the part survives a read that fails.
  const reader = response.body.getReader({ mode: 'byob' });
  let readBuffer = new ArrayBuffer(READ_BYTES);
  const part = new Uint8Array(options.partBytes);
  let pendingBytes = 0;
  let partOffset = offset;
  let lastCommit = performance.now();
  // Parts are written in order while the next bytes arrive: at most two writes wait at a time.
  let writes: Promise<void> = Promise.resolve();
  let waiting = 0;
  let writeError: unknown = null;
  const commit = () => {
    if (pendingBytes === 0) return;
    const blob = new Blob([part.subarray(0, pendingBytes)], { type }); // copies: the part buffer is free again
    const at = partOffset;
    partOffset += pendingBytes;
    if (kept && partOffset <= keepUpTo) kept.push(blob);
    else kept = null;
    const record = { sha256, src: file.src, bytesDone: partOffset, hashState: hasher.save(), type };
    pendingBytes = 0;
    waiting++;
    writes = writes.then(async () => {
      try {
        // A stopped (or abandoned) attempt writes nothing more: a newer one may be writing this file.
        if (writeError || options.signal.aborted) return;
        await db.transaction('rw', db.parts, db.downloads, async () => {
          await db.parts.put({ sha256, offset: at, blob });
          await db.downloads.put(record);
        });
      } catch (error) {
        writeError ??= isQuotaError(error) ? new DownloadError(`${file.src}: storage full`, 'room') : error;
      } finally {
        waiting--;
      }
    });
  };
  const flush = async () => {
    commit();
    step('parts to be written (IndexedDB)');
    await writes;
    if (writeError) throw writeError;
  };

  // A transfer that brings no byte for stallMs is aborted (and resumed later).
  let lastData = performance.now();
  let stalled = false;
  const watchdog = setInterval(() => {
    if (performance.now() - lastData >= options.stallMs) {
      stalled = true;
      stall.abort();
    }
  }, Math.min(1_000, options.stallMs));
  // Stopped or given up while an await hangs (the finally below may never run): the check goes too.
  const stopWatchdog = () => clearInterval(watchdog);
  options.signal.addEventListener('abort', stopWatchdog, { once: true });
  step('bytes from the server');
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array<ArrayBuffer>>;
      try {
        chunk = await reader.read(new Uint8Array(readBuffer));
      } catch (error) {
        await flush().catch(() => {});
        if (stalled) throw new DownloadError(`${file.src}: no data for ${options.stallMs / 1000} s, will resume`, 'soon');
        throw new DownloadError(`${file.src}: ${options.signal.aborted ? 'stopped' : `transfer cut (${(error as Error).message}), will resume`}`, 'soon');
      }
      if (chunk.value) readBuffer = chunk.value.buffer; // handed back after each read
      if (chunk.done) break;
      lastData = performance.now();
      // A part that this chunk would overflow is written first, with the hash of its bytes only
      // (the state a resumed download starts from must be that of the bytes written).
      if (pendingBytes + chunk.value.byteLength > part.byteLength) commit();
      hasher.update(chunk.value);
      part.set(chunk.value, pendingBytes);
      pendingBytes += chunk.value.byteLength;
      offset += chunk.value.byteLength;
      options.onProgress(offset, total);
      // A part is written every few MB, or every second on a slow line, so that little is fetched twice after a cut.
      if (pendingBytes >= part.byteLength || (pendingBytes >= MIN_TIMED_PART && performance.now() - lastCommit >= COMMIT_EVERY_MS)) {
        commit();
        lastCommit = performance.now();
        if (waiting >= 2) {
          step('parts to be written (IndexedDB)');
          await writes;
        }
        if (writeError) throw writeError;
      }
      if (options.pace) await options.pace.take(chunk.value.byteLength, options.signal, step);
    }
  } finally {
    clearInterval(watchdog);
    options.signal.removeEventListener('abort', stopWatchdog);
  }
  // Every byte is here. The parts already on their way are written first; the digest is checked
  // before the last part is; a verified file's last part is written with its record, in one
  // transaction (a small file: one write in all).
  step('parts to be written (IndexedDB)');
  await writes;
  if (writeError) throw writeError;
  // A stopped (or abandoned) attempt writes, or deletes, nothing more: a newer one may be writing this file.
  if (options.signal.aborted) throw new DownloadError(`${file.src}: stopped`, 'soon');
  const digest = hasher.digest('hex');
  if (digest !== sha256) {
    step('a file with the wrong digest to be deleted (IndexedDB)');
    await deleteMedia(db, sha256);
    throw new DownloadError(`${file.src}: sha256 is ${digest}, expected ${sha256}; file refused`, 'later');
  }
  const last = pendingBytes > 0 ? { sha256, offset: partOffset, blob: new Blob([part.subarray(0, pendingBytes)], { type }) } : null;
  if (last && kept && offset <= keepUpTo) kept.push(last.blob);
  else if (last) kept = null;
  const now = Date.now();
  step('the verified file to be stored (IndexedDB)');
  try {
    await db.transaction('rw', db.media, db.parts, db.downloads, async () => {
      if (last) await db.parts.put(last);
      await db.media.put({ sha256, bytes: offset, type, storedAt: now, lastUsed: now });
      await db.downloads.delete(sha256);
    });
  } catch (error) {
    if (isQuotaError(error)) throw new DownloadError(`${file.src}: storage full`, 'room');
    throw error;
  }
  return kept ? new Blob(kept, { type }) : null;
}
