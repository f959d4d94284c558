import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Playlist, type PlaylistInput } from '../../src/shared/playlist.js';
import { parseWith } from '../../src/shared/validationError.js';
import { playlistJsonSchemaText } from '../../scripts/playlistJsonSchema.js';
import { buildBundle, listPlaylistFiles, sha256File } from '../../scripts/playlistBundle.js';

const playlistsDir = resolve(import.meta.dirname, '../../playlists');
const HEX = 'a'.repeat(64);

function valid(): PlaylistInput {
  return {
    id: 'p',
    name: 'P',
    schedule: { timezone: 'Europe/Paris', from: '2026-12-01T00:00', until: '2026-12-24T18:00', days: [1, 2], hours: [{ start: '08:30', end: '12:00' }] },
    items: [
      { id: 'img', type: 'image', duration: 10, src: 'media/a.png', sha256: HEX, bytes: 10 },
      { id: 'vid', type: 'video', src: 'https://cdn.example.org/v.mp4', sha256: HEX, captions: [{ lang: 'fr', src: 'v.fr.vtt', sha256: HEX }] },
      { id: 'txt', type: 'text', duration: 8, title: 'Titre', body: 'Corps' },
      { id: 'wait', type: 'wait', duration: 12, service: 'etat-civil', when: { waitMinutes: { min: 15 } } },
    ],
  };
}

function errorOf(mutate: (p: any) => void): string {
  const playlist = structuredClone(valid());
  mutate(playlist);
  const parsed = parseWith(Playlist, playlist);
  if (parsed.ok) throw new Error('expected the playlist to be refused');
  return parsed.error;
}

