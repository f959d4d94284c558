import { toUtcTime } from '../../../shared/ids.js';
import type { WaitEstimate } from '../../../shared/queue.js';
import type { WaitStore } from '../index.js';
import type { PgPool } from './pgDb.js';

/** Wait estimates reported by screens (PostgreSQL): the first for a service and instant is kept. */
export class PgWaitStore implements WaitStore {
  constructor(private readonly pool: PgPool) {}

  async insert(screenId: string, estimates: WaitEstimate[], at: number): Promise<void> {
    if (estimates.length === 0) return;
    await this.pool.query(
      `INSERT INTO wait_estimates (screen_id, service, as_of, minutes, low, high, queue_length, open_counters, received_at)
       SELECT $1::text, *, $9::text FROM unnest($2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::int[], $8::int[])
       ON CONFLICT DO NOTHING`,
      [
        screenId,
        estimates.map((e) => e.service),
        estimates.map((e) => e.asOf),
        estimates.map((e) => e.minutes),
        estimates.map((e) => e.low),
        estimates.map((e) => e.high),
        estimates.map((e) => e.queueLength),
        estimates.map((e) => e.openCounters),
        toUtcTime(at),
      ],
    );
  }

  async ofScreen(screenId: string): Promise<WaitEstimate[]> {
    const { rows } = await this.pool.query<{ service: string; as_of: string; minutes: number; low: number; high: number; queue_length: number; open_counters: number }>(
      'SELECT * FROM wait_estimates WHERE screen_id = $1 ORDER BY as_of, service',
      [screenId],
    );
    return rows.map((r) => ({ service: r.service, asOf: r.as_of, minutes: r.minutes, low: r.low, high: r.high, queueLength: r.queue_length, openCounters: r.open_counters }));
  }
}
