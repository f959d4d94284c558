import { describe, expect, it } from 'vitest';
import type { Impression } from '../../src/shared/impression.js';
import { freezeClockAt, newPlayerPage, onScreen, readStore, waitForItem } from '../support/browser.js';
import { useBrowserAndSite } from '../support/suite.js';
import { bundledPlaylists, expectedSequence } from '../support/bundled.js';

// Wednesday 25 November 2026, 10:00 in Paris: the office-hours playlist is on.
const START = Date.parse('2026-11-25T10:00:00+01:00');

const env = useBrowserAndSite();

/**
 * Where a fresh player's bundle is asked for against its stage's first draw: each of the bundle's
 * files first asked before it. `codeLateMs`: the code that reads the bundle held that long (a busy
 * machine), past the fonts' wait after which the player draws its stage anyway.
 */
async function bundleAskedBeforeDrawn(codeLateMs: number): Promise<void> {
  const { context, page, errors } = await newPlayerPage(env.browser());
  if (codeLateMs > 0) {
    await page.route(/\/bundleImport-[^/]*\.js$/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, codeLateMs));
      await route.continue();
    });
  }
  // The page's own order of things: when each request for the bundle's files was made (its resource
  // entry's start, known once answered), and when its stage was first drawn.
  await page.addInitScript(() => {
    const asked: { path: string; at: number }[] = [];
    const page = window as unknown as { __asked: typeof asked; __drawnAt: number | null };
    page.__asked = asked;
    page.__drawnAt = null;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (entry.name.includes('/playlists/')) asked.push({ path: new URL(entry.name).pathname, at: entry.startTime });
    }).observe({ type: 'resource', buffered: true });
    new MutationObserver(() => {
      if (document.getElementById('root')?.childElementCount && page.__drawnAt === null) page.__drawnAt = performance.now();
    }).observe(document, { childList: true, subtree: true });
  });
  // The player draws its stage once its text faces have come (or after 1.5 s): they are held for 1 s.
  let releaseFonts!: () => void;
  const fontsHeld = new Promise<void>((resolve) => (releaseFonts = resolve));
  await page.route(/\.woff2?$/, async (route) => {
    await fontsHeld;
    await route.continue();
  });
  const held = setTimeout(releaseFonts, 1_000);
  await page.goto(`${env.site().url}?screen=ecran-test`);
  const playlists = bundledPlaylists('mairie', null);
  await page.waitForSelector('[data-item-id]', { timeout: 15_000 });
  clearTimeout(held);
  releaseFonts();
  const order = () => page.evaluate(() => {
    const { __asked: asked, __drawnAt: drawnAt } = window as unknown as { __asked: { path: string; at: number }[]; __drawnAt: number | null };
    return { asked: [...asked], drawnAt };
  });
  // Every playlist of the bundle and its layout (each entry written once its answer came, on a busy machine maybe after the stage).
  await expect.poll(async () => (await order()).asked.filter((e) => e.path.endsWith('.json') && !e.path.endsWith('/bundles.json')).length).toBe(playlists.length + 1);
  const { asked, drawnAt } = await order();
  expect(drawnAt).not.toBeNull();
  expect(asked.map((e) => e.path)).toContain('/playlists/bundles.json');
  // Each first asked for before the stage was drawn (a later look at the bundle, once playing, may ask again).
  const first = new Map<string, number>();
  for (const e of asked) if (e.path.endsWith('.json')) first.set(e.path, Math.min(e.at, first.get(e.path) ?? Infinity));
  const late = [...first].filter(([, at]) => at >= drawnAt!);
  expect(late, `first asked after the stage was drawn at ${drawnAt!.toFixed(0)} ms`).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
}

