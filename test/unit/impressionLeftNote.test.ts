import { describe, expect, it } from 'vitest';
import { endOfOrphan, HEARTBEAT_MS } from '../../src/renderer/impressionLog.js';
import type { PlayingRecord } from '../../src/renderer/db.js';

/** A showing left in `playing` by a page that is gone: its end is its last heartbeat. */
const orphan = (id: string, start: string, lastHeartbeat: string): PlayingRecord => ({
  key: 'current',
  id,
  screenId: 'e1',
  playlistId: 'p',
  itemId: 'i',
  revision: 'r',
  start,
  end: lastHeartbeat,
  durationMs: Date.parse(lastHeartbeat) - Date.parse(start),
  complete: false,
});

describe('the end of a showing left on screen by a page that is gone', () => {
  const id = '0190e0a0-0000-7000-8000-000000000001';
  const record = orphan(id, '2026-12-05T10:00:00.000Z', '2026-12-05T10:00:10.000Z');
  const heartbeat = Date.parse(record.end);

  it('is the moment its page noted leaving, when the note names it and comes soon after its last heartbeat', () => {
    expect(endOfOrphan(record, { at: heartbeat + 4_000, ids: ['other', id] })).toBe(heartbeat + 4_000);
    expect(endOfOrphan(record, { at: heartbeat, ids: [id] })).toBe(heartbeat);
    expect(endOfOrphan(record, { at: heartbeat + 2 * HEARTBEAT_MS, ids: [id] })).toBe(heartbeat + 2 * HEARTBEAT_MS);
  });

  it('is its last heartbeat after a crash (no note), for a note about other showings, a note too late (a clock set forward, an older page) or before it', () => {
    expect(endOfOrphan(record, null)).toBe(heartbeat);
    expect(endOfOrphan(record, { at: heartbeat + 4_000, ids: ['0190e0a0-0000-7000-8000-000000000002'] })).toBe(heartbeat);
    expect(endOfOrphan(record, { at: heartbeat + 2 * HEARTBEAT_MS + 1, ids: [id] })).toBe(heartbeat);
    expect(endOfOrphan(record, { at: heartbeat - 1, ids: [id] })).toBe(heartbeat);
  });
});
