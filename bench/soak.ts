/**
 * npm run soak [-- --days 14 --seed 1]: a web player plays simulated days (`page.clock`) against
 * a real hub that goes away and comes back at random, with a new set pushed every day, alerts
 * and queue events. Prints the JS heap and DOM node count over time and, at the end, the airtime
 * accounted for by the impressions the hub stored, with duplicates and losses. Asserts nothing.
 * --trace-idb also prints the page's open IndexedDB transactions at each sample.
 *
 * Page time runs about 3,000 times faster than real time, and socket.io's timers (heartbeat,
 * connection and ack timeouts) run on page time: the connection drops every ~45 s of page time
 * and a batch's ack must come back within a step's few real ms. Harsher than a real site; the
 * outbox may hold thousands at times, and everything is delivered once page time runs at its
 * real pace at the end.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import type { ImpressionList, SiteToken } from '../src/shared/adminApi.js';
import { seededRandom } from '../src/shared/lognormal.js';
import { launchBrowser, newPlayerPage, readStore } from '../test/support/browser.js';
import { addScreen, adminApi, hubCli, startHubProcess, type HubProcess } from '../test/support/hubProcess.js';
import { playerUrl, WELCOME_BUNDLE } from '../test/support/hubSuite.js';
import { bundledMedia, makePlaylistsDir } from '../test/support/playlistsFixture.js';
import { openTransactions, traceTransactions } from '../test/support/idbTrace.js';
import { serveWeb } from '../test/support/staticServer.js';
import { median } from './stats.js';

const argument = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const DAYS = argument('days', 14);
const SEED = argument('seed', 1);
const TRACE_IDB = process.argv.includes('--trace-idb');
const STEP_MS = 30_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const random = seededRandom(SEED);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The day's set: texts, an image and a queue board, all day long (so that all time is airtime). */
function setOfDay(day: number): string {
  const dir = makePlaylistsDir([
    {
      id: `jour-${day}`,
      items: [
        { id: 'accueil', type: 'text', duration: 20, title: `Bienvenue, jour ${day}` },
        { id: 'horaires', type: 'image', duration: 25, ...bundledMedia('mairie-horaires.png') },
        { id: 'file', type: 'wait', duration: 15, service: 'etat-civil' },
        { id: 'en-ligne', type: 'text', duration: 30, title: 'Vos démarches en ligne', body: 'Carte grise, état civil, listes électorales.' },
      ],
    },
  ]);
  return join(dir, `jour-${day}.json`);
}

async function memory(cdp: CDPSession): Promise<{ heapMB: number; nodes: number; listeners: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  const dom = (await cdp.send('Memory.getDOMCounters')) as { nodes: number; jsEventListeners: number };
  return { heapMB: heap.usedSize / 1e6, nodes: dom.nodes, listeners: dom.jsEventListeners };
}

/**
 * Real time for the image being prepared off screen to decode. The player gives an item
 * PREPARE_TIMEOUT_MS of page time to get ready; at the soak's pace that is a few real ms, less
 * than an image's decode, so without this wait the day's image would mostly be skipped (as in the
 * run of 2026-12-04 at dbd8e1d: 1,260 showings of it instead of about 13,400). Bounded: a decode
 * that never settles stops the wait, not the soak.
 */
