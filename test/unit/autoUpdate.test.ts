import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, get as httpsGet, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHECK_EVERY_MS, FIRST_CHECK_MS, restartInstalling, startAutoUpdate, type Updater } from '../../src/main/autoUpdate.js';
import { channelFile, fetchSignedFeed, type FetchBytes, type FoundUpdate } from '../../src/main/releaseSignature.js';
import { signReleaseFolder } from '../../scripts/signRelease.js';

/** electron-updater's autoUpdater is the injected edge; the signed feed is real (a local https update server, keys made here). */
function fakeUpdater() {
  const listeners = new Map<string, (arg: never) => void>();
  const calls: unknown[][] = [];
  let fail: Error | null = null;
  const updater = {
    autoDownload: true,
    autoInstallOnAppQuit: true,
    setFeedURL: (options: unknown) => calls.push(['setFeedURL', options]),
    checkForUpdates: async () => {
      calls.push(['check']);
      if (fail) {
        listeners.get('error')?.(fail as never);
        throw fail;
      }
      return null;
    },
    downloadUpdate: async () => calls.push(['download']),
    quitAndInstall: (silent?: boolean, runAfter?: boolean) => calls.push(['quitAndInstall', silent, runAfter]),
    on: (event: string, listener: (arg: never) => void) => listeners.set(event, listener),
  } as unknown as Updater;
  return {
    updater,
    calls,
    available: (info: FoundUpdate) => listeners.get('update-available')!(info as never),
    downloaded: (version: string) => listeners.get('update-downloaded')!({ version } as never),
    failWith: (error: Error) => (fail = error),
  };
}

