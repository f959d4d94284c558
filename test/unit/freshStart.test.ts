import { describe, expect, it } from 'vitest';
import { freshStartMedia } from '../../src/shared/freshStart.js';
import { Layout } from '../../src/shared/layout.js';
import { Playlist, type PlaylistInput } from '../../src/shared/playlist.js';
import { PowerSchedule } from '../../src/shared/powerSchedule.js';

const PARIS = 'Europe/Paris';
const at = (iso: string) => Date.parse(iso);
const sha = (c: string) => c.repeat(64);

const image = (id: string, c: string, extra: { schedule?: { hours: { start: string; end: string }[] }; qr?: { url: string; label?: string } } = {}) => ({ id, type: 'image' as const, src: `media/${id}.png`, sha256: sha(c), duration: 10, ...extra });

// Office hours first (weekdays 08:30-12:00), then an always-on playlist whose first item plays only in the afternoon.
const OFFICE = Playlist.parse({ id: 'guichets', schedule: { timezone: PARIS, days: [1, 2, 3, 4, 5], hours: [{ start: '08:30', end: '12:00' }] }, items: [image('ticket', 'a')] } satisfies PlaylistInput);
const ALWAYS = Playlist.parse({
  id: 'accueil',
  items: [image('apres-midi', 'b', { schedule: { hours: [{ start: '14:00', end: '18:00' }] } }), { id: 'bienvenue', type: 'text', title: 'Bienvenue', duration: 10 }, image('horaires', 'c', { qr: { url: 'https://example.fr', label: 'En ligne' } })],
} satisfies PlaylistInput);
const SIDE = Playlist.parse({ id: 'cote', zone: 'cote', items: [{ id: 'video', type: 'video', src: 'media/v.webm', sha256: sha('d') }] } satisfies PlaylistInput);
const TICKER = Playlist.parse({ id: 'bandeau', zone: 'bandeau', items: [{ id: 'info', type: 'text', title: 'Info', duration: 10 }] } satisfies PlaylistInput);
const LAYOUT = Layout.parse({
  id: 'trois',
  zones: [
    { id: 'main', kind: 'playlist', x: 0, y: 0, width: 70, height: 90 },
    { id: 'cote', kind: 'playlist', x: 70, y: 0, width: 30, height: 90 },
    { id: 'bandeau', kind: 'ticker', x: 0, y: 90, width: 100, height: 10 },
  ],
});

describe('what a fresh player shows first (freshStartMedia)', () => {
  it('is the first playable item of the first playlist on now, in the whole screen without a layout, until the next schedule change', () => {
    const media = freshStartMedia({ playlists: [OFFICE, ALWAYS] }, at('2026-12-02T10:00:00+01:00'), PARIS);
    expect(media.files).toEqual([{ zone: 'main', sha256: sha('a'), video: false, box: { x: 0, y: 0, width: 100, height: 100 } }]);
    expect(media.decidedAt).toBe(at('2026-12-02T10:00:00+01:00'));
    expect(media.paintUntil).toBe(at('2026-12-02T12:00:00+01:00'));
  });

  it('skips an item out of its hours and gives nothing to paint for a text item', () => {
    // Wednesday 13:00: office closed, the afternoon image not yet: the first playable item is a text (no file).
    expect(freshStartMedia({ playlists: [OFFICE, ALWAYS] }, at('2026-12-02T13:00:00+01:00'), PARIS)).toMatchObject({ files: [], paintUntil: at('2026-12-02T14:00:00+01:00') });
    // 15:00: the afternoon image.
    expect(freshStartMedia({ playlists: [OFFICE, ALWAYS] }, at('2026-12-02T15:00:00+01:00'), PARIS).files.map((f) => f.sha256)).toEqual([sha('b')]);
  });

  it('names each playlist zone of the layout with its box (a video is read ahead, not painted; a ticker has none), and an image with its QR band', () => {
    const saturday = freshStartMedia({ playlists: [OFFICE, Playlist.parse({ ...ALWAYS, items: ALWAYS.items.slice(2) }), SIDE, TICKER], layout: LAYOUT }, at('2026-12-05T10:00:00+01:00'), PARIS);
    expect(saturday.files).toEqual([
      { zone: 'main', sha256: sha('c'), video: false, qr: { label: 'En ligne' }, box: { x: 0, y: 0, width: 70, height: 90 } },
      { zone: 'cote', sha256: sha('d'), video: true, box: { x: 70, y: 0, width: 30, height: 90 } },
    ]);
  });

  it('paints nothing while the power schedule has the screen asleep, and stops at its next sleep', () => {
    const power = PowerSchedule.parse({ open: [{ days: [1, 2, 3, 4, 5], hours: [{ start: '08:00', end: '18:00' }] }] });
    const night = freshStartMedia({ playlists: [ALWAYS], power }, at('2026-12-02T20:00:00+01:00'), PARIS);
    expect(night).toEqual({ files: [], decidedAt: at('2026-12-02T20:00:00+01:00'), paintUntil: 0 });
    const day = freshStartMedia({ playlists: [ALWAYS], power }, at('2026-12-02T15:00:00+01:00'), PARIS);
    expect(day.files.map((f) => f.sha256)).toEqual([sha('b')]);
    expect(day.paintUntil).toBe(at('2026-12-02T18:00:00+01:00'));
  });
});
