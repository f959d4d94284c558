import { describe, expect, it } from 'vitest';
import { effectiveCalls, Layout, MAX_COUNTER_NAME, MAX_SERVICE_NAME, playlistsOfZone, serviceLabel, type LayoutInput } from '../../src/shared/layout.js';
import { LAYOUT_PRESETS } from '../../src/shared/layoutPresets.js';
import { Impression } from '../../src/shared/impression.js';
import { PlaylistsMessage } from '../../src/shared/protocol.js';
import { parseWith } from '../../src/shared/validationError.js';
import { NewStoredSet, StoredSet } from '../../src/renderer/db.js';

/** Protocol §6's example layout. */
function example(): LayoutInput {
  return {
    id: 'accueil',
    zones: [
      { id: 'main', x: 0, y: 0, width: 70, height: 88 },
      { id: 'file', x: 70, y: 0, width: 30, height: 88, kind: 'queue', services: ['etat-civil', 'titres'] },
      { id: 'bandeau', x: 0, y: 88, width: 100, height: 12, kind: 'ticker' },
    ],
    calls: { show: 'overlay', seconds: 8, chime: true, voice: 'fr-FR' },
  };
}

function layoutError(mutate: (layout: any) => void): string {
  const layout = structuredClone(example());
  mutate(layout);
  const parsed = parseWith(Layout, layout);
  if (parsed.ok) throw new Error('expected the layout to be refused');
  return parsed.error;
}

const text = (id: string) => ({ id, type: 'text', duration: 5, title: id });

describe('layout schema (protocol §6)', () => {
  it('accepts the example, defaults kind to playlist, ignores unknown fields', () => {
    const parsed = parseWith(Layout, { ...example(), extra: 1 });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.value.zones[0]!.kind).toBe('playlist');
      expect('extra' in parsed.value).toBe(false);
    }
  });

  it('accepts zones that share an edge, with thirds that do not add up exactly', () => {
    const parsed = parseWith(Layout, {
      id: 'tiers',
      zones: [
        { id: 'a', x: 0, y: 0, width: 33.333333, height: 100 },
        { id: 'b', x: 33.333333, y: 0, width: 33.333333, height: 100 },
        { id: 'c', x: 66.666666, y: 0, width: 33.333334, height: 100 },
      ],
    });
    expect(parsed.ok).toBe(true);
  });

  it('refuses overlapping zones, naming both', () => {
    expect(layoutError((l) => (l.zones[1].x = 60))).toBe('zones[1]: overlaps zone "main"');
  });

  it('refuses a zone outside the screen, at the field that takes it out', () => {
    expect(layoutError((l) => (l.zones[2].height = 13))).toBe('zones[2].height: y + height is 101: the zone leaves the screen (at most 100)');
    expect(layoutError((l) => (l.zones[0].x = -1))).toMatch(/^zones\[0\]\.x: expected a percentage/);
    expect(layoutError((l) => (l.zones[0].width = 0))).toMatch(/^zones\[0\]\.width: expected a percentage/);
  });

  it('refuses two zones with one id, an unknown kind, and bad calls', () => {
    expect(layoutError((l) => (l.zones[2].id = 'main'))).toContain('zones[2].id: duplicate zone id "main"');
    expect(layoutError((l) => (l.zones[2].kind = 'banner'))).toBe('zones[2].kind: expected kind playlist, ticker, queue or clock');
    expect(layoutError((l) => (l.calls.show = 'loud'))).toBe('calls.show: expected show overlay, zone or off');
    expect(layoutError((l) => (l.calls.voice = 'fr FR'))).toBe('calls.voice: expected a language tag like fr-FR');
  });

  it('calls default to zone with a queue zone, else off; banner 8 s', () => {
    const withQueue = Layout.parse({ ...example(), calls: undefined });
    expect(effectiveCalls(withQueue)).toEqual({ show: 'zone', seconds: 8 });
    expect(effectiveCalls(undefined)).toEqual({ show: 'off', seconds: 8 });
    expect(effectiveCalls(Layout.parse(example()))).toEqual({ show: 'overlay', seconds: 8, chime: true, voice: 'fr-FR' });
  });

  it('calls without show take its default; the bare string is { show }; any number of seconds above 0', () => {
    const withQueue = (calls: unknown) => effectiveCalls(Layout.parse({ ...example(), calls }));
    const noQueue = (calls: unknown) => effectiveCalls(Layout.parse({ ...example(), zones: example().zones.filter((z) => z.kind !== 'queue'), calls }));
    expect(withQueue({ chime: true })).toEqual({ show: 'zone', seconds: 8, chime: true });
    expect(noQueue({ chime: true })).toEqual({ show: 'off', seconds: 8, chime: true });
    expect(withQueue('off')).toEqual({ show: 'off', seconds: 8 });
    expect(noQueue('overlay')).toEqual({ show: 'overlay', seconds: 8 });
    expect(withQueue({ show: 'overlay', seconds: 2 })).toEqual({ show: 'overlay', seconds: 2 });
    expect(layoutError((l) => (l.calls.seconds = 0))).toBe('calls.seconds: expected a number of seconds above 0');
    expect(layoutError((l) => (l.calls = 'loud'))).toBe('calls.show: expected show overlay, zone or off');
  });
});

