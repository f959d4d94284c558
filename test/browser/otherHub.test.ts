import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WAIT_ESTIMATES_PER_BATCH } from '../../src/shared/protocol.js';
import type { QueueEvent } from '../../src/shared/queue.js';
import { countStore, newPlayerPage, putInStore, readStore, waitForItem } from '../support/browser.js';
import { playerUrl } from '../support/hubSuite.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';
import { startStandInHub, type StandInHub } from '../support/standInHub.js';
import { freePort } from '../support/postgresServer.js';
import { useBrowserAndSite } from '../support/suite.js';

/**
 * The player against another hub that keeps to §3 and no more: it acks `impressions` with
 * `{ ok: true }` alone, sends events without a payload, and takes the player's backlog of
 * estimates in several messages. (A stand-in hub: a real socket.io server with those answers.)
 */

const { browser, site } = useBrowserAndSite({
  playlistsDir: () => makePlaylistsDir([{ id: 'salle', items: [{ id: 'un', type: 'text', duration: 1, title: 'Un' }, { id: 'deux', type: 'text', duration: 1, title: 'Deux' }] }], 'autre-hub-r1'),
});
const waitBatches: number[] = [];
let hub: StandInHub;
beforeAll(async () => {
  hub = await startStandInHub({
    answers: {
      impressions: () => ({ ok: true }),
      wait: (payload) => {
        waitBatches.push((payload as { estimates: unknown[] }).estimates.length);
        return { ok: true };
      },
    },
  });
});
afterAll(async () => {
  await hub?.close();
});

