/** npm run screenshots: pictures of the player for the README, taken with headless Chromium. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { freezeClockAt, launchBrowser, newPlayerPage, waitForItem } from '../test/support/browser.js';
import { serveWeb } from '../test/support/staticServer.js';

const out = resolve(import.meta.dirname, '../docs');
mkdirSync(out, { recursive: true });
const site = await serveWeb();
const browser = await launchBrowser();
const shots: { file: string; width: number; height: number; query: string; item: string; at: string; after?: number }[] = [
  { file: 'player-mairie.png', width: 1920, height: 1080, query: '', item: 'cni-passeport', at: '2026-11-25T10:00:10+01:00', after: 0 },
  { file: 'player-text-portrait.png', width: 1080, height: 1920, query: '', item: 'bienvenue', at: '2026-11-29T10:00:00+01:00', after: 24_000 },
  { file: 'player-clinique-video.png', width: 1920, height: 1080, query: '?bundle=clinique', item: 'hygiene-mains', at: '2026-11-29T10:00:00+01:00' },
  { file: 'player-idle.png', width: 1920, height: 1080, query: '?bundle=none-such&name=Mairie%20de%20Saint-Lunaire%20%E2%80%94%20accueil', item: '', at: '2026-11-29T10:00:00+01:00' },
];
for (const shot of shots) {
  const { context, page } = await newPlayerPage(browser, { width: shot.width, height: shot.height });
  if (shot.item === 'hygiene-mains') await page.clock.install({ time: Date.parse(shot.at) });
  else await freezeClockAt(page, Date.parse(shot.at));
  if (!shot.item) await context.route('**/playlists/**', (route) => route.abort());
  await page.goto(site.url + shot.query);
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
  await page.waitForTimeout(700);
  await page.screenshot({ path: resolve(out, shot.file) });
  console.log(`wrote docs/${shot.file}`);
  await context.close();
}
await browser.close();
await site.close();
