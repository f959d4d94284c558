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
    await new Promise<void>((done) => {
      const tick = () => {
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
    return { frames, gaps, switches };
  }, transitions);
  console.log(`gaps     ${result.switches} transitions, ${result.frames} frames, frames with no complete item: ${result.gaps}  [goal 0]`);
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
