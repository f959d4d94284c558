import { toUtcTime } from '../../../shared/ids.js';
import type { WaitEstimate } from '../../../shared/queue.js';
import type { WaitStore } from '../index.js';
import type { SqliteDb } from './sqliteDb.js';

/** Wait estimates reported by screens, kept (a repeat of the same service and instant is ignored: the first stays). */
export class SqliteWaitStore implements WaitStore {
  private readonly insertMany;

  constructor(private readonly db: SqliteDb) {
    const insert = db.prepare(
      // The first estimate for a service and instant is kept: the one sent after a `queue` message
      // (for the ticket just issued), not the minute's report that may follow with the same instant.
      `INSERT OR IGNORE INTO wait_estimates (screen_id, service, as_of, minutes, low, high, queue_length, open_counters, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertMany = db.transaction((screenId: string, estimates: WaitEstimate[], at: string) => {
      for (const e of estimates) insert.run(screenId, e.service, e.asOf, e.minutes, e.low, e.high, e.queueLength, e.openCounters, at);
    });
  }

  async insert(screenId: string, estimates: WaitEstimate[], at: number): Promise<void> {
    this.insertMany(screenId, estimates, toUtcTime(at));
  }

  async ofScreen(screenId: string): Promise<WaitEstimate[]> {
    return this.db
      .prepare<[string], { service: string; as_of: string; minutes: number; low: number; high: number; queue_length: number; open_counters: number }>(
        'SELECT * FROM wait_estimates WHERE screen_id = ? ORDER BY as_of, service',
      )
      .all(screenId)
      .map((r) => ({ service: r.service, asOf: r.as_of, minutes: r.minutes, low: r.low, high: r.high, queueLength: r.queue_length, openCounters: r.open_counters }));
  }
}
