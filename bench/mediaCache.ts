import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { newPlayerPage } from '../test/support/browser.js';
import { startMediaServer } from '../test/support/mediaServer.js';
import { makePlaylistsDir } from '../test/support/playlistsFixture.js';
import { serveWeb } from '../test/support/staticServer.js';
import { childrenCpuSeconds } from './browserCpu.js';
import { rendererRss, sampleRss } from './rendererMemory.js';
import type { ResultFile } from './resultFile.js';
import { median } from './stats.js';

const MB = 1_000_000;

/** Encodes with ffmpeg beside `path`, then renames: a run stopped while encoding leaves no half video to be used next time. */
function makeVideo(path: string, args: string[]): void {
  const part = `${path}.part.webm`;
  try {
    execFileSync('ffmpeg', ['-y', '-loglevel', 'error', ...args, part]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`bench cache: ffmpeg not found; it makes the bench's videos (on Debian: apt-get install ffmpeg)`);
    throw error;
  }
  renameSync(part, path);
}

/** A 300 MB VP8 video (40 s of noise at 60 Mbit/s), made once with ffmpeg and kept in the temp folder. */
export function bigVideo(): Uint8Array {
  const path = join(tmpdir(), 'antichambre-bench-300mb.webm');
  if (!existsSync(path)) {
    makeVideo(path, ['-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=30:d=40', '-vf', 'noise=alls=60:allf=t', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '60M', '-minrate', '60M', '-maxrate', '60M', '-bufsize', '10M', '-an']);
  }
  return new Uint8Array(readFileSync(path));
}

async function storedShas(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const open = indexedDB.open('antichambre');
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('media')) return resolve([]);
          const req = db.transaction('media').objectStore('media').getAllKeys();
          req.onsuccess = () => {
            db.close();
            resolve(req.result as string[]);
          };
        };
        open.onerror = () => resolve([]);
      }),
  );
}

/** A 90 s 720p clip (1 Mbit/s) that plays while the big one is cached. */
function clipVideo(): Uint8Array {
  const path = join(tmpdir(), 'antichambre-bench-clip-90s.webm');
  if (!existsSync(path)) {
    makeVideo(path, ['-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=30:d=90', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M', '-an']);
  }
  return new Uint8Array(readFileSync(path));
}

const CACHE_SOURCES = ['src/renderer', 'src/shared', 'vite.renderer.config.ts', 'package-lock.json', 'bench/mediaCache.ts', 'test/support/browser.ts'];

interface Quality {
  dropped: number;
  total: number;
}

/** The playback quality of the clip on screen, once it plays. */
async function clipQuality(page: Page): Promise<Quality | null> {
  return page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('[data-item-id="clip"]:not([data-leaving]) video');
    if (!video || video.currentTime === 0) return null;
    const q = video.getVideoPlaybackQuality();
    return { dropped: q.droppedVideoFrames, total: q.totalVideoFrames };
  });
}

async function clipPlaying(page: Page): Promise<Quality> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const q = await clipQuality(page);
    if (q) return q;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the clip did not start playing in 60 s');
}

async function storedWhile(page: Page, sha256: string): Promise<void> {
  while (!(await storedShas(page)).includes(sha256)) await new Promise((r) => setTimeout(r, 50));
}

/**
 * The media cache on a 300 MB video from loopback, each figure against its baseline in the same
 * run: throughput against the same bytes fetched and thrown away; CPU seconds per GB (every
 * browser process) against the same bytes fetched and written to IndexedDB in 4 MB parts by a
 * page doing nothing else; dropped frames of a clip playing while the file is cached against
 * the same clip playing as long with nothing cached; the page's memory against the player at rest.
 */
