import { close, fsync, open } from 'node:fs';

/**
 * Group commit for acks: the database commits with `synchronous = NORMAL` (the WAL is written,
 * not yet fsynced), and whatever must survive a power cut before it is acked (impressions,
 * ticket events) waits for `durable()`: one fsync of the WAL, in libuv's thread pool, covers
 * every commit made before it started, from every screen at once. The event loop keeps
 * inserting while the disk flushes, so ingest stays near the speed of NORMAL while an ack
 * still means "on disk". Frames already checkpointed into the database file were fsynced by
 * the checkpoint itself (SQLite syncs the database before it reuses the WAL).
 */
export class WalSync {
  /** Waiters of the fsync under way (their commits were made before it started)… */
  private running: Promise<void> | null = null;
  /** …and of the next one (commits made while one was under way). */
  private next: Promise<void> | null = null;
  private closed = false;

  /** `walPath`: the database's `-wal` file; null (an in-memory database): nothing to flush. */
  constructor(private readonly walPath: string | null) {}

  /** Resolves once everything committed before this call is on disk; rejects with the file-system error (ENOSPC, EIO…). */
  durable(): Promise<void> {
    if (this.walPath === null || this.closed) return Promise.resolve();
    if (!this.running) return (this.running = this.flushThenNext());
    // An fsync is under way but may have started before this commit: wait for the next one (shared by all who come meanwhile).
    this.next ??= this.running.catch(() => {}).then(() => {
      this.next = null;
      return (this.running = this.flushThenNext());
    });
    return this.next;
  }

  private async flushThenNext(): Promise<void> {
    try {
      await fsyncFile(this.walPath!);
    } finally {
      this.running = null;
    }
  }

  /** Waits for the fsync under way; later calls resolve at once (the database is closing and syncs itself). */
  async close(): Promise<void> {
    this.closed = true;
    await this.next?.catch(() => {});
    await this.running?.catch(() => {});
  }
}

/** Opens, fsyncs and closes a file (a fresh descriptor each time, so a WAL file re-created by SQLite is the one flushed). */
function fsyncFile(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (openError, fd) => {
      if (openError) {
        // No WAL file yet: nothing was committed through it.
        if (openError.code === 'ENOENT') return resolve();
        return reject(openError);
      }
      fsync(fd, (syncError) => close(fd, () => (syncError ? reject(syncError) : resolve())));
    });
  });
}
