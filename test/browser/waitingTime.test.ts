import { describe, expect, it } from 'vitest';
import type { QueueEvent, WaitEstimate } from '../../src/shared/queue.js';
import { QueueModel } from '../../src/shared/queueModel.js';
import { estimateWait } from '../../src/shared/waitEstimator.js';
import { WaitForecaster } from '../../src/shared/waitForecast.js';
import { SCENARIOS, simulateDay } from '../../bench/waitSim.js';
import { newPlayerPage, onScreen, waitForItem } from '../support/browser.js';
import { useHubAndSite } from '../support/hubSuite.js';
import { addScreen, adminApi, hubCli } from '../support/hubProcess.js';

const { browser, hub, site, playerUrl } = useHubAndSite(
  [
    {
      id: 'salle',
      items: [
        { id: 'tableau', type: 'wait', duration: 3, service: 'etat-civil' },
        { id: 'en-ligne', type: 'text', duration: 3, title: 'Faites vos démarches en ligne', when: { waitMinutes: { min: 15 } } },
      ],
    },
  ],
  'bundle-attente',
);

async function siteToken(siteId: string): Promise<string> {
  const result = await hubCli(hub, ['site', 'token', siteId]);
  return /Bearer (\S+)"/.exec(result.stdout)![1]!;
}

