import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import type { Impression } from '../../src/shared/impression.js';
import { MAX_COUNTER_NAME, MAX_SERVICE_NAME, type LayoutInput } from '../../src/shared/layout.js';
import type { PlaylistInput } from '../../src/shared/playlist.js';
import type { QueueEvent } from '../../src/shared/queue.js';
import { newPlayerPage, onScreen, readStore, waitForItem } from '../support/browser.js';
import { playerUrl } from '../support/hubSuite.js';
import { bundledMedia, makePlaylistsDir } from '../support/playlistsFixture.js';
import { pushSet } from '../support/standInHub.js';
import { useBrowserAndSite, useStandInHub } from '../support/suite.js';
import { layoutProblems } from '../support/zoneFit.js';

/**
 * Layouts (§6) on a real player: zones each playing on their own, the queue zone, call
 * announcements (banner or zone, queued, chime, speech) and invalid layouts refused.
 * The screen's sets come from a stand-in hub (a real socket.io server) as a hub would push them.
 */

const video = bundledMedia('hygiene-mains.webm');
const captions = bundledMedia('hygiene-mains.fr.vtt');
// The bundle carries the files (the pushed sets name them on the same site).
const { browser, site } = useBrowserAndSite({
  playlistsDir: () =>
    makePlaylistsDir(
      [
        {
          id: 'fichiers',
          items: [{ id: 'clip', type: 'video', src: video.src, sha256: video.sha256, captions: [{ lang: 'fr', src: captions.src, sha256: captions.sha256 }] }],
        },
      ],
      'zones-r0',
    ),
});
const hub = useStandInHub();

const THREE_ZONES: LayoutInput = {
  id: 'accueil',
  zones: [
    { id: 'main', x: 0, y: 0, width: 70, height: 88 },
    { id: 'file', x: 70, y: 0, width: 30, height: 88, kind: 'queue', services: ['etat-civil', 'titres'] },
    { id: 'bandeau', x: 0, y: 88, width: 100, height: 12, kind: 'ticker' },
  ],
};

function clinicSet(siteUrl: string): PlaylistInput[] {
  const abs = (src: string) => new URL(`playlists/${src}`, siteUrl).href;
  return [
    {
      id: 'salle',
      items: [
        { id: 'hygiene', type: 'video', src: abs(video.src), sha256: video.sha256, captions: [{ lang: 'fr', src: abs(captions.src), sha256: captions.sha256 }] },
        { id: 'accueil', type: 'text', duration: 6, title: 'Bienvenue', body: 'Prenez un ticket à la borne.' },
      ],
    },
    {
      id: 'infos',
      zone: 'bandeau',
      items: [
        { id: 'wifi', type: 'text', duration: 5, title: 'Wi-Fi', body: 'Réseau public gratuit' },
        { id: 'horaires', type: 'text', duration: 5, title: 'Horaires', body: 'Lundi–vendredi 8 h 30 – 17 h' },
      ],
    },
  ];
}

/** Every call banner or highlight that ever appears, in order (ticket@counter), from the page's start. */
async function recordCalls(page: Page): Promise<void> {
  await page.context().addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __calls: string[] }).__calls = seen;
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('[data-call-ticket]')) {
        const key = `${el.getAttribute('data-call-ticket')}@${el.getAttribute('data-call-counter')}`;
        if (seen.at(-1) !== key) seen.push(key);
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-call-ticket'] });
  });
}
const callsSeen = (page: Page) => page.evaluate(() => (window as unknown as { __calls: string[] }).__calls.slice());

/** A morning at the two counters: tickets issued a few minutes ago, counters open. `now` is the screen's clock. */
function openingEvents(now: number): QueueEvent[] {
  const at = (minAgo: number) => new Date(now - minAgo * 60_000).toISOString();
  return [
    { type: 'counter', counter: '1', open: true, services: ['etat-civil'], at: at(20) },
    { type: 'counter', counter: '3', open: true, services: ['titres'], at: at(20) },
    ...Array.from({ length: 12 }, (_, k): QueueEvent => ({ type: 'issued', ticket: `A${String(40 + k).padStart(3, '0')}`, service: 'etat-civil', at: at(15 - k) })),
    ...Array.from({ length: 4 }, (_, k): QueueEvent => ({ type: 'issued', ticket: `T${String(10 + k).padStart(3, '0')}`, service: 'titres', at: at(14 - k) })),
  ];
}

