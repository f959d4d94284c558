import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sirv from 'sirv';
import { newPlayerPage, onScreen } from '../test/support/browser.js';
import { PLAYLISTS_DIR } from '../test/support/bundled.js';
import { serveWeb, type StaticSite } from '../test/support/staticServer.js';
import { ITEM_TIMING } from '../src/renderer/deferredCode.js';
import { framedFiles, parseStartMedia, START_FRAME_MARK, START_FRAME_TIMING, START_MEDIA_KEY, startImageKey } from '../src/shared/startMedia.js';
import { START_IMAGES_DELAY_MS } from '../src/renderer/startImages.js';
import type { ResultFile } from './resultFile.js';
import { median } from './stats.js';

const FIRST_ITEM = 'antichambre:first-item';
/** Marked by the player when its first file was read ahead by the start frame script (startFrame.ts). */
const READ_AHEAD = 'antichambre:read-ahead';
const MARKS = ['antichambre:entry', 'antichambre:script', 'antichambre:db', 'antichambre:fonts', 'antichambre:started', FIRST_ITEM] as const;
/** What the start-up figures measure: the player, its bundle, its build, and the browser as the bench launches it (test/support/browser.ts: its flags). */
export const STARTUP_SOURCES = ['src/renderer', 'src/shared', 'playlists', 'vite.renderer.config.ts', 'package-lock.json', 'bench/startup.ts', 'test/support/staticServer.ts', 'test/support/browser.ts'];

async function playerMarks(page: Page): Promise<Record<string, number>> {
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, FIRST_ITEM, { timeout: 30_000 });
  return page.evaluate((names) => Object.fromEntries(names.map((name) => [name, performance.getEntriesByName(name)[0]?.startTime ?? NaN])), [...MARKS]);
}

/** The bundled set's image items (id → file and text alternative): the static page shows the one the player showed first. */
function bundledImages(): Map<string, { image: string; alt: string }> {
  const images = new Map<string, { image: string; alt: string }>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.json') && !entry.name.includes('.layout.') && !entry.name.includes('.power.') && entry.name !== 'bundles.json' && entry.name !== 'playlist.schema.json') {
        const playlist = JSON.parse(readFileSync(path, 'utf8')) as { items?: { id: string; type: string; src?: string; alt?: string }[] };
        for (const item of playlist.items ?? []) if (item.type === 'image' && item.src && !images.has(item.id)) images.set(item.id, { image: basename(item.src), alt: item.alt ?? '' });
      }
    }
  };
  walk(PLAYLISTS_DIR);
  return images;
}

/**
 * The floor: a static page with no script showing, full screen, the image the player showed
 * first (which one depends on the time of day and, warm, on the rotation the fresh page saved),
 * served with the same caching headers as the player. `/page?show=<item>&prefetch=<item>`: the
 * fresh page prefetches the image the warm one shows, as the player's fresh page stored it. Its
 * time is the image's paint, read by the bench after the fact from element timing (the page
 * itself runs nothing).
 */
