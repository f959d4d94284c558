import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { BundleIndex } from '../../src/shared/bundle.js';
import { launchBrowser, newPlayerPage, onScreen, readStore, waitForItem } from '../support/browser.js';
import { startMediaServer, type MediaServer } from '../support/mediaServer.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';
import { serveWeb, type StaticSite } from '../support/staticServer.js';

let media: MediaServer;
let browser: Browser;
let site: StaticSite;
let dir: string;
const bytes = new Uint8Array(2_000_000).map((_, i) => (i * 7919) & 0xff);

beforeAll(async () => {
  media = await startMediaServer({ film: { bytes, type: 'video/webm' } });
  dir = makePlaylistsDir([{ id: 'ancienne', items: [{ id: 'ancien', type: 'text', duration: 5, title: 'Ancien contenu' }] }], 'r1');
  site = await serveWeb({ playlistsDir: dir });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await media?.close();
});

describe('a new set of playlists', () => {
  it('waits as pending while its files download; the old set plays on, then the new one takes over', async () => {
    const { context, page } = await newPlayerPage(browser);
    await page.goto(site.url);
    await waitForItem(page, 'ancien');

    // A new bundle whose item now needs a file that comes slowly (about 12 s).
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(
      join(dir, 'nouvelle.json'),
      JSON.stringify({ id: 'nouvelle', items: [{ id: 'film', type: 'video', duration: 5, src: media.url('slow', 'film'), sha256 }, { id: 'nouveau', type: 'text', duration: 5, title: 'Nouveau contenu' }] }),
    );
    const index: BundleIndex = { default: 'test', bundles: [{ id: 'test', name: 'Test', revision: 'r2', playlists: ['nouvelle.json'] }] };
    writeFileSync(join(dir, 'bundles.json'), JSON.stringify(index));
    await page.reload();
    await waitForItem(page, 'ancien');
    await expect.poll(async () => (await readStore<{ key: string; revision: string }>(page, 'sets')).map((s) => `${s.key}:${s.revision}`).sort(), { timeout: 10_000 }).toEqual(['current:r1', 'pending:r2']);
    // While the file comes, only the old set is on screen.
    for (let k = 0; k < 6; k++) {
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await onScreen(page)).toEqual({ playlistId: 'ancienne', itemId: 'ancien' });
    }
    // Once it is there, the new set takes over.
    await waitForItem(page, 'nouveau', 30_000);
    expect((await readStore<{ key: string; revision: string }>(page, 'sets')).map((s) => `${s.key}:${s.revision}`)).toEqual(['current:r2']);
    await context.close();
  }, 60_000);
});
