import { describe, expect, it } from 'vitest';
import type { StoredImpression } from '../../src/shared/adminApi.js';
import { Playlist } from '../../src/shared/playlist.js';
import { dayBlocks } from '../../src/dashboard/dayBlocks.js';
import { stringsOf } from '../../src/dashboard/i18n.js';
import { readDraft } from '../../src/dashboard/playlistDraft.js';
import { airtimePerPlaylist, airtimePerZone, personSeconds, personSecondsPerDay, playsPerItemPerDay, reachByDay, waitSeries } from '../../src/dashboard/reportFigures.js';
import { dateTime, fileSize, isLoopbackHost, localTimesIn } from '../../src/dashboard/formatting.js';
import { sitesWithoutScreens } from '../../src/dashboard/grantsText.js';

/** The dashboard's figures, from what the hub answers. */

function played(playlistId: string, itemId: string, start: string, durationMs: number, zoneId = 'main'): StoredImpression {
  const end = new Date(Date.parse(start) + durationMs).toISOString();
  return { id: `${playlistId}-${itemId}-${start}`, screenId: 's', playlistId, itemId, revision: 'r', start, end, durationMs, complete: true, receivedAt: end, zoneId, audience: null };
}

describe('reports', () => {
  const impressions = [
    played('accueil', 'horaires', '2026-11-30T08:00:00.000Z', 10_000),
    played('accueil', 'horaires', '2026-11-30T08:00:10.000Z', 10_000),
    played('accueil', 'rappel', '2026-11-30T08:00:20.000Z', 20_000),
    // 23:30 UTC on the 30th is already December 1st in Paris.
    played('sante', 'vaccin', '2026-11-30T23:30:00.000Z', 30_000),
  ];

  it('counts plays per item per local day, most played first', () => {
    expect(playsPerItemPerDay(impressions, 'Europe/Paris')).toEqual({
      days: ['2026-11-30', '2026-12-01'],
      items: ['accueil/horaires', 'accueil/rappel', 'sante/vaccin'],
      plays: { 'accueil/horaires': { '2026-11-30': 2 }, 'accueil/rappel': { '2026-11-30': 1 }, 'sante/vaccin': { '2026-12-01': 1 } },
    });
  });

  it('shows every day of the chosen range, those without a play too', () => {
    expect(playsPerItemPerDay(impressions, 'Europe/Paris', ['2026-11-29', '2026-11-30', '2026-12-01']).days).toEqual(['2026-11-29', '2026-11-30', '2026-12-01']);
  });

  it('shares airtime between playlists by time on screen', () => {
    expect(airtimePerPlaylist(impressions)).toEqual([
      { playlistId: 'accueil', ms: 40_000, share: 40 / 70 },
      { playlistId: 'sante', ms: 30_000, share: 30 / 70 },
    ]);
    expect(airtimePerPlaylist([])).toEqual([]);
  });

  it('sums airtime per zone, impressions without a layout in main', () => {
    const zoned = [
      ...impressions,
      played('infos', 'marche', '2026-11-30T08:00:00.000Z', 5_000, 'bandeau'),
      played('infos', 'travaux', '2026-11-30T08:00:05.000Z', 5_000, 'bandeau'),
    ];
    expect(airtimePerZone(zoned)).toEqual([
      { zoneId: 'main', ms: 70_000, share: 70 / 80 },
      { zoneId: 'bandeau', ms: 10_000, share: 10 / 80 },
    ]);
    expect(airtimePerPlaylist(zoned)[2]).toEqual({ playlistId: 'infos', ms: 10_000, share: 10 / 80 });
  });

  it('weighs airtime by the people waiting: person-seconds per item and per playlist, per local day', () => {
    const watched = [
      { ...played('accueil', 'horaires', '2026-11-30T08:00:00.000Z', 10_000), audience: 4 }, // 40
      { ...played('accueil', 'horaires', '2026-11-30T09:00:00.000Z', 10_000), audience: 2.5 }, // 25
      { ...played('accueil', 'rappel', '2026-11-30T08:00:10.000Z', 20_000), audience: 3 }, // 60
      played('accueil', 'rappel', '2026-11-30T10:00:00.000Z', 20_000), // no queue data: 0
      { ...played('sante', 'vaccin', '2026-11-30T23:30:00.000Z', 30_000), audience: 1.5 }, // 45, December 1st in Paris
    ];
    expect(personSeconds(watched[1]!)).toBe(25);
    expect(personSeconds(watched[3]!)).toBe(0);
    expect(personSecondsPerDay(watched, 'item', 'Europe/Paris')).toEqual({
      days: ['2026-11-30', '2026-12-01'],
      items: ['accueil/horaires', 'accueil/rappel', 'sante/vaccin'],
      plays: { 'accueil/horaires': { '2026-11-30': 65 }, 'accueil/rappel': { '2026-11-30': 60 }, 'sante/vaccin': { '2026-12-01': 45 } },
    });
    expect(personSecondsPerDay(watched, 'playlist', 'Europe/Paris')).toEqual({
      days: ['2026-11-30', '2026-12-01'],
      items: ['accueil', 'sante'],
      plays: { accueil: { '2026-11-30': 125 }, sante: { '2026-12-01': 45 } },
    });
  });

  it('follows one service\'s reach of each item day by day', () => {
    const row = (day: string, service: string, itemId: string, reach: number) => ({ day, service, playlistId: 'accueil', itemId, people: 10, reached: reach * 10, reach, showings: 0, frequency: 0, frequencyAmongReached: null });
    const rows = [row('2026-12-01', 'titres', 'en-ligne', 0.9), row('2026-12-01', 'titres', 'horaires', 0.5), row('2026-12-02', 'titres', 'en-ligne', 0.7), row('2026-12-02', 'etat-civil', 'horaires', 1)];
    expect(reachByDay(rows, 'titres')).toEqual({
      days: ['2026-12-01', '2026-12-02'],
      items: ['accueil/en-ligne', 'accueil/horaires'],
      reach: { 'accueil/en-ligne': { '2026-12-01': 0.9, '2026-12-02': 0.7 }, 'accueil/horaires': { '2026-12-01': 0.5 } },
    });
  });

  it('puts each ticket at its local minute, realized beside estimated', () => {
    const series = waitSeries(
      [
        { service: 'titres', issuedAt: '2026-11-30T08:30:00.000Z', realizedMin: 12, estimatedMin: 10, low: 6, high: 15 },
        { service: 'titres', issuedAt: '2026-11-30T09:00:30.000Z', realizedMin: 5, estimatedMin: null, low: null, high: null },
      ],
      'Europe/Paris',
    );
    expect(series).toEqual([{ service: 'titres', estimated: [{ x: 570, y: 10 }], realized: [{ x: 570, y: 12 }, { x: 600.5, y: 5 }] }]);
  });
});

