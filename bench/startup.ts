import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sirv from 'sirv';
import { newPlayerPage, onScreen } from '../test/support/browser.js';
import { PLAYLISTS_DIR } from '../test/support/bundled.js';
import { serveWeb, type StaticSite } from '../test/support/staticServer.js';
import type { ResultFile } from './resultFile.js';
import { median } from './stats.js';

const FIRST_ITEM = 'antichambre:first-item';
const MARKS = ['antichambre:script', 'antichambre:db', 'antichambre:fonts', 'antichambre:started', FIRST_ITEM] as const;
/**
 * What the player shows first: on a fresh profile the bundled set's first item; warm, the next
 * one (the fresh page saved its rotation after its first item). The static page shows the same
 * image in each case (the bench checks the player did); the warm one was fetched by the fresh
 * page (prefetched), as the player's fresh page stored it.
 */
const FIRST_SHOWN = { fresh: { itemId: 'horaires', image: 'mairie-horaires.png', alt: 'Horaires d’ouverture de la mairie' }, warm: { itemId: 'en-ligne', image: 'mairie-en-ligne.png', alt: 'Démarches désormais en ligne' } } as const;
export const STARTUP_SOURCES = ['src/renderer', 'src/shared', 'playlists', 'vite.renderer.config.ts', 'package-lock.json', 'bench/startup.ts', 'test/support/staticServer.ts'];

async function playerMarks(page: Page): Promise<Record<string, number>> {
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, FIRST_ITEM, { timeout: 30_000 });
  return page.evaluate((names) => Object.fromEntries(names.map((name) => [name, performance.getEntriesByName(name)[0]?.startTime ?? NaN])), [...MARKS]);
}

/**
 * The floor: a static page with no script showing the same image full screen, served with the
 * same caching headers as the player. Its time is the image's paint, read
 * by the bench after the fact from element timing (the page itself runs nothing).
 */
async function serveFloor(): Promise<{ url: string; warmUrl: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'antichambre-floor-'));
  const page = (shown: (typeof FIRST_SHOWN)[keyof typeof FIRST_SHOWN], head = '') =>
    `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Plancher</title><style>html,body{margin:0;height:100%;background:#000}img{width:100vw;height:100vh;object-fit:contain;display:block}</style>${head}</head><body><img elementtiming="first-item" src="${shown.image}" alt="${shown.alt}"></body></html>`;
  for (const shown of Object.values(FIRST_SHOWN)) copyFileSync(join(PLAYLISTS_DIR, 'media', shown.image), join(dir, shown.image));
  writeFileSync(join(dir, 'index.html'), page(FIRST_SHOWN.fresh, `<link rel="prefetch" href="${FIRST_SHOWN.warm.image}">`));
  writeFileSync(join(dir, 'warm.html'), page(FIRST_SHOWN.warm));
  const files = sirv(dir, { etag: true, setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache') });
  const server = createServer((req, res) => files(req, res, () => void res.writeHead(404).end()));
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, warmUrl: `${url}warm.html`, close: () => new Promise((done) => server.close(() => done())) };
}

async function floorPaint(page: Page): Promise<number> {
  const at = await page.evaluate(
    () =>
      new Promise<number | null>((resolve) => {
        // Element timing: when the image was painted (renderTime), taken by the browser itself.
        new PerformanceObserver((list) => {
          const entry = list.getEntries()[0] as (PerformanceEntry & { renderTime: number; loadTime: number }) | undefined;
          if (entry) resolve(entry.renderTime || entry.loadTime);
        }).observe({ type: 'element', buffered: true });
        setTimeout(() => resolve(null), 15_000);
      }),
  );
  if (at === null) throw new Error('the static page reported no paint of its image in 15 s');
  return at;
}

const runsText = (values: number[]): string => values.map((v) => v.toFixed(0)).join(' ');