async function serveFloor(): Promise<{ url(show: string, prefetch?: string): string; close(): Promise<void> }> {
  const images = bundledImages();
  const image = (itemId: string) => {
    const found = images.get(itemId);
    if (!found) throw new Error(`startup bench: the player showed ${itemId} first, not one of the bundled set's images: the static page cannot show it`);
    return found;
  };
  const files = sirv(join(PLAYLISTS_DIR, 'media'), { etag: true, setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache') });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://floor');
    if (url.pathname !== '/page') return files(req, res, () => void res.writeHead(404).end());
    const shown = images.get(url.searchParams.get('show') ?? '');
    const prefetch = images.get(url.searchParams.get('prefetch') ?? '');
    if (!shown) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(
      `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Plancher</title><style>html,body{margin:0;height:100%;background:#000}img{width:100vw;height:100vh;object-fit:contain;display:block}</style>${prefetch ? `<link rel="prefetch" href="${prefetch.image}">` : ''}</head><body><img elementtiming="first-item" src="${shown.image}" alt="${shown.alt.replaceAll('"', '&quot;')}"></body></html>`,
    );
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url: (show, prefetch) => (image(show), `${base}page?show=${encodeURIComponent(show)}${prefetch ? `&prefetch=${encodeURIComponent(prefetch)}` : ''}`),
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/**
 * When an element with this element-timing identifier was first painted (renderTime, taken by the
 * browser itself), the same way for the static page's image and the player's first item.
 */
async function paintOf(page: Page, identifier: string, who: string): Promise<number> {
  const at = await page.evaluate(
    (wanted) =>
      new Promise<number | null>((resolve) => {
        new PerformanceObserver((list) => {
          const entry = list.getEntries().find((e) => (e as PerformanceEntry & { identifier: string }).identifier === wanted) as (PerformanceEntry & { renderTime: number; loadTime: number }) | undefined;
          if (entry) resolve(entry.renderTime || entry.loadTime);
        }).observe({ type: 'element', buffered: true });
        setTimeout(() => resolve(null), 15_000);
      }),
    identifier,
  );
  if (at === null) throw new Error(`startup bench: ${who} reported no paint of its image in 15 s`);
  return at;
}

const floorPaint = (page: Page): Promise<number> => paintOf(page, 'first-item', 'the static page');

/**
 * The player's first item painted: its image's element timing (ItemView's ITEM_TIMING), as the
 * static page's image is timed. The player's own mark (two animation frames after the commit)
 * comes 20 to 40 ms sooner in headless Chromium, whose paint times are taken when the frame is
 * presented: comparing a mark with a paint time would flatter the player.
 */
const itemPaint = (page: Page): Promise<number> => paintOf(page, ITEM_TIMING, 'the player');

/**
 * The start frame's paint (startFrame.ts: the main zone's first image painted before the player's
 * code has run), and whether it showed the file the zone's first item then showed (its mark's
 * detail); null when no frame was painted.
 */
async function startFramePaint(page: Page): Promise<{ at: number; right: boolean } | null> {
  const frame = await page.evaluate(
    ({ timing, mark }) => {
      const taken = performance.getEntriesByName(mark).find((m) => (m as PerformanceMark).detail?.zone === 'main') as PerformanceMark | undefined;
      if (!taken) return Promise.resolve(null);
      return new Promise<{ at: number; right: boolean } | null>((resolve) => {
        new PerformanceObserver((list) => {
          const entries = list.getEntries().filter((e) => (e as PerformanceEntry & { identifier: string }).identifier === timing) as (PerformanceEntry & { renderTime: number; loadTime: number })[];
          // The bundled layout has one playlist zone: one frame image, main's.
          if (entries.length > 1) throw new Error(`startup bench: ${entries.length} start frame images, expected main's only`);
          const entry = entries[0];
          resolve(entry ? { at: entry.renderTime || entry.loadTime, right: (taken.detail as { right: boolean }).right } : null);
        }).observe({ type: 'element', buffered: true });
        setTimeout(() => resolve(null), 2_000);
      });
    },
    { timing: START_FRAME_TIMING, mark: START_FRAME_MARK },
  );
  return frame;
}

/**
 * The first item on screen: the start frame's paint when it showed the first item's file (what
 * the room sees first is that item), else the item's own paint. Also kept apart, for the report.
 */
async function playerPaint(page: Page, into: Timings): Promise<number> {
  const item = await itemPaint(page);
  const frame = await startFramePaint(page);
  into.item.push(item);
  into.frames.push(frame ? (frame.right ? 'right' : 'wrong') : 'none');
  return frame?.right ? Math.min(frame.at, item) : item;
}

const runsText = (values: number[]): string => values.map((v) => v.toFixed(0)).join(' ');

/** The item the player shows (the first one, right after its mark). */
async function shownItem(page: Page): Promise<string> {
  const shown = await onScreen(page);
  return shown && shown !== 'idle' ? shown.itemId : String(shown);
}

interface Timings {
  fresh: number[];
  warm: number[];
  /** Main-thread CPU time (ms) of the page until its first item, fresh and warm. */
  freshCpu: number[];
  warmCpu: number[];
  /** Warm starts whose first file was read ahead by the entry (the guess was right). */
  readAhead: number;
  /** The player's own item paint (not the start frame's), fresh then warm runs in order. */
  item: number[];
  /** Each start's frame (fresh then warm runs in order, as `item`): it showed the first item's file, another, or none was painted. */
  frames: ('right' | 'wrong' | 'none')[];
  /** Fresh pages that had kept copies of their start frame images before the warm start. */
  copies: number;
}

const timings = (): Timings => ({ fresh: [], warm: [], freshCpu: [], warmCpu: [], readAhead: 0, item: [], frames: [], copies: 0 });

/**
 * Main-thread CPU time of a page (Chromium's own count of its tasks, in thread time): less
 * sensitive to the machine's load than wall time, which on a shared 2-core machine mostly
 * measures waiting for a core. Read just after the first item is marked (a few ms of the
 * bench's polling included).
 */
async function mainThreadCpu(page: Page): Promise<() => Promise<number>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  return async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const task = metrics.find((m) => m.name === 'TaskDuration');
    if (!task) throw new Error('startup bench: Chromium reported no TaskDuration');
    return task.value * 1000;
  };
}

