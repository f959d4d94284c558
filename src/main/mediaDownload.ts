import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { DownloadPace } from '../shared/downloadPace.js';
import type { RetryKind } from '../shared/mediaStatus.js';
import { sha256For, type Sha256 } from './sha256Thread.js';

/**
 * One media file, from its URL into a file of the kiosk's cache folder, in the main process
 * (no page, so no CORS rule; the kiosk's session fetch, see MediaFilesOptions.fetch). Streamed into `<sha256>.part` while hashed with
 * node:crypto; renamed to `<sha256>` only once the digest matches and the bytes are on disk
 * (fsync), so a file named by its digest is always a verified one. A cut or a restart of the
 * app resumes with a Range request from the bytes kept (hashed again from disk first). A
 * transfer that brings no byte for `stallMs` is aborted.
 */

export const SHA256_NAME = /^[0-9a-f]{64}$/;

/** Bytes gathered per write to the part file (fetch hands over chunks of 16 to 64 KB: one write each costs a round trip to the thread pool). */
const WRITE_BYTES = 1024 * 1024;

/** What is kept beside a verified file: its type, for the app:// scheme. */
export const MediaMeta = z.object({ type: z.string().min(1), src: z.string(), bytes: z.number().int().nonnegative(), storedAt: z.number() });
export type MediaMeta = z.infer<typeof MediaMeta>;

export interface FileRequest {
  sha256: string;
  src: string;
  bytes?: number | undefined;
}

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly retry: RetryKind,
  ) {
    super(message);
  }
}

export interface FileDownloadOptions {
  signal: AbortSignal;
  stallMs: number;
  onProgress(done: number, total: number | null): void;
  /** Called before each step that waits (the disk, the server), named for a log of what it waited for. */
  onStep?(waitingFor: string): void;
  /** The store's pace, asked at each chunk how long to wait after the bytes received (slower while a video plays). */
  pace?: DownloadPace;
  /** How a request is made (default: Node's fetch); the kiosk gives Electron's net.fetch (see MediaFilesOptions.fetch). */
  fetch?: MediaFetch | undefined;
}

/** A fetch: Node's, or the kiosk's session one (Electron's net.fetch). */
export type MediaFetch = (url: string, init: RequestInit) => Promise<Response>;

export const partPath = (folder: string, sha256: string) => join(folder, `${sha256}.part`);
export const metaPath = (folder: string, sha256: string) => join(folder, `${sha256}.json`);
export const verifiedPath = (folder: string, sha256: string) => join(folder, sha256);

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch {
    return null;
  }
}

async function hashFile(path: string, hash: Sha256, signal: AbortSignal): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024, signal })) await hash.update(chunk as Buffer);
}