export async function benchMediaCache(browser: Browser, results: ResultFile, runs = 3): Promise<void> {
  const video = bigVideo();
  const clip = clipVideo();
  const sha256 = createHash('sha256').update(video).digest('hex');
  const clipSha = createHash('sha256').update(clip).digest('hex');
  const media = await startMediaServer({ 'big.webm': { bytes: video, type: 'video/webm' }, 'clip.webm': { bytes: clip, type: 'video/webm' } });
  const url = media.url('good', 'big.webm');
  const clipItem = { id: 'clip', type: 'video' as const, duration: 120, src: media.url('good', 'clip.webm'), sha256: clipSha, bytes: clip.length };
  const bigItem = { id: 'big', type: 'video' as const, src: url, sha256, bytes: video.length };
  const site = await serveWeb({ playlistsDir: makePlaylistsDir([{ id: 'p', items: [{ id: 'txt', type: 'text', duration: 10, title: 'Cache' }, bigItem] }]) });
  // The big file in the same set, scheduled from an hour on: downloaded now (within the fetch
  // horizon) while the clip plays. Scheduled now, it would hold the set back: a first set takes
  // over once every file it may play now is ready (or after 10 s), and the clip would start only
  // once the big file is cached, leaving no frames to count.
  const inAnHour = new Date(Date.now() + 3_600_000).toISOString().slice(0, 16);
  const clipSite = await serveWeb({ playlistsDir: makePlaylistsDir([{ id: 'p', items: [clipItem, { ...bigItem, schedule: { timezone: 'UTC', from: inAnHour } }] }]) });
  const clipOnlySite = await serveWeb({ playlistsDir: makePlaylistsDir([{ id: 'p', items: [clipItem] }]) });
  const harness = await serveHarness();
  // The page's memory at rest: the player showing a text, no media.
  const restSite = await serveWeb({ playlistsDir: makePlaylistsDir([{ id: 'p', items: [{ id: 'txt', type: 'text', duration: 10, title: 'Repos' }] }]) });
  const rest: number[] = [];
  for (let run = 0; run < runs; run++) {
    const { context, page } = await newPlayerPage(browser);
    await page.goto(restSite.url);
    await page.waitForSelector('[data-item-id]');
    await new Promise((r) => setTimeout(r, 1_000));
    rest.push(rendererRss());
    await context.close();
  }
  await restSite.close();
  const idle = median(rest);
  const plain: number[] = [];
  const cached: number[] = [];
  const extra: number[] = [];
  const cpuPlayer: number[] = [];
  const cpuPlain: number[] = [];
  const dropped: Quality[] = [];
  const droppedIdle: Quality[] = [];
  const GB = video.length / 1e9;
  for (let run = 0; run < runs; run++) {
    // Baseline: the same bytes, fetched and dropped.
    {
      const { context, page } = await newPlayerPage(browser);
      await page.goto(`${site.url}playlists/bundles.json`);
      plain.push(
        await page.evaluate(async (u) => {
          const t0 = performance.now();
          const reader = (await fetch(u, { cache: 'no-store' })).body!.getReader();
          while (!(await reader.read()).done);
          return performance.now() - t0;
        }, url),
      );
      await context.close();
    }
    // Baseline for CPU: the same bytes fetched and written to IndexedDB in 4 MB parts, by a page that does nothing else.
    {
      const { context, page } = await newPlayerPage(browser);
      await page.goto(harness.url);
      await page.waitForFunction(() => 'store' in window);
      const cpu0 = childrenCpuSeconds();
      const result = await page.evaluate(([k, u]) => (window as unknown as { store(k: string, u: string): Promise<{ stored: number; size: number }> }).store(k, u), ['dexie-parts', url] as const);
      cpuPlain.push((childrenCpuSeconds() - cpu0) / GB);
      if (result.size !== video.length) throw new Error(`fetch + write: stored ${result.size} bytes of ${video.length}`);
      await context.close();
    }
    // The player: from its request to the file stored and verified (start-up is measured apart); CPU from navigation on.
    {
      const { context, page } = await newPlayerPage(browser);
      const before = media.log.length;
      const sampler = sampleRss();
      const cpu0 = childrenCpuSeconds();
      await page.goto(site.url);
      await storedWhile(page, sha256);
      cpuPlayer.push((childrenCpuSeconds() - cpu0) / GB);
      const request = media.log.slice(before).find((r) => r.path.includes('big.webm'));
      if (!request) throw new Error('the player did not fetch the file');
      cached.push(Date.now() - request.at);
      extra.push(sampler.stop() - idle);
      await context.close();
    }
    // Dropped frames: the clip plays while the big file is cached, then as long with nothing to cache.
    let windowMs: number;
    {
      const { context, page } = await newPlayerPage(browser, { width: 1920, height: 1080 });
      await page.goto(clipSite.url);
      const q0 = await clipPlaying(page);
      const t0 = Date.now();
      await storedWhile(page, sha256);
      const q1 = await clipQuality(page);
      if (!q1) throw new Error('the clip stopped playing before the big file was cached');
      windowMs = Date.now() - t0;
      dropped.push({ dropped: q1.dropped - q0.dropped, total: q1.total - q0.total });
      await context.close();
    }
    {
      const { context, page } = await newPlayerPage(browser, { width: 1920, height: 1080 });
      await page.goto(clipOnlySite.url);
      const q0 = await clipPlaying(page);
      await new Promise((r) => setTimeout(r, windowMs));
      const q1 = await clipQuality(page);
      if (!q1) throw new Error('the clip stopped playing');
      droppedIdle.push({ dropped: q1.dropped - q0.dropped, total: q1.total - q0.total });
      await context.close();
    }
  }
  const ratio = median(plain) / median(cached);
  const rate = (ms: number): string => (video.length / MB / (ms / 1000)).toFixed(0);
  const throughput = `player ${rate(median(cached))} MB/s (median ${median(cached).toFixed(0)} ms) vs plain fetch ${rate(median(plain))} MB/s (median ${median(plain).toFixed(0)} ms): ratio ${ratio.toFixed(2)}`;
  console.log(`cache    300 MB video: ${throughput}  [goal >= 0.8]`);
  results.record({ id: 'cache.throughput', label: 'caching a 300 MB video, against a plain fetch of the same bytes', value: Number(ratio.toFixed(2)), unit: '', text: `${rate(median(cached))} MB/s vs ${rate(median(plain))} MB/s (ratio ${ratio.toFixed(2)})`, runs: cached.map((ms, k) => Number((plain[k]! / ms).toFixed(2))), goal: { op: '>=', value: 0.8 }, dependsOn: CACHE_SOURCES });
  const peak = median(extra) / MB;
  console.log(`cache    page memory while caching 300 MB: peak ${peak.toFixed(0)} MB above the player at rest (${(idle / MB).toFixed(0)} MB; runs ${extra.map((e) => (e / MB).toFixed(0)).join(' ')})  [goal < 100 MB]`);
  results.record({ id: 'cache.memory', label: 'page memory while caching 300 MB, above the player at rest', value: Math.round(peak), unit: 'MB', text: `${peak.toFixed(0)} MB above the player at rest (${(idle / MB).toFixed(0)} MB)`, runs: extra.map((e) => Math.round(e / MB)), goal: { op: '<', value: 100 }, dependsOn: CACHE_SOURCES });
  const cpuRatio = median(cpuPlayer) / median(cpuPlain);
  const cpuText = `${median(cpuPlayer).toFixed(1)} CPU s per GB vs ${median(cpuPlain).toFixed(1)} for fetch + write in 4 MB parts (${cpuRatio.toFixed(1)}×)`;
  console.log(`cache    CPU, every browser process: ${cpuText}; player runs ${cpuPlayer.map((c) => c.toFixed(1)).join(' ')}, fetch + write runs ${cpuPlain.map((c) => c.toFixed(1)).join(' ')} (the player's includes its own start)`);
  results.record({ id: 'cache.cpu', label: 'CPU time of the browser per GB cached (player, with its start), against a page that fetches and writes the same bytes to IndexedDB', value: Number(median(cpuPlayer).toFixed(2)), unit: 's/GB', text: cpuText, runs: cpuPlayer.map((c) => Number(c.toFixed(2))), goal: null, dependsOn: CACHE_SOURCES });
  const sum = (qs: Quality[]): Quality => qs.reduce((a, q) => ({ dropped: a.dropped + q.dropped, total: a.total + q.total }), { dropped: 0, total: 0 });
  const busy = sum(dropped);
  const calm = sum(droppedIdle);
  const framesText = `${busy.dropped} dropped of ${busy.total} while caching; ${calm.dropped} of ${calm.total} with nothing to cache`;
  console.log(`cache    a 720p clip playing while 300 MB are cached (${runs} runs): ${framesText}  [goal 0]; runs ${dropped.map((q) => `${q.dropped}/${q.total}`).join(' ')} vs ${droppedIdle.map((q) => `${q.dropped}/${q.total}`).join(' ')}`);
  results.record({ id: 'cache.dropped-frames', label: 'frames dropped by a 720p clip playing while 300 MB are cached, against the same clip with nothing to cache', value: busy.dropped, unit: 'frames', text: framesText, runs: dropped.map((q) => q.dropped), goal: { op: '=', value: 0 }, dependsOn: CACHE_SOURCES });
  await site.close();
  await clipSite.close();
  await clipOnlySite.close();
  await harness.close();
  await storeComparison(browser, url, video.length);
  await media.close();
}

