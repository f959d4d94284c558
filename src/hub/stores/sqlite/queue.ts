import type { Accuracy, WaitComparisonQuery, WaitPoint } from '../../../shared/adminApi.js';
import { toUtcTime } from '../../../shared/ids.js';
import { QueueEvent } from '../../../shared/queue.js';
import { eventKey } from '../../../shared/queueModel.js';
import { HubError } from '../../hubError.js';
import { hashToken, newToken, tokenMatches } from '../../secrets.js';
import type { QueueStore } from '../index.js';
import { QUEUE_EVENT_AHEAD_MS, RECENT_EVENTS_MS, wrongSiteToken } from '../storeRules.js';
import type { SqliteDb } from './sqliteDb.js';
import type { WalSync } from './walSync.js';

/**
 * Ticket events of each site: posted by its ticket system (with the site's token), kept once
 * each, relayed to its screens (and the recent ones sent after `hello`), and the realized wait
 * of every called ticket, to judge the screens' estimates against.
 */


export class SqliteQueueStore implements QueueStore {
  constructor(
    private readonly db: SqliteDb,
    private readonly wal: WalSync,
  ) {}

  async newSiteToken(site: string): Promise<string> {
    const token = newToken();
    this.db.prepare('INSERT OR REPLACE INTO site_tokens (site, token_hash, created_at) VALUES (?, ?, ?)').run(site, hashToken(token), toUtcTime(Date.now()));
    return token;
  }

  async verifySite(site: string, token: string): Promise<void> {
    const row = this.db.prepare<[string], { token_hash: string }>('SELECT token_hash FROM site_tokens WHERE site = ?').get(site);
    if (!row || !tokenMatches(token, row.token_hash)) throw new HubError(401, wrongSiteToken(site));
  }

  /** Stores new events (repeats ignored) and the waits they complete; answers the new ones once on disk. */
  async store(site: string, events: QueueEvent[]): Promise<QueueEvent[]> {
    const insert = this.db.prepare('INSERT OR IGNORE INTO queue_events (site, key, at, event) VALUES (?, ?, ?, ?)');
    // The ticket's own issue, exactly: keys 'i|<ticket>|…' between the prefix and the prefix + DEL (no LIKE, where _ is a wildcard).
    const issuedOf = this.db.prepare<[string, string, string], { event: string }>('SELECT event FROM queue_events WHERE site = ? AND key >= ? AND key < ? ORDER BY at DESC LIMIT 1');
    const realized = this.db.prepare('INSERT OR IGNORE INTO realized_waits (site, ticket, service, issued_at, called_at, minutes) VALUES (?, ?, ?, ?, ?, ?)');
    const stored = this.db.transaction(() => {
      const fresh: QueueEvent[] = [];
      for (const event of [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
        if (insert.run(site, eventKey(event), event.at, JSON.stringify(event)).changes === 0) continue;
        fresh.push(event);
        if (event.type !== 'called') continue;
        const row = issuedOf.get(site, `i|${event.ticket}|`, `i|${event.ticket}|\x7f`);
        const issued = row ? QueueEvent.safeParse(JSON.parse(row.event)) : null;
        if (issued?.success && issued.data.type === 'issued' && Date.parse(issued.data.at) <= Date.parse(event.at)) {
          realized.run(site, event.ticket, issued.data.service, issued.data.at, event.at, (Date.parse(event.at) - Date.parse(issued.data.at)) / 60_000);
        }
      }
      return fresh;
    })();
    await this.wal.durable();
    return stored;
  }

  async recent(site: string, now: number): Promise<QueueEvent[]> {
    return this.db
      .prepare<[string, string, string], { event: string }>('SELECT event FROM queue_events WHERE site = ? AND at >= ? AND at <= ? ORDER BY at')
      .all(site, toUtcTime(now - RECENT_EVENTS_MS), toUtcTime(now + QUEUE_EVENT_AHEAD_MS))
      .flatMap((row) => {
        const parsed = QueueEvent.safeParse(JSON.parse(row.event));
        return parsed.success ? [parsed.data] : [];
      });
  }

  /** Per service and UTC day: the estimates made as of a ticket's issue against that ticket's realized wait. */
  async accuracy(site: string): Promise<Accuracy[]> {
    return this.db
      .prepare<[string], { service: string; day: string; estimates: number; mae: number | null; covered: number | null }>(
        `SELECT r.service, substr(r.issued_at, 1, 10) AS day, COUNT(*) AS estimates,
                AVG(ABS(w.minutes - r.minutes)) AS mae,
                AVG(CASE WHEN r.minutes BETWEEN w.low AND w.high THEN 1.0 ELSE 0.0 END) AS covered
         FROM realized_waits r
         JOIN wait_estimates w ON w.service = r.service AND w.as_of = r.issued_at
         JOIN screens s ON s.id = w.screen_id AND s.site = r.site
         WHERE r.site = ?
         GROUP BY r.service, day ORDER BY day, r.service`,
      )
      .all(site)
      .map((row) => ({ service: row.service, day: row.day, estimates: row.estimates, meanAbsoluteErrorMin: row.mae, coverage: row.covered }));
  }

  /** Each ticket of the site issued in [since, until) and called: its realized wait and the screens' estimate made as it was issued. */
  async waitComparison(site: string, { since, until }: WaitComparisonQuery): Promise<WaitPoint[]> {
    return this.db
      .prepare<[string, string, string, string], { service: string; issued_at: string; realized: number; estimated: number | null; low: number | null; high: number | null }>(
        `SELECT r.service, r.issued_at, r.minutes AS realized, AVG(w.minutes) AS estimated, AVG(w.low) AS low, AVG(w.high) AS high
         FROM realized_waits r
         LEFT JOIN (SELECT w.* FROM wait_estimates w JOIN screens s ON s.id = w.screen_id AND s.site = ?) w
           ON w.service = r.service AND w.as_of = r.issued_at
         WHERE r.site = ? AND r.issued_at >= ? AND r.issued_at < ?
         GROUP BY r.service, r.ticket, r.issued_at ORDER BY r.issued_at, r.service`,
      )
      .all(site, site, since, until)
      .map((row) => ({ service: row.service, issuedAt: row.issued_at, realizedMin: row.realized, estimatedMin: row.estimated, low: row.low, high: row.high }));
  }
}