describe('against another hub', () => {
  it('deletes what an ack of { ok: true } alone acknowledges, sends a backlog of estimates in batches of at most 200, and answers an event without a payload', async () => {
    const { page, errors } = await newPlayerPage(browser());
    // A first start without the hub (its storage made), estimates left unsent by an earlier life.
    await page.goto(site().url);
    await waitForItem(page, 'un');
    const estimate = (k: number) => ({ estimate: { service: 'titres', asOf: new Date(Date.UTC(2026, 11, 1, 8) + k * 60_000).toISOString(), minutes: 12, low: 8, high: 20, queueLength: 4, openCounters: 2 } });
    await putInStore(page, 'waitOutbox', Array.from({ length: 450 }, (_, k) => estimate(k)));

    await page.goto(playerUrl(site().url, hub.url, 'autre-1', 'token'));
    const screen = await hub.screen('autre-1');
    // Each impression sent is deleted once acked: the outbox empties as items play (a second each).
    await expect.poll(() => hub.received('autre-1', 'impressions').length, { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => countStore(page, 'outbox'), { timeout: 15_000 }).toBe(0);
    // The estimates: all of them, in batches a hub limited to 200 takes.
    await expect.poll(() => countStore(page, 'waitOutbox'), { timeout: 15_000 }).toBe(0);
    expect(waitBatches.reduce((a, b) => a + b, 0)).toBe(450);
    expect(Math.max(...waitBatches)).toBe(WAIT_ESTIMATES_PER_BATCH);
    // Events without a payload: answered { ok: false } naming what is missing, the connection kept.
    for (const event of ['playlists', 'alert', 'alert:clear', 'queue', 'command']) {
      const answer = (await screen.timeout(5_000).emitWithAck(event)) as { ok: boolean; error?: string };
      expect(answer.ok, event).toBe(false);
      expect(answer.error, event).toMatch(/expected/);
    }
    expect(screen.connected).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('a ticket system gone quiet: the minute’s estimate no longer counts tickets waiting for more than 4 hours (before, until the next event)', async () => {
    const { page, errors } = await newPlayerPage(browser());
    try {
      const start = Date.parse('2026-12-04T16:00:00.000Z');
      await page.clock.install({ time: start });
      await page.goto(playerUrl(site().url, hub.url, 'autre-soir', 'token'));
      const screen = await hub.screen('autre-soir');
      const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
      const evening: QueueEvent[] = [
        { type: 'counter', counter: '1', open: true, services: ['titres'], at: at(0) },
        { type: 'issued', ticket: 'A1', service: 'titres', at: at(0) },
        { type: 'issued', ticket: 'A2', service: 'titres', at: at(1) },
      ];
      expect(await screen.timeout(10_000).emitWithAck('queue', { events: evening })).toEqual({ ok: true });
      const lengths = () => hub.received('autre-soir', 'wait').flatMap((payload) => (payload as { estimates: { service: string; queueLength: number }[] }).estimates.filter((e) => e.service === 'titres').map((e) => e.queueLength));
      await expect.poll(lengths, { timeout: 10_000 }).toContain(2);
      // Four hours and more without an event; then the minute's report.
      await page.clock.fastForward(4 * 3_600_000 + 2 * 60_000);
      await page.clock.runFor(61_000);
      await expect.poll(async () => (await lengths()).at(-1), { timeout: 20_000 }).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 60_000);

  it('an estimate the hub refuses by name is dropped and the others go on (before, the whole queue of estimates stalled behind it)', async () => {
    const taken: number[] = [];
    let refusals = 0;
    const strict = await startStandInHub({
      answers: {
        wait: (payload) => {
          const estimates = (payload as { estimates: { queueLength: number }[] }).estimates;
          const bad = estimates.findIndex((estimate) => estimate.queueLength > 1_000);
          if (bad >= 0) {
            refusals++;
            return { ok: false, error: `estimates[${bad}].queueLength: expected a queue length of at most 1000` };
          }
          taken.push(...estimates.map((estimate) => estimate.queueLength));
          return { ok: true };
        },
      },
    });
    const { page, errors } = await newPlayerPage(browser());
    try {
      await page.goto(site().url);
      await waitForItem(page, 'un');
      // 30 estimates left unsent, the sixth one the hub will refuse.
      const estimate = (k: number) => ({ estimate: { service: 'titres', asOf: new Date(Date.UTC(2026, 11, 1, 8) + k * 60_000).toISOString(), minutes: 12, low: 8, high: 20, queueLength: k === 5 ? 5_000 : k, openCounters: 2 } });
      await putInStore(page, 'waitOutbox', Array.from({ length: 30 }, (_, k) => estimate(k)));
      await page.goto(playerUrl(site().url, strict.url, 'autre-4', 'token'));
      await expect.poll(() => countStore(page, 'waitOutbox'), { timeout: 15_000 }).toBe(0);
      expect(refusals).toBe(1);
      expect(taken.filter((length) => length < 30).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, k) => k).filter((k) => k !== 5));
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
      await strict.close();
    }
  }, 60_000);

  it('impressions the hub refuses by name are set aside so the rest goes, offered again at the next connection, then only after a longer wait; the player is back within seconds of the hub closing the connection', async () => {
    // The first impression it sees is refused twice, the next one once; everything else is stored.
    const refusedTimes = new Map<string, number>();
    const batches: { connection: number; ids: string[] }[] = [];
    let x: string | undefined;
    let y: string | undefined;
    let connection = 1;
    const refusing = await startStandInHub({
      answers: {
        impressions: (payload) => {
          const ids = (payload as { impressions: { id: string }[] }).impressions.map((impression) => impression.id);
          batches.push({ connection, ids });
          x ??= ids[0];
          y ??= ids.find((id) => id !== x);
          const index = ids.findIndex((id) => (id === x && (refusedTimes.get(id) ?? 0) < 2) || (id === y && (refusedTimes.get(id) ?? 0) < 1));
          if (index >= 0) {
            refusedTimes.set(ids[index]!, (refusedTimes.get(ids[index]!) ?? 0) + 1);
            return { ok: false, error: `impressions[${index}].revision: refused by this hub today` };
          }
          return { ok: true, stored: ids.length, duplicates: 0 };
        },
      },
    });
    const aside = async () => (await readStore<{ id: string; refusals?: number; offeredAt?: number }>(page, 'rejected')).map((r) => `${r.id === x ? 'x' : r.id === y ? 'y' : r.id}:${r.refusals}:${r.offeredAt === undefined ? 'aside' : 'offered'}`).sort();
    const reconnect = async (): Promise<void> => {
      const closedAt = Date.now();
      (await refusing.screen('autre-3')).disconnect(true);
      connection++;
      await refusing.screen('autre-3');
      // Back by itself within seconds (the hub closed the connection: it did not refuse the screen).
      expect(Date.now() - closedAt).toBeLessThan(15_000);
    };
    const { page, errors } = await newPlayerPage(browser());
    try {
      await page.goto(playerUrl(site().url, refusing.url, 'autre-3', 'token'));
      await expect.poll(aside, { timeout: 15_000 }).toEqual(['x:1:aside', 'y:1:aside']);
      // The others are stored meanwhile.
      await expect.poll(() => batches.filter((b) => b.connection === 1).length, { timeout: 10_000 }).toBeGreaterThan(2);

      // Next connection: both offered again; x refused a second time, y taken (and its record aside gone).
      await reconnect();
      await expect.poll(() => refusedTimes.get(x!), { timeout: 15_000 }).toBe(2);
      await expect.poll(aside, { timeout: 15_000 }).toEqual(['x:2:aside']);

      // The connection after: x waits (15 min after a second refusal), the rest still goes.
      await reconnect();
      await expect.poll(() => batches.filter((b) => b.connection === 3).length, { timeout: 15_000 }).toBeGreaterThan(1);
      expect(batches.filter((b) => b.connection === 3).some((b) => b.ids.includes(x!))).toBe(false);
      expect(await aside()).toEqual(['x:2:aside']);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
      await refusing.close();
    }
  }, 90_000);

  it('an urgent alert of any length the schema takes is on screen whole, title to last word, on a 1920×1080, 1280×720 and 1080×1920 screen; a word longer than an info band breaks', async () => {
    const sentence = 'En raison d’une alerte météorologique, la mairie ferme ses portes à 15 h. Les rendez-vous de l’après-midi sont reportés ; vous serez rappelés. ';
    const texts = [120, 160, 161, 300, 301, 420, 500].map((length) => sentence.repeat(5).slice(0, length).trim().padEnd(length, '.'));
    const until = new Date(Date.now() + 3_600_000).toISOString();
    for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }, { width: 1080, height: 1920 }]) {
      const { page, errors } = await newPlayerPage(browser(), viewport);
      try {
        await page.goto(playerUrl(site().url, hub.url, `autre-fit-${viewport.width}`, 'token'));
        const screen = await hub.screen(`autre-fit-${viewport.width}`);
        const outside: string[] = [];
        for (const [k, text] of [...texts, 'https://www.service-public.fr/particuliers/vosdroits/'.padEnd(300, 'x')].entries()) {
          expect(await screen.timeout(5_000).emitWithAck('alert', { id: `urgent-${k}`, level: 'urgent', text, until })).toEqual({ ok: true });
          const box = await page.locator(`[data-alert-id="urgent-${k}"]`).evaluate((el) => {
            const rect = (e: Element | null) => (e ? ((r) => ({ top: r.top, bottom: r.bottom, left: r.left, right: r.right }))(e.getBoundingClientRect()) : null);
            return { title: rect(el.querySelector('.alert-title')), text: rect(el.querySelector('.alert-text')), size: parseFloat(getComputedStyle(el.querySelector('.alert-text')!).fontSize) };
          });
          for (const [part, r] of [['title', box.title], ['text', box.text]] as const) {
            if (!r || r.top < 0 || r.left < 0 || r.bottom > viewport.height || r.right > viewport.width) outside.push(`${text.length} characters, ${part}: ${JSON.stringify(r)}`);
          }
          // Still read from across the room: never below 22 px (the smallest step's floor).
          expect(box.size).toBeGreaterThanOrEqual(22);
          expect(await screen.timeout(5_000).emitWithAck('alert:clear', { id: `urgent-${k}` })).toEqual({ ok: true });
        }
        expect(outside, `${viewport.width}×${viewport.height}`).toEqual([]);
        expect(await screen.timeout(5_000).emitWithAck('alert', { id: 'info-long-word', level: 'info', text: 'Pré-demande : https://ants.gouv.fr/'.padEnd(200, 'x'), until })).toEqual({ ok: true });
        const band = await page.locator('[data-alert-id="info-long-word"] .alert-text').evaluate((el) => ({ right: el.getBoundingClientRect().right, overflow: el.scrollWidth > el.clientWidth }));
        expect(band.right).toBeLessThanOrEqual(viewport.width);
        expect(band.overflow).toBe(false);
        expect(errors).toEqual([]);
      } finally {
        await page.context().close();
      }
    }
  }, 90_000);

  it('a player to pair with a hub that does not answer says so, with when it tries again (before: dots for ever)', async () => {
    const closed = await freePort();
    const { page, errors } = await newPlayerPage(browser());
    try {
      await page.goto(`${site().url}?hub=${encodeURIComponent(`http://127.0.0.1:${closed}`)}`);
      const problem = page.locator('[data-pairing-problem]');
      await problem.waitFor({ timeout: 10_000 });
      expect(await problem.textContent()).toMatch(/^Le hub ne donne pas de code \(.+\) : nouvel essai dans 10 s\. The hub gives no code \(.+\): trying again in 10 s\.$/);
      expect(await page.getAttribute('[data-pairing-code]', 'data-pairing-code')).toBe('');
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('a configured token the hub refuses is said on screen, and what plays plays on', async () => {
    const refusing = await startStandInHub({ refuse: (auth) => (auth['token'] === 'revoked' ? 'unauthorized' : null) });
    const { page, errors } = await newPlayerPage(browser());
    try {
      await page.goto(playerUrl(site().url, refusing.url, 'autre-5', 'revoked'));
      const notice = page.locator('[data-config-error]');
      await notice.waitFor({ timeout: 10_000 });
      expect(await notice.locator('li').allTextContents()).toEqual([`token: the hub (${refusing.url}) refuses screen "autre-5" with this token (unauthorized): a wrong one, or replaced since (antichambre-hub screen token autre-5 gives a new one)`]);
      await waitForItem(page, 'un');
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
      await refusing.close();
    }
  });

  it('every active alert is on screen with its §5 hooks: three info bands, none over another, and two urgent ones each covering the screen, the newest on top, also after a restart', async () => {
    const { page, errors } = await newPlayerPage(browser(), { width: 1280, height: 720 });
    await page.goto(playerUrl(site().url, hub.url, 'autre-2', 'token'));
    const screen = await hub.screen('autre-2');
    const until = new Date(Date.now() + 3_600_000).toISOString();
    for (const id of ['info-1', 'info-2', 'info-3']) expect(await screen.timeout(5_000).emitWithAck('alert', { id, level: 'info', text: `Annonce ${id}`, until })).toEqual({ ok: true });
    // (Sent in an order that is not their ids': a restart must keep the order they came in.)
    for (const id of ['urgent-b', 'urgent-a']) expect(await screen.timeout(5_000).emitWithAck('alert', { id, level: 'urgent', text: `Évacuation ${id}`, until })).toEqual({ ok: true });
    await expect.poll(() => page.locator('[data-alert-id]').count(), { timeout: 5_000 }).toBe(5);
    const boxes = await page.locator('[data-alert-id]').evaluateAll((els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { id: el.getAttribute('data-alert-id'), level: el.getAttribute('data-alert-level'), top: r.top, bottom: r.bottom, width: r.width, height: r.height };
      }),
    );
    const infos = boxes.filter((b) => b.level === 'info');
    expect(infos.map((b) => b.id).sort()).toEqual(['info-1', 'info-2', 'info-3']);
    for (const b of infos) {
      expect(b.width).toBe(1280);
      expect(b.height).toBeLessThan(720 / 3);
      expect(b.top).toBeGreaterThanOrEqual(0);
      expect(b.bottom).toBeLessThanOrEqual(720);
    }
    const sorted = [...infos].sort((a, b) => a.top - b.top);
    for (let k = 1; k < sorted.length; k++) expect(sorted[k]!.top).toBeGreaterThanOrEqual(sorted[k - 1]!.bottom - 0.5);
    for (const b of boxes.filter((b) => b.level === 'urgent')) expect([b.width, b.height]).toEqual([1280, 720]);
    // What the room sees on top: the newest urgent alert; and after a restart (the alerts read back from storage), the same.
    const onTop = () => page.evaluate(() => document.elementFromPoint(640, 360)?.closest('[data-alert-id]')?.getAttribute('data-alert-id'));
    expect(await onTop()).toBe('urgent-a');
    await page.reload();
    await expect.poll(() => page.locator('[data-alert-id]').count(), { timeout: 10_000 }).toBe(5);
    expect(await onTop()).toBe('urgent-a');
    expect(await page.locator('.alert-info:not(.alert-info-more .alert-info)').getAttribute('data-alert-id')).toBe('info-3');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