async function serveHarness(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(HARNESS));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((done) => server.close(() => done())) };
}

const HARNESS = `<!doctype html><meta charset="utf-8"><body><script type="module">
const PART = 4 * 1024 * 1024;
function idb() { return new Promise((res, rej) => { const o = indexedDB.open('bench', 1); o.onupgradeneeded = () => o.result.createObjectStore('parts', { keyPath: 'offset' }); o.onsuccess = () => res(o.result); o.onerror = () => rej(o.error); }); }
function put(db, rec) { return new Promise((res, rej) => { const tx = db.transaction('parts', 'readwrite'); tx.objectStore('parts').put(rec); tx.oncomplete = res; tx.onerror = () => rej(tx.error); }); }
function all(db) { return new Promise((res) => { const r = db.transaction('parts').objectStore('parts').getAll(); r.onsuccess = () => res(r.result); }); }
window.store = async (kind, url) => {
  const t0 = performance.now();
  const reader = (await fetch(url, { cache: 'no-store' })).body.getReader();
  let blob;
  if (kind === 'opfs') {
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle('video.webm', { create: true });
    const writable = await handle.createWritable();
    for (;;) { const { done, value } = await reader.read(); if (done) break; await writable.write(value); }
    await writable.close();
    blob = await handle.getFile();
  } else {
    const db = await idb(); let chunks = [], n = 0, offset = 0;
    for (;;) { const { done, value } = await reader.read(); if (!done) { chunks.push(value); n += value.byteLength; }
      if (n >= PART || (done && n > 0)) { await put(db, { offset, blob: new Blob(chunks, { type: 'video/webm' }) }); offset += n; chunks = []; n = 0; }
      if (done) break; }
    blob = new Blob((await all(db)).sort((a, b) => a.offset - b.offset).map((p) => p.blob), { type: 'video/webm' });
  }
  window.stored = blob;
  return { stored: performance.now() - t0, size: blob.size };
};
window.play = async () => {
  const blob = window.stored;
  const video = document.createElement('video'); video.muted = true; document.body.append(video);
  const t1 = performance.now(); video.src = URL.createObjectURL(blob);
  await video.play(); await new Promise((r) => video.requestVideoFrameCallback(r));
  return performance.now() - t1;
};
</script>`;

