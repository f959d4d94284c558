import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN, createAppHandler } from '../../src/main/appProtocol.js';
import { DEFAULT_MEDIA_FILES_OPTIONS, MediaFiles, type MediaFilesOptions } from '../../src/main/mediaFiles.js';
import type { PlannedFile } from '../../src/shared/mediaPlan.js';
import { startMediaServer, type Behaviour, type MediaServer } from '../support/mediaServer.js';

// The kiosk's main-process media store against a misbehaving server on loopback: real files, real sockets.

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** Byte for byte (Buffer.compare: toEqual walks a 2 MB array element by element for seconds). */
const expectSameBytes = (actual: Uint8Array, expected: Uint8Array) => {
  expect(actual.length).toBe(expected.length);
  expect(Buffer.compare(actual, expected), 'the file differs from what was served').toBe(0);
};
const poster = new Uint8Array(randomBytes(1_500_000));
const clip = new Uint8Array(randomBytes(2_000_000));
const small = [0, 1, 2, 3].map(() => new Uint8Array(randomBytes(100_000)));
const reels = [0, 1].map(() => new Uint8Array(randomBytes(8_000_000)));

let server: MediaServer;
const stores: MediaFiles[] = [];

beforeAll(async () => {
  server = await startMediaServer({
    'poster.png': { bytes: poster, type: 'image/png' },
    'clip.mp4': { bytes: clip, type: 'video/mp4' },
    ...Object.fromEntries(small.map((bytes, i) => [`s${i}.webp`, { bytes, type: 'image/webp' }])),
    ...Object.fromEntries(reels.map((bytes, i) => [`reel${i}.webm`, { bytes, type: 'video/webm' }])),
  });
});
afterAll(async () => {
  for (const store of stores) store.stop();
  await server.close();
});

const fast: MediaFilesOptions = { ...DEFAULT_MEDIA_FILES_OPTIONS, stallMs: 400, backoffBaseMs: 30, backoffMaxMs: 100, refusedRetryMs: 3_600_000, random: () => 0.5, budgetBytes: 100_000_000 };

async function newStore(options: Partial<MediaFilesOptions> = {}, folder = mkdtempSync(join(tmpdir(), 'antichambre-media-'))): Promise<MediaFiles> {
  const store = new MediaFiles(folder, { ...fast, ...options });
  stores.push(store);
  await store.init();
  return store;
}

const planned = (behaviour: Behaviour, name: string, bytes: Uint8Array, withSize = true): PlannedFile => ({ sha256: sha(bytes), src: server.url(behaviour, name), firstPlay: 0, ...(withSize ? { bytes: bytes.length } : {}) });
const requestsOf = (behaviour: Behaviour, name: string) => server.log.filter((l) => l.path === `/${behaviour}/${encodeURIComponent(name)}`);

