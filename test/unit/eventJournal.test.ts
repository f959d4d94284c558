import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventJournal, MAX_KEPT_EVENTS } from '../../src/main/eventJournal.js';
import { MAX_STATUS_EVENTS, PendingEvents, StatusMessage } from '../../src/shared/protocol.js';

function journalFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'antichambre-events-')), 'events.json');
}

let clock = Date.UTC(2026, 11, 1, 3, 0);
const now = () => (clock += 1_000);

describe('event journal (real files)', () => {
  it('hands out the pending events and forgets them once sent', () => {
    const journal = new EventJournal(journalFile(), now);
    expect(journal.pending()).toEqual({ events: [], through: 0 });
    journal.record('renderer-gone', 'reason crashed, exit code 139');
    journal.record('reload', 'renderer gone: reload 1 of 3, after 1 s');
    const first = journal.pending();
    expect(PendingEvents.parse(first)).toEqual(first);
    expect(first.events.map((e) => e.type)).toEqual(['renderer-gone', 'reload']);
    // One more arrives while the status is on its way: it is kept for the next one.
    journal.record('gpu-gone', 'reason crashed, exit code 1');
    journal.sent(first.through);
    expect(journal.pending().events.map((e) => e.type)).toEqual(['gpu-gone']);
    journal.sent(journal.pending().through);
    expect(journal.pending().events).toEqual([]);
  });

  it('survives a relaunch: the event that made the app relaunch reaches the hub afterwards', () => {
    const file = journalFile();
    new EventJournal(file, now).record('relaunch', 'renderer gone: 3 reloads within 10 min did not help');
    const after = new EventJournal(file, now);
    expect(after.pending().events).toEqual([{ id: expect.stringMatching(/^[0-9a-f-]{36}$/), type: 'relaunch', at: expect.stringMatching(/^2026-12-01T03:00:\d\d\.000Z$/), detail: 'renderer gone: 3 reloads within 10 min did not help' }]);
    after.record('start', 'version 0.1.0');
    const pending = after.pending();
    after.sent(pending.through);
    expect(new EventJournal(file, now).pending().events).toEqual([]);
  });

  it('sends at most a status-worth at a time, oldest first, and keeps a bounded backlog', () => {
    const journal = new EventJournal(journalFile(), now);
    for (let n = 0; n < MAX_KEPT_EVENTS + 30; n++) journal.record('reload', `n${n}`);
    const batch = journal.pending();
    expect(batch.events).toHaveLength(MAX_STATUS_EVENTS);
    expect(batch.events[0]!.detail).toBe('n30');
    // What the page sends with it is a valid status.
    expect(StatusMessage.safeParse({ at: batch.events[0]!.at, revision: null, playing: null, cache: { bytes: 0, files: 0, missing: 0 }, outbox: 0, uptimeS: 1, version: 'x', events: batch.events }).success).toBe(true);
    journal.sent(batch.through);
    expect(journal.pending().events[0]!.detail).toBe(`n${30 + MAX_STATUS_EVENTS}`);
  });

  it('starts afresh from a damaged file', () => {
    const file = journalFile();
    writeFileSync(file, '{"next": "x"');
    const journal = new EventJournal(file, now);
    expect(journal.pending().events).toEqual([]);
    journal.record('start', 'ok');
    expect(new EventJournal(file, now).pending().events).toHaveLength(1);
  });
});