describe('a set with a layout (playlists message)', () => {
  const set = (playlists: unknown[], layout?: unknown) => parseWith(PlaylistsMessage, { revision: 'r1', playlists, ...(layout ? { layout } : {}) });

  it('accepts playlists in playlist and ticker zones; those without zone play in main', () => {
    const parsed = set([{ id: 'a', items: [text('x')] }, { id: 'news', zone: 'bandeau', items: [text('y')] }], example());
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(playlistsOfZone(parsed.value.playlists, 'main').map((p) => p.id)).toEqual(['a']);
      expect(playlistsOfZone(parsed.value.playlists, 'bandeau').map((p) => p.id)).toEqual(['news']);
    }
  });

  it('takes a revision of at most 200 characters, the most an impression can name (a longer one is refused by path: its impressions could not be written)', () => {
    const playlists = [{ id: 'a', items: [text('x')] }];
    const longest = 'r'.repeat(200);
    expect(parseWith(PlaylistsMessage, { revision: longest, playlists }).ok).toBe(true);
    const impression = { id: '0190a3d2-7c1e-7000-8000-000000000001', screenId: 's', playlistId: 'a', itemId: 'x', revision: longest, start: '2026-12-05T08:00:00.000Z', end: '2026-12-05T08:00:05.000Z', durationMs: 5000, complete: true };
    expect(parseWith(Impression, impression).ok).toBe(true);
    expect(parseWith(PlaylistsMessage, { revision: `${longest}r`, playlists })).toEqual({ ok: false, error: 'revision: expected a revision of at most 200 characters' });
  });

  it('refuses a playlist naming an unknown zone, or a queue zone, with its path', () => {
    const unknown = set([{ id: 'a', items: [] }, { id: 'b', zone: 'cote', items: [] }], example());
    expect(unknown).toEqual({ ok: false, error: 'playlists[1].zone: unknown zone "cote" (the layout has main, file, bandeau)' });
    expect(set([{ id: 'b', zone: 'file', items: [] }], example())).toEqual({ ok: false, error: 'playlists[0].zone: zone "file" is a queue zone: it plays no playlist' });
    expect(set([{ id: 'b', zone: 'bandeau', items: [] }])).toEqual({ ok: false, error: 'playlists[0].zone: unknown zone "bandeau": without a layout the only zone is main' });
  });

  it('refuses a playlist without zone when the layout has no main zone (it would play nowhere), as it refuses zone "main" named; a set stored before that rule is still read', () => {
    const sides = { id: 'cotes', zones: [{ id: 'gauche', x: 0, y: 0, width: 50, height: 100 }, { id: 'droite', x: 50, y: 0, width: 50, height: 100 }] };
    expect(set([{ id: 'a', zone: 'gauche', items: [] }, { id: 'b', items: [] }], sides)).toEqual({ ok: false, error: 'playlists[1].zone: missing: without a zone it plays in "main", which the layout does not have (it has gauche, droite)' });
    expect(set([{ id: 'b', zone: 'main', items: [] }], sides)).toEqual({ ok: false, error: 'playlists[0].zone: unknown zone "main" (the layout has gauche, droite)' });
    const queueMain = { id: 'q', zones: [{ id: 'main', x: 0, y: 0, width: 100, height: 100, kind: 'queue' }] };
    expect(set([{ id: 'b', items: [] }], queueMain)).toEqual({ ok: false, error: 'playlists[0].zone: zone "main" is a queue zone: it plays no playlist' });
    // The player's own store reads back what it took before the rule; what it takes now has every rule.
    const stored = { revision: 'r0', playlists: [{ id: 'a', zone: 'gauche', items: [] }, { id: 'b', items: [] }], layout: sides, key: 'current', source: 'hub', storedAt: 0 };
    expect(StoredSet.safeParse(stored).success).toBe(true);
    // (Also one whose main is a queue zone: read as it was taken.)
    expect(StoredSet.safeParse({ ...stored, playlists: [{ id: 'b', items: [] }], layout: queueMain }).success).toBe(true);
    expect(parseWith(NewStoredSet, stored)).toEqual({ ok: false, error: 'playlists[1].zone: missing: without a zone it plays in "main", which the layout does not have (it has gauche, droite)' });
  });

  it('reads the services’ names (an extension), trimmed, and refuses a bad one at its path', () => {
    const parsed = parseWith(Layout, { ...example(), serviceNames: { 'etat-civil': '  État civil ', titres: 'Pièces d’identité' } });
    expect(parsed.ok && parsed.value.serviceNames).toEqual({ 'etat-civil': 'État civil', titres: 'Pièces d’identité' });
    expect(layoutError((l) => (l.serviceNames = { 'etat-civil': '   ' }))).toBe('serviceNames.etat-civil: expected the name people read for the service (not empty)');
    expect(layoutError((l) => (l.serviceNames = { titres: 'x'.repeat(MAX_SERVICE_NAME + 1) }))).toBe(`serviceNames.titres: expected a service name of at most ${MAX_SERVICE_NAME} characters (it is read from across the room)`);
    expect(parseWith(Layout, { ...example(), serviceNames: { titres: 'x'.repeat(MAX_SERVICE_NAME) } }).ok).toBe(true);
    expect(layoutError((l) => (l.serviceNames = { titres: 3 }))).toBe('serviceNames.titres: expected the name people read for the service');
    expect(layoutError((l) => (l.serviceNames = ['État civil']))).toBe('serviceNames: expected an object of service id: name');
    expect(layoutError((l) => (l.serviceNames = { 'état civil': 'État civil' }))).toBe('serviceNames.état civil: not a service id (1 to 64 characters among A-Z a-z 0-9 . _ -)');
    expect(layoutError((l) => (l.serviceNames = { titres: 'Pièces\nd’identité' }))).toBe('serviceNames.titres: expected a service name on one line, without control or invisible characters');
    expect(layoutError((l) => (l.serviceNames = { titres: 'Pi\u202eèces' }))).toBe('serviceNames.titres: expected a service name on one line, without control or invisible characters');
    // A key zod's record would skip without a word (it would set the prototype) is refused by name.
    expect(layoutError((l) => (l.serviceNames = JSON.parse('{"__proto__": "Accueil", "titres": "Titres"}')))).toBe('serviceNames.__proto__: "__proto__" cannot be a service id: choose another');
    expect(layoutError((l) => (l.serviceNames = Object.fromEntries(Array.from({ length: 101 }, (_, k) => [`s${k}`, `Service ${k}`]))))).toBe('serviceNames: expected at most 100 service names');
  });

  it('reads the counters’ names (an extension) the same way', () => {
    const parsed = parseWith(Layout, { ...example(), counterNames: { '3': 'Box 3', accueil: ' Accueil' } });
    expect(parsed.ok && parsed.value.counterNames).toEqual({ '3': 'Box 3', accueil: 'Accueil' });
    expect(layoutError((l) => (l.counterNames = { '3': '' }))).toBe('counterNames.3: expected the name people read for the counter (not empty)');
    expect(layoutError((l) => (l.counterNames = { '3': 'x'.repeat(MAX_COUNTER_NAME + 1) }))).toBe(`counterNames.3: expected a counter name of at most ${MAX_COUNTER_NAME} characters (it is read from across the room)`);
    expect(layoutError((l) => (l.counterNames = { 'box 3': 'Box 3' }))).toBe('counterNames.box 3: not a counter id (1 to 64 characters among A-Z a-z 0-9 . _ -)');
  });

  it('labels a service by its name, else by its id with hyphens as spaces, never by an inherited property', () => {
    const names = { 'etat-civil': 'État civil' };
    expect(serviceLabel('etat-civil', names)).toBe('État civil');
    expect(serviceLabel('titres_sejour', names)).toBe('Titres sejour');
    expect(serviceLabel('etat-civil', undefined)).toBe('Etat civil');
    expect(serviceLabel('constructor', names)).toBe('Constructor');
    expect(serviceLabel('toString', {})).toBe('ToString');
  });

  it('refuses an invalid layout with its path under layout', () => {
    const bad = structuredClone(example()) as any;
    bad.zones[1].x = 50;
    expect(set([{ id: 'a', items: [] }], bad)).toEqual({ ok: false, error: 'layout.zones[1]: overlaps zone "main"' });
  });

  it('reads share of voice and refuses a share outside (0, 1]', () => {
    expect(set([{ id: 'a', share: 0.25, items: [] }]).ok).toBe(true);
    expect(set([{ id: 'a', share: 1.5, items: [] }])).toEqual({ ok: false, error: 'playlists[0].share: expected a share of at most 1' });
    expect(set([{ id: 'a', share: 0, items: [] }])).toEqual({ ok: false, error: 'playlists[0].share: expected a share above 0 (omit it for none)' });
  });
});

describe('layout presets', () => {
  it('are valid layouts, landscape and portrait, with the queue zone on the given services', () => {
    for (const preset of LAYOUT_PRESETS) {
      const made = preset.make(['etat-civil']);
      expect(parseWith(Layout, made).ok).toBe(true);
      expect(made.zones.some((zone) => zone.id === 'main')).toBe(true);
      for (const zone of made.zones.filter((z) => z.kind === 'queue')) expect(zone.services).toEqual(['etat-civil']);
    }
    expect(new Set(LAYOUT_PRESETS.map((p) => p.orientation))).toEqual(new Set(['landscape', 'portrait']));
  });

  it('leave services out when none are given (every service), rather than an empty list (none)', () => {
    for (const preset of LAYOUT_PRESETS) {
      for (const zone of preset.make([]).zones.filter((z) => z.kind === 'queue')) expect(zone).not.toHaveProperty('services');
    }
  });
});