/**
 * Whether the page keeps a copy of each image its start frame may paint (StartImages, made once
 * the list changed, START_IMAGES_DELAY_MS later), waiting for them that long and a second more at
 * most (a build without copies waits as long, for nothing).
 */
async function startImagesKept(page: Page): Promise<boolean> {
  const kept = async (): Promise<boolean> => {
    const { list, keys } = await page.evaluate((key) => ({ list: localStorage.getItem(key), keys: Object.keys(localStorage) }), START_MEDIA_KEY);
    const framed = framedFiles(parseStartMedia(list), Date.now());
    return framed.length > 0 && framed.every((file) => keys.includes(startImageKey(file.sha256)));
  };
  const until = Date.now() + START_IMAGES_DELAY_MS + 1_000;
  while (!(await kept())) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/**
 * One player build's fresh then warm start, each in a new profile; the warm one's marks too. The
 * fresh page stays until it keeps what a screen that has played a few seconds keeps (its start
 * frame images' copies) before the warm start begins.
 */
async function startPlayer(browser: Browser, url: string, into: Timings, marks: Record<string, number>[]): Promise<{ fresh: string; warm: string }> {
  const { context, page } = await newPlayerPage(browser, { width: 1920, height: 1080 });
  const freshCpu = await mainThreadCpu(page);
  await page.goto(url);
  await playerMarks(page);
  into.freshCpu.push(await freshCpu());
  into.fresh.push(await playerPaint(page, into));
  const fresh = await shownItem(page);
  if (await startImagesKept(page)) into.copies++;
  await page.close();
  const again = await context.newPage();
  const warmCpu = await mainThreadCpu(again);
  await again.goto(url);
  const warm = await playerMarks(again);
  into.warmCpu.push(await warmCpu());
  if (await again.evaluate((mark) => performance.getEntriesByName(mark).length > 0, READ_AHEAD)) into.readAhead++;
  const warmItem = await shownItem(again);
  marks.push(warm);
  into.warm.push(await playerPaint(again, into));
  await context.close();
  return { fresh, warm: warmItem };
}

/** The player's own first item on each warm start (`item` holds each run's fresh one, then its warm one). */
const warmItems = (t: Timings): number[] => t.item.filter((_, k) => k % 2 === 1);
const freshItems = (t: Timings): number[] => t.item.filter((_, k) => k % 2 === 0);

/** How the start frames of one kind went (`frames` holds each run's fresh one, then its warm one). */
function framesText(t: Timings, kind: 'fresh' | 'warm'): string {
  const of = t.frames.filter((_, k) => k % 2 === (kind === 'fresh' ? 0 : 1));
  return `start frame painted with the first item's image in ${of.filter((f) => f === 'right').length} runs, with another in ${of.filter((f) => f === 'wrong').length}, none in ${of.filter((f) => f === 'none').length}`;
}

const whereTimeGoes = (marks: Record<string, number>[]): string => MARKS.map((name) => `${name.slice('antichambre:'.length)} ${median(marks.map((m) => m[name]!)).toFixed(0)}`).join(', ');

/**
 * Offline start: navigation to the first item painted, on a fresh profile (the bundle imported
 * first) and a warm one (a new page on the stored data), each against the floor measured in the
 * same run and browser, runs interleaved so that the machine's load falls on both alike.
 * `STARTUP_BASELINE=<folder>`: another build of the web player (e.g. main's dist/web copied
 * aside) measured in the same runs, interleaved too, to compare two versions under the same load;
 * printed only (the results file keeps this checkout's figures).
 */
export async function benchStartup(browser: Browser, site: StaticSite, results: ResultFile, runs = Number(process.env.STARTUP_RUNS ?? 10)): Promise<void> {
  const floor = await serveFloor();
  const baselineDir = process.env.STARTUP_BASELINE;
  const baseline = baselineDir ? await serveWeb({ webDir: resolve(baselineDir) }) : null;
  const player = timings();
  const other = timings();
  const floorMs = timings();
  const marks: Record<string, number>[] = [];
  const otherMarks: Record<string, number>[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      // Which build goes first alternates; the static page then shows what this build showed.
      if (baseline && i % 2 === 0) await startPlayer(browser, baseline.url, other, otherMarks);
      const shown = await startPlayer(browser, site.url, player, marks);
      if (baseline && i % 2 === 1) await startPlayer(browser, baseline.url, other, otherMarks);
      {
        const { context, page } = await newPlayerPage(browser, { width: 1920, height: 1080 });
        await page.goto(floor.url(shown.fresh, shown.warm));
        floorMs.fresh.push(await floorPaint(page));
        await page.close();
        const again = await context.newPage();
        await again.goto(floor.url(shown.warm));
        floorMs.warm.push(await floorPaint(again));
        await context.close();
      }
    }
  } finally {
    await floor.close();
    await baseline?.close();
  }
  // The machine's load during the runs (1 and 5 min averages at the end): a ratio of wall times on a loaded machine mostly measures the wait for a core.
  const [one, five] = loadavg();
  const loadText = `${one!.toFixed(1)}, ${five!.toFixed(1)}`;
  for (const kind of ['fresh', 'warm'] as const) {
    const ratio = median(player[kind]) / median(floorMs[kind]);
    const goal = kind === 'fresh' ? 2.5 : 1.5;
    const label = kind === 'fresh' ? "first item on screen, fresh profile (nothing stored: the bundle's first image painted from the bundle by the fresh start frame when it showed the first item's image, else the item's own paint once imported), against a static page showing the same image" : "first item on screen, warm profile (new page on stored data; the start frame's paint when it showed the first item's image), against the same static page";
    const text = `median ${median(player[kind]).toFixed(0)} ms, ${ratio.toFixed(2)}× the static page's ${median(floorMs[kind]).toFixed(0)} ms (load average ${loadText})`;
    console.log(`startup  ${kind.padEnd(5)} ${text}  [goal ≤ ${goal}×]  player runs: ${runsText(player[kind])}; static page runs: ${runsText(floorMs[kind])}`);
    if (baselineDir) console.log(`startup  ${kind.padEnd(5)} baseline ${baselineDir}: median ${median(other[kind]).toFixed(0)} ms, ${(median(other[kind]) / median(floorMs[kind])).toFixed(2)}× the static page; runs: ${runsText(other[kind])}`);
    results.record({ id: `startup.${kind}`, label, value: Number(ratio.toFixed(2)), unit: '×', text, runs: player[kind].map((v, k) => Number((v / floorMs[kind][k]!).toFixed(2))), goal: { op: '<=', value: goal }, dependsOn: STARTUP_SOURCES });
  }
  {
    const own = warmItems(player);
    const ratio = median(own) / median(floorMs.warm);
    const text = `median ${median(own).toFixed(0)} ms, ${ratio.toFixed(2)}× the static page's ${median(floorMs.warm).toFixed(0)} ms`;
    results.record({
      id: 'startup.warm-item',
      label: "the player's own first item on screen, warm profile (its code run, its first decision made; under the start frame), against the same static page",
      value: Number(ratio.toFixed(2)),
      unit: '×',
      text,
      runs: own.map((v, k) => Number((v / floorMs.warm[k]!).toFixed(2))),
      goal: null,
      dependsOn: STARTUP_SOURCES,
    });
  }
  {
    // What a fresh start adds to the player's own start: the bundle's import (read, files fetched,
    // hashed, stored, read back). The player's own warm first item is the floor of its fresh one
    // (the same code, decision and render, with nothing to import), run for run.
    const own = warmItems(player);
    const perRun = player.fresh.map((v, k) => v / own[k]!);
    const ratio = median(player.fresh) / median(own);
    const perRunMedian = median(perRun);
    const text = `fresh median ${median(player.fresh).toFixed(0)} ms, ${ratio.toFixed(2)}× the player's own warm first item (${median(own).toFixed(0)} ms); run for run, median ${perRunMedian.toFixed(2)}×`;
    console.log(`startup  ${text}  [proposed goal ≤ 1.5×]  runs: ${perRun.map((v) => v.toFixed(2)).join(' ')}`);
    results.record({
      id: 'startup.fresh-import',
      label: "first item on screen, fresh profile, against the player's own first item on a warm one in the same run (what importing the bundle adds)",
      value: Number(ratio.toFixed(2)),
      unit: '×',
      text,
      runs: perRun.map((v) => Number(v.toFixed(2))),
      // Proposed in docs/startup-time.md (sessions 12 and 13): the issue's fresh ≤ 2.5× the static page is below this floor.
      goal: { op: '<=', value: 1.5 },
      dependsOn: STARTUP_SOURCES,
    });
  }
  for (const kind of ['fresh', 'warm'] as const) {
    const cpu = kind === 'fresh' ? player.freshCpu : player.warmCpu;
    const text = `median ${median(cpu).toFixed(0)} ms of main-thread CPU`;
    console.log(`startup  ${kind.padEnd(5)} ${text} until the first item  runs: ${runsText(cpu)}${baselineDir ? `; baseline: median ${median(kind === 'fresh' ? other.freshCpu : other.warmCpu).toFixed(0)} ms` : ''}`);
    results.record({
      id: `startup.${kind}-cpu`,
      label: `main-thread CPU until the player's own first item, ${kind} profile (Chromium's task time in thread time: what the player's own work costs, whatever the machine's load; a start frame before it included)`,
      value: Number(median(cpu).toFixed(0)),
      unit: 'ms',
      text,
      runs: cpu.map((v) => Number(v.toFixed(0))),
      // Proposed beside the ratios (see docs/startup-time.md): warm ≤ 150 ms; fresh has no goal of its own.
      goal: kind === 'warm' ? { op: '<=', value: 150 } : null,
      dependsOn: STARTUP_SOURCES,
    });
  }
  console.log(`startup  warm profile: first file read ahead by the start frame script in ${player.readAhead} of ${player.warm.length} runs${baselineDir ? ` (baseline: ${other.readAhead})` : ''}; copies of the start frame images kept before it in ${player.copies}${baselineDir ? ` (baseline: ${other.copies})` : ''}`);
  console.log(
    `startup  warm profile: ${framesText(player, 'warm')}; the player's own first item painted at median ${median(warmItems(player)).toFixed(0)} ms${baselineDir ? ` (baseline: ${median(warmItems(other)).toFixed(0)} ms; ${framesText(other, 'warm')})` : ''}`,
  );
  console.log(
    `startup  fresh profile: ${framesText(player, 'fresh')}; the player's own first item painted at median ${median(freshItems(player)).toFixed(0)} ms${baselineDir ? ` (baseline: ${median(freshItems(other)).toFixed(0)} ms; ${framesText(other, 'fresh')})` : ''}`,
  );
  console.log(`startup  warm profile, median time of each mark since navigation (ms): ${whereTimeGoes(marks)}`);
  if (baselineDir) console.log(`startup  warm profile, baseline's marks (ms): ${whereTimeGoes(otherMarks)}`);
}