/** The two ways to keep a file in the browser's own storage, on the same 300 MB video. */
async function storeComparison(browser: Browser, url: string, bytes: number): Promise<void> {
  const harness = await serveHarness();
  const origin = harness.url;
  for (const kind of ['dexie-parts', 'opfs'] as const) {
    const { context, page } = await newPlayerPage(browser);
    await page.goto(origin);
    await page.waitForFunction(() => 'store' in window);
    await new Promise((r) => setTimeout(r, 500));
    const idle = rendererRss();
    const sampler = sampleRss();
    const result = await page.evaluate(([k, u]) => (window as unknown as { store(k: string, u: string): Promise<{ stored: number; size: number }> }).store(k, u), [kind, url] as const);
    const peak = sampler.stop();
    if (result.size !== bytes) throw new Error(`${kind}: stored ${result.size} bytes of ${bytes}`);
    const firstFrame = await page.evaluate(() => (window as unknown as { play(): Promise<number> }).play());
    console.log(`store    ${kind.padEnd(11)} 300 MB: written in ${result.stored.toFixed(0)} ms, page memory peak ${((peak - idle) / MB).toFixed(0)} MB above the empty page, first frame ${firstFrame.toFixed(0)} ms after play()`);
    await context.close();
  }
  await harness.close();
}
