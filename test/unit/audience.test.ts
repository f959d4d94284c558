import { describe, expect, it } from 'vitest';
import { WaitingHistory } from '../../src/shared/audience.js';
import type { QueueEvent } from '../../src/shared/queue.js';
import { WaitForecaster } from '../../src/shared/waitForecast.js';
import { SCENARIOS, simulateDay } from '../../bench/waitSim.js';

const MIN = 60_000;

describe('audience of an impression (§3)', () => {
  it('is the time-weighted mean of the people waiting over its interval', () => {
    const history = new WaitingHistory();
    history.record(0, 2);
    history.record(10 * MIN, 6);
    history.record(15 * MIN, 4);
    expect(history.meanOver(0, 10 * MIN)).toBe(2);
    // 5 min at 2, 5 min at 6: 4 people on average.
    expect(history.meanOver(5 * MIN, 15 * MIN)).toBe(4);
    expect(history.meanOver(12 * MIN, 20 * MIN)).toBe((3 * 6 + 5 * 4) / 8);
    // Before any queue data: none.
    expect(new WaitingHistory().meanOver(0, MIN)).toBeUndefined();
    expect(history.meanOver(-2 * MIN, -MIN)).toBeUndefined();
  });

  it('a ticket system gone quiet: tickets never called leave the queue and the audience 4 hours after their issue, not at the next event', () => {
    const forecaster = new WaitForecaster();
    const T = Date.parse('2026-12-04T17:00:00.000Z');
    const at = (minutes: number) => new Date(T + minutes * MIN).toISOString();
    forecaster.add([
      { type: 'counter', counter: '1', open: true, services: ['titres'], at: at(0) },
      { type: 'issued', ticket: 'A1', service: 'titres', at: at(0) },
      { type: 'issued', ticket: 'A2', service: 'titres', at: at(30) },
    ], false);
    // Nothing comes after: as of 5 hours later, both are gone, each at its own 4 hours.
    forecaster.forgetStale(T + 5 * 60 * MIN);
    expect(forecaster.model.waiting.size).toBe(0);
    expect(forecaster.waiting.meanOver(T + 60 * MIN, T + 120 * MIN)).toBe(2);
    expect(forecaster.waiting.meanOver(T + 230 * MIN, T + 250 * MIN)).toBe(1.5);
    expect(forecaster.waiting.meanOver(T + 270 * MIN, T + 300 * MIN)).toBe(0);
    // Before their 4 hours nothing leaves.
    const early = new WaitForecaster();
    early.add([{ type: 'issued', ticket: 'B1', service: 'titres', at: at(0) }], false);
    early.forgetStale(T + 3 * 60 * MIN);
    expect(early.model.waiting.size).toBe(1);
  });

  it('a replayed morning: each minute\'s audience matches the count of tickets issued and not yet called or cancelled, within 0.1 person', () => {
    const day = simulateDay(SCENARIOS[0]!, 3);
    const forecaster = new WaitForecaster();
    const start = SCENARIOS[0]!.day + (8 * 60 + 40) * MIN;
    const events = day.events.filter((e) => Date.parse(e.at) < start + 3 * 60 * MIN);
    forecaster.add(events, false);
    // The truth, from the events alone: waiting = issued - called - cancelled - passed over (the model's rule), sampled every second.
    for (let minute = 0; minute < 180; minute += 7) {
      const from = start + minute * MIN;
      let sum = 0;
      for (let s = 0; s < 60; s++) sum += waitingAt(events, from + s * 1000 + 500);
      expect(Math.abs(forecaster.waiting.meanOver(from, from + MIN)! - sum / 60)).toBeLessThanOrEqual(0.1);
    }
  });
});

/** Tickets issued at or before t and neither called, cancelled nor passed over (an older ticket of its service still waiting when a newer one is called) by then. */
function waitingAt(events: readonly QueueEvent[], t: number): number {
  const waiting = new Map<string, { service: string; at: number }>();
  for (const e of [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    if (Date.parse(e.at) > t) break;
    if (e.type === 'issued') waiting.set(e.ticket, { service: e.service, at: Date.parse(e.at) });
    else if (e.type === 'cancelled') waiting.delete(e.ticket);
    else if (e.type === 'called') {
      const ticket = waiting.get(e.ticket);
      waiting.delete(e.ticket);
      if (ticket) for (const [id, other] of waiting) if (other.service === ticket.service && other.at < ticket.at) waiting.delete(id);
    }
  }
  return waiting.size;
}
