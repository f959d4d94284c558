import { describe, expect, it } from 'vitest';
import { offerAgainAt, SET_ASIDE_MAX_WAIT_MS } from '../../src/renderer/outboxSender.js';

// When an impression the hub refused by name is offered to it again (the rest of the outbox went on meanwhile).

const T = Date.UTC(2026, 11, 3, 9);

describe('impressions set aside', () => {
  it('are offered again at the next connection after a first refusal, then after waits that grow to a day', () => {
    const error = 'impressions[3].revision: refused by this hub';
    expect(offerAgainAt({ error, at: T, refusals: 1 })).toBe(T);
    // A record from before refusals were counted: as after one.
    expect(offerAgainAt({ error, at: T })).toBe(T);
    const waits = [2, 3, 4, 5, 6, 7, 8, 12].map((refusals) => offerAgainAt({ error, at: T, refusals })! - T);
    expect(waits.slice(0, 3)).toEqual([15 * 60_000, 60 * 60_000, 4 * 60 * 60_000]);
    for (let k = 1; k < waits.length; k++) expect(waits[k]).toBeGreaterThanOrEqual(waits[k - 1]!);
    expect(Math.max(...waits)).toBe(SET_ASIDE_MAX_WAIT_MS);
  });

  it('are never offered again when refused for their screen (§3: no screen writes another screen\'s proof of play)', () => {
    expect(offerAgainAt({ error: 'impressions[0].screenId: expected "accueil-2", the screen of this connection', at: T, refusals: 1 })).toBeNull();
  });
});
