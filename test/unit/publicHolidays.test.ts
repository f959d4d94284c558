import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/hub/cli.js';
import { holidayClosures } from '../../src/hub/publicHolidays.js';
import { decidePower, PowerSchedule } from '../../src/shared/powerSchedule.js';

/** Public holidays as closures of a power schedule (date-holidays' calendar), and `antichambre-hub power holidays`. */

async function cli(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)));
  const error = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void err.push(String(line)));
  process.exitCode = 0;
  try {
    await main(args);
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out: out.join('\n'), err: err.join('\n'), code };
}

describe('public holidays as closures', () => {
  it('France 2027: the eleven public holidays, Easter Monday and Ascension where Easter puts them; Moselle adds Good Friday and 26 December', () => {
    const france = holidayClosures(2027, 'FR');
    expect(france.map((h) => h.closure.from!.slice(0, 10))).toEqual(['2027-01-01', '2027-03-29', '2027-05-01', '2027-05-06', '2027-05-08', '2027-05-17', '2027-07-14', '2027-08-15', '2027-11-01', '2027-11-11', '2027-12-25']);
    expect(france[1]).toEqual({ name: 'Lundi de Pâques', closure: { from: '2027-03-29T00:00', until: '2027-03-30T00:00' } });
    expect(france.at(-1)!.closure).toEqual({ from: '2027-12-25T00:00', until: '2027-12-26T00:00' });
    const moselle = holidayClosures(2027, 'FR', '57').map((h) => h.closure.from!.slice(0, 10));
    expect(moselle).toHaveLength(13);
    expect(moselle).toContain('2027-03-26');
    expect(moselle).toContain('2027-12-26');
    expect(() => holidayClosures(2027, 'XX')).toThrow('--country XX: not a country');
    expect(() => holidayClosures(2027, 'FR', '75')).toThrow(/--region 75: not a region of FR \(57, 67, 68/);
  });

  it('a town hall open on weekdays is asleep all Easter Monday (a weekday), in its own zone', () => {
    const power = PowerSchedule.parse({ open: [{ days: [1, 2, 3, 4, 5], hours: [{ start: '08:30', end: '17:30' }] }], closed: holidayClosures(2027, 'FR').map((h) => h.closure) });
    const d = decidePower({ power, playlists: [], timezone: 'Europe/Paris', now: Date.parse('2027-03-29T10:00:00+02:00'), urgentAlert: false });
    expect(d.on).toBe(false);
    expect(new Date(d.wakesAt!).toISOString()).toBe('2027-03-30T06:30:00.000Z'); // Tuesday 08:30 CEST
  });

  it('the CLI prints them, or adds them to a schedule file once (run twice, nothing doubles)', async () => {
    const printed = await cli('power', 'holidays', '2027');
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.out)).toHaveLength(11);
    expect(printed.err).toContain('2027-07-14  Fête Nationale de la France');
    const dir = mkdtempSync(join(tmpdir(), 'antichambre-holidays-'));
    const file = join(dir, 'horaires.json');
    writeFileSync(file, JSON.stringify({ open: [{ days: [1, 2, 3, 4, 5], hours: [{ start: '08:30', end: '17:30' }] }], closed: [{ from: '2027-12-24T12:00', until: '2027-12-27T00:00' }] }));
    const first = await cli('power', 'holidays', '2027', '--region', '57', '--into', file);
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toMatch(/horaires\.json: 13 holiday\(s\) added to "closed" \(2027-01-01 Nouvel An, .*2027-03-26 Vendredi saint/);
    const again = await cli('power', 'holidays', '2027', '--region', '57', '--into', file);
    expect(again.out).toContain('0 holiday(s) added to "closed", all already there');
    const written = PowerSchedule.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(written.closed).toHaveLength(14);
    expect(written.closed![0]).toEqual({ from: '2027-12-24T12:00', until: '2027-12-27T00:00' });
    expect((await cli('power', 'holidays', 'soon')).code).toBe(64);
  });
});