function isNoSpace(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** Downloads `file` into `folder` unless it is there already; throws a DownloadError that says when to try again. */
export async function downloadToFile(folder: string, file: FileRequest, options: FileDownloadOptions): Promise<void> {
  const step = (waitingFor: string) => options.onStep?.(waitingFor);
  const sha256 = file.sha256.toLowerCase();
  if (!SHA256_NAME.test(sha256)) throw new DownloadError(`${file.src}: "${file.sha256}" is not a sha256`, 'later');
  const final = verifiedPath(folder, sha256);
  step('the cache folder to be read (disk)');
  if ((await sizeOf(final)) !== null) return;
  await mkdir(folder, { recursive: true });
  const part = partPath(folder, sha256);
  // Disposed in the finally below, whatever happens.
  let hash = sha256For(file.bytes ?? null);
  try {
    let offset = (await sizeOf(part)) ?? 0;
    // Every byte kept already (cut just before the rename), or more than the file: fetched again, with its type.
    if (offset > 0 && file.bytes !== undefined && offset >= file.bytes) {
      await rm(part, { force: true });
      offset = 0;
    }
    if (offset > 0) {
      step(`the ${offset} bytes kept to be hashed again (disk)`);
      try {
        await hashFile(part, hash, options.signal);
      } catch (error) {
        throw new DownloadError(`${file.src}: ${options.signal.aborted ? 'stopped' : `the kept bytes could not be read (${(error as Error).message})`}`, 'soon');
      }
    }
    const restart = async () => {
      await rm(part, { force: true });
      hash.dispose();
      hash = sha256For(file.bytes ?? null);
      offset = 0;
    };

    let type = 'application/octet-stream';
    {
      const stall = new AbortController();
      const signal = AbortSignal.any([options.signal, stall.signal]);
      let lastData = performance.now();
      let stalled = false;
      const watchdog = setInterval(() => {
        if (performance.now() - lastData >= options.stallMs) {
          stalled = true;
          stall.abort();
        }
      }, Math.max(10, Math.min(1_000, options.stallMs / 4)));
      try {
        let response: Response;
        step(`the server's answer${offset > 0 ? ` to a Range request from byte ${offset}` : ''}`);
        try {
          response = await (options.fetch ?? fetch)(file.src, { signal, redirect: 'follow', ...(offset > 0 ? { headers: { Range: `bytes=${offset}-` } } : {}) });
        } catch (error) {
          const why = options.signal.aborted ? 'stopped' : stalled ? `no answer for ${options.stallMs / 1000} s` : `network error (${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message})`;
          throw new DownloadError(`${file.src}: ${why}`, 'soon');
        }
        if ([401, 403, 404, 410].includes(response.status)) throw new DownloadError(`${file.src}: HTTP ${response.status}`, 'later');
        if (response.status === 416 && offset > 0) {
          await restart();
          throw new DownloadError(`${file.src}: range refused, starting again`, 'soon');
        }
        if (!response.ok || !response.body) throw new DownloadError(`${file.src}: HTTP ${response.status}`, 'soon');
        if (offset > 0) {
          const range = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
          if (response.status !== 206 || Number(range?.[1]) !== offset) await restart(); // the server sends it all again
        }
        const length = Number(response.headers.get('content-length'));
        const total = Number.isFinite(length) && length > 0 ? offset + length : (file.bytes ?? null);
        if (file.bytes !== undefined && total !== null && total !== file.bytes) throw new DownloadError(`${file.src}: the server has ${total} bytes, the playlist says ${file.bytes}`, 'later');
        type = response.headers.get('content-type')?.split(';')[0]?.trim() || type;

        step('the part file to be opened (disk)');
        // Opened to append, emptied only by a live attempt: one given up while this open hung must not truncate a newer one's bytes.
        const handle = await open(part, 'a');
        if (options.signal.aborted) {
          await handle.close();
          throw new DownloadError(`${file.src}: stopped`, 'soon');
        }
        if (offset === 0) await handle.truncate(0);
        // The network's small chunks are gathered into writes of WRITE_BYTES, and one write is on its way to the
        // disk while the next bytes arrive (at most one in flight: memory stays at two buffers).
        let gathered: Uint8Array[] = [];
        let gatheredBytes = 0;
        let writing: Promise<unknown> = Promise.resolve();
        /** Writes what was gathered; hashed too, unless the transfer failed (the bytes kept are hashed again from disk when it resumes). */
        const flush = async (hashToo = true) => {
          await writing;
          if (gatheredBytes === 0) return;
          const buffer = gathered.length === 1 ? gathered[0]! : Buffer.concat(gathered, gatheredBytes);
          gathered = [];
          gatheredBytes = 0;
          // Hashed on its own thread for a large file (the copy it takes leaves `buffer` to the write).
          if (hashToo) await hash.update(buffer);
          writing = handle.write(buffer);
          writing.catch(() => {}); // awaited (and thrown) at the next flush; not an unhandled rejection meanwhile
        };
        try {
          try {
            for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
              lastData = performance.now();
              gathered.push(chunk);
              gatheredBytes += chunk.byteLength;
              offset += chunk.byteLength;
              if (gatheredBytes >= WRITE_BYTES) await flush();
              options.onProgress(offset, total);
              if (options.pace) await options.pace.take(chunk.byteLength, signal, step);
            }
            await flush();
            await writing;
          } catch (error) {
            // What arrived before the cut is kept, for the Range request that resumes it.
            if (!isNoSpace(error)) await flush(false).catch(() => {});
            if (isNoSpace(error)) throw new DownloadError(`${file.src}: disk full`, 'room');
            if (stalled) throw new DownloadError(`${file.src}: no data for ${options.stallMs / 1000} s, will resume`, 'soon');
            const cause = ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
            throw new DownloadError(`${file.src}: ${options.signal.aborted ? 'stopped' : `transfer cut (${cause}), will resume`}`, 'soon');
          }
          step('the file to be synced (disk)');
          await handle.sync();
        } finally {
          await handle.close();
        }
        if (total !== null && offset < total) throw new DownloadError(`${file.src}: transfer cut at ${offset} of ${total} bytes, will resume`, 'soon');
      } finally {
        clearInterval(watchdog);
      }
    }

    let digest: string;
    try {
      digest = await hash.digest();
    } catch (error) {
      throw new DownloadError(`${file.src}: the digest could not be computed (${(error as Error).message}), will try again`, 'soon');
    }
    if (digest !== sha256) {
      await rm(part, { force: true });
      throw new DownloadError(`${file.src}: sha256 is ${digest}, expected ${sha256}; file refused`, 'later');
    }
    step('the verified file to be renamed (disk)');
    try {
      await writeFile(metaPath(folder, sha256), JSON.stringify(MediaMeta.parse({ type, src: file.src, bytes: offset, storedAt: Date.now() })));
      await rename(part, final);
    } catch (error) {
      if (isNoSpace(error)) throw new DownloadError(`${file.src}: disk full`, 'room');
      throw error;
    }
  } finally {
    hash.dispose();
  }
}
