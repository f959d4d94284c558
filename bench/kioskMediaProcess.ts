import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { DEFAULT_MEDIA_FILES_OPTIONS, MediaFiles } from '../src/main/mediaFiles.js';

/**
 * One run of the kiosk media bench, in its own process (as the Electron main process would
 * be): `store` caches the file with the kiosk's real file store; `plain` fetches the same
 * bytes with Node's fetch and drops them (the baseline); `file` fetches them into a file and
 * fsyncs it (the floor of any download that keeps what it fetched: the disk's speed). Prints one JSON line with the time,
 * the CPU time of this process and its memory (RSS sampled every 20 ms) before and during.
 */

const [mode, url, sha256, bytesText, folder] = process.argv.slice(2);
if ((mode !== 'store' && mode !== 'plain' && mode !== 'file') || !url || !sha256 || !bytesText || !folder) {
  console.error('usage: kioskMediaProcess.ts store|plain|file <url> <sha256> <bytes> <folder>');
  process.exit(2);
}
const bytes = Number(bytesText);

async function plain(): Promise<void> {
  const response = await fetch(url!);
  // A plain download that also checks the digest would not be plain: bytes dropped, as a page's baseline.
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) void chunk;
}

async function toFile(): Promise<void> {
  const response = await fetch(url!);
  const out = await open(`${folder}/plain`, 'w');
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) await out.write(chunk);
    await out.sync();
  } finally {
    await out.close();
  }
}

async function store(): Promise<void> {
  const files = new MediaFiles(folder!, { ...DEFAULT_MEDIA_FILES_OPTIONS, budgetBytes: 10 * bytes });
  await files.init();
  await new Promise<void>((done, fail) => {
    const off = files.onChange(() => {
      const status = files.files()[0];
      if (files.isReady(sha256!)) {
        off();
        done();
      } else if (status && status.attempts > 0) fail(new Error(status.error));
    });
    files.want([{ sha256: sha256!, src: url!, bytes, firstPlay: 0 }]);
  });
  files.stop();
}

global.gc?.();
await new Promise((r) => setTimeout(r, 200));
const idleRss = process.memoryUsage.rss();
let peakRss = idleRss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await (mode === 'store' ? store() : mode === 'file' ? toFile() : plain());
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
if (mode === 'store') {
  // The file is what was asked for.
  const check = createHash('sha256');
  const { createReadStream } = await import('node:fs');
  for await (const chunk of createReadStream(`${folder}/${sha256}`)) check.update(chunk as Buffer);
  if (check.digest('hex') !== sha256) throw new Error('stored file differs');
  rmSync(folder!, { recursive: true, force: true });
}
console.log(JSON.stringify({ mode, ms, cpuS: (cpu.user + cpu.system) / 1e6, idleRss, peakRss }));
