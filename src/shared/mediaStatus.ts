import { z } from 'zod';
import { MAX_CACHE_ERROR_CHARS, MAX_CACHE_ERRORS } from './protocol.js';

/**
 * What the player knows of each media file it wants, and how long to wait before trying one
 * again: shared by the page's IndexedDB cache (web player) and the kiosk's file store (main
 * process), whose status crosses the preload bridge and is parsed with these schemas.
 */

export const FileState = z.enum(['queued', 'downloading', 'ready', 'waiting', 'failed', 'no-room']);
export type FileState = z.infer<typeof FileState>;

export const FileStatus = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected a lowercase sha256 in hex' }),
  src: z.string(),
  state: FileState,
  done: z.number().nonnegative(),
  total: z.number().nonnegative().nullable(),
  error: z.string().optional(),
  attempts: z.number().int().nonnegative(),
  /** Wall-clock time of the next try, for reading only: the retry timer decides. */
  nextTry: z.number().optional(),
});
export type FileStatus = z.infer<typeof FileStatus>;

/** `soon`: retry with backoff; `later`: the server said no (404, wrong bytes, no CORS), retry rarely; `room`: out of space. */
export type RetryKind = 'soon' | 'later' | 'room';

export interface BackoffRules {
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** After a refusal (404, 403, wrong bytes, no CORS): try again this much later at the earliest. */
  refusedRetryMs: number;
  random: () => number;
}

/** Exponential backoff with "equal jitter" (between half and one and a half times); a refusal waits at least `refusedRetryMs`. */
export function backoffMs(attempts: number, kind: RetryKind, rules: BackoffRules): number {
  const exponential = Math.min(rules.backoffMaxMs, rules.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
  const jittered = exponential * (0.5 + rules.random());
  return kind === 'later' ? Math.max(rules.refusedRetryMs, jittered) : jittered;
}

/** What the kiosk's file store (main process) tells the page: every wanted file, the verified ones, the figures of `status.cache`. */
export const MediaStoreStatus = z.object({
  /** Where the verified files are served, `<base>/<sha256>` (the kiosk: app://media). */
  base: z.url({ error: 'expected the URL the files are served at' }),
  files: z.array(FileStatus),
  ready: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
  bytes: z.number().int().nonnegative(),
  count: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  /** null: no limit known. */
  budget: z.number().nonnegative().nullable(),
  oldestMissingS: z.number().int().nonnegative(),
});
export type MediaStoreStatus = z.infer<typeof MediaStoreStatus>;

/** `status.cache.errors`: the errors of wanted files not ready, soonest needed first, each once, at most 5. */
export function missingFileErrors(files: readonly FileStatus[], isReady: (sha256: string) => boolean): string[] {
  const errors = new Set<string>();
  for (const file of files) {
    if (errors.size >= MAX_CACHE_ERRORS) break;
    if (file.error && !isReady(file.sha256)) errors.add(file.error.length > MAX_CACHE_ERROR_CHARS ? `${file.error.slice(0, MAX_CACHE_ERROR_CHARS - 1)}…` : file.error);
  }
  return [...errors];
}

/**
 * Since when each wanted file has been missing (for `status.cache.oldestMissingS`), by a
 * monotonic clock the caller reads: one clock for the page's cache and the kiosk's file store.
 */
export class MissingSince {
  private readonly since = new Map<string, number>();

  /** A new plan: files no longer wanted are forgotten; wanted ones not ready start their clock (kept if already running). */
  plan(wanted: readonly { sha256: string }[], isReady: (sha256: string) => boolean, now: number): void {
    const shas = new Set(wanted.map((f) => f.sha256));
    for (const sha of this.since.keys()) if (!shas.has(sha)) this.since.delete(sha);
    for (const file of wanted) if (!isReady(file.sha256) && !this.since.has(file.sha256)) this.since.set(file.sha256, now);
  }

  /** The file went missing again (evicted, or found damaged): its clock starts now. */
  restart(sha256: string, now: number): void {
    this.since.set(sha256, now);
  }

  /** The file is ready. */
  ready(sha256: string): void {
    this.since.delete(sha256);
  }

  clear(): void {
    this.since.clear();
  }

  /** Whole seconds the oldest wanted file not yet ready has been missing; 0 when none. */
  oldestS(wanted: readonly { sha256: string }[], isReady: (sha256: string) => boolean, now: number): number {
    let oldest = now;
    for (const file of wanted) {
      const since = isReady(file.sha256) ? undefined : this.since.get(file.sha256);
      if (since !== undefined && since < oldest) oldest = since;
    }
    return Math.max(0, Math.floor((now - oldest) / 1000));
  }
}