/** The screen's socket once it has connected again (another than `old`). */
/** The screen's next connection; with `page`, its clock runs a second at a time meanwhile (the player asks again a minute after the hub closed it). */
async function nextSocket(screenId: string, old: Socket, page?: Page): Promise<Socket> {
  let found: Socket | null = null;
  void (async () => {
    for (;;) {
      const socket = await hub().screen(screenId);
      if (socket !== old && socket.connected) return socket;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })().then((socket) => (found = socket));
  while (!found) {
    if (page) await page.clock.runFor(1_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return found;
}

async function sendQueue(screen: Socket, events: QueueEvent[]): Promise<void> {
  expect(await screen.timeout(10_000).emitWithAck('queue', { events })).toEqual({ ok: true });
}

describe('zones', () => {
  it('three zones play each on their own; a ticket called while the video plays is on screen at once, and the video plays on to its end, counted complete', async () => {
    const { page, errors } = await newPlayerPage(browser(), { width: 1280, height: 720 });
    await recordCalls(page);
    await page.goto(playerUrl(site().url, hub().url, 'zones-1', 'token'));
    const screen = await hub().screen('zones-1');
    expect(await pushSet(screen, { revision: 'zones-r1', playlists: clinicSet(site().url), layout: { ...THREE_ZONES, calls: { show: 'overlay', seconds: 8 } } })).toEqual({ ok: true });
    await sendQueue(screen, openingEvents(Date.now()));

    // Each zone plays: the video in main (with its captions), a line in the ticker, the queue board in its zone.
    await waitForItem(page, 'hygiene', 20_000);
    expect(await onScreen(page, 'main')).toEqual({ playlistId: 'salle', itemId: 'hygiene' });
    await expect.poll(() => page.locator('[data-zone="bandeau"] .ticker-line').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.locator('[data-zone="file"] [data-service="etat-civil"]').count()).toBe(1);
    expect(await page.locator('[data-zone="file"] [data-service="titres"]').count()).toBe(1);
    await page.waitForSelector('[data-zone="main"] [data-captions]', { timeout: 10_000 });

    // A ticket called now: on screen (the banner) within a second of the queue message.
    const sent = Date.now();
    await sendQueue(screen, [{ type: 'called', ticket: 'A040', counter: '1', at: new Date().toISOString() }]);
    await page.waitForSelector('[data-call-ticket="A040"][data-call-counter="1"]', { timeout: 1_000 });
    console.log(`call on screen ${Date.now() - sent} ms after the queue message was sent`);
    expect(await onScreen(page, 'main')).toEqual({ playlistId: 'salle', itemId: 'hygiene' });

    // The video plays to its end under the banner: its impression is complete, in zone main.
    await waitForItem(page, 'accueil', 30_000);
    await expect.poll(async () => (await readStore<Impression>(page, 'outbox')).find((i) => i.itemId === 'hygiene'), { timeout: 10_000 }).toBeDefined();
    const clip = (await readStore<Impression>(page, 'outbox')).find((i) => i.itemId === 'hygiene')!;
    expect(clip).toMatchObject({ zoneId: 'main', playlistId: 'salle', complete: true });
    // A ticker line that crossed is counted in its zone.
    await expect.poll(async () => (await readStore<Impression>(page, 'outbox')).filter((i) => i.zoneId === 'bandeau').length, { timeout: 60_000 }).toBeGreaterThan(0);
    const line = (await readStore<Impression>(page, 'outbox')).find((i) => i.zoneId === 'bandeau')!;
    expect(line).toMatchObject({ playlistId: 'infos', complete: true });
    expect(['wifi', 'horaires']).toContain(line.itemId);
    // The announcement is in no impression: every one of the set names an item of the set (on a slow start the
    // bundle's items play before the set takes over: theirs carry the bundle's revision).
    const ofSet = (await readStore<Impression>(page, 'outbox')).filter((i) => i.revision === 'zones-r1');
    expect(ofSet.length).toBeGreaterThan(0);
    for (const impression of ofSet) expect(['hygiene', 'accueil', 'wifi', 'horaires']).toContain(impression.itemId);
    expect(await callsSeen(page)).toEqual(['A040@1']);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('a call whose ticket the screen never saw issued (it joined later) is announced and listed: at a counter never seen, and at one serving two services; one for a service the zone does not show is announced, not listed', async () => {
    const { page, errors } = await newPlayerPage(browser(), { width: 1280, height: 720 });
    await recordCalls(page);
    await page.goto(playerUrl(site().url, hub().url, 'zones-unseen', 'token'));
    const screen = await hub().screen('zones-unseen');
    expect(await pushSet(screen, { revision: 'zones-unseen-r1', playlists: clinicSet(site().url), layout: { ...THREE_ZONES, calls: { show: 'overlay', seconds: 3 } } })).toEqual({ ok: true });
    await waitForItem(page, 'hygiene', 20_000);
    // A counter the screen knows nothing of, the ticket's issue not seen: nothing tells its service.
    await sendQueue(screen, [{ type: 'called', ticket: 'B017', counter: '9', at: new Date().toISOString() }]);
    await page.waitForSelector('.call-banner[data-call-ticket="B017"][data-call-counter="9"]', { timeout: 2_000 });
    // A counter open for both of the zone's services.
    await sendQueue(screen, [
      { type: 'counter', counter: '5', open: true, services: ['etat-civil', 'titres'], at: new Date(Date.now() - 60_000).toISOString() },
      { type: 'called', ticket: 'C204', counter: '5', at: new Date().toISOString() },
    ]);
    await page.waitForSelector('.call-banner[data-call-ticket="C204"][data-call-counter="5"]', { timeout: 6_000 });
    // Both are in the queue zone's list of calls, newest first.
    await expect.poll(() => page.locator('[data-zone="file"] .queue-call').evaluateAll((els) => els.map((el) => el.getAttribute('data-ticket')))).toEqual(['C204', 'B017']);
    // A call for a service of the site that the queue zone does not show: announced over the zones all the same (§6: every live call), not listed in the zone.
    await sendQueue(screen, [
      { type: 'counter', counter: '7', open: true, services: ['urbanisme'], at: new Date(Date.now() - 60_000).toISOString() },
      { type: 'called', ticket: 'U003', counter: '7', at: new Date().toISOString() },
    ]);
    await page.waitForSelector('.call-banner[data-call-ticket="U003"][data-call-counter="7"]', { timeout: 6_000 });
    expect(await page.locator('[data-zone="file"] .queue-call').evaluateAll((els) => els.map((el) => el.getAttribute('data-ticket')))).toEqual(['C204', 'B017']);
    expect(await callsSeen(page)).toEqual(['B017@9', 'C204@5', 'U003@7']);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('replayed calls are not announced, after a reconnection nor after a restart; ten calls in one message are each shown, in order, 3 s each', async () => {
    const { context, page, errors } = await newPlayerPage(browser());
    await recordCalls(page);
    await page.clock.install();
    await page.goto(playerUrl(site().url, hub().url, 'zones-2', 'token'));
    let screen = await hub().screen('zones-2');
    expect(await pushSet(screen, { revision: 'zones-r2', playlists: clinicSet(site().url), layout: { ...THREE_ZONES, calls: { show: 'zone' } } })).toEqual({ ok: true });
    // The set takes over once its files are in: then its layout announces calls.
    await page.waitForSelector('[data-zone="file"]', { timeout: 20_000 });
    const now = await page.evaluate(() => Date.now());
    const opening = openingEvents(now);
    const first: QueueEvent = { type: 'called', ticket: 'A040', counter: '1', at: new Date(now).toISOString() };
    // An old call the screen never saw (it was off): history, not live.
    const old: QueueEvent = { type: 'called', ticket: 'T010', counter: '3', at: new Date(now - 5 * 60_000).toISOString() };
    await sendQueue(screen, [...opening, old, first]);
    // `zone`: highlighted in the queue zone.
    await page.waitForSelector('[data-zone="file"] [data-call-ticket="A040"]', { timeout: 5_000 });
    expect(await page.locator('.call-banner').count()).toBe(0);
    await page.clock.runFor(9_000);
    await expect.poll(() => page.locator('[data-call-ticket]').count()).toBe(0);

    // The hub sends the recent events again on a reconnection: nothing is announced again.
    screen.disconnect(true);
    screen = await nextSocket('zones-2', screen, page);
    await sendQueue(screen, [...opening, old, first]);
    // After a restart, the same: the queue is rebuilt from IndexedDB, the replayed events are known.
    await page.reload();
    screen = await nextSocket('zones-2', screen);
    await sendQueue(screen, [...opening, old, first]);
    await page.waitForSelector('[data-zone="file"] [data-ticket="A040"]');
    await page.clock.runFor(2_000);
    expect(await page.locator('[data-call-ticket]').count()).toBe(0);
    expect(await callsSeen(page)).toEqual([]); // since the reload

    // Ten calls in one message: each shown in turn, in order, each at least 3 s.
    // Page time stands still from here: each call's turn is measured on it alone.
    const t = (await page.evaluate(() => Date.now())) + 1_000;
    await page.clock.pauseAt(t);
    const ten = Array.from({ length: 10 }, (_, k) => ({ type: 'called' as const, ticket: `A${String(41 + k).padStart(3, '0')}`, counter: k % 2 ? '1' : '2', at: new Date(t + k).toISOString() }));
    await sendQueue(screen, [{ type: 'counter', counter: '2', open: true, services: ['etat-civil'], at: new Date(t - 1).toISOString() }, ...ten]);
    const shown: string[] = [];
    for (let k = 0; k < ten.length; k++) {
      await page.waitForSelector(`[data-call-ticket="${ten[k]!.ticket}"]`, { timeout: 5_000 });
      shown.push((await page.getAttribute('[data-call-ticket]', 'data-call-ticket'))!);
      await page.clock.runFor(2_900);
      expect(await page.getAttribute('[data-call-ticket]', 'data-call-ticket'), `call ${k} still shown before 3 s`).toBe(shown[k]);
      await page.clock.runFor(100);
    }
    expect(shown).toEqual(ten.map((e) => e.ticket));
    expect(await callsSeen(page)).toEqual(ten.map((e) => `${e.ticket}@${e.counter}`));
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('speaks a call in the layout’s language where a voice exists, and only shows it where none does; a counter by its name where the layout gives one', async () => {
    const cases: { voices: { lang: string; name: string }[]; counterNames?: Record<string, string>; loadedWhenAsked?: true }[] = [
      { voices: [{ lang: 'fr-FR', name: 'Amélie' }] },
      // As Chromium: no voice in the first answer (it loads them when first asked), all of them after.
      { voices: [{ lang: 'fr-FR', name: 'Amélie' }], loadedWhenAsked: true },
      { voices: [{ lang: 'en-GB', name: 'Daniel' }] },
      { voices: [] },
      { voices: [{ lang: 'fr-FR', name: 'Amélie' }], counterNames: { '3': 'Box 3' } },
    ];
    for (const { voices, counterNames, loadedWhenAsked } of cases) {
      const { context, page, errors } = await newPlayerPage(browser());
      // The browser's speech synthesis is the edge: stubbed, with the voices given, recording what is spoken.
      await context.addInitScript(({ voices, loadedWhenAsked }) => {
        let asked = 0;
        const spoken: { text: string; lang: string }[] = [];
        (window as unknown as { __spoken: typeof spoken }).__spoken = spoken;
        // So are the speakers: the chime's tones are counted.
        const start = OscillatorNode.prototype.start;
        (window as unknown as { __tones: number }).__tones = 0;
        OscillatorNode.prototype.start = function (...args: Parameters<OscillatorNode['start']>) {
          (window as unknown as { __tones: number }).__tones++;
          return start.apply(this, args);
        };
        Object.defineProperty(window, 'speechSynthesis', {
          value: { getVoices: () => (loadedWhenAsked && asked++ === 0 ? [] : voices), speak: (u: SpeechSynthesisUtterance) => spoken.push({ text: u.text, lang: u.lang }), cancel: () => {} },
        });
      }, { voices, loadedWhenAsked });
      const screenId = `zones-voice-${voices.length}-${voices[0]?.lang ?? 'none'}${counterNames ? '-named' : ''}${loadedWhenAsked ? '-loaded' : ''}`;
      await page.goto(playerUrl(site().url, hub().url, screenId, 'token'));
      const screen = await hub().screen(screenId);
      expect(await pushSet(screen, { revision: 'zones-r3', playlists: clinicSet(site().url), layout: { ...THREE_ZONES, calls: { show: 'overlay', voice: 'fr-FR', chime: true }, ...(counterNames ? { counterNames } : {}) } })).toEqual({ ok: true });
      await page.waitForSelector('[data-zone="file"]', { timeout: 20_000 });
      const now = await page.evaluate(() => Date.now());
      await sendQueue(screen, [...openingEvents(now), { type: 'called', ticket: 'A042', counter: '3', at: new Date(now).toISOString() }]);
      await page.waitForSelector('.call-banner[data-call-ticket="A042"][data-call-counter="3"]', { timeout: 5_000 });
      const spoken = await page.evaluate(() => (window as unknown as { __spoken: unknown[] }).__spoken);
      if (voices[0]?.lang === 'fr-FR') expect(spoken).toEqual([{ text: counterNames ? 'Ticket A 42, Box 3' : 'Ticket A 42, guichet 3', lang: 'fr-FR' }]);
      else expect(spoken).toEqual([]); // no French voice: nothing spoken, the banner shown all the same
      expect(await page.textContent('.call-banner .call-counter')).toBe(counterNames ? 'Présentez-vous\u202f: Box 3' : 'Présentez-vous au guichet 3');
      expect(await page.textContent('[data-zone="file"] .queue-call[data-ticket="A042"] .queue-counter')).toBe(counterNames ? 'Box 3' : 'guichet 3');
      // The two-tone chime, once for the one call.
      await expect.poll(() => page.evaluate(() => (window as unknown as { __tones: number }).__tones)).toBe(2);
      expect(errors).toEqual([]);
      await context.close();
    }
  }, 120_000);

  it('in English (lang=en): the queue zone, the banner and the clock speak the screen’s language', async () => {
    const { context, page, errors } = await newPlayerPage(browser(), { locale: 'en-GB' });
    await page.goto(playerUrl(site().url, hub().url, 'zones-en', 'token', '&lang=en'));
    const screen = await hub().screen('zones-en');
    const layout: LayoutInput = {
      ...THREE_ZONES,
      zones: [...THREE_ZONES.zones.slice(0, 2), { id: 'bandeau', x: 0, y: 88, width: 50, height: 12, kind: 'ticker' }, { id: 'heure', x: 50, y: 88, width: 50, height: 12, kind: 'clock' }],
      calls: { show: 'overlay' },
      // One service named by the layout; the other shows its id, hyphens as spaces.
      serviceNames: { titres: 'Passports and ID cards' },
      counterNames: { '1': 'Room 1' },
    };
    expect(await pushSet(screen, { revision: 'zones-en-r1', playlists: clinicSet(site().url), layout })).toEqual({ ok: true });
    // The page says its language (index.html is written in French).
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.waitForSelector('[data-zone="file"]', { timeout: 20_000 });
    const now = await page.evaluate(() => Date.now());
    await sendQueue(screen, [...openingEvents(now), { type: 'counter', counter: '3', open: false, services: ['titres'], at: new Date(now - 1_000).toISOString() }, { type: 'called', ticket: 'A041', counter: '1', at: new Date(now).toISOString() }]);
    await page.waitForSelector('.call-banner[data-call-ticket="A041"]');
    expect(await page.textContent('.call-banner')).toBe('Ticket calledA041Please go to Room 1');
    expect(await page.textContent('[data-zone="file"] .queue-call[data-ticket="A041"] .queue-counter')).toBe('Room 1');
    expect(await page.textContent('[data-zone="file"] .queue-heading')).toBe('Called');
    expect(await page.textContent('[data-zone="file"] [data-service="titres"] .queue-range')).toBe('Service closed');
    expect(await page.locator('[data-zone="file"] .queue-waits > .queue-heading').allTextContents()).toEqual(['Estimated wait']);
    expect(await page.locator('[data-zone="file"] .queue-wait .queue-service-name').allTextContents()).toEqual(['Etat civil', 'Passports and ID cards']);
    expect(await page.textContent('[data-zone="file"] [data-service="etat-civil"] .queue-range')).toMatch(/^(\d+ to \d+ min|under \d+ min|over \d+ h)$/);
    expect(await page.textContent('[data-zone="heure"] .clock-date')).toMatch(/^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} /);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('names of the longest length the layout takes stay inside the queue zone of the town hall’s layouts, landscape and portrait', async () => {
    // The bundle's own layouts (their names replaced by the longest).
    const bundled = (file: string): LayoutInput => JSON.parse(readFileSync(resolve(import.meta.dirname, '../../playlists/mairie/layouts', file), 'utf8')) as LayoutInput;
    const [landscape, portrait] = [bundled('accueil.layout.json'), bundled('accueil-portrait.layout.json')];
    // As long as the schema takes them, in words as wide as French gives (MAX_SERVICE_NAME, MAX_COUNTER_NAME).
    const serviceNames = { 'etat-civil': 'Élections et recensement', titres: 'Cartes d’identité (CNI)' };
    const counterNames = { '1': 'Bureau 12 au RDC', '3': 'Salle des fêtes' };
    expect(Object.values(serviceNames).map((name) => name.length)).toEqual([MAX_SERVICE_NAME, MAX_SERVICE_NAME - 1]);
    expect(Math.max(...Object.values(counterNames).map((name) => name.length))).toBe(MAX_COUNTER_NAME);
    for (const [width, height, layout] of [
      [1920, 1080, landscape],
      [1080, 1920, portrait],
    ] as const) {
      const { context, page, errors } = await newPlayerPage(browser(), { width, height });
      const screenId = `zones-long-names-${width}x${height}`;
      await page.goto(playerUrl(site().url, hub().url, screenId, 'token'));
      const screen = await hub().screen(screenId);
      expect(await pushSet(screen, { revision: `zones-long-${width}`, playlists: clinicSet(site().url), layout: { ...layout, serviceNames, counterNames } })).toEqual({ ok: true });
      await page.waitForSelector('[data-zone="file"]', { timeout: 20_000 });
      const now = await page.evaluate(() => Date.now());
      const at = (minAgo: number) => new Date(now - minAgo * 60_000).toISOString();
      await sendQueue(screen, [
        ...openingEvents(now),
        { type: 'called', ticket: 'A040', counter: '1', at: at(6) },
        { type: 'called', ticket: 'T010', counter: '3', at: at(4) },
        { type: 'called', ticket: 'A041', counter: '1', at: at(2) },
      ]);
      await page.waitForSelector('[data-zone="file"] [data-service="etat-civil"][data-wait-minutes]');
      expect(await page.textContent('[data-zone="file"] .queue-call[data-ticket="T010"] .queue-counter')).toBe(counterNames['3']);
      const { problems } = await layoutProblems(page, 0);
      expect(problems, `${width}x${height}`).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    }
  }, 60_000);

  it('refuses an invalid layout with its path, and the old set plays on', async () => {
    const { context, page } = await newPlayerPage(browser());
    await page.goto(playerUrl(site().url, hub().url, 'zones-4', 'token'));
    const screen = await hub().screen('zones-4');
    expect(await pushSet(screen, { revision: 'zones-r4', playlists: clinicSet(site().url), layout: THREE_ZONES })).toEqual({ ok: true });
    await waitForItem(page, 'hygiene', 20_000);

    const overlapping = { ...THREE_ZONES, zones: [...THREE_ZONES.zones, { id: 'horloge', x: 60, y: 0, width: 20, height: 20, kind: 'clock' }] };
    const refused = await pushSet(screen, { revision: 'zones-bad-1', playlists: clinicSet(site().url), layout: overlapping });
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/layout\.zones\[3\].*overlaps zone "main"/);

    const outside = { ...THREE_ZONES, zones: [THREE_ZONES.zones[0]!, { ...THREE_ZONES.zones[1]!, width: 40 }, THREE_ZONES.zones[2]!] };
    const refused2 = await pushSet(screen, { revision: 'zones-bad-2', playlists: clinicSet(site().url), layout: outside });
    expect(refused2.error).toMatch(/layout\.zones\[1\]\.width.*leaves the screen/);

    const unknownZone = clinicSet(site().url).map((p) => (p.id === 'infos' ? { ...p, zone: 'defilant' } : p));
    const refused3 = await pushSet(screen, { revision: 'zones-bad-3', playlists: unknownZone, layout: THREE_ZONES });
    expect(refused3.error).toMatch(/playlists\[1\]\.zone.*unknown zone "defilant"/);

    // The old set plays on, in its zones.
    expect(await page.locator('[data-zone]').evaluateAll((els) => els.map((el) => el.getAttribute('data-zone')))).toEqual(['main', 'file', 'bandeau']);
    await waitForItem(page, 'accueil', 30_000);
    expect(await onScreen(page, 'main')).toEqual({ playlistId: 'salle', itemId: 'accueil' });
    await context.close();
  }, 120_000);

  it('two playlist zones and a clock: each zone its own rotation and impressions; after a crash both showings are recovered, cut short', async () => {
    const { context, page, errors } = await newPlayerPage(browser());
    await page.goto(playerUrl(site().url, hub().url, 'zones-6', 'token'));
    const screen = await hub().screen('zones-6');
    const layout: LayoutInput = {
      id: 'deux',
      zones: [
        { id: 'main', x: 0, y: 0, width: 60, height: 100 },
        { id: 'cote', x: 60, y: 0, width: 40, height: 70 },
        { id: 'horloge', x: 60, y: 70, width: 40, height: 30, kind: 'clock' },
      ],
    };
    const playlists: PlaylistInput[] = [
      { id: 'gauche', items: [{ id: 'g1', type: 'text', duration: 60, title: 'Gauche un' }, { id: 'g2', type: 'text', duration: 60, title: 'Gauche deux' }] },
      { id: 'droite', zone: 'cote', items: [{ id: 'd1', type: 'text', duration: 60, title: 'Droite un', body: 'Un texte qui passe à la ligne dans une zone étroite' }] },
    ];
    expect(await pushSet(screen, { revision: 'zones-r7', playlists, layout })).toEqual({ ok: true });
    await waitForItem(page, 'g1', 20_000);
    await waitForItem(page, 'd1');
    expect(await onScreen(page, 'main')).toEqual({ playlistId: 'gauche', itemId: 'g1' });
    expect(await onScreen(page, 'cote')).toEqual({ playlistId: 'droite', itemId: 'd1' });
    // The clock: hours and minutes, the date in French.
    expect(await page.textContent('[data-zone="horloge"] .clock-time')).toMatch(/^\d{2}:\d{2}$/);
    expect(await page.textContent('[data-zone="horloge"] .clock-date')).toMatch(/^(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2} /);
    // The narrow zone's text is sized from the zone: smaller than main's, and it wraps inside it.
    const sizes = await page.evaluate(() => {
      const font = (zone: string) => parseFloat(getComputedStyle(document.querySelector(`[data-zone="${zone}"] .text-title`)!).fontSize);
      const slide = document.querySelector<HTMLElement>('[data-zone="cote"] .text-slide')!;
      return { main: font('main'), cote: font('cote'), overflow: slide.scrollWidth > slide.clientWidth || slide.scrollHeight > slide.clientHeight };
    });
    expect(sizes.cote).toBeLessThan(sizes.main);
    expect(sizes.overflow).toBe(false);
    // Both showings are kept as playing, one row per zone.
    await expect.poll(async () => (await readStore<Impression>(page, 'playing')).map((i) => i.zoneId).sort()).toEqual(['cote', 'main']);
    // A crash: both are recovered into the outbox, incomplete, each in its zone.
    const again = await context.newPage();
    await page.close();
    await again.goto(playerUrl(site().url, hub().url, 'zones-6', 'token'));
    await waitForItem(again, 'd1', 20_000);
    // (The set's own: the bundled set may have shown an item before the push came, cut short by it.)
    await expect.poll(async () => (await readStore<Impression>(again, 'outbox')).filter((i) => !i.complete && i.revision === 'zones-r7').map((i) => `${i.zoneId}:${i.itemId}`).sort()).toEqual(['cote:d1', 'main:g1']);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('the ticker scrolls on without a jump when its content changes: the line on screen finishes, the new lines follow it', async () => {
    const { context, page, errors } = await newPlayerPage(browser());
    await page.goto(playerUrl(site().url, hub().url, 'zones-7', 'token'));
    const screen = await hub().screen('zones-7');
    expect(await pushSet(screen, { revision: 'zones-r8', playlists: clinicSet(site().url), layout: THREE_ZONES })).toEqual({ ok: true });
    await page.waitForSelector('[data-zone="bandeau"] .ticker-line', { timeout: 20_000 });
    // Every frame, each line's left edge (by its element): it may only move left.
    await page.evaluate(() => {
      const track: { key: Element; left: number; text: string; leaving: boolean }[][] = [];
      (window as unknown as { __ticker: typeof track }).__ticker = track;
      const frame = () => {
        track.push([...document.querySelectorAll('[data-zone="bandeau"] .ticker-line')].map((el) => ({ key: el, left: el.getBoundingClientRect().left, text: el.textContent ?? '', leaving: el.hasAttribute('data-leaving') })));
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const before = await page.evaluate(() => document.querySelector('[data-zone="bandeau"] .ticker-line')!.textContent);
    const changed = clinicSet(site().url).map((p) => (p.id === 'infos' ? { ...p, items: [{ id: 'neige', type: 'text' as const, duration: 5, title: 'Neige', body: 'Mairie ouverte aux horaires habituels' }] } : p));
    expect(await pushSet(screen, { revision: 'zones-r9', playlists: changed, layout: THREE_ZONES })).toEqual({ ok: true });
    await page.waitForSelector('[data-zone="bandeau"] .ticker-line[data-item-id="neige"]', { timeout: 60_000 });
    // The first line leaves once it has crossed.
    await page.waitForFunction(() => {
      const track = (window as unknown as { __ticker: { key: Element }[][] }).__ticker;
      return !track[0]![0]!.key.isConnected;
    }, undefined, { timeout: 60_000 });
    const result = await page.evaluate(() => {
      const track = (window as unknown as { __ticker: { key: Element; left: number; text: string; leaving: boolean }[][] }).__ticker;
      let backwards = 0;
      // §5: the line launched last is the zone's item; each still crossing ahead of it carries data-leaving.
      const marks = new Set(track.map((frame) => frame.map((line) => (line.leaving ? 'L' : 'C')).join('')));
      const last = new Map<Element, number>();
      for (const frame of track) {
        for (const line of frame) {
          const prev = last.get(line.key);
          if (prev !== undefined && line.left > prev + 0.5) backwards++;
          last.set(line.key, line.left);
        }
      }
      // The line that was scrolling when the set changed went on to cross the zone.
      const zone = document.querySelector('[data-zone="bandeau"]')!.getBoundingClientRect();
      const first = track[0]![0]!;
      const lastSeen = [...track].reverse().find((frame) => frame.some((l) => l.key === first.key))!.find((l) => l.key === first.key)!;
      const width = (first.key as HTMLElement).scrollWidth;
      return { frames: track.length, backwards, firstText: first.text, crossedTo: lastSeen.left + width - zone.left, marks: [...marks].sort() };
    });
    expect(result.frames).toBeGreaterThan(30);
    expect(result.backwards).toBe(0);
    // In every frame, the last line is the current item and each before it is marked leaving (C, LC, LLC...); frames with two were seen.
    expect(result.marks.filter((m) => !/^L*C$/.test(m))).toEqual([]);
    expect(result.marks).toContain('LC');
    expect(result.firstText).toBe(before);
    expect(result.crossedTo).toBeLessThan(60); // its right edge reached the zone's left edge (within a frame or two)
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('a ticker with nothing to scroll shows the day and the time, still, until a line comes', async () => {
    const { context, page, errors } = await newPlayerPage(browser());
    try {
      await page.goto(playerUrl(site().url, hub().url, 'zones-ticker-empty', 'token'));
      const screen = await hub().screen('zones-ticker-empty');
      const withoutBand = clinicSet(site().url).filter((p) => p.id !== 'infos');
      expect(await pushSet(screen, { revision: 'zones-r-empty', playlists: withoutBand, layout: THREE_ZONES })).toEqual({ ok: true });
      const clock = page.locator('[data-zone="bandeau"] [data-ticker-clock]');
      await clock.waitFor({ timeout: 20_000 });
      // "jeudi 4 décembre · 10:42", in the screen's language and zone.
      expect(await clock.textContent()).toMatch(/^(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2} \S+ · \d{2}:\d{2}$/);
      const box = await page.locator('[data-zone="bandeau"]').evaluate((zone) => {
        const z = zone.getBoundingClientRect();
        const c = zone.querySelector('[data-ticker-clock]')!.getBoundingClientRect();
        return { inside: c.left >= z.left && c.right <= z.right && c.top >= z.top && c.bottom <= z.bottom, text: zone.querySelector<HTMLElement>('[data-ticker-clock]')!.scrollWidth <= z.width };
      });
      expect(box).toEqual({ inside: true, text: true });
      expect(await pushSet(screen, { revision: 'zones-r-full', playlists: clinicSet(site().url), layout: THREE_ZONES })).toEqual({ ok: true });
      await page.waitForSelector('[data-zone="bandeau"] .ticker-line', { timeout: 20_000 });
      await expect.poll(() => clock.count(), { timeout: 10_000 }).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('a new set without a layout tears the other zones down (a side zone’s showing ends incomplete); main fills the screen again and plays on', async () => {
    const { context, page } = await newPlayerPage(browser());
    await page.goto(playerUrl(site().url, hub().url, 'zones-5', 'token'));
    const screen = await hub().screen('zones-5');
    // main (the video), a side zone playing its own text, and the ticker.
    const withSide: LayoutInput = { ...THREE_ZONES, zones: [THREE_ZONES.zones[0]!, { id: 'cote', x: 70, y: 0, width: 30, height: 88 }, THREE_ZONES.zones[2]!] };
    const side: PlaylistInput = { id: 'cote-infos', zone: 'cote', items: [{ id: 'cote-texte', type: 'text', duration: 120, title: 'À côté' }] };
    expect(await pushSet(screen, { revision: 'zones-r5', playlists: [...clinicSet(site().url), side], layout: withSide })).toEqual({ ok: true });
    await waitForItem(page, 'hygiene', 20_000);
    await waitForItem(page, 'cote-texte');
    const mainOnly = clinicSet(site().url).filter((p) => p.id === 'salle');
    expect(await pushSet(screen, { revision: 'zones-r6', playlists: mainOnly })).toEqual({ ok: true });
    await expect.poll(() => page.locator('[data-zone]').evaluateAll((els) => els.map((el) => el.getAttribute('data-zone'))), { timeout: 10_000 }).toEqual(['main']);
    const box = await page.locator('[data-zone="main"]').boundingBox();
    expect(box).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
    // main was kept: it plays on where it was.
    expect(await onScreen(page, 'main')).toEqual({ playlistId: 'salle', itemId: 'hygiene' });
    // The side zone's showing ended with its zone: recorded, incomplete.
    await expect.poll(async () => (await readStore<Impression>(page, 'outbox')).find((i) => i.itemId === 'cote-texte')).toMatchObject({ zoneId: 'cote', complete: false });
    expect((await readStore<Impression>(page, 'playing')).map((i) => i.zoneId)).toEqual(['main']);
    await context.close();
  }, 60_000);
});