describe('first start, offline, on the bundled playlists', () => {
  it('shows the first item, then each item in order for its duration, and records every impression', async () => {
    const { page, errors } = await newPlayerPage(env.browser());
    await freezeClockAt(page, START);
    await page.goto(`${env.site().url}?screen=ecran-test`);

    const expected = expectedSequence(bundledPlaylists('mairie'), 'Europe/Paris', START, 8);
    expect(new Set(expected.map((e) => e.playlistId)).size).toBeGreaterThan(1); // the round-robin is exercised
    await waitForItem(page, expected[0]!.itemId);
    expect(await onScreen(page)).toEqual({ playlistId: expected[0]!.playlistId, itemId: expected[0]!.itemId });

    for (let k = 0; k + 1 < expected.length; k++) {
      const show = expected[k]!;
      // Shortly before its end the item is still there…
      await page.clock.runFor(show.durationMs - 200);
      expect(await onScreen(page), `item ${k} before its end`).toEqual({ playlistId: show.playlistId, itemId: show.itemId });
      // …and at its end the next one takes over.
      await page.clock.runFor(200);
      await waitForItem(page, expected[k + 1]!.itemId);
      expect(await onScreen(page)).toEqual({ playlistId: expected[k + 1]!.playlistId, itemId: expected[k + 1]!.itemId });
    }

    const shown = expected.slice(0, -1);
    // Each impression is written as its item leaves the screen: the last one may still be on its way.
    // The carousel's impressions (zone main; the town hall's ticker counts its lines apart, in its own zone).
    const mainOutbox = async () => (await readStore<Impression>(page, 'outbox')).filter((i) => i.zoneId === 'main');
    await expect.poll(async () => (await mainOutbox()).length).toBe(shown.length);
    const outbox = (await mainOutbox()).sort((a, b) => a.start.localeCompare(b.start));
    expect(outbox).toHaveLength(shown.length);
    const revision = outbox[0]!.revision;
    expect(revision).toMatch(/^bundle-mairie-[0-9a-f]{16}$/);
    outbox.forEach((impression, k) => {
      const show = shown[k]!;
      expect(impression).toMatchObject({
        screenId: 'ecran-test',
        playlistId: show.playlistId,
        itemId: show.itemId,
        revision,
        start: new Date(show.at).toISOString(),
        end: new Date(show.at + show.durationMs).toISOString(),
        durationMs: show.durationMs,
        complete: true,
      });
      expect(impression.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });
    expect(new Set(outbox.map((i) => i.id)).size).toBe(outbox.length);
    // The item on screen is kept apart until it ends (main's; the ticker's lines on their way are kept too, each in its row).
    const mainPlaying = async () => (await readStore<Impression>(page, 'playing')).filter((i) => i.zoneId === 'main');
    await expect.poll(async () => (await mainPlaying())[0]?.itemId).toBe(expected.at(-1)!.itemId);
    const playing = await mainPlaying();
    expect(playing).toHaveLength(1);
    expect(playing[0]).toMatchObject({ itemId: expected.at(-1)!.itemId, start: new Date(expected.at(-1)!.at).toISOString() });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('after a restart, plays on from IndexedDB with the bundle unreachable', async () => {
    const { context, page } = await newPlayerPage(env.browser());
    await freezeClockAt(page, START);
    await page.goto(env.site().url);
    const expected = expectedSequence(bundledPlaylists('mairie'), 'Europe/Paris', START, 4);
    await waitForItem(page, expected[0]!.itemId);
    await page.clock.runFor(expected[0]!.durationMs);
    await waitForItem(page, expected[1]!.itemId);
    await page.clock.runFor(3_000); // mid-item
    // The item on screen is durably recorded as playing (written a few ms after it appears).
    await expect.poll(async () => (await readStore<Impression>(page, 'playing'))[0]?.itemId).toBe(expected[1]!.itemId);
    await page.close();

    const blocked: string[] = [];
    await context.route('**/playlists/**', (route) => {
      blocked.push(route.request().url());
      return route.abort();
    });
    const again = await context.newPage();
    const resumeAt = START + expected[0]!.durationMs + 3_000 + 1_000;
    await freezeClockAt(again, resumeAt);
    await again.goto(env.site().url);
    // The rotation was stored: it goes on with the item after the one cut short.
    await waitForItem(again, expected[2]!.itemId);
    const outbox = await readStore<Impression>(again, 'outbox');
    const cut = outbox.find((i) => i.itemId === expected[1]!.itemId);
    expect(cut, 'the item cut by the restart is recorded').toBeDefined();
    expect(cut!.complete).toBe(false);
    expect(blocked.every((url) => url.endsWith('/playlists/bundles.json'))).toBe(true);
    await context.close();
  });

  it("asks for the bundle's playlists while its code starts, before its stage is drawn (a fresh player's first item comes from them)", async () => {
    await bundleAskedBeforeDrawn(0);
  });

  it("draws its stage after asking for the bundle's playlists even when the code that reads them comes late (a busy machine)", async () => {
    await bundleAskedBeforeDrawn(2_500);
  });

  it('names a bad setting from the address on screen and plays all the same', async () => {
    const { context, page } = await newPlayerPage(env.browser());
    await page.goto(`${env.site().url}?hub=ftp://hub.example&screen=ecran-1`);
    await page.waitForSelector('[data-item-id]');
    const notice = await page.textContent('.notice');
    expect(notice).toContain('hub: expected an http(s) URL of the hub');
    // The web player's settings are in its address (no file to correct, as a kiosk's).
    expect(notice).toContain('Corrigez le réglage indiqué dans l’adresse de la page, puis rechargez-la.');
    expect(notice).toContain('Fix the setting named here in the page’s address, then reload it.');
    await context.close();
  });

  it('names a `bundle` the page asks for that is not bundled, and plays the default one', async () => {
    const { context, page, errors } = await newPlayerPage(env.browser());
    await page.goto(`${env.site().url}?bundle=clinic`);
    await page.waitForSelector('[data-zone="main"] [data-playlist-id]');
    const playing = await page.getAttribute('[data-zone="main"] [data-playlist-id]', 'data-playlist-id');
    expect(bundledPlaylists('mairie', null).map((p) => p.id)).toContain(playing);
    await page.waitForSelector('[data-config-error]');
    expect(await page.locator('[data-config-error] li').allTextContents()).toEqual(['bundle: "clinic" is not among the bundled playlists (mairie, clinique); playing "mairie"']);
    expect(errors).toEqual([]);
    await context.close();
  });
});
