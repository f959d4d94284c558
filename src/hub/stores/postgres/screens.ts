import type { ScreenCreate, ScreenInfo, ScreenToken, Target } from '../../../shared/adminApi.js';
import type { ScreenViewing } from '../../../shared/contentLint.js';
import { toUtcTime } from '../../../shared/ids.js';
import type { StatusMessage } from '../../../shared/protocol.js';
import { HubError } from '../../hubError.js';
import { hashToken, newToken, tokenMatches } from '../../secrets.js';
import type { ScreenStore, StoredScreen } from '../index.js';
import { screenInfo, storedScreen, type ScreenRow } from '../storedRows.js';
import { parsedStatus, parsedViewing, storedStatus, type StoredStatus } from '../screenEvents.js';
import { inTransaction, type PgPool, type PgQueryable } from './pgDb.js';

/**
 * Screens and their sites, tokens (hashes only), last-seen, last status and acked revisions
 * (PostgreSQL). Last-seen, statuses and a set's ack or refusal are written through `lossy`, a
 * pool whose commits do not wait for the WAL flush: each is said again by the screen's next
 * message (a status every 30 s; a set not recorded as acked is pushed again and acked again),
 * and waiting for a flush each (hundreds a second with thousands of screens) queued the
 * impressions' durable commits behind them (bench cluster: 69 % of the busy backends' samples
 * waiting on the WAL).
 */


/** Screens whose last written status a node remembers (a few hundred bytes each). */
const MAX_WRITTEN = 100_000;

export class PgScreenStore implements ScreenStore {
  /** The status this node last wrote for each screen, as stored. */
  private readonly written = new Map<string, StoredStatus>();

  constructor(
    private readonly pool: PgPool,
    private readonly lossy: PgPool = pool,
  ) {}

  /** On `db` (a transaction's client, for a pairing claim) or the pool. */
  async addOn(db: PgQueryable, screen: ScreenCreate): Promise<ScreenToken> {
    const token = newToken();
    const inserted = await db.query(
      'INSERT INTO screens (id, name, site, timezone, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING',
      [screen.id, screen.name, screen.site, screen.timezone, hashToken(token), toUtcTime(Date.now())],
    );
    if (inserted.rowCount === 0) throw new HubError(409, `id: screen "${screen.id}" already exists (use "screen token ${screen.id}" for a new token)`);
    return { screen, token };
  }

  add(screen: ScreenCreate): Promise<ScreenToken> {
    return this.addOn(this.pool, screen);
  }

  async rotateToken(id: string): Promise<ScreenToken> {
    const token = newToken();
    const { rows } = await this.pool.query<ScreenRow>('UPDATE screens SET token_hash = $1 WHERE id = $2 RETURNING *', [hashToken(token), id]);
    if (!rows[0]) throw new HubError(404, `screen "${id}" does not exist`);
    return { screen: screenInfo(rows[0]), token };
  }

  private async row(id: string): Promise<ScreenRow | null> {
    return (await this.pool.query<ScreenRow>('SELECT * FROM screens WHERE id = $1', [id])).rows[0] ?? null;
  }

  async get(id: string): Promise<ScreenInfo | null> {
    const row = await this.row(id);
    return row ? screenInfo(row) : null;
  }

  async verify(id: string, token: string): Promise<ScreenInfo | null> {
    const row = await this.row(id);
    return row && tokenMatches(token, row.token_hash) ? screenInfo(row) : null;
  }

  async all(): Promise<ScreenInfo[]> {
    return (await this.pool.query<ScreenRow>('SELECT * FROM screens ORDER BY site, id')).rows.map(screenInfo);
  }

  async list(): Promise<StoredScreen[]> {
    return (await this.pool.query<ScreenRow>('SELECT * FROM screens ORDER BY site, id')).rows.map(storedScreen);
  }

