/**
 * Storage failures (disk full, database busy or read-only, I/O error): recognised, answered as
 * `storage: …` (socket acks) or HTTP 503 (admin API), and logged once per kind so that a full
 * disk under a hundred screens does not flood the log. The hub keeps serving; a write that
 * failed was not acked, so its sender keeps the data and sends it again.
 */

/** SQLite result codes (better-sqlite3 `SqliteError.code`), PostgreSQL SQLSTATEs and Node file-system and socket codes that mean "the storage", not the request. */
const STORAGE_CODES: Record<string, string> = {
  SQLITE_FULL: 'the disk or the database is full',
  SQLITE_BUSY: 'the database is busy',
  SQLITE_LOCKED: 'the database is locked',
  SQLITE_READONLY: 'the database is read-only',
  SQLITE_IOERR: 'input/output error on the database',
  SQLITE_CORRUPT: 'the database file is corrupt',
  SQLITE_CANTOPEN: 'the database file cannot be opened',
  SQLITE_NOTADB: 'the database file is not a database',
  SQLITE_PROTOCOL: 'the database lock protocol failed',
  ENOSPC: 'no space left on the disk',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  EIO: 'input/output error on the disk',
  EACCES: 'permission denied on the data folder',
  EPERM: 'operation not permitted on the data folder',
  // PostgreSQL (SQLSTATE codes, `pg` error `code`) and reaching it.
  '53100': 'the database server\'s disk is full',
  '53200': 'the database server is out of memory',
  '53300': 'the database server has too many connections',
  '25006': 'the database is read-only (a standby?)',
  '57P01': 'the database server is shutting down',
  '57P02': 'the database server is restarting',
  '57P03': 'the database server is not accepting connections yet',
  '40001': 'a concurrent write conflicted',
  '40P01': 'a concurrent write deadlocked',
  '08000': 'the connection to the database failed',
  '08001': 'the database cannot be reached',
  '08003': 'the connection to the database is closed',
  '08006': 'the connection to the database failed',
  ECONNREFUSED: 'the database cannot be reached (connection refused)',
  ECONNRESET: 'the connection to the database was reset',
  ETIMEDOUT: 'the database did not answer in time',
  PG_CONNECTION: 'the connection to the database was lost or could not be made',
};

/** node-postgres errors about the connection itself, which carry no code. */
const PG_CONNECTION_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated due to connection timeout)/;

/** The kind of a storage failure (`SQLITE_FULL`, `SQLITE_IOERR`, `ENOSPC`…), or null for any other error. */
export function storageKind(error: unknown): string | null {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code !== 'string') return error instanceof Error && PG_CONNECTION_MESSAGES.test(error.message) ? 'PG_CONNECTION' : null;
  if (code in STORAGE_CODES) return code;
  // Extended SQLite codes: SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT, SQLITE_READONLY_DBMOVED…
  const base = /^(SQLITE_[A-Z]+)_/.exec(code)?.[1];
  return base && base in STORAGE_CODES ? code : null;
}

/**
 * PostgreSQL's "data exception" (SQLSTATE class 22: a value out of a column's range, a character
 * its encoding cannot hold, a malformed date): the request's data, not the hub, is at fault. The
 * schemas refuse what is known to fail (storableText.ts, the bounds of integers); this answers the
 * rest as the caller's, with the database's reason, or null for any other error.
 */
export function dataException(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code) && typeof severity === 'string' ? `${error.message} (SQLSTATE ${code})` : null;
}

function baseOf(kind: string): string {
  return /^(SQLITE_[A-Z]+)_/.exec(kind)?.[1] ?? kind;
}

/** `storage: the disk or the database is full (SQLITE_FULL); nothing was stored, send it again later` */
export function storageMessage(kind: string): string {
  return `storage: ${STORAGE_CODES[baseOf(kind)] ?? 'storage failure'} (${kind}); nothing was stored, send it again later`;
}

/** Logs each kind of storage failure once (then counts them), and says when storage works again. */
export class StorageFaultLog {
  private readonly counts = new Map<string, number>();

  constructor(private readonly log: (line: string) => void) {}

  /** Records a storage failure met while doing `what`; answers the message to send back. */
  record(kind: string, what: string, error: unknown): string {
    const count = this.counts.get(kind) ?? 0;
    this.counts.set(kind, count + 1);
    if (count === 0) this.log(`${storageMessage(kind)} [first seen while ${what}: ${error instanceof Error ? error.message : String(error)}; further ones are counted, not logged]`);
    return storageMessage(kind);
  }

  /** After a write succeeded: if failures had been seen, logs how many and forgets them (a new one is logged again). */
  recovered(): void {
    if (this.counts.size === 0) return;
    const summary = [...this.counts].map(([kind, n]) => `${n} × ${kind}`).join(', ');
    this.counts.clear();
    this.log(`storage: writing again after ${summary}`);
  }
}
