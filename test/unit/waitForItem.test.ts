import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForItem } from '../support/browser.js';
import { closeContexts, sharedBrowser } from '../support/suite.js';

/** The tests' wait for an item on screen (test/support/browser.ts): watched in the page, its deadline in Node. */

let browser: Browser;
beforeAll(async () => {
  browser = await sharedBrowser();
});
afterAll(async () => {
  await closeContexts(browser);
});

const item = (id: string, leaving = false) => `<div data-item-id="${id}"${leaving ? ' data-leaving=""' : ''}>${id}</div>`;

describe('waitForItem', () => {
  it('sees an item put on screen while the page clock holds its timers still', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.clock.install({ time: Date.parse('2026-12-04T10:00:00+01:00') });
    await page.clock.pauseAt(Date.parse('2026-12-04T10:00:01+01:00'));
    await page.setContent(`<main>${item('accueil')}</main>`);
    const waited = waitForItem(page, 'horaires', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await page.evaluate((html) => document.querySelector('main')!.insertAdjacentHTML('beforeend', html), item('horaires'));
    await expect(waited).resolves.toBeUndefined();
  });

  it('does not take a leaving item for one on screen, and says what is there when its time is up', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.setContent(`<main data-zone="main">${item('horaires', true)}</main>`);
    const started = Date.now();
    await expect(waitForItem(page, 'horaires', 500)).rejects.toThrow(/^horaires not on screen after 500 ms; on screen: null; page warnings: none$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(490);
  });

  it('watches the new document after a navigation', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.setContent(`<main>${item('accueil')}</main>`);
    const waited = waitForItem(page, 'horaires', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await page.goto(`data:text/html,<main>${item('horaires')}</main>`);
    await expect(waited).resolves.toBeUndefined();
  });
});
