import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, migratePostgres, openPgPool, type PgPool } from '../../src/hub/stores/postgres/pgDb.js';
import { usePostgres } from '../support/postgresServer.js';

/**
 * A transaction whose connection breaks midway (its backend killed from another connection, as
 * a failover or an administrator would): the transaction fails, the broken connection is not
 * handed out again, and the pool's next queries all succeed. The pools have one connection, so
 * that a broken one given back would be the one reused.
 */

const postgres = usePostgres();
let url: string;
let admin: pg.Client;
const pools: PgPool[] = [];

beforeAll(async () => {
  url = await postgres.freshDatabase();
  admin = new pg.Client({ connectionString: postgres.adminUrl });
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
});

/** The backend pids of the connections given back to the pool, each with the error it was given back with (node-postgres closes a connection given back with an error). */
const releases = new Map<number, Error | undefined>();

function onePool(): PgPool {
  const pool = openPgPool(url, { max: 1 });
  pool.on('release', (error: Error | undefined, client: pg.PoolClient) => {
    releases.set((client as unknown as { processID: number }).processID, error);
  });
  pools.push(pool);
  return pool;
}

/** The killed connection was given back with its error, so closed rather than kept. */
function expectClosed(pid: number): void {
  expect(releases.has(pid)).toBe(true);
  expect(releases.get(pid)).toBeInstanceOf(Error);
}

async function backendPid(client: Pick<pg.PoolClient, 'query'>): Promise<number> {
  return (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
}

async function terminate(pid: number): Promise<void> {
  expect((await admin.query<{ done: boolean }>('SELECT pg_terminate_backend($1) AS done', [pid])).rows[0]!.done).toBe(true);
}

/** The pool answers again, several times over, on a connection other than the killed one, and a transaction commits. */
async function expectHealthy(pool: PgPool, killed: number): Promise<void> {
  for (let k = 0; k < 5; k++) {
    const { rows } = await pool.query<{ pid: number; n: number }>('SELECT pg_backend_pid() AS pid, $1::int AS n', [k]);
    expect(rows[0]!.n).toBe(k);
    expect(rows[0]!.pid).not.toBe(killed);
  }
  await inTransaction(pool, async (client) => {
    await client.query('CREATE TABLE IF NOT EXISTS kept (n INTEGER)');
    await client.query('INSERT INTO kept VALUES (1)');
  });
  expect((await pool.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM kept')).rows[0]!.n).toBeGreaterThan(0);
}

/** `work` in a transaction on a pool of one connection: the pool, what the transaction ends with, and its backend's pid (0 until known). */
function transactionOnOne(work: (client: pg.PoolClient, pid: number) => Promise<unknown>) {
  const pool = onePool();
  let pid = 0;
  const outcome = inTransaction(pool, async (client) => {
    pid = await backendPid(client);
    await work(client, pid);
  }).then(
    () => null,
    (error: Error) => error,
  );
  return { pool, outcome, pid: () => pid };
}

describe('inTransaction on a connection that breaks', () => {
  it('a backend killed while its statement runs: the transaction fails, the pool serves on a new connection', async () => {
    const { pool, outcome, pid } = transactionOnOne((client) => client.query('SELECT pg_sleep(30)'));
    // Killed once its statement is seen running.
    for (;;) {
      const { rows } = await admin.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND query LIKE '%pg_sleep%' AND state = 'active'", [pid()]);
      if (pid() !== 0 && rows[0]!.n === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await terminate(pid());
    expect(await outcome).toBeInstanceOf(Error);
    expectClosed(pid());
    await expectHealthy(pool, pid());
  });

  it('a backend killed between two statements, the work then failing on its own: the pool serves on a new connection', async () => {
    const { pool, outcome, pid } = transactionOnOne(async (client, killed) => {
      await client.query('CREATE TEMP TABLE scratch (n INTEGER)');
      await terminate(killed);
      // Give the client the time to see its socket closed, as a slow piece of work would.
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new Error('the work failed');
    });
    expect((await outcome)?.message).toBe('the work failed');
    expectClosed(pid());
    await expectHealthy(pool, pid());
  });
});

describe('migratePostgres on a connection that breaks', () => {
  it('a migration whose backend is killed fails with its message, and the pool serves again (the lock not held by a connection given back)', async () => {
    const fresh = await postgres.freshDatabase();
    const migrating = openPgPool(fresh, { max: 1 });
    pools.push(migrating);
    const released = new Map<number, Error | undefined>();
    migrating.on('release', (error: Error | undefined, client: pg.PoolClient) => void released.set((client as unknown as { processID: number }).processID, error));
    // Kill the migrating connection as soon as it holds the lock (polling stops once the migration is over).
    let over = false;
    const killer = (async (): Promise<number | null> => {
      while (!over) {
        const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted");
        if (rows[0]) {
          await terminate(rows[0].pid);
          return rows[0].pid;
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return null;
    })();
    const outcome = await migratePostgres(migrating).then(
      () => 'migrated',
      (error: Error) => error.message,
    );
    over = true;
    const killed = await killer;
    // The lock is seen within the migrations' first milliseconds: the kill lands while it is held.
    expect(killed).not.toBeNull();
    // Killed while holding the lock: the migration fails with the connection's message, or (killed between its
    // last statement and the unlock) completes; either way that connection was given back with its error.
    expect(outcome === 'migrated' || /terminat|connection/i.test(outcome)).toBe(true);
    expect(released.get(killed!)).toBeInstanceOf(Error);
    // The pool then answers on a new connection, and migrating again completes (no lock left behind).
    const again = await migratePostgres(migrating);
    expect(again.to).toBeGreaterThan(0);
    await expectHealthy(migrating, killed!);
  });
});
