import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { ScreenList } from '../../src/shared/adminApi.js';
import type { Impression } from '../../src/shared/impression.js';
import { newPlayerPage, onScreen, waitForItem } from '../support/browser.js';
import { playerUrl as joinHub, useHubAndSite } from '../support/hubSuite.js';
import { addScreen, adminApi, hubCli } from '../support/hubProcess.js';
import { bundledMedia, makePlaylistsDir } from '../support/playlistsFixture.js';
import { histogramCount, sampleValue, scrape } from '../support/prometheusScrape.js';

const { browser, site, hub } = useHubAndSite();

function playerUrl(screen: string, token: string, hubUrl = hub.url): string {
  return joinHub(site().url, hubUrl, screen, token);
}

async function screenState(id: string): Promise<ScreenList['screens'][number]> {
  const { body } = await adminApi<ScreenList>(hub, 'GET', '/api/screens');
  return body.screens.find((screen) => screen.id === id)!;
}

async function impressionsOf(screen: string): Promise<(Impression & { receivedAt: string })[]> {
  const { body } = await adminApi<{ impressions: (Impression & { receivedAt: string })[] }>(hub, 'GET', `/api/impressions?screen=${screen}`);
  return body.impressions;
}

describe('push and proof of play through a real hub', () => {
  it('a playlist pushed with the CLI is acked, played, and its impressions are stored at the hub with every field right', async () => {
    const token = await addScreen(hub, 'accueil-1', 'mairie-centre', 'Accueil');
    const { context, page, errors } = await newPlayerPage(browser());
    await page.goto(playerUrl('accueil-1', token));
    await waitForItem(page, 'bienvenue');
    await expect.poll(async () => (await screenState('accueil-1')).online, { timeout: 10_000 }).toBe(true);

    const horaires = bundledMedia('mairie-horaires.png');
    const dir = makePlaylistsDir([
      { id: 'poussee', name: 'Poussée', items: [{ id: 'annonce', type: 'text', duration: 2, title: 'Annonce' }, { id: 'horaires', type: 'image', duration: 2, ...horaires }] },
    ]);
    const push = await hubCli(hub, ['playlist', 'push', join(dir, 'poussee.json'), '--screen', 'accueil-1']);
    expect(push.stderr).toBe('');
    expect(push.code).toBe(0);
    expect(push.stdout).toMatch(/uploaded 1 file/);
    const revision = /revision (\w+), pushed now/.exec(push.stdout)?.[1];
    expect(revision).toBeTruthy();

    await expect.poll(async () => (await screenState('accueil-1')).ackedRevision, { timeout: 10_000 }).toBe(revision);
    await waitForItem(page, 'horaires', 20_000);
    await waitForItem(page, 'annonce', 10_000);

    // Every impression of the pushed set reaches the hub, field by field.
    await expect
      .poll(async () => (await impressionsOf('accueil-1')).filter((i) => i.playlistId === 'poussee' && i.complete).length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(2);
    const stored = (await impressionsOf('accueil-1')).filter((i) => i.playlistId === 'poussee');
    for (const impression of stored) {
      expect(impression.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(impression.screenId).toBe('accueil-1');
      expect(['annonce', 'horaires']).toContain(impression.itemId);
      expect(impression.revision).toBe(revision);
      expect(impression.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(impression.end) - Date.parse(impression.start)).toBe(impression.durationMs);
      if (impression.complete) expect(Math.abs(impression.durationMs - 2_000)).toBeLessThan(250);
      expect(Date.parse(impression.receivedAt)).toBeGreaterThanOrEqual(Date.parse(impression.end));
    }
    // The bundle's item that the push cut short is there too, not complete.
    expect((await impressionsOf('accueil-1')).some((i) => i.playlistId === 'bundle' && i.revision === 'bundle-r1')).toBe(true);
    // The status sent at connection reached the hub.
    expect((await screenState('accueil-1')).status?.version).toBe('0.1.0');
    // And the hub's metrics (scraped from the loopback, read by a Prometheus text parser) moved with this exchange.
    // The player plays on, and a batch is listed once committed but counted once fsynced (when it is acked):
    // the scrape is read between two listings until none is in flight, and then it counts every one listed.
    let metrics = await scrape(new URL('/metrics', hub.url).href);
    await expect
      .poll(
        async () => {
          const storedBefore = (await impressionsOf('accueil-1')).length;
          metrics = await scrape(new URL('/metrics', hub.url).href);
          const storedAfter = (await impressionsOf('accueil-1')).length;
          const ingested = sampleValue(metrics.families, 'antichambre_impressions_ingested_total', { site: 'mairie-centre' });
          return storedBefore === storedAfter ? ingested === storedBefore : 'a batch in flight';
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    expect(sampleValue(metrics.families, 'antichambre_screens', { site: 'mairie-centre', state: 'online' })).toBe(1);
    expect(sampleValue(metrics.families, 'antichambre_screen_outbox_impressions', { screen: 'accueil-1' })).toBeGreaterThanOrEqual(0);
    expect(histogramCount(metrics, 'antichambre_ack_latency_seconds', { event: 'playlists' })).toBeGreaterThanOrEqual(1);
    expect(histogramCount(metrics, 'antichambre_ack_latency_seconds', { event: 'impressions' })).toBeGreaterThanOrEqual(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an invalid push is refused with the error, at the CLI and at the API, and the screen plays on', async () => {
    const token = await addScreen(hub, 'accueil-2', 'mairie-nord');
    const { context, page } = await newPlayerPage(browser());
    await page.goto(playerUrl('accueil-2', token));
    await waitForItem(page, 'bienvenue');

    const dir = makePlaylistsDir([{ id: 'bonne', items: [{ id: 'a', type: 'text', duration: 2, title: 'A' }] }]);
    writeFileSync(join(dir, 'mauvaise.json'), JSON.stringify({ id: 'mauvaise', items: [{ id: 'x', type: 'image', duration: 5, src: 'media/x.png', sha256: 'abc' }] }));
    const cli = await hubCli(hub, ['playlist', 'push', join(dir, 'mauvaise.json'), '--screen', 'accueil-2']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('mauvaise.json: items[0].sha256: expected 64 hex characters');

    const api = await adminApi<{ error: string }>(hub, 'POST', '/api/playlists', { playlists: [{ id: 'm', items: [{ id: 'x', type: 'text', title: 'sans durée' }] }], target: { screen: 'accueil-2' } });
    expect(api.status).toBe(400);
    expect(api.body.error).toContain('playlists[0].items[0].duration');
    const unknown = await adminApi<{ error: string }>(hub, 'POST', '/api/playlists', { playlists: [{ id: 'm', items: [] }], target: { screen: 'nulle-part' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toContain('target.screen');

    for (let k = 0; k < 3; k++) {
      expect(await onScreen(page)).toEqual({ playlistId: 'bundle', itemId: 'bienvenue' });
      await new Promise((r) => setTimeout(r, 500));
    }
    expect((await screenState('accueil-2')).revision).toBeNull();
    await context.close();
  });

  it('a set the player finds invalid is refused with its error and the old set keeps playing', async () => {
    // A hub that sends a broken set: a real socket.io server on loopback, standing in for a buggy or hostile hub.
    const rogue = new Server({ cors: { origin: '*' } });
    rogue.listen(0);
    const port = (rogue.httpServer.address() as { port: number }).port;
    const answers: unknown[] = [];
    rogue.of('/screens').on('connection', (socket) => {
      socket.on('hello', (_hello: unknown, ack: (a: unknown) => void) => {
        ack({ ok: true, serverTime: new Date().toISOString() });
        void socket
          .timeout(10_000)
          .emitWithAck('playlists', { revision: 'r-bad', playlists: [{ id: 'p', items: [{ id: 'i', type: 'image', duration: 5, src: 'https://x.test/a.png', sha256: 'nope' }] }] })
          .then((answer: unknown) => answers.push(answer));
      });
    });
    const { context, page } = await newPlayerPage(browser());
    await page.goto(playerUrl('rogue-screen', 'any-token', `http://127.0.0.1:${port}`));
    await waitForItem(page, 'bienvenue');
    await expect.poll(() => answers.length, { timeout: 10_000 }).toBe(1);
    expect(answers[0]).toEqual({ ok: false, error: 'playlists[0].items[0].sha256: expected 64 hex characters' });
    expect(await onScreen(page)).toEqual({ playlistId: 'bundle', itemId: 'bienvenue' });
    await context.close();
    await new Promise((r) => rogue.close(() => r(null)));
  });

  it('a player to pair whose clock runs 11 minutes ahead of the hub’s shows one code, its 6 characters, and keeps it (before: every code taken as expired at once, about 30 a second, then 429)', async () => {
    const { context, page, errors } = await newPlayerPage(browser());
    const asked: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/pairing') asked.push(request.url());
    });
    await page.clock.install({ time: Date.now() + 11 * 60_000 });
    await page.goto(`${site().url}?hub=${encodeURIComponent(hub.url)}`);
    const code = page.locator('[data-pairing-code]:not([data-pairing-code=""])');
    await code.waitFor({ timeout: 15_000 });
    const first = await code.getAttribute('data-pairing-code');
    expect(first).toMatch(/^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
    // Shown in two halves for the eye, its text the 6 characters alone.
    expect(await page.textContent('.pairing-code')).toBe(first);
    // Polled, not replaced: one code asked for over the next seconds of real time.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(await code.getAttribute('data-pairing-code')).toBe(first);
    expect(asked).toHaveLength(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a wrong token is refused with unauthorized, an unknown protocol with unsupported-protocol', async () => {
    const token = await addScreen(hub, 'accueil-3', 'mairie-sud');
    const tryAuth = (auth: Record<string, unknown>): Promise<string> =>
      new Promise((resolve) => {
        const client = connectClient(`${hub.url}/screens`, { auth, transports: ['websocket'], reconnection: false });
        client.on('connect', () => {
          client.close();
          resolve('connected');
        });
        client.on('connect_error', (error) => {
          client.close();
          resolve(error.message);
        });
      });
    expect(await tryAuth({ screenId: 'accueil-3', token: 'wrong', protocol: 1, version: 't' })).toBe('unauthorized');
    expect(await tryAuth({ screenId: 'nobody', token, protocol: 1, version: 't' })).toBe('unauthorized');
    expect(await tryAuth({ screenId: 'accueil-3', token, protocol: 2, version: 't' })).toBe('unsupported-protocol');
    // No protocol: a missing or bad token is still unauthorized; a good token without the protocol, unsupported-protocol.
    expect(await tryAuth({})).toBe('unauthorized');
    expect(await tryAuth({ screenId: 'accueil-3', token: 'wrong' })).toBe('unauthorized');
    expect(await tryAuth({ screenId: 'accueil-3', token })).toBe('unsupported-protocol');
    expect(await tryAuth({ screenId: 'accueil-3', token: 'wrong', protocol: 2, version: 't' })).toBe('unsupported-protocol');
    expect(await tryAuth({ screenId: 'accueil-3', token, protocol: 1, version: 't' })).toBe('connected');

    // A player with a wrong token plays its own content and is not counted online.
    const { context, page } = await newPlayerPage(browser());
    await page.goto(playerUrl('accueil-3', 'wrong-token'));
    await waitForItem(page, 'bienvenue');
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await screenState('accueil-3')).online).toBe(false);
    // The technician's overlay (F9) says why.
    await page.keyboard.press('F9');
    await expect.poll(() => page.textContent('[data-hub-state]'), { timeout: 5_000 }).toContain('hors ligne (unauthorized)');
    await context.close();
  });
});
