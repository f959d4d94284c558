import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HUB_ENTRY } from '../support/hubProcess.js';

/**
 * The README's hub commands, run as a newcomer runs them: from a fresh folder as working
 * directory, with the default paths, then with `--db` in a folder that does not exist yet,
 * then the admin commands of the README's code block, each line as written (bash runs it,
 * `npx antichambre-hub` being the CLI of this checkout).
 */

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'bin/antichambre-hub.js');
const ADMIN = 'readme-admin-token-0123456789abcdef0123';

/** The shell lines of the README's "Run a hub" section, comments and blank lines dropped. */
function readmeHubLines(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Run a hub'));
  if (!section) throw new Error('README.md has no "## Run a hub" section');
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((b) => b.split('\n')).map((line) => line.replace(/\s+#.*$/, '').trim()).filter((line) => line !== '');
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

/** Starts `serve` with these arguments in `cwd`; resolves with its URL and what it printed. */
function serve(cwd: string, args: string[]): Promise<{ url: string; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [HUB_ENTRY, 'serve', ...args, '--host', '127.0.0.1', '--port', '0'], {
    cwd,
    env: { ...process.env, ANTICHAMBRE_ADMIN_TOKEN: ADMIN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`hub did not start in 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)[\s\S]*media +\S+/.exec(output);
      if (match) {
        clearTimeout(timer);
        done({ url: match[1]!, output: () => output, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => fail(new Error(`hub exited with ${code}:\n${output}`)));
  });
}

describe('the README, run as written (hub)', () => {
  it('serve with no --db keeps its data in the working directory and says where', async () => {
    const lines = readmeHubLines();
    // "npm run hub # or, installed: antichambre-hub serve …": npm runs the script from the package; installed, it runs where it is started.
    expect(lines[0]).toBe('npm run hub');
    const script = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts.hub as string;
    expect(script).toMatch(/node dist\/hub\/hub\.js serve$/);
    const fresh = mkdtempSync(join(tmpdir(), 'antichambre-newcomer-'));
    const hub = await serve(fresh, []);
    expect(hub.output()).toContain(`database ${join(fresh, 'antichambre-hub.db')}`);
    expect(hub.output()).toContain(`media    ${join(fresh, 'media')}`);
    expect(existsSync(join(fresh, 'antichambre-hub.db'))).toBe(true);
    expect(existsSync(join(fresh, 'media'))).toBe(true);
    expect((await fetch(`${hub.url}/api/screens`, { headers: { authorization: `Bearer ${ADMIN}` } })).status).toBe(200);
  });

  it('--db in a folder that does not exist yet: created; one that cannot be: a clear error and exit 1', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'antichambre-newcomer-'));
    // The README's `--db /var/lib/antichambre/hub.db`, under this test's own root.
    const readmeDb = /--db (\S+)/.exec(readFileSync(join(REPO, 'README.md'), 'utf8'))![1]!;
    expect(readmeDb).toBe('/var/lib/antichambre/hub.db');
    const db = join(fresh, readmeDb);
    const hub = await serve(fresh, ['--db', db]);
    expect(hub.output()).toContain(`database ${db}`);
    expect(existsSync(db)).toBe(true);

    writeFileSync(join(fresh, 'a-file'), 'not a folder');
    const refused = spawnSync(process.execPath, [HUB_ENTRY, 'serve', '--db', 'a-file/antichambre/hub.db', '--port', '0'], { cwd: fresh, encoding: 'utf8', env: { ...process.env, ANTICHAMBRE_ADMIN_TOKEN: ADMIN } });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`antichambre-hub: cannot create the folder ${join(fresh, 'a-file/antichambre')} for the database (ENOTDIR)`);
    expect(refused.stderr).toContain('--db');
  });

  it("the README's admin commands work from a fresh folder against that hub", async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'antichambre-newcomer-'));
    cpSync(join(REPO, 'playlists'), join(fresh, 'playlists'), { recursive: true });
    const hub = await serve(fresh, []);
    const commands = readmeHubLines().filter((line) => line.startsWith('npx antichambre-hub'));
    // Placeholders (`<id>`) and commands that need a screen online are not run here (other tests run them).
    const runnable = commands.filter((line) => !line.includes('<') && !/ command /.test(line));
    expect(runnable.map((line) => line.split(' ').slice(2, 4).join(' '))).toEqual(
      expect.arrayContaining(['screen add', 'playlist push', 'alert send', 'status', 'impressions --since']),
    );
    for (const line of runnable) {
      const result = spawnSync('bash', ['-c', `npx() { shift; node ${JSON.stringify(CLI)} "$@"; }\n${line}`], {
        cwd: fresh,
        encoding: 'utf8',
        env: { ...process.env, ANTICHAMBRE_HUB_URL: hub.url, ANTICHAMBRE_ADMIN_TOKEN: ADMIN },
      });
      expect({ line, status: result.status, stderr: result.stderr }).toEqual({ line, status: 0, stderr: '' });
    }
    const set = await (await fetch(`${hub.url}/api/screens/accueil-1/playlists`, { headers: { authorization: `Bearer ${ADMIN}` } })).json();
    expect(set.playlists.length).toBeGreaterThan(0);
    expect(existsSync(join(fresh, 'diffusions.csv'))).toBe(true);
    rmSync(fresh, { recursive: true, force: true });
  });
});
