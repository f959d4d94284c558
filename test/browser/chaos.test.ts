import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImpressionList, ScreenList } from '../../src/shared/adminApi.js';
import { countStore, newPlayerPage, onScreen, putInOutbox, readStore, waitForItem } from '../support/browser.js';
import { addScreen, adminApi, startHubProcess, type HubProcess } from '../support/hubProcess.js';
import { playerUrl } from '../support/hubSuite.js';
import { backlogOf, expectContiguous } from '../support/impressionsFixture.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';
import { useBrowserAndSite } from '../support/suite.js';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';

/**
 * Chaos, in real time: a TCP proxy between a real Chromium player and a real hub process cuts,
 * stalls and delays the connection, and the hub is killed (SIGKILL) while it acknowledges a
 * backlog, then restarted on its database. In the end every impression is stored once and the
 * screen is playing.
 */

const { browser, site } = useBrowserAndSite({
  playlistsDir: () => makePlaylistsDir([{ id: 'rotation', items: [{ id: 'un', type: 'text', duration: 2, title: 'Un' }, { id: 'deux', type: 'text', duration: 2, title: 'Deux' }] }], 'chaos-r1'),
});
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stored = async (hub: HubProcess, screen: string) => (await adminApi<ImpressionList>(hub, 'GET', `/api/impressions?screen=${screen}`)).body.impressions;
const outboxSize = (page: Page) => countStore(page, 'outbox');

describe('chaos between player and hub', () => {
  it('cuts, stalls, delays, and a hub killed mid-ack: every impression stored once, the screen playing', async () => {
    let hub = await startHubProcess();
    cleanup.push(() => hub.stop());
    const proxy: TcpProxy = await startTcpProxy(hub.port);
    cleanup.push(() => proxy.close());
    const token = await addScreen(hub, 'chaos-1', 'mairie');
    const { context, page, errors } = await newPlayerPage(browser());
    cleanup.push(() => context.close());
    const startedAt = Date.now();
    await page.goto(playerUrl(site().url, proxy.url, 'chaos-1', token));
    await waitForItem(page, 'un');
    await expect.poll(async () => (await adminApi<ScreenList>(hub, 'GET', '/api/screens')).body.screens[0]?.online, { timeout: 20_000 }).toBe(true);

    // A backlog arrives in the outbox; the hub dies while acknowledging it.
    const backlog = backlogOf('chaos-1', 8_000);
    await putInOutbox(page, backlog);
    let storedBeforeKill = 0;
    for (const deadline = Date.now() + 20_000; storedBeforeKill === 0 && Date.now() < deadline; await sleep(10)) {
      storedBeforeKill = (await stored(hub, 'chaos-1')).length;
    }
    await hub.kill();
    expect(storedBeforeKill).toBeGreaterThan(0);
    expect(storedBeforeKill).toBeLessThan(backlog.length);
    hub = await startHubProcess({ dir: hub.dir });
    proxy.retarget(hub.port);
    proxy.cut();
    await sleep(3_000);
    // The line stalls (bytes held 6 s), then is slow (400 ms a chunk), then is cut again.
    proxy.stall(6_000);
    await sleep(8_000);
    proxy.delay(400);
    await sleep(6_000);
    proxy.delay(0);
    proxy.cut();

    // Everything arrives: the outbox empties (reconnection takes up to 30 s).
    await expect.poll(() => outboxSize(page), { timeout: 90_000, interval: 1_000 }).toBe(0);
    // The session's showings span more than 20 s once stored (when the backlog drains fast, wait for them to come).
    const span = (list: { playlistId: string; start: string; end: string }[]) => {
      const rotation = list.filter((i) => i.playlistId === 'rotation');
      return rotation.length === 0 ? 0 : Math.max(...rotation.map((i) => Date.parse(i.end))) - Math.min(...rotation.map((i) => Date.parse(i.start)));
    };
    await expect.poll(async () => span(await stored(hub, 'chaos-1')), { timeout: 30_000, interval: 1_000 }).toBeGreaterThan(20_000);
    const all = await stored(hub, 'chaos-1');
    const ids = new Map(all.map((i) => [i.id, i]));
    expect(ids.size).toBe(all.length);
    for (const impression of backlog) expect(ids.get(impression.id)).toMatchObject(impression);
    // The showings of the session: one after the other, none stored twice, covering the time played.
    const played = all.filter((i) => i.playlistId === 'rotation').sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    const from = Date.parse(played[0]!.start);
    const to = Date.parse(played.at(-1)!.end);
    expect(to - from).toBeGreaterThan(20_000);
    expect(expectContiguous(played, from, to)).toBeGreaterThan(0.99);
    expect(from - startedAt).toBeLessThan(15_000);
    // And the screen plays on.
    expect(await onScreen(page)).toMatchObject({ playlistId: 'rotation' });
    expect(errors).toEqual([]);
  }, 180_000);
});
