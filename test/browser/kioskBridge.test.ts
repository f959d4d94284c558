import { describe, expect, it } from 'vitest';
import type { ScreenList } from '../../src/shared/adminApi.js';
import { newPlayerPage, waitForItem } from '../support/browser.js';
import { useHubAndSite } from '../support/hubSuite.js';
import { addScreen, adminApi, hubCli } from '../support/hubProcess.js';

/**
 * The player page as it runs in the kiosk, behind the Electron preload bridge (here a stand-in
 * put into the page before it starts, answering what the main process would), with a real hub.
 */
const { browser, site, hub } = useHubAndSite();

const BAD_FILE = '/etc/antichambre/config.json: dailyRestart: expected a local time HH:MM, like 04:00';

describe('the kiosk bridge', () => {
  it('names a bad config file on screen in French and English, joins the hub with the valid settings, and reports the kiosk events once', async () => {
    const token = await addScreen(hub, 'kiosque-1', 'mairie-ouest', 'Kiosque');
    const { context, page, errors } = await newPlayerPage(browser());
    await context.addInitScript(
      ({ hubUrl, screenToken, badFile }) => {
        let pending = [
          { id: 'ev-1', type: 'renderer-gone', at: '2026-12-01T03:00:01.000Z', detail: 'reason crashed, exit code 139' },
          { id: 'ev-2', type: 'reload', at: '2026-12-01T03:00:02.000Z', detail: 'renderer gone: reload 1 of 3, after 1 s' },
        ];
        const sent: number[] = [];
        const page = window as unknown as Record<string, unknown>;
        page.__eventsSent = sent;
        page.antichambre = {
          getConfig: async () => ({ config: { hub: hubUrl, screen: 'kiosque-1', token: screenToken, lang: 'en' }, error: badFile }),
          events: async () => ({ events: pending, through: pending.length > 0 ? 2 : 0 }),
          eventsSent: async (through: number) => {
            sent.push(through);
            pending = [];
          },
        };
      },
      { hubUrl: hub.url, screenToken: token, badFile: BAD_FILE },
    );
    await page.goto(site().url);
    await waitForItem(page, 'bienvenue');

    const notice = page.locator('[data-config-error]');
    expect(await notice.isVisible()).toBe(true);
    const text = (await notice.textContent()) ?? '';
    for (const part of ['Configuration invalide', 'Invalid configuration', BAD_FILE, 'Le lecteur continue avec les autres réglages', 'The player goes on with the other settings']) expect(text).toContain(part);
    expect(text.indexOf('Configuration invalide')).toBeLessThan(text.indexOf('Invalid configuration'));

    const state = async () => (await adminApi<ScreenList>(hub, 'GET', '/api/screens')).body.screens.find((s) => s.id === 'kiosque-1')!;
    await expect.poll(async () => (await state()).status?.events?.map((e) => e.type), { timeout: 15_000 }).toEqual(['renderer-gone', 'reload']);
    expect(await page.evaluate(() => (window as unknown as { __eventsSent: number[] }).__eventsSent)).toEqual([2]);

    const status = await hubCli(hub, ['status']);
    expect(status.stdout.split('\n').find((line) => line.startsWith('kiosque-1'))).toMatch(/2, last: reload .* ago \(renderer gone: reload 1 of 3, after 1 s\)$/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
