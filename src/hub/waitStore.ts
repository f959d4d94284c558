import { toUtcTime } from '../shared/ids.js';
import type { WaitEstimate } from '../shared/queue.js';
import type { HubDb } from './hubDb.js';

/** Wait estimates reported by screens, kept (a repeat of the same service and instant replaces the first). */
export class WaitStore {
  private readonly insertMany;

  constructor(db: HubDb) {
    const insert = db.prepare(
      `INSERT OR REPLACE INTO wait_estimates (screen_id, service, as_of, minutes, low, high, queue_length, open_counters, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertMany = db.transaction((screenId: string, estimates: WaitEstimate[], at: string) => {
      for (const e of estimates) insert.run(screenId, e.service, e.asOf, e.minutes, e.low, e.high, e.queueLength, e.openCounters, at);
    });
  }

  insert(screenId: string, estimates: WaitEstimate[], at: number): void {
    this.insertMany(screenId, estimates, toUtcTime(at));
  }
}
