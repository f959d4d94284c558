import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RelaunchHistory } from '../../src/main/relaunchHistory.js';

const MIN = 60_000;

describe('relaunch history (real files)', () => {
  it('allows 3 relaunches in 30 minutes, across restarts of the app, then holds back until the window has passed', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'relaunch-')), 'relaunches.json');
    const t0 = Date.UTC(2026, 11, 1, 9);
    // Each relaunch is a new process: a new instance reading the same file.
    expect(new RelaunchHistory(file).allow(t0)).toBe(true);
    expect(new RelaunchHistory(file).allow(t0 + 1 * MIN)).toBe(true);
    expect(new RelaunchHistory(file).allow(t0 + 2 * MIN)).toBe(true);
    expect(new RelaunchHistory(file).allow(t0 + 3 * MIN)).toBe(false);
    expect(new RelaunchHistory(file).allow(t0 + 29 * MIN)).toBe(false);
    expect(new RelaunchHistory(file).allow(t0 + 30 * MIN + 1)).toBe(true);
  });

  it('a damaged or unwritable file never stops the recovery', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relaunch-'));
    const file = join(dir, 'relaunches.json');
    writeFileSync(file, '{not json');
    expect(new RelaunchHistory(file).allow(Date.now())).toBe(true);
    // A folder where the file should be: nothing can be written, relaunching stays allowed.
    const blocked = new RelaunchHistory(join(file, 'under-a-file.json'));
    for (let k = 0; k < 5; k++) expect(blocked.allow(Date.now() + k)).toBe(true);
  });
});
