import type { ScreenCreate, ScreenInfo, ScreenToken, Target } from '../../../shared/adminApi.js';
import type { ScreenViewing } from '../../../shared/contentLint.js';
import { toUtcTime } from '../../../shared/ids.js';
import type { StatusMessage } from '../../../shared/protocol.js';
import { HubError } from '../../hubError.js';
import { hashToken, newToken, tokenMatches } from '../../secrets.js';
import type { ScreenStore, StoredScreen } from '../index.js';
import { screenInfo, storedScreen, type ScreenRow } from '../storedRows.js';
import { parsedStatus, parsedViewing, statusToStore } from '../screenEvents.js';
import type { SqliteDb } from './sqliteDb.js';

/** Screens and their sites, tokens (hashes only), last-seen, last status and acked revisions (SQLite). */


export class SqliteScreenStore implements ScreenStore {
  private readonly byId;
  private readonly seenStmt;
  private readonly statusStmt;
  private readonly lastStatusStmt;

  constructor(private readonly db: SqliteDb) {
    this.byId = db.prepare<[string], ScreenRow>('SELECT * FROM screens WHERE id = ?');
    this.seenStmt = db.prepare<[string, string]>('UPDATE screens SET last_seen = ? WHERE id = ?');
    this.statusStmt = db.prepare<[string, string, string]>('UPDATE screens SET status = ?, last_seen = ? WHERE id = ?');
    this.lastStatusStmt = db.prepare<[string], { status: string | null }>('SELECT status FROM screens WHERE id = ?');
  }

  /** Synchronous, for a transaction that spans stores (a pairing claim). */
  addNow(screen: ScreenCreate): ScreenToken {
    if (this.byId.get(screen.id)) throw new HubError(409, `id: screen "${screen.id}" already exists (use "screen token ${screen.id}" for a new token)`);
    const token = newToken();
    this.db
      .prepare('INSERT INTO screens (id, name, site, timezone, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(screen.id, screen.name, screen.site, screen.timezone, hashToken(token), toUtcTime(Date.now()));
    return { screen, token };
  }

  async add(screen: ScreenCreate): Promise<ScreenToken> {
    return this.addNow(screen);
  }

  async rotateToken(id: string): Promise<ScreenToken> {
    const screen = this.getNow(id);
    if (!screen) throw new HubError(404, `screen "${id}" does not exist`);
    const token = newToken();
    this.db.prepare('UPDATE screens SET token_hash = ? WHERE id = ?').run(hashToken(token), id);
    return { screen, token };
  }

  getNow(id: string): ScreenInfo | null {
    const row = this.byId.get(id);
    return row ? screenInfo(row) : null;
  }

  async get(id: string): Promise<ScreenInfo | null> {
    return this.getNow(id);
  }

  async verify(id: string, token: string): Promise<ScreenInfo | null> {
    const row = this.byId.get(id);
    return row && tokenMatches(token, row.token_hash) ? screenInfo(row) : null;
  }

  async all(): Promise<ScreenInfo[]> {
    return this.db.prepare<[], ScreenRow>('SELECT * FROM screens ORDER BY site, id').all().map(screenInfo);
  }

  async list(): Promise<StoredScreen[]> {
    return this.db.prepare<[], ScreenRow>('SELECT * FROM screens ORDER BY site, id').all().map(storedScreen);
  }

  async setViewing(id: string, viewing: ScreenViewing | null): Promise<ScreenViewing | null> {
    const changed = this.db.prepare('UPDATE screens SET viewing = ? WHERE id = ?').run(viewing === null ? null : JSON.stringify(viewing), id).changes;
    if (changed === 0) throw new HubError(404, `screen "${id}" does not exist`);
    return viewing;
  }

  async idsOf(target: Target): Promise<string[]> {
    const rows =
      'screen' in target
        ? this.db.prepare<[string], { id: string }>('SELECT id FROM screens WHERE id = ?').all(target.screen)
        : this.db.prepare<[string], { id: string }>('SELECT id FROM screens WHERE site = ? ORDER BY id').all(target.site);
    return rows.map((row) => row.id);
  }

  async targetIds(target: Target): Promise<string[]> {
    const ids = await this.idsOf(target);
    if ('screen' in target && ids.length === 0) throw new HubError(404, `target.screen: screen "${target.screen}" does not exist`);
    return ids;
  }

  async seen(id: string, at: number): Promise<void> {
    this.seenStmt.run(toUtcTime(at), id);
  }

  async recordStatus(id: string, status: StatusMessage, at: number): Promise<void> {
    this.statusStmt.run(statusToStore(this.lastStatusStmt.get(id)?.status ?? null, status), toUtcTime(at), id);
  }

  async recordAck(id: string, revision: string): Promise<void> {
    this.db.prepare('UPDATE screens SET acked_revision = ?, refused_revision = NULL, refused_error = NULL, refused_at = NULL WHERE id = ?').run(revision, id);
  }

  async recordRefusal(id: string, revision: string, error: string, at: number): Promise<void> {
    this.db.prepare('UPDATE screens SET refused_revision = ?, refused_error = ?, refused_at = ? WHERE id = ?').run(revision, error, toUtcTime(at), id);
  }

  async answeredRevision(id: string): Promise<string | null> {
    const row = this.byId.get(id);
    return row?.refused_revision ?? row?.acked_revision ?? null;
  }
}
