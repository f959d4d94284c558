import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Playlist } from '../../src/shared/playlist.js';
import { layoutPreset } from '../../src/shared/layoutPresets.js';
import { timeline, timelineByZone } from '../../src/shared/timeline.js';
import { loadPlaylists, loadPower, parseArgs, sleepLines } from '../../scripts/schedulePreview.js';

const root = resolve(import.meta.dirname, '../..');
const text = (id: string, duration: number) => ({ id, type: 'text' as const, duration, title: id });

const low = Playlist.parse({ id: 'low', items: [text('l1', 600)] });
const high = Playlist.parse({ id: 'high', priority: 1, schedule: { timezone: 'Europe/Paris', hours: [{ start: '09:00', end: '10:00' }] }, items: [text('h1', 1500)] });
const from = Date.parse('2026-11-25T08:55:00+01:00');
const until = Date.parse('2026-11-25T10:30:00+01:00');

describe('timeline (what a screen will play)', () => {

  it('plays each item for its duration, cuts at the boundary, covers the interval without a hole', () => {
    const segments = timeline({ playlists: [low, high], timezone: 'Europe/Paris', from, until });
    const iso = (t: number) => new Date(t).toISOString().slice(11, 16);
    expect(segments.map((s) => `${iso(s.start)}-${iso(s.end)} ${s.itemId}${s.complete ? '' : ' cut'}`)).toEqual([
      '07:55-08:00 l1 cut',
      '08:00-08:25 h1',
      '08:25-08:50 h1',
      '08:50-09:00 h1 cut',
      '09:00-09:10 l1',
      '09:10-09:20 l1',
      '09:20-09:30 l1',
    ]);
  });

  it('shows idle where nothing plays', () => {
    const segments = timeline({ playlists: [high], timezone: 'Europe/Paris', from: Date.parse('2026-11-25T10:00:00+01:00'), until: Date.parse('2026-11-25T11:00:00+01:00') });
    expect(segments).toEqual([{ start: Date.parse('2026-11-25T10:00:00+01:00'), end: Date.parse('2026-11-25T11:00:00+01:00'), playlistId: null, itemId: null, complete: true }]);
  });
});

describe('timeline per zone (§6)', () => {
  it('schedules each zone with its own playlists; queue zones have no segments; without a layout, main alone', () => {
    const ticker = Playlist.parse({ id: 'breves', zone: 'bandeau', items: [text('b1', 1200)] });
    const layout = layoutPreset('carrousel-file-bandeau').make(['etat-civil']);
    const zones = timelineByZone({ playlists: [low, high, ticker], timezone: 'Europe/Paris', from, until, layout });
    expect(zones.map((z) => [z.zone.id, [...new Set(z.segments.map((s) => s.playlistId))]])).toEqual([
      ['main', ['low', 'high']],
      ['file', []],
      ['bandeau', ['breves']],
    ]);
    expect(zones[0]!.segments).toEqual(timeline({ playlists: [low, high], timezone: 'Europe/Paris', from, until }));
    expect(timelineByZone({ playlists: [low], timezone: 'Europe/Paris', from, until }).map((z) => z.zone.id)).toEqual(['main']);
  });
});

describe('npm run schedule', () => {
  it('prints a line per minute with the playlists and items on screen', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/schedulePreview.ts', 'playlists/mairie', '--at', '2026-12-24T11:58', '--tz', 'Europe/Paris', '--for', '3m'], { cwd: root, encoding: 'utf8' });
    // The town hall's carousel (zone main); its ticker (zone bandeau) is printed after it.
    const lines = out.trim().split('\n\nZone bandeau\n')[0]!.split('\n').filter((line) => line && line !== 'Zone main');
    expect(out).toContain('Zone bandeau\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^jeu\. 24 déc\. 11:58 .*mairie-guichets/);
    expect(lines[3]).toMatch(/^jeu\. 24 déc\. 12:00 /);
    expect(lines[3]).not.toContain('mairie-guichets'); // the office closes at noon
    expect(lines[3]).toContain('mairie-fetes');
  });

  it('--power: the stretches the screen sleeps within the preview, in its local time, across the autumn change', () => {
    expect(parseArgs(['playlists', '--at', '2026-10-24T10:00', '--power', 'h.power.json']).power).toBe('h.power.json');
    const dir = mkdtempSync(join(tmpdir(), 'antichambre-preview-power-'));
    writeFileSync(join(dir, 'h.power.json'), JSON.stringify({ open: [{ days: [1, 2, 3, 4, 5], hours: [{ start: '08:30', end: '17:30' }] }] }));
    const power = loadPower(join(dir, 'h.power.json'));
    const from = Date.parse('2026-10-23T12:00:00+02:00'); // Friday noon
    const lines = sleepLines(power, [], 'Europe/Paris', from, from + 4 * 86_400_000);
    expect(lines).toEqual([
      '  ven. 23 oct. 17:30 → lun. 26 oct. 08:30  en veille, 64.0 h', // an hour more: the clocks went back
      '  lun. 26 oct. 17:30 → mar. 27 oct. 08:30  en veille, 15.0 h',
    ]);
    writeFileSync(join(dir, 'bad.power.json'), JSON.stringify({ open: 'toujours' }));
    expect(() => loadPower(join(dir, 'bad.power.json'))).toThrow(/bad\.power\.json: open: expected "playlists" or a list of schedules/);
    expect(() => loadPower(join(dir, 'none.power.json'))).toThrow('none.power.json: no such file');
  });

  it('names what is wrong', () => {
    expect(() => parseArgs(['playlists'])).toThrow('--at is required');
    expect(() => parseArgs(['playlists', '--at', '2026-13-01T10:00'])).toThrow('--at: not a real date and time');
    expect(() => parseArgs(['playlists', '--at', '2026-12-01T10:00', '--tz', 'Mars/Olympus'])).toThrow('--tz: unknown time zone');
    expect(() => parseArgs(['playlists', '--at', '2026-12-01T10:00', '--for', 'soon'])).toThrow('--for: expected a length');
    expect(() => loadPlaylists(['nowhere.json'])).toThrow('nowhere.json: no such file or folder');
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/schedulePreview.ts', 'test/fixtures/bad-playlist.json', '--at', '2026-12-01T10:00'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('test/fixtures/bad-playlist.json: items[0].duration: expected a duration in seconds > 0');
  });
});
