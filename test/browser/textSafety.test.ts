import { describe, expect, it } from 'vitest';
import { newPlayerPage, waitForItem } from '../support/browser.js';
import { playerUrl } from '../support/hubSuite.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';
import { useBrowserAndSite, useStandInHub } from '../support/suite.js';

/** Security: text from playlists and alerts is shown as text, never as HTML (an XSS attempt is displayed literally). */

const ATTACK = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>gras</b>';
const { browser, site } = useBrowserAndSite({
  playlistsDir: () => makePlaylistsDir([{ id: 'infos', items: [{ id: 'piege', type: 'text', duration: 30, title: `Titre ${ATTACK}`, body: `Corps ${ATTACK}` }] }], 'xss-r1'),
});
const hub = useStandInHub();

describe('text is text', () => {
  it('shows HTML in a text item and in an alert literally, and runs none of it', async () => {
    const { page, errors } = await newPlayerPage(browser());
    await page.goto(playerUrl(site().url, hub().url, 'xss-screen', 'token'));
    await waitForItem(page, 'piege');
    const screen = await hub().connected();
    expect(await screen.timeout(5_000).emitWithAck('alert', { id: 'alerte-xss', level: 'info', text: `Alerte ${ATTACK}`, until: new Date(Date.now() + 60_000).toISOString() })).toEqual({ ok: true });
    await page.waitForSelector('[data-alert-id="alerte-xss"]');
    const seen = await page.evaluate(() => ({
      item: document.querySelector('[data-item-id="piege"]')?.textContent ?? '',
      alert: document.querySelector('[data-alert-id="alerte-xss"]')?.textContent ?? '',
      injected: document.querySelectorAll('[data-item-id] img, [data-item-id] script, [data-item-id] b, [data-alert-id] img, [data-alert-id] script, [data-alert-id] b').length,
      flag: (window as unknown as { __xss?: number }).__xss ?? null,
    }));
    expect(seen.item).toContain(`Titre ${ATTACK}`);
    expect(seen.item).toContain(`Corps ${ATTACK}`);
    expect(seen.alert).toContain(`Alerte ${ATTACK}`);
    expect(seen.injected).toBe(0);
    expect(seen.flag).toBeNull();
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
