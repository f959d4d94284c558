import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Impression } from '../../src/shared/impression.js';

/** `count` impressions of 8 s each, one after the other from `from`: a backlog as if played while nobody listened. */
export function backlogOf(screenId: string, count: number, playlistId = 'arriere', from = Date.UTC(2026, 10, 1, 8)): Impression[] {
  return Array.from({ length: count }, (_, k) => {
    const start = from + k * 8_000;
    return {
      id: randomUUID(),
      screenId,
      playlistId,
      itemId: `item-${k % 7}`,
      revision: 'r0',
      start: new Date(start).toISOString(),
      end: new Date(start + 8_000).toISOString(),
      durationMs: 8_000,
      complete: true,
    };
  });
}

/**
 * Checks that showings (sorted by start) follow one another without overlapping (none stored
 * twice) and with gaps under a second; answers the share of [from, to) they cover.
 */
export function expectContiguous(showings: readonly Pick<Impression, 'start' | 'end' | 'durationMs'>[], from: number, to: number): number {
  let covered = 0;
  for (let k = 0; k < showings.length; k++) {
    const showing = showings[k]!;
    if (k > 0) {
      const gap = Date.parse(showing.start) - Date.parse(showings[k - 1]!.end);
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThan(1_000);
    }
    expect(showing.durationMs).toBe(Date.parse(showing.end) - Date.parse(showing.start));
    covered += Math.max(0, Math.min(to, Date.parse(showing.end)) - Math.max(from, Date.parse(showing.start)));
  }
  return covered / (to - from);
}
