import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startMediaServer } from '../test/support/mediaServer.js';
import { bigVideo } from './mediaCache.js';
import { median } from './stats.js';

/**
 * The kiosk's media path (main process: Node fetch, SHA-256 with node:crypto, written to a
 * file, fsync, rename) against a plain Node fetch of the same 300 MB from loopback, each run in
 * a fresh process, alternated, in one run of the bench: throughput ratio (goal ≥ 0.8), CPU
 * seconds per GB, and the process's memory while caching above its idle (goal < 100 MB).
 */

const MB = 1_000_000;
import type { ResultFile } from './resultFile.js';

const run = promisify(execFile);

type Mode = 'store' | 'plain' | 'file';

interface Sample {
  mode: Mode;
  ms: number;
  cpuS: number;
  idleRss: number;
  peakRss: number;
}

async function once(mode: Mode, url: string, sha256: string, bytes: number): Promise<Sample> {
  const folder = mkdtempSync(join(tmpdir(), 'antichambre-kiosk-bench-'));
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'kioskMediaProcess.ts'), mode, url, sha256, String(bytes), folder], { maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as Sample;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** What the kiosk figures measure: the main process's download path and the bench itself. */
const KIOSK_SOURCES = ['src/main/mediaFiles.ts', 'src/main/mediaDownload.ts', 'src/main/sha256Thread.ts', 'src/shared/mediaStatus.ts', 'bench/kioskMedia.ts', 'bench/kioskMediaProcess.ts', 'test/support/mediaServer.ts', 'package-lock.json'];

export async function benchKioskMedia(results: ResultFile | null, runs = 3): Promise<void> {
  const video = bigVideo();
  const sha256 = createHash('sha256').update(video).digest('hex');
  const media = await startMediaServer({ 'big.webm': { bytes: video, type: 'video/webm' } });
  const url = media.url('good', 'big.webm');
  const plain: Sample[] = [];
  const store: Sample[] = [];
  const file: Sample[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      plain.push(await once('plain', url, sha256, video.length));
      file.push(await once('file', url, sha256, video.length));
      store.push(await once('store', url, sha256, video.length));
    }
  } finally {
    await media.close();
  }
  const mbps = (samples: Sample[]) => median(samples.map((s) => video.length / MB / (s.ms / 1000)));
  const plainMBps = mbps(plain);
  const storeMBps = mbps(store);
  const fileMBps = mbps(file);
  const gb = video.length / 1e9;
  console.log(`kiosk media (main process), ${(video.length / MB).toFixed(0)} MB from loopback, median of ${runs} runs each, alternated:`);
  console.log(`  plain Node fetch (bytes dropped):            ${plainMBps.toFixed(0)} MB/s, ${median(plain.map((s) => s.cpuS / gb)).toFixed(2)} CPU s/GB`);
  console.log(`  kiosk store (fetch + SHA-256 + file + fsync): ${storeMBps.toFixed(0)} MB/s, ${median(store.map((s) => s.cpuS / gb)).toFixed(2)} CPU s/GB`);
  console.log(`  plain Node fetch into a file + fsync:        ${fileMBps.toFixed(0)} MB/s, ${median(file.map((s) => s.cpuS / gb)).toFixed(2)} CPU s/GB`);
  console.log(`  ratio store / plain: ${(storeMBps / plainMBps).toFixed(2)} (goal >= 0.8); store / plain into a file: ${(storeMBps / fileMBps).toFixed(2)}`);
  console.log(`  memory while caching, above idle: ${(median(store.map((s) => s.peakRss - s.idleRss)) / MB).toFixed(1)} MB (idle ${(median(store.map((s) => s.idleRss)) / MB).toFixed(0)} MB; goal < 100 MB); plain fetch: ${(median(plain.map((s) => s.peakRss - s.idleRss)) / MB).toFixed(1)} MB`);
  if (results) {
    const ratios = store.map((s, k) => Number((plain[k]!.ms / s.ms).toFixed(2)));
    const extraMB = store.map((s) => (s.peakRss - s.idleRss) / MB);
    results.record({ id: 'kiosk-cache.throughput', label: 'kiosk: caching a 300 MB video in the main process (fetch, SHA-256, file, fsync), against a plain Node fetch of the same bytes', value: Number((storeMBps / plainMBps).toFixed(2)), unit: '', text: `${storeMBps.toFixed(0)} MB/s vs ${plainMBps.toFixed(0)} MB/s (ratio ${(storeMBps / plainMBps).toFixed(2)})`, runs: ratios, goal: { op: '>=', value: 0.8 }, dependsOn: KIOSK_SOURCES });
    results.record({
      id: 'kiosk-cache.throughput-file',
      label: 'kiosk: caching a 300 MB video in the main process, against a plain Node fetch written to a file and fsynced (the disk is the floor of both)',
      value: Number((storeMBps / fileMBps).toFixed(2)),
      unit: '',
      text: `${storeMBps.toFixed(0)} MB/s vs ${fileMBps.toFixed(0)} MB/s (ratio ${(storeMBps / fileMBps).toFixed(2)})`,
      runs: store.map((s, k) => Number((file[k]!.ms / s.ms).toFixed(2))),
      goal: { op: '>=', value: 0.8 },
      dependsOn: KIOSK_SOURCES,
    });
    results.record({ id: 'kiosk-cache.cpu', label: 'kiosk: CPU seconds per GB cached, against a plain Node fetch', value: Number(median(store.map((s) => s.cpuS / gb)).toFixed(2)), unit: 's/GB', text: `${median(store.map((s) => s.cpuS / gb)).toFixed(2)} s/GB vs ${median(plain.map((s) => s.cpuS / gb)).toFixed(2)} s/GB`, runs: store.map((s) => Number((s.cpuS / gb).toFixed(2))), goal: null, dependsOn: KIOSK_SOURCES });
    results.record({ id: 'kiosk-cache.memory', label: 'kiosk: main-process memory while caching 300 MB, above idle', value: Math.round(median(extraMB)), unit: 'MB', text: `${median(extraMB).toFixed(0)} MB above idle (plain fetch: ${median(plain.map((s) => (s.peakRss - s.idleRss) / MB)).toFixed(0)} MB)`, runs: extraMB.map((e) => Math.round(e)), goal: { op: '<', value: 100 }, dependsOn: KIOSK_SOURCES });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchKioskMedia(null, Number(process.argv[2] ?? 3));