async function post(siteId: string, token: string, events: QueueEvent[]): Promise<{ status: number; body: { stored: number; duplicates: number } }> {
  const response = await fetch(`${hub.url}/api/sites/${siteId}/queue`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
  return { status: response.status, body: (await response.json()) as { stored: number; duplicates: number } };
}

async function hubEstimates(screen: string): Promise<WaitEstimate[]> {
  return (await adminApi<{ estimates: WaitEstimate[] }>(hub, 'GET', `/api/screens/${screen}/wait`)).body.estimates;
}

/** Until the hub sees the screen connected: events posted before would reach it only as the last 12 h sent at its hello. */
async function untilOnline(screenId: string): Promise<void> {
  await expect.poll(async () => (await adminApi<{ screens: { id: string; online: boolean }[] }>(hub, 'GET', '/api/screens')).body.screens.find((s) => s.id === screenId)?.online, { timeout: 10_000 }).toBe(true);
}

describe('waiting time through the hub', () => {
  it('a simulated morning replayed through the hub: the player reports the pure estimator’s estimates, as of event time', async () => {
    const token = await addScreen(hub, 'attente-1', 'mairie-ouest');
    const ticketSystem = await siteToken('mairie-ouest');
    expect((await post('mairie-ouest', 'wrong', [])).status).toBe(401);
    const { context, page } = await newPlayerPage(browser());
    await page.goto(playerUrl('attente-1', token));
    await untilOnline('attente-1');

    // The morning of a simulated town hall, in messages of 25 events.
    const day = simulateDay(SCENARIOS[0]!, 7);
    const morning = day.events.filter((e) => Date.parse(e.at) < SCENARIOS[0]!.day + 11 * 3_600_000);
    // The same forecaster in Node: the same events give the same estimates and ranges.
    const forecaster = new WaitForecaster();
    const expected: WaitEstimate[] = [];
    for (let k = 0; k < morning.length; k += 25) {
      const chunk = morning.slice(k, k + 25);
      const answer = await post('mairie-ouest', ticketSystem, chunk);
      expect(answer).toEqual({ status: 200, body: { stored: chunk.length, duplicates: 0, screens: 1 } });
      expected.push(...forecaster.receive(chunk).estimates);
    }
    // A repeat changes nothing.
    expect((await post('mairie-ouest', ticketSystem, morning.slice(0, 10))).body).toMatchObject({ stored: 0, duplicates: 10 });

    await expect.poll(async () => (await hubEstimates('attente-1')).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(expected.length);
    const reported = await hubEstimates('attente-1');
    const key = (e: WaitEstimate): string => `${e.service}@${e.asOf}`;
    const byKey = new Map(reported.map((e) => [key(e), e]));
    for (const estimate of expected) expect(byKey.get(key(estimate))).toEqual(estimate);

    // The hub keeps the realized waits beside them and judges the estimates.
    const accuracy = await hubCli(hub, ['accuracy', '--site', 'mairie-ouest']);
    expect(accuracy.stdout).toMatch(/etat-civil\s+\d+ estimates\s+MAE [\d.]+ min/);

    // The board shows the last called ticket and the service's estimate, the live one.
    await waitForItem(page, 'tableau', 15_000);
    const lastCall = [...morning].reverse().find((e) => e.type === 'called')! as Extract<QueueEvent, { type: 'called' }>;
    await expect.poll(() => page.textContent('[data-item-id="tableau"] .queue-call'), { timeout: 5_000 }).toContain(lastCall.ticket);
    // (As of the last event: the estimate sent for the ticket it issued, when it issued one.)
    const live = forecaster.current('etat-civil');
    expect(await page.getAttribute('[data-item-id="tableau"] [data-service="etat-civil"]', 'data-wait-minutes')).toBe(live ? String(live.minutes) : null);

    // Restarted mid-morning with no hub to send the events again: the queue comes back from IndexedDB.
    expect(live).not.toBeNull();
    await page.goto(site().url);
    await waitForItem(page, 'tableau', 15_000);
    expect(await page.textContent('[data-item-id="tableau"] .queue-call')).toContain(lastCall.ticket);
    expect(await page.getAttribute('[data-item-id="tableau"] [data-service="etat-civil"]', 'data-wait-minutes')).toBe(live ? String(live.minutes) : null);
    await context.close();
  });

  it('the board shows ranges; an item for waits of 15 min or more plays only while the estimate is that long', async () => {
    const token = await addScreen(hub, 'attente-2', 'mairie-sud');
    const ticketSystem = await siteToken('mairie-sud');
    const { context, page } = await newPlayerPage(browser());
    // The speakers are the edge: count the tones the page starts.
    await context.addInitScript(() => {
      const start = OscillatorNode.prototype.start;
      (window as unknown as { __tones: number }).__tones = 0;
      OscillatorNode.prototype.start = function (...args: Parameters<OscillatorNode['start']>) {
        (window as unknown as { __tones: number }).__tones++;
        return start.apply(this, args);
      };
    });
    await page.goto(playerUrl('attente-2', token, '&chime=on'));
    await waitForItem(page, 'tableau', 15_000);
    const t0 = Date.now() - 30 * 60_000;
    const at = (min: number): string => new Date(t0 + min * 60_000).toISOString();

    // One counter, five people waiting: about half an hour.
    const long: QueueEvent[] = [{ type: 'counter', counter: 'g1', open: true, services: ['etat-civil'], at: at(0) }, ...[1, 2, 3, 4, 5].map((k): QueueEvent => ({ type: 'issued', ticket: `A${k}`, service: 'etat-civil', at: at(k * 0.1) }))];
    await post('mairie-sud', ticketSystem, long);
    const model = new QueueModel();
    model.add(long);
    expect(estimateWait(model, 'etat-civil')!.minutes).toBeGreaterThanOrEqual(15);
    await waitForItem(page, 'en-ligne', 15_000);
    await waitForItem(page, 'tableau', 10_000);
    expect(await page.textContent('[data-item-id="tableau"] .queue-range')).toMatch(/^\d+ à \d+ min$|^plus d’\d h$/);

    // Four called quickly: a few minutes left; the targeted item no longer plays.
    const quick: QueueEvent[] = [1, 2, 3, 4].map((k): QueueEvent => ({ type: 'called', ticket: `A${k}`, counter: 'g1', at: at(1 + k) }));
    await post('mairie-sud', ticketSystem, quick);
    model.add(quick);
    expect(estimateWait(model, 'etat-civil')!.minutes).toBeLessThan(15);

    await expect.poll(() => page.getAttribute('[data-item-id="tableau"] [data-service="etat-civil"]', 'data-wait-minutes').catch(() => null), { timeout: 15_000 }).toBe(String(estimateWait(model, 'etat-civil')!.minutes));
    for (let k = 0; k < 8; k++) {
      expect(await onScreen(page)).not.toMatchObject({ itemId: 'en-ligne' });
      await new Promise((r) => setTimeout(r, 500));
    }
    // Now only the board plays: a ticket called while it is up is announced, with the chime.
    await waitForItem(page, 'tableau', 10_000);
    await post('mairie-sud', ticketSystem, [{ type: 'called', ticket: 'A5', counter: 'g1', at: at(6) }]);
    await expect.poll(() => page.textContent('[data-item-id="tableau"] .queue-call-new').catch(() => null), { timeout: 10_000 }).toContain('A5');
    await expect.poll(() => page.evaluate(() => (window as unknown as { __tones: number }).__tones), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);

    // The counter closes: no estimate, the board says so.
    await post('mairie-sud', ticketSystem, [{ type: 'counter', counter: 'g1', open: false, services: ['etat-civil'], at: at(10) }]);
    await expect.poll(() => page.textContent('[data-item-id="tableau"] .queue-range').catch(() => null), { timeout: 15_000 }).toBe('Service fermé');
    expect(await page.getAttribute('[data-item-id="tableau"] [data-service="etat-civil"]', 'data-wait-minutes')).toBeNull();
    await context.close();
  });

  it('the board says the wait is unavailable when realized waits keep falling outside its range, and gives a range again once they do not', async () => {
    const token = await addScreen(hub, 'attente-3', 'mairie-est');
    const ticketSystem = await siteToken('mairie-est');
    const { context, page } = await newPlayerPage(browser());
    await page.goto(playerUrl('attente-3', token));
    await waitForItem(page, 'tableau', 15_000);
    // Each event in turn reaches the player only once it is connected (the bundle's board shows before).
    await untilOnline('attente-3');
    // Each person alone in the queue, yet called an hour later: a counter open only on paper.
    const t0 = Date.now() - 20 * 3_600_000;
    const at = (min: number): string => new Date(t0 + min * 60_000).toISOString();
    const events: QueueEvent[] = [{ type: 'counter', counter: 'g1', open: true, services: ['etat-civil'], at: at(0) }];
    let minute = 1;
    for (let i = 0; i < 12; i++, minute += 61) events.push({ type: 'issued', ticket: `A${i}`, service: 'etat-civil', at: at(minute) }, { type: 'called', ticket: `A${i}`, counter: 'g1', at: at(minute + 60) });
    // Sent as the ticket system sends them: each event in turn (the player learns from the ranges it gave).
    for (const event of events) await post('mairie-est', ticketSystem, [event]);
    await waitForItem(page, 'tableau', 15_000);
    await expect.poll(() => page.textContent('[data-item-id="tableau"] [data-service="etat-civil"] .queue-range').catch(() => null), { timeout: 15_000 }).toBe('Attente indisponible');
    // §5: the estimate's minutes are still there (it is the one sent to the hub), marked as not trusted.
    const board = page.locator('[data-item-id="tableau"] [data-service="etat-civil"]');
    expect(await board.getAttribute('data-wait-trusted')).toBe('false');
    expect(await board.getAttribute('data-wait-minutes')).toMatch(/^\d+(\.\d)?$/);
    await context.close();
  });

  it('showWait (§2): calls-only shows the calls and no estimate, off neither; estimates are still reported to the hub', async () => {
    const token = await addScreen(hub, 'attente-4', 'mairie-nord');
    const ticketSystem = await siteToken('mairie-nord');
    const t0 = Date.now() - 20 * 60_000;
    const at = (min: number): string => new Date(t0 + min * 60_000).toISOString();
    const events: QueueEvent[] = [
      { type: 'counter', counter: 'g1', open: true, services: ['etat-civil'], at: at(0) },
      ...[1, 2, 3, 4].map((k): QueueEvent => ({ type: 'issued', ticket: `A${k}`, service: 'etat-civil', at: at(k) })),
      { type: 'called', ticket: 'A1', counter: 'g1', at: at(6) },
    ];
    for (const [mode, callsShown] of [['calls-only', true], ['off', false]] as const) {
      const { context, page } = await newPlayerPage(browser());
      await page.goto(playerUrl('attente-4', token, `&showWait=${mode}`));
      await waitForItem(page, 'tableau', 15_000);
      if (mode === 'calls-only') await post('mairie-nord', ticketSystem, events);
      const board = '[data-item-id="tableau"]';
      await expect.poll(() => page.locator(`${board} [data-service="etat-civil"]`).count(), { timeout: 15_000 }).toBe(1);
      expect(await page.textContent(`${board} [data-service="etat-civil"] .queue-range`)).toBe('Vous serez appelé à l’écran');
      expect(await page.getAttribute(`${board} [data-service="etat-civil"]`, 'data-wait-minutes')).toBeNull();
      expect(await page.locator(`${board} .queue-range`).allTextContents()).not.toContainEqual(expect.stringMatching(/min/));
      if (callsShown) await expect.poll(() => page.textContent(`${board} .queue-calls`), { timeout: 10_000 }).toContain('A1');
      else expect(await page.locator(`${board} [data-ticket]`).count()).toBe(0);
      await context.close();
    }
    // Estimates are still computed and reported.
    await expect.poll(async () => (await hubEstimates('attente-4')).length, { timeout: 20_000 }).toBeGreaterThan(0);
  });

  it('impressions carry their audience (§3): the people waiting while they played, stored by the hub', async () => {
    const token = await addScreen(hub, 'attente-5', 'mairie-centre-ville');
    const ticketSystem = await siteToken('mairie-centre-ville');
    const { context, page } = await newPlayerPage(browser());
    await page.goto(playerUrl('attente-5', token));
    await waitForItem(page, 'tableau', 15_000);
    // Five people waiting from now on, nobody called.
    const now = Date.now();
    const events: QueueEvent[] = [
      { type: 'counter', counter: 'g1', open: true, services: ['etat-civil'], at: new Date(now - 60_000).toISOString() },
      ...[1, 2, 3, 4, 5].map((k): QueueEvent => ({ type: 'issued', ticket: `A${k}`, service: 'etat-civil', at: new Date(now - 60_000 + k * 1000).toISOString() })),
    ];
    await post('mairie-centre-ville', ticketSystem, events);
    const after = now + 1000;
    type Row = { start: string; audience?: number | null; itemId: string };
    const later = async (): Promise<Row[]> => (await adminApi<{ impressions: Row[] }>(hub, 'GET', '/api/impressions?screen=attente-5')).body.impressions.filter((i) => Date.parse(i.start) > after);
    await expect.poll(async () => (await later()).length, { timeout: 60_000 }).toBeGreaterThan(0);
    for (const impression of await later()) expect(impression.audience).toBe(5);
    // Before the queue data, none.
    const before = (await adminApi<{ impressions: Row[] }>(hub, 'GET', '/api/impressions?screen=attente-5')).body.impressions.filter((i) => Date.parse(i.start) < now - 120_000);
    for (const impression of before) expect(impression.audience ?? null).toBeNull();
    await context.close();
  });
});

