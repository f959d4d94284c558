import { describe, expect, it } from 'vitest';
import { DownloadPace, PACE_CREDIT_MS } from '../../src/shared/downloadPace.js';

// The pace shared by the downloads under way (web player's cache, kiosk's file store), on a clock the test moves.

function paced(cap: number | null): { pace: DownloadPace; clock: { now: number } } {
  const clock = { now: 1_000 };
  const pace = new DownloadPace({ performance: { now: () => clock.now }, setTimeout, clearTimeout });
  pace.set(cap);
  return { pace, clock };
}

describe('download pace', () => {
  it('without a pace, no download waits', () => {
    const { pace } = paced(null);
    expect(pace.wait(10_000_000)).toBe(0);
  });

  it('two downloads share one pace: what one receives, the other waits for too', () => {
    const { pace } = paced(1_000_000); // 1 MB/s
    // The credit's worth of bytes goes at once, then each waits for all received before it.
    expect(pace.wait(250_000)).toBe(250 - PACE_CREDIT_MS);
    expect(pace.wait(250_000)).toBe(500 - PACE_CREDIT_MS); // the other download
    expect(pace.wait(500_000)).toBe(1_000 - PACE_CREDIT_MS); // the first again
  });

  it('after a pause of the line, makes up for at most its credit of unused time', () => {
    const { pace, clock } = paced(1_000_000);
    pace.wait(100_000);
    clock.now += 60_000; // a minute with nothing received
    // The bytes that pass at once after it are at most those of PACE_CREDIT_MS.
    let free = 0;
    while (pace.wait(10_000) === 0) free += 10_000;
    expect(free).toBeLessThanOrEqual((1_000_000 * PACE_CREDIT_MS) / 1000);
    expect(free).toBeGreaterThan(0);
  });

  it("a download's wait ends when it is stopped, and one stopped before does not wait", async () => {
    const { pace } = paced(1_000);
    const stop = new AbortController();
    const waited = pace.sleep(60_000, stop.signal);
    let over = false;
    void waited.then(() => (over = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(over).toBe(false);
    stop.abort();
    await waited;
    await pace.sleep(60_000, stop.signal);
  });

  it('the pace set to none lets every download go at once', () => {
    const { pace } = paced(1_000_000);
    expect(pace.wait(1_000_000)).toBe(1_000 - PACE_CREDIT_MS);
    pace.set(null);
    expect(pace.wait(1_000_000)).toBe(0);
  });

  it('a download takes its bytes from the pace: it waits its turn only when it has one to wait, and names the wait', async () => {
    const { pace } = paced(10_000_000); // 10 MB/s
    const steps: string[] = [];
    const stop = new AbortController();
    await pace.take(500_000, stop.signal, (step) => steps.push(step)); // 50 ms of bytes, within the credit: no wait
    expect(steps).toEqual([]);
    const started = performance.now();
    await pace.take(1_500_000, stop.signal, (step) => steps.push(step)); // 100 ms of bytes beyond the credit
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(steps).toEqual(['its turn (downloads go slower while a video plays)', 'bytes from the server']);
  });
});
