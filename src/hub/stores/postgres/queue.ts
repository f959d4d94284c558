import type { Accuracy, WaitComparisonQuery, WaitPoint } from '../../../shared/adminApi.js';
import { toUtcTime } from '../../../shared/ids.js';
import { QueueEvent } from '../../../shared/queue.js';
import { eventKey } from '../../../shared/queueModel.js';
import { HubError } from '../../hubError.js';
import { hashToken, newToken, tokenMatches } from '../../secrets.js';
import type { QueueStore } from '../index.js';
import { QUEUE_EVENT_AHEAD_MS, RECENT_EVENTS_MS, wrongSiteToken } from '../storeRules.js';
import { inTransaction, type PgPool } from './pgDb.js';

/** Ticket events of each site, kept once each, the sites' tokens and the realized waits (PostgreSQL). */
export class PgQueueStore implements QueueStore {
  constructor(private readonly pool: PgPool) {}

  async newSiteToken(site: string): Promise<string> {
    const token = newToken();
    await this.pool.query(
      'INSERT INTO site_tokens (site, token_hash, created_at) VALUES ($1, $2, $3) ON CONFLICT (site) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at',
      [site, hashToken(token), toUtcTime(Date.now())],
    );
    return token;
  }

  async verifySite(site: string, token: string): Promise<void> {
    const row = (await this.pool.query<{ token_hash: string }>('SELECT token_hash FROM site_tokens WHERE site = $1', [site])).rows[0];
    if (!row || !tokenMatches(token, row.token_hash)) throw new HubError(401, wrongSiteToken(site));
  }

  async store(site: string, events: QueueEvent[]): Promise<QueueEvent[]> {
    return inTransaction(this.pool, async (db) => {
      const fresh: QueueEvent[] = [];
      for (const event of [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
        const inserted = await db.query('INSERT INTO queue_events (site, key, at, event) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [site, eventKey(event), event.at, JSON.stringify(event)]);
        if (inserted.rowCount === 0) continue;
        fresh.push(event);
        if (event.type !== 'called') continue;
        // The ticket's own issue, exactly: keys 'i|<ticket>|…' between the prefix and the prefix + DEL (bytewise: the columns are COLLATE "C").
        const row = (
          await db.query<{ event: string }>('SELECT event FROM queue_events WHERE site = $1 AND key >= $2 AND key < $3 ORDER BY at DESC LIMIT 1', [site, `i|${event.ticket}|`, `i|${event.ticket}|\x7f`])
        ).rows[0];
        const issued = row ? QueueEvent.safeParse(JSON.parse(row.event)) : null;
        if (issued?.success && issued.data.type === 'issued' && Date.parse(issued.data.at) <= Date.parse(event.at)) {
          await db.query('INSERT INTO realized_waits (site, ticket, service, issued_at, called_at, minutes) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING', [
            site,
            event.ticket,
            issued.data.service,
            issued.data.at,
            event.at,
            (Date.parse(event.at) - Date.parse(issued.data.at)) / 60_000,
          ]);
        }
      }
      return fresh;
    });
  }

  async recent(site: string, now: number): Promise<QueueEvent[]> {
    const { rows } = await this.pool.query<{ event: string }>('SELECT event FROM queue_events WHERE site = $1 AND at >= $2 AND at <= $3 ORDER BY at', [site, toUtcTime(now - RECENT_EVENTS_MS), toUtcTime(now + QUEUE_EVENT_AHEAD_MS)]);
    return rows.flatMap((row) => {
      const parsed = QueueEvent.safeParse(JSON.parse(row.event));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async accuracy(site: string): Promise<Accuracy[]> {
    const { rows } = await this.pool.query<{ service: string; day: string; estimates: number; mae: number | null; covered: number | null }>(
      `SELECT r.service, substr(r.issued_at, 1, 10) AS day, COUNT(*) AS estimates,
              AVG(ABS(w.minutes - r.minutes)) AS mae,
              AVG(CASE WHEN r.minutes BETWEEN w.low AND w.high THEN 1.0 ELSE 0.0 END)::float8 AS covered
       FROM realized_waits r
       JOIN wait_estimates w ON w.service = r.service AND w.as_of = r.issued_at
       JOIN screens s ON s.id = w.screen_id AND s.site = r.site
       WHERE r.site = $1
       GROUP BY r.service, day ORDER BY day, r.service`,
      [site],
    );
    return rows.map((row) => ({ service: row.service, day: row.day, estimates: row.estimates, meanAbsoluteErrorMin: row.mae, coverage: row.covered }));
  }

  async waitComparison(site: string, { since, until }: WaitComparisonQuery): Promise<WaitPoint[]> {
    const { rows } = await this.pool.query<{ service: string; issued_at: string; realized: number; estimated: number | null; low: number | null; high: number | null }>(
      `SELECT r.service, r.issued_at, MIN(r.minutes) AS realized, AVG(w.minutes) AS estimated, AVG(w.low) AS low, AVG(w.high) AS high
       FROM realized_waits r
       LEFT JOIN (SELECT w.* FROM wait_estimates w JOIN screens s ON s.id = w.screen_id AND s.site = $1) w
         ON w.service = r.service AND w.as_of = r.issued_at
       WHERE r.site = $2 AND r.issued_at >= $3 AND r.issued_at < $4
       GROUP BY r.service, r.ticket, r.issued_at ORDER BY r.issued_at, r.service`,
      [site, site, since, until],
    );
    return rows.map((row) => ({ service: row.service, issuedAt: row.issued_at, realizedMin: row.realized, estimatedMin: row.estimated, low: row.low, high: row.high }));
  }
}