const SHA = 'n9v8Qwz1c0W0bDq3mT7aU4cVJm3oP0Ebr0xKp1c3Gx9yq6lqQm4tR5uY7iO8pA9sD0fG1hJ2kL3zX4cV5bN6mQ==';
const YML = `version: 0.2.0\nfiles:\n  - url: Antichambre-0.2.0.AppImage\n    sha512: ${SHA}\n    size: 123456\npath: Antichambre-0.2.0.AppImage\nsha512: ${SHA}\nreleaseDate: '2026-12-01T10:00:00.000Z'\n`;
const FOUND: FoundUpdate = { version: '0.2.0', files: [{ url: 'Antichambre-0.2.0.AppImage', sha512: SHA }] };
const keys = generateKeyPairSync('ed25519');
const PUBLIC = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const PRIVATE = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const OTHER_PRIVATE = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let server: Server;
let base: string;
let ca: Buffer;
let folder: string;
const fetchBytes: FetchBytes = (url) =>
  new Promise((resolve, reject) => {
    httpsGet(url, { ca }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => (response.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${url}: HTTP ${response.statusCode}`))));
    }).on('error', reject);
  });
/** Publishes a release in the update folder: the yml, signed by `privateKey` (as npm run dist does), then `tamper` applied to the yml. */
function publish(privateKey = PRIVATE, tamper: (yml: string) => string = (yml) => yml): void {
  writeFileSync(join(folder, 'latest-linux.yml'), YML);
  signReleaseFolder(folder, privateKey);
  writeFileSync(join(folder, 'latest-linux.yml'), tamper(YML));
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'antichambre-updates-'));
  folder = mkdtempSync(join(tmpdir(), 'antichambre-update-folder-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  ca = readFileSync(join(dir, 'cert.pem'));
  server = createServer({ cert: ca, key: readFileSync(join(dir, 'key.pem')) }, (request, response) => {
    try {
      const body = readFileSync(join(folder, decodeURIComponent(new URL(request.url!, 'https://x').pathname.replace('/maj/', ''))));
      response.writeHead(200).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `https://127.0.0.1:${(server.address() as { port: number }).port}/maj/`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

describe('signed updates: the yml and its Ed25519 signature, from a local https update server', () => {
  it('accepts a release signed by the built-in key', async () => {
    publish();
    expect(await fetchSignedFeed(fetchBytes, base, 'latest-linux.yml', PUBLIC)).toBe(YML);
    expect(channelFile('linux', 'x64')).toBe('latest-linux.yml');
    expect(channelFile('win32', 'x64')).toBe('latest.yml');
  });

  it('refuses a tampered yml, a signature by another key, a missing signature, an http URL and a build without key', async () => {
    publish(PRIVATE, (yml) => yml.replace(SHA, SHA.replace('n9v8', 'AAAA')));
    await expect(fetchSignedFeed(fetchBytes, base, 'latest-linux.yml', PUBLIC)).rejects.toThrow("update: latest-linux.yml refused: its signature (latest-linux.yml.sig) is not the release key's");
    publish(OTHER_PRIVATE);
    await expect(fetchSignedFeed(fetchBytes, base, 'latest-linux.yml', PUBLIC)).rejects.toThrow('is not the release key');
    await expect(fetchSignedFeed(fetchBytes, base, 'latest.yml', PUBLIC)).rejects.toThrow('HTTP 404');
    await expect(fetchSignedFeed(fetchBytes, base.replace('https:', 'http:'), 'latest-linux.yml', PUBLIC)).rejects.toThrow('refused: an update folder must be https');
    await expect(fetchSignedFeed(fetchBytes, base, 'latest-linux.yml', '')).rejects.toThrow('this build has no release key');
  });
});

describe('auto-update from a generic URL (fake timers, updater faked)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('uses the generic provider, never downloads by itself nor installs on a plain quit', () => {
    const fake = fakeUpdater();
    startAutoUpdate(fake.updater, 'https://maj.mairie.example/antichambre/', () => {}, async () => YML);
    expect(fake.calls).toEqual([['setFeedURL', { provider: 'generic', url: 'https://maj.mairie.example/antichambre/' }]]);
    expect(fake.updater.autoDownload).toBe(false);
    expect(fake.updater.autoInstallOnAppQuit).toBe(false);
  });

  it('checks a minute after start, then once a day', async () => {
    const fake = fakeUpdater();
    const updates = startAutoUpdate(fake.updater, 'https://maj.example/', () => {}, async () => YML);
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_MS - 1);
    expect(fake.calls.filter(([c]) => c === 'check')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.calls.filter(([c]) => c === 'check')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS * 2);
    expect(fake.calls.filter(([c]) => c === 'check')).toHaveLength(3);
    updates.stop();
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS * 2);
    expect(fake.calls.filter(([c]) => c === 'check')).toHaveLength(3);
  });

  it('downloads only what the signed yml names; refuses and records a refused feed without even checking', async () => {
    vi.useRealTimers();
    publish();
    const good = await fetchSignedFeed(fetchBytes, base, 'latest-linux.yml', PUBLIC);
    publish(PRIVATE, (yml) => yml.replaceAll('0.2.0', '6.6.6'));
    const tampered = await fetchSignedFeed(fetchBytes, base, 'latest-linux.yml', PUBLIC).catch((error: Error) => error);
    vi.useFakeTimers();

    const fake = fakeUpdater();
    const events: [string, string][] = [];
    startAutoUpdate(fake.updater, base, (kind, detail) => events.push([kind, detail]), async () => good);
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_MS);
    fake.available({ version: '0.2.0', files: [{ url: 'Antichambre-0.2.0.AppImage', sha512: SHA.replace('n9v8', 'BBBB') }] });
    fake.available({ version: '0.3.0', files: FOUND.files });
    expect(fake.calls.filter(([c]) => c === 'download')).toHaveLength(0);
    fake.available(FOUND);
    expect(fake.calls.filter(([c]) => c === 'download')).toHaveLength(1);
    expect(events).toEqual([
      ['update-refused', 'version 0.2.0: Antichambre-0.2.0.AppImage: its sha512 is not in the signed yml'],
      ['update-refused', 'version 0.3.0: version 0.3.0 is not the signed one'],
    ]);

    const refused = fakeUpdater();
    const refusals: [string, string][] = [];
    expect(tampered).toBeInstanceOf(Error);
    startAutoUpdate(refused.updater, base, (kind, detail) => refusals.push([kind, detail]), () => Promise.reject(tampered as Error));
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_MS);
    expect(refused.calls.filter(([c]) => c === 'check')).toHaveLength(0);
    refused.available(FOUND);
    expect(refused.calls.filter(([c]) => c === 'download')).toHaveLength(0);
    expect(refusals[0]![0]).toBe('update-refused');
    expect(refusals[0]![1]).toContain("its signature (latest-linux.yml.sig) is not the release key's");
  });

  it('installs a downloaded update only when asked (at the quiet-hour restart), and records it', () => {
    const fake = fakeUpdater();
    const events: [string, string][] = [];
    const updates = startAutoUpdate(fake.updater, 'https://maj.example/', (kind, detail) => events.push([kind, detail]), async () => YML);
    expect(updates.installNow()).toBe(false);
    fake.downloaded('0.2.0');
    fake.downloaded('0.2.0');
    expect(updates.downloaded()).toBe('0.2.0');
    expect(fake.calls.some(([c]) => c === 'quitAndInstall')).toBe(false);
    expect(updates.installNow()).toBe(true);
    expect(fake.calls.at(-1)).toEqual(['quitAndInstall', true, true]);
    expect(events).toEqual([
      ['update-downloaded', "version 0.2.0, installed at the next restart (daily, or the hub's restart command)"],
      ['update-install', 'version 0.2.0'],
    ]);
  });

  it("a restart asked for (daily, or the hub's restart command) installs the downloaded update, else relaunches", () => {
    const fake = fakeUpdater();
    const relaunches: string[] = [];
    const relaunch = (reason: string) => relaunches.push(reason);
    expect(restartInstalling(null, relaunch, 'restart command from the hub')).toBe('relaunched');
    const updates = startAutoUpdate(fake.updater, 'https://maj.example/', () => {}, async () => YML);
    expect(restartInstalling(updates, relaunch, 'restart command from the hub')).toBe('relaunched');
    expect(relaunches).toEqual(['restart command from the hub', 'restart command from the hub']);
    fake.downloaded('0.2.0');
    expect(restartInstalling(updates, relaunch, 'restart command from the hub')).toBe('installing');
    expect(fake.calls.at(-1)).toEqual(['quitAndInstall', true, true]);
    expect(relaunches).toHaveLength(2);
    updates.stop();
  });

  it('records a failed check once, and goes on', async () => {
    const fake = fakeUpdater();
    const events: [string, string][] = [];
    startAutoUpdate(fake.updater, 'https://maj.example/', (kind, detail) => events.push([kind, detail]), async () => YML);
    fake.failWith(new Error('net::ERR_NAME_NOT_RESOLVED'));
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_MS);
    expect(events).toEqual([['update-error', 'net::ERR_NAME_NOT_RESOLVED']]);
  });
});