async function imagesDecoded(page: Page): Promise<void> {
  const decoded = page.evaluate(() => Promise.all([...document.querySelectorAll<HTMLImageElement>('[data-preload] img')].map((img) => img.decode().catch(() => {}))));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([decoded, new Promise((resolve) => (timer = setTimeout(resolve, 2_000)))]);
  clearTimeout(timer);
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((sum, x, k) => sum + (x - mx) * (ys[k]! - my), 0);
  const den = xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

const site = await serveWeb({ playlistsDir: makePlaylistsDir(WELCOME_BUNDLE, 'soak-bundle') });
const browser = await launchBrowser();
let hub: HubProcess = await startHubProcess();
const port = hub.port;
try {
  const token = await addScreen(hub, 'soak-1', 'mairie');
  const siteToken = (await adminApi<SiteToken>(hub, 'POST', '/api/sites/mairie/token', {})).body.token;
  const { context, page, errors } = await newPlayerPage(browser);
  if (TRACE_IDB) await traceTransactions(context);
  const cdp = await context.newCDPSession(page);
  const t0 = Date.UTC(2026, 11, 7, 6); // a Monday, 07:00 in Paris
  await page.clock.install({ time: t0 });
  await page.goto(playerUrl(site.url, hub.url, 'soak-1', token));
  await hubCli(hub, ['playlist', 'push', setOfDay(0), '--screen', 'soak-1', '--replace']);
  await sleep(3_000);
  await page.clock.pauseAt(t0 + 10_000);
  const start = await page.evaluate(() => Date.now());

  let up = true;
  let downUntil = 0;
  let pushedDay = 0;
  let outages = 0;
  let ticket = 0;
  const samples: { day: number; heapMB: number; nodes: number; listeners: number; outbox: number }[] = [];
  const started = performance.now();
  for (let t = 0; t < DAYS * DAY; t += STEP_MS) {
    const now = start + t;
    await page.clock.runFor(STEP_MS);
    await sleep(up ? 8 : 2);
    await imagesDecoded(page);
    // The hub goes away at random (about twice a day) for 10 min to 6 h, and comes back on its database.
    if (up && random() < (2 / DAY) * STEP_MS) {
      await hub.kill();
      up = false;
      outages++;
      downUntil = now + 10 * 60_000 + random() * 6 * HOUR;
    } else if (!up && now >= downUntil) {
      hub = await startHubProcess({ dir: hub.dir, port });
      up = true;
    }
    if (!up) continue;
    // A new set every day at 06:00 UTC; an alert now and then; the queue moves during the day.
    const day = Math.floor((now - t0) / DAY);
    if (day > pushedDay) {
      const pushed = await hubCli(hub, ['playlist', 'push', setOfDay(day), '--screen', 'soak-1', '--replace']);
      if (pushed.code === 0) pushedDay = day;
    }
    if (random() < 0.002) {
      await adminApi(hub, 'POST', '/api/alerts', { level: 'info', text: `Information ${ticket}`, until: new Date(now + 20 * 60_000).toISOString(), target: { site: 'mairie' } });
    }
    const hourOfDay = new Date(now).getUTCHours();
    if (hourOfDay >= 7 && hourOfDay < 16 && random() < 0.3) {
      const events = [{ type: 'issued', ticket: `A${++ticket}`, service: 'etat-civil', at: new Date(now).toISOString() }];
      if (ticket > 3) events.push({ type: 'called', ticket: `A${ticket - 3}`, counter: 'g1', at: new Date(now).toISOString() } as never);
      await fetch(new URL('/api/sites/mairie/queue', hub.url), { method: 'POST', headers: { authorization: `Bearer ${siteToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }) }).catch(() => {});
    }
    if (t % (6 * HOUR) === 0) {
      const m = await memory(cdp);
      const outbox = (await readStore(page, 'outbox')).length;
      samples.push({ day: t / DAY, ...m, outbox });
      console.log(`soak day ${(t / DAY).toFixed(2).padStart(5)}: heap ${m.heapMB.toFixed(1)} MB, DOM nodes ${m.nodes}, listeners ${m.listeners}, outbox ${outbox}, hub ${up ? 'up' : 'down'} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      if (TRACE_IDB) {
        const open = await openTransactions(page);
        console.log(`  open IndexedDB transactions ${open.open} ${JSON.stringify(open.byStores)}${open.oldest && open.oldest.ageMs > 5_000 ? `; oldest ${open.oldest.stores}, ${(open.oldest.ageMs / 1000).toFixed(0)} s, opened at ${open.oldest.stack}` : ''}`);
      }
    }
  }
  const end = start + DAYS * DAY;

  // The hub stays up; page time flows at its real pace until everything is sent.
  if (!up) hub = await startHubProcess({ dir: hub.dir, port });
  await page.clock.resume();
  // Until the outbox is empty and the item on screen at the end has left it (its impression is written then).
  const lastMinute = `/api/impressions?screen=soak-1&since=${new Date(end - 60_000).toISOString()}`;
  const reachesEnd = async () => (await adminApi<ImpressionList>(hub, 'GET', lastMinute)).body.impressions.some((i) => Date.parse(i.end) >= end);
  for (let waited = 0; waited < 180_000 && ((await readStore(page, 'outbox')).length > 0 || !(await reachesEnd())); waited += 2_000) await sleep(2_000);
  const stored = (await adminApi<ImpressionList>(hub, 'GET', '/api/impressions?screen=soak-1')).body.impressions
    .filter((i) => Date.parse(i.end) > start && Date.parse(i.start) < end)
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  let lostMs = 0;
  let overlapMs = 0;
  for (let k = 1; k < stored.length; k++) {
    const gap = Date.parse(stored[k]!.start) - Date.parse(stored[k - 1]!.end);
    if (gap > 1_000) lostMs += gap;
    if (gap < 0) overlapMs -= gap;
  }
  const ids = new Set(stored.map((i) => i.id));
  const accounted = stored.reduce((sum, i) => sum + Math.min(end, Date.parse(i.end)) - Math.max(start, Date.parse(i.start)), 0);
  const days = samples.map((s) => s.day);
  const settled = samples.some((s) => s.day >= 1) ? samples.filter((s) => s.day >= 1) : samples;
  console.log(`soak: ${DAYS} days, ${stored.length} impressions, ${outages} hub outages, ${pushedDay} sets pushed, ${ticket} tickets; ${((performance.now() - started) / 60_000).toFixed(1)} min`);
  console.log(`soak airtime accounted ${((100 * accounted) / (end - start)).toFixed(3)} %; lost ${(lostMs / 1000).toFixed(0)} s in gaps over 1 s; stored twice ${stored.length - ids.size} (overlap ${(overlapMs / 1000).toFixed(1)} s); still in the outbox ${(await readStore(page, 'outbox')).length}`);
  // The queue's history fills for its first 8 days (HISTORY_MS, by design): the trend after that says whether anything else grows.
  const full = samples.filter((s) => s.day >= 9);
  const fullTrend = full.length >= 4 ? `, after day 9 ${slope(full.map((s) => s.day), full.map((s) => s.heapMB)).toFixed(2)} MB/day` : '';
  console.log(`soak heap: median ${median(settled.map((s) => s.heapMB)).toFixed(1)} MB, trend ${slope(days, samples.map((s) => s.heapMB)).toFixed(2)} MB/day${fullTrend}; DOM nodes: median ${median(settled.map((s) => s.nodes))}, trend ${slope(days, samples.map((s) => s.nodes)).toFixed(1)} nodes/day; page errors ${errors.length}`);
  writeFileSync(join(hub.dir, 'soak.json'), JSON.stringify({ samples, stored: stored.length, accounted, lostMs, overlapMs }, null, 2));
  await context.close();
} finally {
  await browser.close();
  await site.close();
  await hub.stop();
}
