import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { screenshotAgainstPage } from '../support/pictureDifference.js';
import { describe, expect, it } from 'vitest';
import { countStore, newPlayerPage, putInOutbox, readStore, waitForItem } from '../support/browser.js';
import { PLAYLISTS_DIR } from '../support/bundled.js';
import { useHubAndSite } from '../support/hubSuite.js';
import { addScreen, hubCli } from '../support/hubProcess.js';
import { bundledMedia, makePlaylistsDir } from '../support/playlistsFixture.js';

const { browser, hub, playerUrl } = useHubAndSite();


describe('commands, status and reports from the CLI', () => {
  it('identify, clear-cache (media only), screenshot (the web player draws its page), reload; status table; impressions as CSV', async () => {
    const token = await addScreen(hub, 'guichet-1', 'mairie-est', 'Guichet 1');
    const { context, page } = await newPlayerPage(browser());
    await page.goto(playerUrl('guichet-1', token, '&name=Guichet%201'));
    const horaires = bundledMedia('mairie-horaires.png');
    const dir = makePlaylistsDir([{ id: 'guichet', items: [{ id: 'horaires', type: 'image', duration: 2, ...horaires }, { id: 'texte', type: 'text', duration: 2, title: 'Bonjour' }] }]);
    expect((await hubCli(hub, ['playlist', 'push', join(dir, 'guichet.json'), '--screen', 'guichet-1'])).code).toBe(0);
    await waitForItem(page, 'horaires', 15_000);

    // identify: the name and the id, full-screen.
    expect(await hubCli(hub, ['command', 'identify', '--screen', 'guichet-1'])).toMatchObject({ code: 0, stdout: 'guichet-1: identify ok\n' });
    await expect.poll(() => page.textContent('[data-identify]').catch(() => null), { timeout: 5_000 }).toContain('guichet-1');
    expect(await page.textContent('[data-identify]')).toContain('Guichet 1');

    // screenshot: the web player draws its page (the identify overlay on it for 10 s): the window's size, what the room sees.
    const out = join(mkdtempSync(join(tmpdir(), 'antichambre-shot-')), 'guichet-1.png');
    const shot = await hubCli(hub, ['command', 'screenshot', '--screen', 'guichet-1', '--out', out]);
    expect(shot).toEqual({ code: 0, stdout: `screenshot of guichet-1 written to ${out}\n`, stderr: "" });
    const drawn = PNG.sync.read(readFileSync(out));
    const seen = PNG.sync.read(await page.screenshot());
    expect([drawn.width, drawn.height]).toEqual([seen.width, seen.height]);
    const { off, blank } = screenshotAgainstPage(drawn, seen);
    console.log(`screenshot of the identify overlay against the page as Chromium paints it: ${off.toFixed(2)} of 255 (a blank picture: ${blank.toFixed(2)})`);
    expect(off).toBeLessThan(blank / 10);

    // clear-cache: the media go (and come back, verified); the outbox, the sets and the settings stay.
    const marker = { id: '0190a0a0-0000-7000-8000-000000000001', screenId: 'guichet-1', playlistId: 'marqueur', itemId: 'm', revision: 'r', start: '2026-11-01T08:00:00.000Z', end: '2026-11-01T08:00:08.000Z', durationMs: 8000, complete: true };
    const kept = async (): Promise<number[]> => Promise.all(['sets', 'settings'].map((store) => countStore(page, store)));
    const keptBefore = await kept();
    await putInOutbox(page, [marker]);
    expect((await hubCli(hub, ['command', 'clear-cache', '--screen', 'guichet-1'])).code).toBe(0);
    expect(await kept()).toEqual(keptBefore);
    await expect.poll(async () => (await hubCli(hub, ['impressions', '--screen', 'guichet-1'])).stdout, { timeout: 15_000 }).toContain('marqueur/m');
    await expect.poll(async () => (await readStore<{ sha256: string }>(page, 'media')).map((m) => m.sha256), { timeout: 15_000 }).toContain(horaires.sha256);
    await waitForItem(page, 'horaires', 15_000);

    // status: a table with the screen online, its revision acked, what plays, its cache.
    const status = await hubCli(hub, ['status']);
    expect(status.code).toBe(0);
    const [header, row] = status.stdout.trim().split('\n');
    expect(header).toMatch(/^screen\s+site\s+online\s+last seen\s+revision\s+playing\s+power\s+cache\s+outbox\s+events$/);
    expect(row).toMatch(/^guichet-1\s+mairie-est\s+yes\s+\d+ s ago\s+\w{16} ok\s+(\S+\/\S+|-)\s+on\s+[\d.]+ MB, \d+ files, \d+ missing\s+\d+\s+-$/);

    // impressions as CSV, every column.
    await expect.poll(async () => (await hubCli(hub, ['impressions', '--screen', 'guichet-1', '--csv'])).stdout.split('\r\n').filter((l) => l.includes(',guichet,')).length, { timeout: 15_000 }).toBeGreaterThan(1);
    const csv = (await hubCli(hub, ['impressions', '--screen', 'guichet-1', '--csv'])).stdout.split('\r\n');
    expect(csv[0]).toBe('id,screenId,playlistId,itemId,revision,start,end,durationMs,complete,receivedAt,zoneId,audience,personSeconds');
    const line = csv.find((l) => l.includes(',guichet,horaires,'))!.split(',');
    expect(line[1]).toBe('guichet-1');
    // Full screen: the zone is main.
    expect(line[10]).toBe('main');
    expect(Number(line[7])).toBe(Date.parse(line[6]!) - Date.parse(line[5]!));

    // reload: the page loads again (a new document), and keeps playing the pushed set.
    await page.evaluate(() => ((window as unknown as { __before: boolean }).__before = true));
    expect((await hubCli(hub, ['command', 'reload', '--screen', 'guichet-1'])).code).toBe(0);
    await expect.poll(() => page.evaluate(() => (window as unknown as { __before?: boolean }).__before ?? false), { timeout: 10_000 }).toBe(false);
    await waitForItem(page, 'texte', 15_000);
    await context.close();
  });

  it('a new token replaces the old one; the hub serves media by sha256 with Range and caching headers', async () => {
    const old = await addScreen(hub, 'guichet-2', 'mairie-est');
    const renewed = await hubCli(hub, ['screen', 'token', 'guichet-2']);
    expect(renewed.code).toBe(0);
    const token = /token \(shown only now\): (\S+)/.exec(renewed.stdout)![1]!;
    expect(token).not.toBe(old);
    const list = await hubCli(hub, ['screen', 'list']);
    expect(list.stdout).toContain('guichet-2\tguichet-2\tmairie-est\tEurope/Paris');

    const file = readFileSync(join(PLAYLISTS_DIR, 'media/mairie-horaires.png'));
    const sha = createHash('sha256').update(file).digest('hex');
    const ranged = await fetch(`${hub.url}/media/${sha}`, { headers: { range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 100-199/${file.length}`);
    expect(ranged.headers.get('cache-control')).toContain('immutable');
    expect(ranged.headers.get('content-type')).toBe('image/png');
    expect(ranged.headers.get('access-control-allow-origin')).toBe('*');
    expect(Buffer.from(await ranged.arrayBuffer()).equals(file.subarray(100, 200))).toBe(true);
    expect((await fetch(`${hub.url}/media/${'0'.repeat(64)}`)).status).toBe(404);
  });
});