  async setViewing(id: string, viewing: ScreenViewing | null): Promise<ScreenViewing | null> {
    const updated = await this.pool.query('UPDATE screens SET viewing = $1 WHERE id = $2', [viewing === null ? null : JSON.stringify(viewing), id]);
    if (updated.rowCount === 0) throw new HubError(404, `screen "${id}" does not exist`);
    return viewing;
  }

  async idsOf(target: Target): Promise<string[]> {
    const { rows } =
      'screen' in target
        ? await this.pool.query<{ id: string }>('SELECT id FROM screens WHERE id = $1', [target.screen])
        : await this.pool.query<{ id: string }>('SELECT id FROM screens WHERE site = $1 ORDER BY id', [target.site]);
    return rows.map((row) => row.id);
  }

  async targetIds(target: Target): Promise<string[]> {
    const ids = await this.idsOf(target);
    if ('screen' in target && ids.length === 0) throw new HubError(404, `target.screen: screen "${target.screen}" does not exist`);
    return ids;
  }

  async seen(id: string, at: number): Promise<void> {
    await this.lossy.query('UPDATE screens SET last_seen = $1 WHERE id = $2', [toUtcTime(at), id]);
  }

  /**
   * One round trip in the usual case: the status this node wrote last for the screen is known
   * (`written`), so the new one (with the events kept from it) replaces it only if it is still
   * the one stored (`AND status = $4`); not known (the screen's first status on this node), it
   * replaces the stored one if that keeps no event. Otherwise (another node wrote one since, or
   * events to keep), the stored one is read and replaced in one transaction (four round trips):
   * two nodes never drop each other's events.
   */
  async recordStatus(id: string, status: StatusMessage, at: number): Promise<void> {
    const known = this.written.get(id);
    const next = storedStatus(known?.events ?? [], status);
    const updated = known
      ? await this.lossy.query('UPDATE screens SET status = $1, last_seen = $2 WHERE id = $3 AND status = $4', [next.text, toUtcTime(at), id, known.text])
      : // Not known here: the same single UPDATE when the stored status keeps no event (none, or one without "events": the new one keeps nothing from it).
        await this.lossy.query(`UPDATE screens SET status = $1, last_seen = $2 WHERE id = $3 AND (status IS NULL OR strpos(status, '"events"') = 0)`, [next.text, toUtcTime(at), id]);
    if (updated.rowCount === 1) return this.remember(id, next);
    const merged = await inTransaction(this.lossy, async (client) => {
      const before = (await client.query<{ status: string | null }>('SELECT status FROM screens WHERE id = $1 FOR UPDATE', [id])).rows[0]?.status ?? null;
      const stored = storedStatus(parsedStatus(before)?.events ?? [], status);
      const updated = await client.query('UPDATE screens SET status = $1, last_seen = $2 WHERE id = $3', [stored.text, toUtcTime(at), id]);
      return updated.rowCount === 1 ? stored : null;
    });
    if (merged) this.remember(id, merged);
    else this.written.delete(id);
  }

  private remember(id: string, stored: StoredStatus): void {
    // At most one entry per screen this node served; emptied if the fleet outgrows the bound (each then costs one read again).
    if (this.written.size >= MAX_WRITTEN && !this.written.has(id)) this.written.clear();
    this.written.set(id, stored);
  }

  async recordAck(id: string, revision: string): Promise<void> {
    await this.lossy.query('UPDATE screens SET acked_revision = $1, refused_revision = NULL, refused_error = NULL, refused_at = NULL WHERE id = $2', [revision, id]);
  }

  async recordRefusal(id: string, revision: string, error: string, at: number): Promise<void> {
    await this.lossy.query('UPDATE screens SET refused_revision = $1, refused_error = $2, refused_at = $3 WHERE id = $4', [revision, error, toUtcTime(at), id]);
  }

  async answeredRevision(id: string): Promise<string | null> {
    const row = await this.row(id);
    return row?.refused_revision ?? row?.acked_revision ?? null;
  }
}
