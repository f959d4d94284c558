import pg from 'pg';
import { POSTGRES_MIGRATIONS } from './migrations.js';

/**
 * The hub's PostgreSQL connection pool, and its migrations. Every node of a cluster opens one
 * pool on the same database; each statement that is not in an explicit transaction commits on
 * its own, and a commit is durable when it returns (`synchronous_commit` on, PostgreSQL's
 * default), so that what the stores resolve can be acked.
 */

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;
/** What both a pool and a client in a transaction can run a query on. */
export type PgQueryable = Pick<pg.Pool, 'query'>;

/** COUNT(*) and BIGINT columns (int8) as numbers (the hub's counts and sizes fit in 2^53); NUMERIC as numbers. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === pg.types.builtins.INT8) return (text: string) => Number(text);
    if (oid === pg.types.builtins.NUMERIC) return (text: string) => Number.parseFloat(text);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** The lock key nodes take while migrating (`pg_advisory_lock`): one of them migrates, the others wait and find it done. */
const MIGRATION_LOCK = 0x616e7469; // "anti"

/**
 * `lossy`: the pool's commits return before the WAL is flushed (`synchronous_commit = off`), for
 * what the next message says again (a screen's last-seen, status, acked revision): a crash of
 * PostgreSQL may lose the last fraction of a second of those, never corrupts, and they no longer
 * wait in the queue of WAL flushes that the impressions' durable commits wait in.
 */
export function openPgPool(url: string, options: { max?: number; lossy?: boolean } = {}): PgPool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    types: TYPES,
    connectionTimeoutMillis: 10_000,
    ...(options.lossy ? { options: '-c synchronous_commit=off' } : {}),
  });
  // An idle connection that the server closed (restart, failover) is an error event on the pool: logged by the caller's queries, never fatal.
  pool.on('error', () => {});
  return pool;
}

/**
 * A connection taken from the pool for several statements. While it is out, the pool does not
 * listen to its errors: a connection lost then (backend killed, failover, link cut) would be an
 * uncaught 'error' event, fatal to the process; it is recorded here instead. `release()` gives
 * it back, or closes it when it is broken: lost, or left in an unknown state (a ROLLBACK that
 * failed, a COPY cut); node-postgres then opens a new one for the next query.
 */
export interface CheckedOutClient {
  readonly client: PgClient;
  /** Why the connection must not be used again, if it must not. */
  readonly broken: Error | undefined;
  markBroken(error: unknown): void;
  /** Once: back to the pool, or closed if broken. */
  release(): void;
}

export async function checkOut(pool: PgPool): Promise<CheckedOutClient> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const markBroken = (error: unknown): void => {
    broken ??= error instanceof Error ? error : new Error(String(error));
  };
  client.on('error', markBroken);
  return {
    client,
    get broken() {
      return broken;
    },
    markBroken,
    release() {
      client.off('error', markBroken);
      client.release(broken);
    },
  };
}

/** Runs `work` in a transaction on one connection: committed if it resolves, rolled back if it throws (the connection closed if even that fails). */
export async function inTransaction<T>(pool: PgPool, work: (client: PgClient) => Promise<T>): Promise<T> {
  const connection = await checkOut(pool);
  const { client } = connection;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(connection.markBroken);
    throw error;
  } finally {
    connection.release();
  }
}

/** Applies the migrations the database lacks, each in its own transaction, under a cluster-wide lock; answers the versions before and after. */
export async function migratePostgres(pool: PgPool): Promise<{ from: number; to: number }> {
  const connection = await checkOut(pool);
  const { client } = connection;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS antichambre_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
      const { rows } = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM antichambre_migrations');
      const from = rows[0]?.version ?? 0;
      for (let version = from; version < POSTGRES_MIGRATIONS.length; version++) {
        await client.query('BEGIN');
        try {
          await client.query(POSTGRES_MIGRATIONS[version]!);
          await client.query('INSERT INTO antichambre_migrations (version) VALUES ($1)', [version + 1]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(connection.markBroken);
          throw new Error(`PostgreSQL migration ${version + 1} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return { from, to: Math.max(from, POSTGRES_MIGRATIONS.length) };
    } finally {
      // A connection still holding the lock is not given back: closing it releases the lock.
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(connection.markBroken);
    }
  } finally {
    connection.release();
  }
}
