import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { toUtcTime } from '../shared/ids.js';
import { legacyEvent, MAX_STATUS_EVENTS, PlayerEvent, PlayerEventFields, type PendingEvents } from '../shared/protocol.js';

/**
 * The kiosk's events (crashes, reloads, relaunches, the daily restart, updates) waiting to
 * reach the hub with the page's next `status`. Kept in a small JSON file, written before
 * anything else happens, so that the event that made the app relaunch survives the relaunch.
 * The page asks for the pending ones and gives back `through` once it sent them.
 */

/** Most events kept while the hub is away: the oldest go first. */
export const MAX_KEPT_EVENTS = 100;

const Stored = z.object({
  next: z.number().int().positive(),
  events: z.array(z.preprocess(legacyEvent, PlayerEventFields.extend({ seq: z.number().int().positive() }))),
});
type Stored = z.infer<typeof Stored>;

export class EventJournal {
  private state: Stored;

  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now,
  ) {
    this.state = EventJournal.read(file);
  }

  private static read(file: string): Stored {
    try {
      const parsed = Stored.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (parsed.success) return parsed.data;
    } catch {
      // none yet, or unreadable: start afresh
    }
    return { next: 1, events: [] };
  }

  record(kind: string, detail: string): PlayerEvent {
    const event = PlayerEvent.parse({ id: randomUUID(), type: kind, at: toUtcTime(this.now()), detail: detail.slice(0, 500) });
    this.state.events.push({ ...event, seq: this.state.next++ });
    this.state.events = this.state.events.slice(-MAX_KEPT_EVENTS);
    this.write();
    return event;
  }

  pending(): PendingEvents {
    const batch = this.state.events.slice(0, MAX_STATUS_EVENTS);
    return { events: batch.map(({ seq: _seq, ...event }) => event), through: batch.at(-1)?.seq ?? 0 };
  }

  /** The page sent the events up to `through`: forget them. */
  sent(through: number): void {
    const before = this.state.events.length;
    this.state.events = this.state.events.filter((event) => event.seq > through);
    if (this.state.events.length !== before) this.write();
  }

  private write(): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(`${this.file}.tmp`, JSON.stringify(this.state));
      renameSync(`${this.file}.tmp`, this.file);
    } catch {
      // A disk that cannot be written loses the journal, not the kiosk.
    }
  }
}
