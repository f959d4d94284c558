import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { newPlayerPage } from '../test/support/browser.js';
import { startMediaServer } from '../test/support/mediaServer.js';
import { makePlaylistsDir } from '../test/support/playlistsFixture.js';
import { serveWeb } from '../test/support/staticServer.js';
import { rendererRss, sampleRss } from './rendererMemory.js';
import { median } from './stats.js';

const MB = 1_000_000;

/** A 300 MB VP8 video (40 s of noise at 60 Mbit/s), made once with ffmpeg and kept in the temp folder. */
export function bigVideo(): Uint8Array {
  const path = join(tmpdir(), 'antichambre-bench-300mb.webm');
  if (!existsSync(path)) {
    execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=30:d=40', '-vf', 'noise=alls=60:allf=t', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '60M', '-minrate', '60M', '-maxrate', '60M', '-bufsize', '10M', '-an', path]);
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

/**
 * Throughput and memory of the media cache on a 300 MB video from loopback: the player's
 * own download (streamed, hashed, written to IndexedDB in parts) against the same bytes
 * fetched and thrown away; and the page's memory while it caches.
 */
export async function benchMediaCache(browser: Browser, runs = 3): Promise<void> {
  const video = bigVideo();
  const sha256 = createHash('sha256').update(video).digest('hex');
  const media = await startMediaServer({ 'big.webm': { bytes: video, type: 'video/webm' } });
  const url = media.url('good', 'big.webm');
  const site = await serveWeb({ playlistsDir: makePlaylistsDir([{ id: 'p', items: [{ id: 'txt', type: 'text', duration: 10, title: 'Cache' }, { id: 'big', type: 'video', src: url, sha256, bytes: video.length }] }]) });
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
    // The player.
    {
      const { context, page } = await newPlayerPage(browser);
      const before = media.log.length;
      const sampler = sampleRss();
      const t0 = Date.now();
      await page.goto(site.url);
      while (!(await storedShas(page)).includes(sha256)) await new Promise((r) => setTimeout(r, 50));
      const request = media.log.slice(before).find((r) => r.path.includes('big.webm'));
      if (!request) throw new Error('the player did not fetch the file');
      // From the player's request to the file stored and verified (start-up is measured apart).
      cached.push(Date.now() - request.at);
      void t0;
      extra.push(sampler.stop() - idle);
      await context.close();
    }
  }
  const ratio = median(plain) / median(cached);
  console.log(
    `cache    300 MB video: player ${(video.length / MB / (median(cached) / 1000)).toFixed(0)} MB/s (median ${median(cached).toFixed(0)} ms) vs plain fetch ${(video.length / MB / (median(plain) / 1000)).toFixed(0)} MB/s (median ${median(plain).toFixed(0)} ms): ratio ${ratio.toFixed(2)}  [goal >= 0.8]`,
  );
  console.log(`cache    page memory while caching 300 MB: peak ${(median(extra) / MB).toFixed(0)} MB above the player at rest (${(idle / MB).toFixed(0)} MB; runs ${extra.map((e) => (e / MB).toFixed(0)).join(' ')})  [goal < 100 MB]`);
  await site.close();
  await storeComparison(browser, url, video.length);
  await media.close();
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
  const server = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(HARNESS));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
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
  server.close();
}