describe('playlist schema (protocol §1)', () => {
  it('accepts the example shape, ignores unknown fields and defaults priority to 0', () => {
    const parsed = parseWith(Playlist, { ...valid(), extra: { anything: true } });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value.priority).toBe(0);
  });

  it('parses every bundled playlist', () => {
    const files = listPlaylistFiles(playlistsDir);
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const parsed = parseWith(Playlist, JSON.parse(readFileSync(file, 'utf8')));
      expect(parsed, file).toEqual(expect.objectContaining({ ok: true }));
    }
  });

  const malformed: [string, (p: any) => void, string][] = [
    ['sha256 not hex', (p) => (p.items[0].sha256 = 'xyz'), 'items[0].sha256: expected 64 hex characters'],
    ['sha256 missing', (p) => delete p.items[1].sha256, 'items[1].sha256:'],
    ['caption sha256 short', (p) => (p.items[1].captions[0].sha256 = 'abc'), 'items[1].captions[0].sha256: expected 64 hex characters'],
    ['unknown type', (p) => (p.items[2].type = 'slide'), 'items[2].type: expected type to be one of image, video, text, wait'],
    ['image without duration', (p) => delete p.items[0].duration, 'items[0].duration:'],
    ['negative duration', (p) => (p.items[2].duration = -1), 'items[2].duration: expected a duration in seconds > 0'],
    ['text without title', (p) => delete p.items[2].title, 'items[2].title:'],
    ['wait without service', (p) => delete p.items[3].service, 'items[3].service:'],
    ['bad id', (p) => (p.id = 'hello world'), 'id: expected 1 to 64 characters'],
    ['item id too long', (p) => (p.items[0].id = 'x'.repeat(65)), 'items[0].id: expected 1 to 64 characters'],
    ['duplicate item id', (p) => (p.items[1].id = 'img'), 'items[1].id: duplicate item id "img"'],
    ['priority not integer', (p) => (p.priority = 1.5), 'priority: expected an integer priority'],
    ['src javascript:', (p) => (p.items[0].src = 'javascript:alert(1)'), 'items[0].src: expected an http(s) URL or a relative path'],
    ['src protocol-relative', (p) => (p.items[0].src = '//evil.example/x.png'), 'items[0].src:'],
    ['bytes negative', (p) => (p.items[0].bytes = -5), 'items[0].bytes:'],
    ['unknown zone', (p) => (p.schedule.timezone = 'Europe/Lutece'), 'schedule.timezone: unknown time zone'],
    ['from not a date', (p) => (p.schedule.from = '1er décembre'), 'schedule.from: expected a local date-time'],
    ['from impossible date', (p) => (p.schedule.from = '2026-02-30T08:00'), 'schedule.from: not a real date and time'],
    ['until before from', (p) => (p.schedule.until = '2026-11-01T00:00'), 'schedule.until: must be after from'],
    ['weekday 0', (p) => (p.schedule.days = [0, 1]), 'schedule.days[0]: expected an ISO weekday'],
    ['weekday 8', (p) => (p.schedule.days = [1, 8]), 'schedule.days[1]: expected an ISO weekday'],
    ['empty days', (p) => (p.schedule.days = []), 'schedule.days: expected at least one weekday'],
    ['hour 25', (p) => (p.schedule.hours[0].start = '25:00'), 'schedule.hours[0].start: expected a local time'],
    ['hour 24:30', (p) => (p.schedule.hours[0].end = '24:30'), 'schedule.hours[0].end: expected a local time'],
    ['item schedule bad', (p) => (p.items[0].schedule = { hours: [{ start: '8h', end: '9h' }] }), 'items[0].schedule.hours[0].start:'],
    ['wait range inverted', (p) => (p.items[3].when.waitMinutes = { min: 20, max: 10 }), 'items[3].when.waitMinutes.max: must be greater than min'],
    ['items not a list', (p) => (p.items = {}), 'items: expected a list of items'],
    ['caption lang bad', (p) => (p.items[1].captions[0].lang = 'français'), 'items[1].captions[0].lang:'],
  ];

  it.each(malformed)('refuses %s, naming the path', (_name, mutate, expected) => {
    expect(errorOf(mutate)).toContain(expected);
  });

  it('refuses a non-object with a clear error', () => {
    expect(parseWith(Playlist, 42)).toEqual({ ok: false, error: '(root): expected a playlist object' });
  });

  it('has an up-to-date JSON Schema, referenced by every bundled playlist', () => {
    const committed = readFileSync(join(playlistsDir, 'playlist.schema.json'), 'utf8');
    expect(committed, 'playlists/playlist.schema.json is stale: run npm run schema').toBe(playlistJsonSchemaText());
    for (const file of listPlaylistFiles(playlistsDir)) {
      expect(JSON.parse(readFileSync(file, 'utf8')).$schema, file).toBe('../playlist.schema.json');
    }
  });
});

describe('bundled media', () => {
  it('every bundled file has the sha256 and size its playlist says', () => {
    const built = buildBundle(playlistsDir);
    expect(built.errors).toEqual([]);
    let checked = 0;
    for (const file of listPlaylistFiles(playlistsDir)) {
      const playlist = JSON.parse(readFileSync(file, 'utf8')) as { items: { src?: string; sha256?: string; captions?: { src: string; sha256: string }[] }[] };
      for (const item of playlist.items) {
        for (const entry of [item, ...(item.captions ?? [])]) {
          if (!entry.src || !entry.sha256) continue;
          expect(sha256File(join(file, '..', entry.src)), `${file}: ${entry.src}`).toBe(entry.sha256);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it('has a town hall and a clinic bundle, with a captioned video and dated schedules', () => {
    const { index } = buildBundle(playlistsDir);
    expect(index.bundles.map((b) => b.id).sort()).toEqual(['clinique', 'mairie']);
    const all = listPlaylistFiles(playlistsDir).map((f) => Playlist.parse(JSON.parse(readFileSync(f, 'utf8'))));
    expect(all.some((p) => p.items.some((i) => i.type === 'video' && i.captions?.some((c) => c.lang === 'fr')))).toBe(true);
    expect(all.some((p) => p.schedule?.days && p.schedule.hours)).toBe(true);
    expect(all.some((p) => p.schedule?.from && p.schedule.until)).toBe(true);
  });
});