/** The static page must show what the player showed first: else the ratio compares two different images. */
async function expectShown(page: Page, kind: keyof typeof FIRST_SHOWN): Promise<void> {
  const shown = await onScreen(page);
  const itemId = shown && shown !== 'idle' ? shown.itemId : String(shown);
  if (itemId !== FIRST_SHOWN[kind].itemId) throw new Error(`startup bench: the player showed ${itemId} first (${kind}), the static page shows ${FIRST_SHOWN[kind].itemId}; update FIRST_SHOWN`);
}

interface Timings {
  fresh: number[];
  warm: number[];
}

/** One player build's fresh then warm start, each in a new profile; the warm one's marks too. */
async function startPlayer(browser: Browser, url: string, into: Timings, marks: Record<string, number>[]): Promise<void> {
  const { context, page } = await newPlayerPage(browser, { width: 1920, height: 1080 });
  await page.goto(url);
  into.fresh.push((await playerMarks(page))[FIRST_ITEM]!);
  await expectShown(page, 'fresh');
  await page.close();
  const again = await context.newPage();
  await again.goto(url);
  const warm = await playerMarks(again);
  await expectShown(again, 'warm');
  marks.push(warm);
  into.warm.push(warm[FIRST_ITEM]!);
  await context.close();
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
  const player: Timings = { fresh: [], warm: [] };
  const other: Timings = { fresh: [], warm: [] };
  const floorMs: Timings = { fresh: [], warm: [] };
  const marks: Record<string, number>[] = [];
  const otherMarks: Record<string, number>[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      {
        const { context, page } = await newPlayerPage(browser, { width: 1920, height: 1080 });
        await page.goto(floor.url);
        floorMs.fresh.push(await floorPaint(page));
        await page.close();
        const again = await context.newPage();
        await again.goto(floor.warmUrl);
        floorMs.warm.push(await floorPaint(again));
        await context.close();
      }
      // Which build goes first alternates, so that neither always follows the floor.
      if (baseline && i % 2 === 0) await startPlayer(browser, baseline.url, other, otherMarks);
      await startPlayer(browser, site.url, player, marks);
      if (baseline && i % 2 === 1) await startPlayer(browser, baseline.url, other, otherMarks);
    }
  } finally {
    await floor.close();
    await baseline?.close();
  }
  for (const kind of ['fresh', 'warm'] as const) {
    const ratio = median(player[kind]) / median(floorMs[kind]);
    const goal = kind === 'fresh' ? 2.5 : 1.5;
    const label = kind === 'fresh' ? 'first item on screen, fresh profile (bundle imported, then shown), against a static page showing the same image' : 'first item on screen, warm profile (new page on stored data), against the same static page';
    const text = `median ${median(player[kind]).toFixed(0)} ms, ${ratio.toFixed(2)}× the static page's ${median(floorMs[kind]).toFixed(0)} ms`;
    console.log(`startup  ${kind.padEnd(5)} ${text}  [goal ≤ ${goal}×]  player runs: ${runsText(player[kind])}; static page runs: ${runsText(floorMs[kind])}`);
    if (baselineDir) console.log(`startup  ${kind.padEnd(5)} baseline ${baselineDir}: median ${median(other[kind]).toFixed(0)} ms, ${(median(other[kind]) / median(floorMs[kind])).toFixed(2)}× the static page; runs: ${runsText(other[kind])}`);
    results.record({ id: `startup.${kind}`, label, value: Number(ratio.toFixed(2)), unit: '×', text, runs: player[kind].map((v, k) => Number((v / floorMs[kind][k]!).toFixed(2))), goal: { op: '<=', value: goal }, dependsOn: STARTUP_SOURCES });
  }
  console.log(`startup  warm profile, median time of each mark since navigation (ms): ${whereTimeGoes(marks)}`);
  if (baselineDir) console.log(`startup  warm profile, baseline's marks (ms): ${whereTimeGoes(otherMarks)}`);
}