describe('main-process media store', () => {
  it('downloads a file into the folder, named by its digest only once verified, with its type', async () => {
    // No stall to see here: a loaded machine must not turn a pause of 400 ms into a second attempt.
    const store = await newStore({ stallMs: 10_000 });
    const file = planned('good', 'poster.png', poster);
    store.want([file]);
    await vi.waitFor(() => expect(store.isReady(file.sha256)).toBe(true), { timeout: 20_000 });
    expectSameBytes(readFileSync(join(store.folder, file.sha256)), poster);
    expect(readdirSync(store.folder).sort()).toEqual([file.sha256, `${file.sha256}.json`]);
    expect(await store.verifiedFile(file.sha256)).toEqual({ path: join(store.folder, file.sha256), bytes: poster.length, type: 'image/png' });
    expect(store.files()[0]).toMatchObject({ state: 'ready', done: poster.length, total: poster.length, attempts: 0 });
    expect(store.cacheStatus()).toEqual({ bytes: poster.length, files: 1, missing: 0, oldestMissingS: 0 });
  });

  it('while the page says a video plays, its downloads together keep to the pace asked, and the files are whole', async () => {
    const store = await newStore({ stallMs: 10_000 });
    // 4 MB/s for both (the page asks VIDEO_PACE: a smaller one tells paced from unpaced better here,
    // where 16 MB unpaced take about 1 s with their SHA-256 and fsync).
    const pace = 4_000_000;
    store.setPace(pace);
    const files = reels.map((bytes, i) => planned('good', `reel${i}.webm`, bytes));
    const from = performance.now();
    store.want(files);
    await vi.waitFor(() => expect(files.every((file) => store.isReady(file.sha256))).toBe(true), { timeout: 20_000, interval: 50 });
    const seconds = (performance.now() - from) / 1000;
    // 16 MB at 4 MB/s: 4 s (each at its own pace, 2 s).
    expect(seconds).toBeGreaterThanOrEqual((16_000_000 - 2_000_000) / pace);
    files.forEach((file, i) => expectSameBytes(readFileSync(join(store.folder, file.sha256)), reels[i]!));
  });

  it('refuses a file whose digest differs: nothing kept, retried only after the refusal delay', async () => {
    const store = await newStore();
    const file = planned('wrong', 'poster.png', poster);
    const before = Date.now();
    store.want([file]);
    await vi.waitFor(() => expect(store.files()[0]?.state).toBe('failed'), { timeout: 20_000 });
    const status = store.files()[0]!;
    expect(status.error).toContain(`sha256 is ${sha(server.files.get('poster.png')!.bytes.map((b, i) => (i === poster.length >> 1 ? (b + 1) & 0xff : b)))}, expected ${file.sha256}`);
    expect(status.nextTry! - before).toBeGreaterThanOrEqual(fast.refusedRetryMs);
    expect(readdirSync(store.folder)).toEqual([]);
    expect(store.isReady(file.sha256)).toBe(false);
    expect(await store.verifiedFile(file.sha256)).toBeNull();
  });

  it('names a 404 and retries it rarely', async () => {
    const store = await newStore();
    const file = planned('missing', 'poster.png', poster);
    store.want([file]);
    await vi.waitFor(() => expect(store.files()[0]?.state).toBe('failed'), { timeout: 20_000 });
    expect(store.files()[0]!.error).toBe(`${file.src}: HTTP 404`);
    expect(store.files()[0]!.nextTry! - Date.now()).toBeGreaterThan(fast.refusedRetryMs - 60_000);
    expect(store.cacheStatus().missing).toBe(1);
  });

  it('resumes a transfer cut mid-way with a Range request from the bytes kept', async () => {
    const store = await newStore();
    const file = planned('drop', 'clip.mp4', clip);
    store.want([file]);
    await vi.waitFor(() => expect(store.isReady(file.sha256)).toBe(true), { timeout: 20_000 });
    const requests = requestsOf('drop', 'clip.mp4');
    const resumed = requests.find((r) => r.range !== null);
    expect(resumed, JSON.stringify(requests)).toBeDefined();
    expect(resumed!.status).toBe(206);
    expect(Number(/bytes=(\d+)-/.exec(resumed!.range!)![1])).toBeGreaterThan(0);
    expectSameBytes(readFileSync(join(store.folder, file.sha256)), clip);
  });

  it('aborts a transfer that stalls and resumes it', async () => {
    const store = await newStore();
    const file = planned('stall', 'clip.mp4', clip);
    store.want([file]);
    await vi.waitFor(() => expect(store.isReady(file.sha256)).toBe(true), { timeout: 20_000 });
    expect(store.files()[0]!.attempts).toBeGreaterThanOrEqual(1);
    const requests = requestsOf('stall', 'clip.mp4');
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests.at(-1)!.range).toMatch(/^bytes=[1-9]\d*-$/);
    expectSameBytes(readFileSync(join(store.folder, file.sha256)), clip);
  });

  it('fetches from a host that sends no CORS header (the main process is not a page)', async () => {
    const store = await newStore();
    const file = planned('nocors', 'poster.png', poster);
    store.want([file]);
    await vi.waitFor(() => expect(store.isReady(file.sha256)).toBe(true), { timeout: 20_000 });
    expect((await store.verifiedFile(file.sha256))?.type).toBe('image/png');
  });

  it("fetches the bundled playlists' media (app:// URLs in the kiosk) through the fetch it is given, as the kiosk gives its session's", async () => {
    // The built player's folder, served by the app's own handler: what Electron's net.fetch answers for
    // an app:// URL (the scheme is registered with protocol.handle), as it answers http(s) with the network.
    const web = mkdtempSync(join(tmpdir(), 'antichambre-web-'));
    mkdirSync(join(web, 'playlists', 'media'), { recursive: true });
    writeFileSync(join(web, 'playlists', 'media', 'mairie-horaires.png'), poster);
    const appFiles = createAppHandler(web, async (path) => {
      try {
        return new Uint8Array(readFileSync(path));
      } catch {
        return null;
      }
    });
    const requested: string[] = [];
    const sessionFetch = async (url: string, init: RequestInit): Promise<Response> => {
      requested.push(url);
      return url.startsWith(`${APP_ORIGIN}/`) ? appFiles(new Request(url, init)) : fetch(url, init);
    };
    const bundled: PlannedFile = { sha256: sha(poster), src: `${APP_ORIGIN}/playlists/media/mairie-horaires.png`, bytes: poster.length, firstPlay: 0 };
    const remote = planned('good', 's0.webp', small[0]!);

    const store = await newStore({ stallMs: 10_000, fetch: sessionFetch });
    store.want([bundled, remote]);
    await vi.waitFor(() => expect(store.isReady(bundled.sha256) && store.isReady(remote.sha256)).toBe(true), { timeout: 20_000 });
    expectSameBytes(readFileSync(join(store.folder, bundled.sha256)), poster);
    expect((await store.verifiedFile(bundled.sha256))?.type).toBe('image/png');
    expect(requested.sort()).toEqual([bundled.src, remote.src].sort());

    // Node's own fetch (a store given none) does not know the scheme: the file is never ready, and says why.
    const plain = await newStore({ stallMs: 10_000 });
    plain.want([bundled]);
    await vi.waitFor(() => expect(plain.files()[0]?.error ?? '').toContain(bundled.src), { timeout: 20_000 });
    expect(plain.isReady(bundled.sha256)).toBe(false);
  });

  it('after a restart of the app mid-download, resumes from the bytes kept on disk', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'antichambre-media-'));
    server.cutNext('clip.mp4', 1, () => 0.4);
    const first = await newStore({ backoffBaseMs: 3_600_000, backoffMaxMs: 3_600_000 }, folder);
    const file = planned('cut', 'clip.mp4', clip);
    first.want([file]);
    await vi.waitFor(() => expect(first.files()[0]?.state).toBe('waiting'), { timeout: 20_000 });
    first.stop();
    const sha256 = file.sha256;
    const kept = statSync(join(folder, `${sha256}.part`)).size;
    expect(kept).toBeGreaterThan(0);
    expect(existsSync(join(folder, sha256))).toBe(false);

    const second = await newStore({}, folder);
    expect(second.cacheStatus().bytes).toBe(kept);
    expect(second.isReady(sha256)).toBe(false);
    second.want([file]);
    expect(second.files()[0]!.done).toBe(kept);
    await vi.waitFor(() => expect(second.isReady(sha256)).toBe(true), { timeout: 20_000 });
    expect(requestsOf('cut', 'clip.mp4').at(-1)).toMatchObject({ range: `bytes=${kept}-`, status: 206 });
    expectSameBytes(readFileSync(join(folder, sha256)), clip);
  });

  it('keeps within its budget: evicts files the set no longer needs, least recently used first', async () => {
    const store = await newStore({ budgetBytes: 250_000, maxConcurrent: 1 });
    const files = small.map((bytes, i) => planned('good', `s${i}.webp`, bytes));
    store.want([files[0]!, files[1]!]);
    await vi.waitFor(() => expect(store.cacheStatus().files).toBe(2), { timeout: 20_000 });
    await store.verifiedFile(files[0]!.sha256); // shown just now: used more recently than s1
    store.want([files[2]!]);
    await vi.waitFor(() => expect(store.isReady(files[2]!.sha256)).toBe(true), { timeout: 20_000 });
    expect(store.isReady(files[1]!.sha256)).toBe(false);
    expect(store.isReady(files[0]!.sha256)).toBe(true);
    expect(existsSync(join(store.folder, files[1]!.sha256))).toBe(false);
    expect(store.cacheStatus().bytes).toBeLessThanOrEqual(250_000);
  });

  it('says so when a needed file cannot fit and evicts nothing needed sooner', async () => {
    const store = await newStore({ budgetBytes: 150_000, maxConcurrent: 1 });
    const files = small.map((bytes, i) => planned('good', `s${i}.webp`, bytes));
    store.want([files[0]!]);
    await vi.waitFor(() => expect(store.isReady(files[0]!.sha256)).toBe(true), { timeout: 20_000 });
    store.want([files[0]!, files[1]!]);
    await vi.waitFor(() => expect(store.files()[1]?.state).toBe('no-room'), { timeout: 20_000 });
    expect(store.files()[1]!.error).toBe('not enough room for 100000 bytes within the budget of 150000');
    expect(store.isReady(files[0]!.sha256)).toBe(true);
  });

  it('serves only verified files: a partial one, an unknown digest or a name that is not one are refused', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'antichambre-media-'));
    server.cutNext('poster.png', 1, () => 0.5);
    const store = await newStore({ backoffBaseMs: 3_600_000, backoffMaxMs: 3_600_000 }, folder);
    const file = planned('cut', 'poster.png', poster);
    store.want([file]);
    await vi.waitFor(() => expect(store.files()[0]?.state).toBe('waiting'), { timeout: 20_000 });
    expect(existsSync(join(folder, `${file.sha256}.part`))).toBe(true);
    expect(await store.verifiedFile(file.sha256)).toBeNull();
    expect(await store.verifiedFile('0'.repeat(64))).toBeNull();
    expect(await store.verifiedFile('../etc/passwd')).toBeNull();
  });

  it('gives up on a server that accepts the connection and never answers, names it and tries again', async () => {
    const silent = createServer(() => {}); // takes the request, sends nothing
    await new Promise<void>((ready) => silent.listen(0, '127.0.0.1', ready));
    try {
      const store = await newStore();
      const src = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/affiche.png`;
      store.want([{ sha256: sha(poster), src, bytes: poster.length, firstPlay: 0 }]);
      await vi.waitFor(() => expect(store.files()[0]?.attempts).toBeGreaterThanOrEqual(2), { timeout: 20_000 });
      expect(store.files()[0]!.error).toBe(`${src}: no answer for 0.4 s`);
      store.stop();
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('gives up an attempt whose disk never answers, saying what it waited for, and tries again', async () => {
    // The part file is a named pipe with no reader: opening it to write hangs, as a dead disk would.
    const folder = mkdtempSync(join(tmpdir(), 'antichambre-media-'));
    const file = planned('good', 'poster.png', poster);
    const fifo = join(folder, `${file.sha256}.part`);
    execFileSync('mkfifo', [fifo]);
    const store = await newStore({ backoffBaseMs: 3_600_000, backoffMaxMs: 3_600_000 }, folder);
    store.want([file]);
    await vi.waitFor(() => expect(store.files()[0]?.state).toBe('waiting'), { timeout: 20_000 });
    expect(store.files()[0]!.error).toMatch(new RegExp(`^${file.src}: nothing for \\d+ s while waiting for the part file to be opened \\(disk\\); given up, will try again$`));
    expect(store.files()[0]!.attempts).toBe(1);
    store.stop();
    // Let the hung open go (a reader appears), so the disk thread is free again.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    await new Promise((r) => setTimeout(r, 200));
    closeSync(reader);
    expect(store.isReady(file.sha256)).toBe(false);
  });
});
