import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The built hub (`dist/hub/hub.js`) as a real process on loopback, and its CLI. */

export const HUB_ENTRY = resolve(import.meta.dirname, '../../dist/hub/hub.js');
export const ADMIN_TOKEN = 'test-admin-token-0123456789-abcdefghij';

export interface HubProcess {
  url: string;
  port: number;
  pid: number;
  dir: string;
  db: string;
  output: () => string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
  /** The reader of its logs goes away: the ends of its stdout and stderr pipes are closed. */
  closeOutput(): void;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `entry`: another build of the hub to run (a bench comparing a baseline build in the same run); the current build by default.
 * `nodeArgs` and `env`: Node's own options and more environment (a test watching what the hub loads).
 */
export async function startHubProcess(options: { dir?: string; port?: number; args?: string[]; entry?: string; nodeArgs?: string[]; env?: Record<string, string> } = {}): Promise<HubProcess> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'antichambre-hub-'));
  const db = join(dir, 'hub.db');
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry ?? HUB_ENTRY, 'serve', '--host', '127.0.0.1', '--port', String(options.port ?? 0), '--db', db, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env, ANTICHAMBRE_ADMIN_TOKEN: ADMIN_TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => {
      // Not left running after the test gave up on it (a loaded machine may start it later).
      child.kill('SIGKILL');
      fail(new Error(`hub did not start in 30 s:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (https?:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        done(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`hub exited with ${code}:\n${output}`)));
  });
  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { url, port: Number(new URL(url).port), pid: child.pid!, dir, db, output: () => output, stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
    closeOutput: () => {
      child.stdout!.destroy();
      child.stderr!.destroy();
    },
  };
}

/** The hub's resident memory now, in MB (Linux). */
export function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

export function hubCli(hub: { url: string }, args: string[], token = ADMIN_TOKEN): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [HUB_ENTRY, ...args], { env: { ...process.env, ANTICHAMBRE_HUB_URL: hub.url, ANTICHAMBRE_ADMIN_TOKEN: token } }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Adds a screen through the CLI and answers its token. */
export async function addScreen(hub: { url: string }, id: string, site: string, name = id): Promise<string> {
  const result = await hubCli(hub, ['screen', 'add', id, '--name', name, '--site', site, '--timezone', 'Europe/Paris']);
  const token = /token \(shown only now\): (\S+)/.exec(result.stdout)?.[1];
  if (!token) throw new Error(`screen add failed (${result.code}): ${result.stderr}${result.stdout}`);
  return token;
}

export async function adminApi<T = unknown>(hub: { url: string }, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(new URL(path, hub.url), {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}
