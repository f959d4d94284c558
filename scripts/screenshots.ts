/** npm run screenshots: pictures of the player for the README, taken with headless Chromium. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { QueueEvent } from '../src/shared/queue.js';
import { freezeClockAt, launchBrowser, newPlayerPage, waitForItem } from '../test/support/browser.js';
import { playerUrl } from '../test/support/hubSuite.js';
import { startStandInHub } from '../test/support/standInHub.js';
import { serveWeb } from '../test/support/staticServer.js';

const out = resolve(import.meta.dirname, '../docs');
mkdirSync(out, { recursive: true });
const site = await serveWeb();
const hub = await startStandInHub();
const browser = await launchBrowser();

/** A town hall morning: two counters for the civil register, the passports' counter closed, a few tickets called. */
function morning(now: number): QueueEvent[] {
  const at = (minAgo: number) => new Date(now - minAgo * 60_000).toISOString();
  return [
    { type: 'counter', counter: '1', open: true, services: ['etat-civil'], at: at(40) },
    { type: 'counter', counter: '2', open: true, services: ['etat-civil'], at: at(40) },
    { type: 'counter', counter: '3', open: false, services: ['titres'], at: at(40) },
    ...Array.from({ length: 14 }, (_, k): QueueEvent => ({ type: 'issued', ticket: `A${String(30 + k).padStart(3, '0')}`, service: 'etat-civil', at: at(35 - 2 * k) })),
    ...[0, 1, 2, 3].map((k): QueueEvent => ({ type: 'called', ticket: `A${String(30 + k).padStart(3, '0')}`, counter: k % 2 ? '2' : '1', at: at(20 - 4 * k) })),
  ];
}

interface Shot {
  file: string;
  width: number;
  height: number;
  query: string;
  item: string;
  at: string;
  after?: number;
  /** The town hall's layout with its queue fed by a (stand-in) hub; `call`: a ticket called, its banner shown. */
  queue?: { call: boolean };
}
const shots: Shot[] = [
  { file: 'player-mairie.png', width: 1920, height: 1080, query: '', item: 'cni-passeport', at: '2026-11-25T10:00:10+01:00', after: 0, queue: { call: false } },
  { file: 'player-text-portrait.png', width: 1080, height: 1920, query: '', item: 'bienvenue', at: '2026-11-25T10:00:00+01:00', after: 24_000, queue: { call: false } },
  { file: 'player-call.png', width: 1920, height: 1080, query: '', item: 'horaires', at: '2026-11-25T10:00:00+01:00', queue: { call: true } },
  { file: 'player-clinique-video.png', width: 1920, height: 1080, query: '?bundle=clinique', item: 'hygiene-mains', at: '2026-11-29T10:00:00+01:00' },
  { file: 'player-idle.png', width: 1920, height: 1080, query: '?bundle=none-such&name=Mairie%20de%20Saint-Lunaire%20%E2%80%94%20accueil', item: '', at: '2026-11-29T10:00:00+01:00' },
];
let n = 0;
for (const shot of shots) {
  const { context, page } = await newPlayerPage(browser, { width: shot.width, height: shot.height });
  // Time flows where a video plays or a hub talks (socket and IndexedDB need their timers); else it stands still.
  if (shot.item === 'hygiene-mains' || shot.queue) await page.clock.install({ time: Date.parse(shot.at) });
  else await freezeClockAt(page, Date.parse(shot.at));
  if (!shot.item) await context.route('**/playlists/**', (route) => route.abort());
  const screenId = `shot-${++n}`;
  await page.goto(shot.queue ? playerUrl(site.url, hub.url, screenId, 'token', shot.query.replace('?', '&')) : site.url + shot.query);
  if (shot.queue) {
    await page.waitForSelector('[data-zone="file"]', { timeout: 20_000 });
    const now = await page.evaluate(() => Date.now());
    await (await hub.screen(screenId)).timeout(30_000).emitWithAck('queue', { events: morning(now) });
    await page.waitForSelector('[data-zone="file"] [data-wait-minutes]');
  }
  if (shot.item) {
    if (shot.after !== undefined) {
      await page.waitForSelector('[data-item-id]');
      // Walk the rotation until the wanted item is on screen.
      for (let i = 0; i < 20 && !(await page.$(`[data-item-id="${shot.item}"]:not([data-leaving])`)); i++) await page.clock.runFor(2_000);
    }
    await waitForItem(page, shot.item, 20_000);
    await page.waitForFunction(() => document.querySelectorAll('[data-leaving]').length === 0);
    if (shot.item === 'hygiene-mains') await page.waitForSelector('[data-captions]');
  } else {
    await page.waitForSelector('[data-idle]');
  }
  if (shot.queue?.call) {
    const now = await page.evaluate(() => Date.now());
    await (await hub.screen(screenId)).timeout(30_000).emitWithAck('queue', { events: [{ type: 'called', ticket: 'A034', counter: '2', at: new Date(now).toISOString() }] });
    await page.waitForSelector('.call-banner');
    await page.waitForFunction(() => getComputedStyle(document.querySelector('.call-banner')!).opacity === '1');
  }
  await page.waitForTimeout(700);
  await page.screenshot({ path: resolve(out, shot.file) });
  console.log(`wrote docs/${shot.file}`);
  await context.close();
}
await browser.close();
await hub.close();
await site.close();
