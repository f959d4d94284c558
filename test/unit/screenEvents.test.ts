import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keptEvents } from '../../src/hub/stores/screenEvents.js';
import { openSqliteStores } from '../../src/hub/stores/sqlite/index.js';
import { statusTable } from '../../src/hub/statusTable.js';
import { MAX_STATUS_EVENTS, StatusMessage, type PlayerEvent } from '../../src/shared/protocol.js';

const base = { revision: null, playing: null, cache: { bytes: 0, files: 0, missing: 0 }, outbox: 0, uptimeS: 10, version: '0.1.0' };
const event = (n: number, type = 'reload'): PlayerEvent => ({ id: `ev-${n}`, type, at: new Date(Date.UTC(2026, 11, 1, 3, 0, n)).toISOString(), detail: `n${n}` });

describe('kiosk events in the status (protocol extension)', () => {
  it('a status without events is still valid, and one with too many is refused', () => {
    expect(StatusMessage.safeParse({ at: '2026-12-01T03:00:00.000Z', ...base }).success).toBe(true);
    expect(StatusMessage.safeParse({ at: '2026-12-01T03:00:00.000Z', ...base, events: [event(1)] }).success).toBe(true);
    expect(StatusMessage.safeParse({ at: '2026-12-01T03:00:00.000Z', ...base, events: Array.from({ length: MAX_STATUS_EVENTS + 1 }, (_, n) => event(n)) }).success).toBe(false);
    expect(StatusMessage.safeParse({ at: '2026-12-01T03:00:00.000Z', ...base, events: [{ id: 'e1', at: 'yesterday', type: 'reload', detail: '' }] }).success).toBe(false);
  });

  it('keeps the last ones, each once, oldest first', () => {
    expect(keptEvents([event(1), event(2)], [event(2), event(3)])).toEqual([event(1), event(2), event(3)]);
    const many = keptEvents(Array.from({ length: 15 }, (_, n) => event(n)), Array.from({ length: 15 }, (_, n) => event(n + 15)));
    expect(many).toHaveLength(MAX_STATUS_EVENTS);
    expect(many[0]).toEqual(event(30 - MAX_STATUS_EVENTS));
    expect(many.at(-1)).toEqual(event(29));
  });

  it('the hub keeps them on the screen across later statuses without events (real database)', async () => {
    const stores = openSqliteStores(join(mkdtempSync(join(tmpdir(), 'antichambre-events-hub-')), 'hub.db'));
    const screens = stores.screens;
    const states = async () => (await screens.list()).map((screen) => ({ ...screen, online: true, revision: null }));
    await screens.add({ id: 'accueil-1', name: 'Accueil', site: 'mairie', timezone: 'Europe/Paris' });
    const at = Date.UTC(2026, 11, 1, 3, 1);
    await screens.recordStatus('accueil-1', { at: '2026-12-01T03:00:30.000Z', ...base }, at);
    expect((await states())[0]!.status?.events).toBeUndefined();
    await screens.recordStatus('accueil-1', { at: '2026-12-01T03:01:00.000Z', ...base, events: [event(1, 'renderer-gone'), event(2)] }, at);
    await screens.recordStatus('accueil-1', { at: '2026-12-01T03:01:30.000Z', ...base }, at);
    await screens.recordStatus('accueil-1', { at: '2026-12-01T03:02:00.000Z', ...base, events: [event(3, 'relaunch')] }, at);
    const state = (await states())[0]!;
    expect(state.status?.at).toBe('2026-12-01T03:02:00.000Z');
    expect(state.status?.events?.map((e) => e.type)).toEqual(['renderer-gone', 'reload', 'relaunch']);

    // The CLI's status table: how many, and the last one.
    const table = statusTable((await states()), Date.parse('2026-12-01T05:00:03.000Z')).split('\n');
    expect(table[0]).toMatch(/\soutbox\s+events$/);
    expect(table[1]).toMatch(/\s3, last: relaunch 2 h ago \(n3\)$/);
    await stores.close();
  });
});

describe('status.events as protocol §3 names them', () => {
  const status = { at: '2026-12-01T03:00:00.000Z', ...base };
  it('accepts { id, type, at } with or without detail, and refuses one without id or type, naming the field', () => {
    const parsed = StatusMessage.safeParse({ ...status, events: [{ id: 'crash-1', type: 'crash', at: '2026-12-01T02:59:00.000Z' }] });
    expect(parsed.success && parsed.data.events).toEqual([{ id: 'crash-1', type: 'crash', at: '2026-12-01T02:59:00.000Z' }]);
    const noType = StatusMessage.safeParse({ ...status, events: [{ id: 'crash-1', at: '2026-12-01T02:59:00.000Z' }] });
    expect(noType.success ? null : noType.error.issues.map((i) => i.path.join('.'))).toEqual(['events.0.type']);
    const noId = StatusMessage.safeParse({ ...status, events: [{ type: 'crash', at: '2026-12-01T02:59:00.000Z' }] });
    expect(noId.success ? null : noId.error.issues.map((i) => i.path.join('.'))).toEqual(['events.0.id']);
  });

  it('reads events kept before (at, kind, detail) as { id, type, at, detail }: an update loses none', () => {
    const parsed = StatusMessage.parse({ ...status, events: [{ at: '2026-12-01T02:59:00.000Z', kind: 'relaunch', detail: 'x' }] });
    expect(parsed.events).toEqual([{ id: `e${Date.parse('2026-12-01T02:59:00.000Z')}`, type: 'relaunch', at: '2026-12-01T02:59:00.000Z', detail: 'x' }]);
  });
});
