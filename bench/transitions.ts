import type { Browser } from 'playwright-core';
import { newPlayerPage } from '../test/support/browser.js';
import { bundledMedia, makePlaylistsDir } from '../test/support/playlistsFixture.js';
import { serveWeb } from '../test/support/staticServer.js';
import type { ResultFile } from './resultFile.js';
import { STARTUP_SOURCES } from './startup.js';

/**
 * Gap between items: short items switch 200 times in real time; every animation frame is
 * checked for a complete item on screen (opaque, and its image decoded or video frame ready).
 */
export async function benchTransitions(browser: Browser, results: ResultFile, transitions = 200): Promise<void> {
  const images = ['mairie-horaires.png', 'mairie-ticket.png', 'mairie-en-ligne.png'].map(bundledMedia);
  const items = [
    ...images.map((m, i) => ({ id: `img-${i}`, type: 'image' as const, duration: 0.3, ...m })),
    { id: 'txt', type: 'text' as const, duration: 0.3, title: 'Texte court', body: 'Une ligne' },
  ];
  const dir = makePlaylistsDir([{ id: 'rapide', items }]);
  const site = await serveWeb({ playlistsDir: dir });
  const { context, page } = await newPlayerPage(browser, { width: 1920, height: 1080 });
  await page.goto(site.url);
  await page.waitForSelector('[data-item-id]');
  const result = await page.evaluate(async (target) => {
    const complete = (el: Element): boolean => {
      if (getComputedStyle(el).opacity !== '1') return false;
      const img = el.querySelector('img');
      if (img) return img.complete && img.naturalWidth > 0;
      const video = el.querySelector('video');
      if (video) return video.readyState >= 2;
      return true;
    };
    let frames = 0;
    let gaps = 0;
    let switches = 0;
    let last = document.querySelector('[data-item-id]:not([data-leaving])')?.getAttribute('data-item-id');
    const deltas: number[] = [];
    let prev = 0;
    await new Promise<void>((done) => {
      const tick = (t: number) => {
        if (prev) deltas.push(t - prev);
        prev = t;
        frames++;
        const onScreen = [...document.querySelectorAll('[data-item-id]')];
        if (!onScreen.some(complete)) gaps++;
        const now = document.querySelector('[data-item-id]:not([data-leaving])')?.getAttribute('data-item-id');
        if (now !== last) {
          switches++;
          last = now;
        }
        if (switches >= target) done();
        else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const sorted = deltas.slice().sort((x, y) => x - y);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    return { frames, gaps, switches, dropped: deltas.filter((d) => d > 1.5 * median).length, deltas: deltas.length };
  }, transitions);
  console.log(`gaps     ${result.switches} transitions, ${result.frames} frames, frames with no complete item: ${result.gaps}  [goal 0]`);
  console.log(`pacing   without zones (baseline for the ticker's): ${result.dropped} of ${result.deltas} frames dropped (${((100 * result.dropped) / result.deltas).toFixed(2)} %)`);
  results.record({
    id: 'transitions.gaps',
    label: `frames with no complete item, ${result.switches} transitions`,
    value: result.gaps,
    unit: 'frames',
    text: `${result.gaps} of ${result.frames.toLocaleString('en')}`,
    runs: [result.gaps],
    goal: { op: '=', value: 0 },
    dependsOn: [...STARTUP_SOURCES.filter((path) => path !== 'bench/startup.ts'), 'bench/transitions.ts'],
  });
  await context.close();
  await site.close();
}

/**
 * The same with a layout (§6): 200 transitions in `main` while the ticker scrolls, the queue
 * zone is up and a call banner comes every 30 s (a stand-in hub sends the calls). Every frame:
 * a complete item in every playlist zone; the ticker's frame pacing from requestAnimationFrame
 * deltas (a frame is dropped when its delta exceeds 1.5 times the median).
 */
export async function benchZoneTransitions(browser: Browser, results: ResultFile, transitions = 200): Promise<void> {
  const { writeFileSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { startStandInHub } = await import('../test/support/standInHub.js');
  const { playerUrl } = await import('../test/support/hubSuite.js');
  const images = ['mairie-horaires.png', 'mairie-ticket.png', 'mairie-en-ligne.png'].map(bundledMedia);
  const items = [
    ...images.map((m, i) => ({ id: `img-${i}`, type: 'image' as const, duration: 0.3, ...m })),
    { id: 'txt', type: 'text' as const, duration: 0.3, title: 'Texte court', body: 'Une ligne' },
  ];
  const news = [
    { id: 'n1', type: 'text' as const, duration: 5, title: 'Listes électorales', body: 'Inscriptions jusqu’au 6e vendredi avant le scrutin.' },
    { id: 'n2', type: 'text' as const, duration: 5, title: 'Wi-Fi gratuit', body: 'Réseau « Mairie-Public » dans tout le hall.' },
  ];
  const dir = makePlaylistsDir([{ id: 'rapide', items }, { id: 'bandeau', zone: 'bandeau', items: news }]);
  const layout = {
    id: 'bench',
    zones: [
      { id: 'main', x: 0, y: 0, width: 70, height: 88 },
      { id: 'file', x: 70, y: 0, width: 30, height: 88, kind: 'queue', services: ['etat-civil'] },
      { id: 'bandeau', x: 0, y: 88, width: 100, height: 12, kind: 'ticker' },
    ],
    calls: { show: 'overlay', seconds: 8 },
  };
  writeFileSync(join(dir, 'bench.layout.json'), JSON.stringify(layout));
  const index = JSON.parse(readFileSync(join(dir, 'bundles.json'), 'utf8')) as { bundles: { layout?: string }[] };
  index.bundles[0]!.layout = 'bench.layout.json';
  writeFileSync(join(dir, 'bundles.json'), JSON.stringify(index));
  const site = await serveWeb({ playlistsDir: dir });
  const hub = await startStandInHub();
  const { context, page } = await newPlayerPage(browser, { width: 1920, height: 1080 });
  await page.goto(playerUrl(site.url, hub.url, 'bench-zones', 'token'));
  await page.waitForSelector('[data-zone="main"] [data-item-id]');
  await page.waitForSelector('[data-zone="bandeau"] .ticker-line');
  const t0 = Date.now();
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  await (await hub.screen('bench-zones')).timeout(30_000).emitWithAck('queue', {
    events: [{ type: 'counter', counter: '1', open: true, services: ['etat-civil'], at: at(-600) }, ...Array.from({ length: 40 }, (_, k) => ({ type: 'issued', ticket: `A${100 + k}`, service: 'etat-civil', at: at(-500 + k) }))],
  });
  // A call every 30 s while the frames are counted.
  let calls = 0;
  const caller = setInterval(() => {
    const ticket = `A${100 + calls++}`;
    void hub.screen('bench-zones').then((socket) => socket.timeout(30_000).emitWithAck('queue', { events: [{ type: 'called', ticket, counter: '1', at: new Date().toISOString() }] }));
  }, 30_000);
  const result = await page.evaluate(async (target) => {
    const complete = (el: Element): boolean => {
      if (getComputedStyle(el).opacity !== '1') return false;
      const img = el.querySelector('img');
      if (img) return img.complete && img.naturalWidth > 0;
      return true;
    };
    const main = document.querySelector('[data-zone="main"]')!;
    let frames = 0;
    let gaps = 0;
    let switches = 0;
    let banners = 0;
    let bannerWas = false;
    const deltas: number[] = [];
    let prev = 0;
    let last = main.querySelector('[data-item-id]:not([data-leaving])')?.getAttribute('data-item-id');
    await new Promise<void>((done) => {
      const tick = (t: number) => {
        if (prev) deltas.push(t - prev);
        prev = t;
        frames++;
        if (![...main.querySelectorAll('[data-item-id]')].some(complete)) gaps++;
        const banner = document.querySelector('[data-call-ticket]') !== null;
        if (banner && !bannerWas) banners++;
        bannerWas = banner;
        const now = main.querySelector('[data-item-id]:not([data-leaving])')?.getAttribute('data-item-id');
        if (now !== last) {
          switches++;
          last = now;
        }
        if (switches >= target) done();
        else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const sorted = deltas.slice().sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const dropped = deltas.filter((d) => d > 1.5 * median).length;
    return { frames, gaps, switches, banners, median, dropped, deltas: deltas.length };
  }, transitions);
  clearInterval(caller);
  console.log(`zones    ${result.switches} transitions in main with the ticker and ${result.banners} call banners, ${result.frames} frames, frames with no complete item in main: ${result.gaps}  [goal 0]`);
  console.log(`ticker   frame pacing: ${result.dropped} of ${result.deltas} frames dropped (${((100 * result.dropped) / result.deltas).toFixed(2)} %, median frame ${result.median.toFixed(1)} ms)  [goal < 1 %]`);
  // The zones' run also takes its call banners from a stand-in hub.
  const dependsOn = [...STARTUP_SOURCES.filter((path) => path !== 'bench/startup.ts'), 'bench/transitions.ts', 'test/support/standInHub.ts'];
  results.record({
    id: 'zones.gaps',
    label: `frames with no complete item in main, ${result.switches} transitions with the ticker scrolling and ${result.banners} call banners`,
    value: result.gaps,
    unit: 'frames',
    text: `${result.gaps} of ${result.frames.toLocaleString('en')}`,
    runs: [result.gaps],
    goal: { op: '=', value: 0 },
    dependsOn,
  });
  results.record({
    id: 'zones.ticker-pacing',
    label: 'ticker frame pacing: frames dropped (rAF deltas over 1.5× the median)',
    value: (100 * result.dropped) / result.deltas,
    unit: '%',
    text: `${((100 * result.dropped) / result.deltas).toFixed(1)} % (${result.dropped} of ${result.deltas})`,
    runs: [(100 * result.dropped) / result.deltas],
    goal: { op: '<', value: 1 },
    dependsOn,
  });
  await context.close();
  await hub.close();
  await site.close();
}