describe('the playlist editor', () => {
  it('reads one playlist or an array, and names the path of each error', () => {
    expect(readDraft('{"id":"a","items":[{"id":"t","type":"text","duration":5,"title":"T"}]}', 'en')).toMatchObject({ ok: true, playlists: [{ id: 'a' }] });
    expect(readDraft('{"id":"a","items":[{"id":"x","type":"image","duration":5,"src":"https://h/x.png","sha256":"abc"}]}', 'en')).toEqual({
      ok: false,
      issues: [{ path: 'items[0].sha256', message: 'expected 64 hex characters' }],
    });
    const many = readDraft('[{"id":"a","items":[]},{"id":"b","items":[{"id":"t","type":"text","title":"T"}]}]', 'en');
    expect(many.ok ? [] : many.issues.map((issue) => issue.path)).toEqual(['[1].items[0].duration']);
    expect(readDraft('{"id": ', 'en')).toMatchObject({ ok: false, issues: [{ path: '(root)' }] });
  });
});

describe('the day timeline', () => {
  it('merges the engine\'s segments into blocks of one playlist over the local day, idle outside the hours', () => {
    const playlists = [Playlist.parse({ id: 'matin', schedule: { hours: [{ start: '08:30', end: '12:00' }] }, items: [{ id: 'a', type: 'text', duration: 60, title: 'A' }, { id: 'b', type: 'text', duration: 60, title: 'B' }] })];
    const { from, until, blocks } = dayBlocks(playlists, '2026-12-01', 'Europe/Paris');
    expect(new Date(from).toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(until - from).toBe(86_400_000);
    expect(blocks.map((b) => [new Date(b.start).toISOString(), new Date(b.end).toISOString(), b.playlistId, b.items])).toEqual([
      ['2026-11-30T23:00:00.000Z', '2026-12-01T07:30:00.000Z', null, 0],
      ['2026-12-01T07:30:00.000Z', '2026-12-01T11:00:00.000Z', 'matin', 210],
      ['2026-12-01T11:00:00.000Z', '2026-12-01T23:00:00.000Z', null, 0],
    ]);
  });
});

describe('the loop planning sentence', () => {
  it('says how many items reach fewer than half of the people, in French and English, singular and plural', () => {
    expect(stringsOf('fr').loopSummary('14 min', '9 min', '12 min', 1)).toBe('Cette boucle dure 14 min ; la moitié des personnes attend moins de 9 min (8 sur 10 moins de 12 min) : 1 élément en atteint moins de la moitié.');
    expect(stringsOf('fr').loopSummary('14 min', '9 min', '12 min', 5)).toBe('Cette boucle dure 14 min ; la moitié des personnes attend moins de 9 min (8 sur 10 moins de 12 min) : 5 éléments en atteignent moins de la moitié.');
    expect(stringsOf('en').loopSummary('14 min', '9 min', '12 min', 5)).toBe('This loop lasts 14 min; half of the people wait under 9 min (8 in 10 under 12 min): 5 items reach fewer than half of them.');
    expect(stringsOf('en').loopSummary('4 min', '9 min', '12 min', 0)).toBe('This loop lasts 4 min; half of the people wait under 9 min (8 in 10 under 12 min): every item reaches at least half of them.');
  });
});

describe('sizes, addresses and sites as the dashboard says them', () => {
  it('says a small file in kilobytes, a large one in megabytes', () => {
    const spaced = (text: string) => text.replace(/\s/g, ' ');
    expect(spaced(fileSize(42_908, 'fr-FR'))).toBe('43 ko');
    expect(spaced(fileSize(300, 'en'))).toBe('1 kB');
    expect(spaced(fileSize(2_500_000, 'fr-FR'))).toBe('2,5 Mo');
  });

  it('says the UTC instants of a journal value in the page’s local date and time, the rest as it is', () => {
    const until = '2026-12-05T10:42:24.431Z';
    const said = localTimesIn(`urgent until ${until}`, 'fr-FR');
    expect(said).toBe(`urgent until ${dateTime(until, 'fr-FR')}`);
    expect(said).not.toContain('Z');
    expect(localTimesIn('info until 2026-12-05T10:42:24Z → cleared', 'fr-FR')).toBe(`info until ${dateTime('2026-12-05T10:42:24Z', 'fr-FR')} → cleared`);
    expect(localTimesIn('editor@mairie viewer@*', 'fr-FR')).toBe('editor@mairie viewer@*');
  });

  it('knows an address only this computer reaches', () => {
    expect(['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'hub.localhost'].map(isLoopbackHost)).toEqual([true, true, true, true, true]);
    expect(['192.168.1.10', 'hub.mairie.local', '10.0.0.127'].map(isLoopbackHost)).toEqual([false, false, false]);
  });

  it('names the sites a roles text gives that no screen is on, when there are screens', () => {
    const sites = new Set(['mairie', 'clinique']);
    expect(sitesWithoutScreens('editor@mairie operator@clinic viewer@*', sites)).toEqual(['clinic']);
    expect(sitesWithoutScreens('editor@mairie operator@clinique', sites)).toEqual([]);
    expect(sitesWithoutScreens('operator@clinic', new Set())).toEqual([]);
    expect(sitesWithoutScreens('chef@clinic', sites)).toEqual([]);
  });
});
