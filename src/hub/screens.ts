import type { ScreenCreate, ScreenInfo, ScreenState, ScreenToken, Target } from '../shared/adminApi.js';
import { toUtcTime } from '../shared/ids.js';
import { MAX_STATUS_EVENTS, StatusMessage, type PlayerEvent } from '../shared/protocol.js';
import type { HubDb } from './hubDb.js';
import { HubError } from './hubError.js';
import { hashToken, newToken, tokenMatches } from './secrets.js';

/** Screens and their sites, tokens (hashes only), last-seen, last status and acked revisions. */

interface ScreenRow {
  id: string;
  name: string;
  site: string;
  timezone: string;
  token_hash: string;
  last_seen: string | null;
  acked_revision: string | null;
  refused_revision: string | null;
  refused_error: string | null;
  refused_at: string | null;
  status: string | null;
  watts: number | null;
}

/** The last events a screen reported, oldest first: those kept before, then the new ones, each once. */
export function keptEvents(before: readonly PlayerEvent[], added: readonly PlayerEvent[]): PlayerEvent[] {
  const seen = new Set<string>();
  const out: PlayerEvent[] = [];
  for (const event of [...before, ...added]) {
    const key = event.id;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(event);
  }
  return out.slice(-MAX_STATUS_EVENTS);
}

function parsedStatus(text: string | null): StatusMessage | null {
  if (!text) return null;
  const status = StatusMessage.safeParse(JSON.parse(text));
  return status.success ? status.data : null;
}

function info(row: ScreenRow): ScreenInfo {
  return { id: row.id, name: row.name, site: row.site, timezone: row.timezone };
}

export class ScreenRegistry {
  private readonly byId;
  private readonly seenStmt;
  private readonly statusStmt;
  private readonly lastStatusStmt;

  constructor(private readonly db: HubDb) {
    this.byId = db.prepare<[string], ScreenRow>('SELECT * FROM screens WHERE id = ?');
    this.seenStmt = db.prepare<[string, string]>('UPDATE screens SET last_seen = ? WHERE id = ?');
    this.statusStmt = db.prepare<[string, string, string]>('UPDATE screens SET status = ?, last_seen = ? WHERE id = ?');
    this.lastStatusStmt = db.prepare<[string], { status: string | null }>('SELECT status FROM screens WHERE id = ?');
  }

  add(screen: ScreenCreate): ScreenToken {
    if (this.byId.get(screen.id)) throw new HubError(409, `id: screen "${screen.id}" already exists (use "screen token ${screen.id}" for a new token)`);
    const token = newToken();
    this.db
      .prepare('INSERT INTO screens (id, name, site, timezone, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(screen.id, screen.name, screen.site, screen.timezone, hashToken(token), toUtcTime(Date.now()));
    return { screen, token };
  }

  /** A new token; the old one stops working at once. */
  rotateToken(id: string): ScreenToken {
    const screen = this.get(id);
    if (!screen) throw new HubError(404, `screen "${id}" does not exist`);
    const token = newToken();
    this.db.prepare('UPDATE screens SET token_hash = ? WHERE id = ?').run(hashToken(token), id);
    return { screen, token };
  }

  get(id: string): ScreenInfo | null {
    const row = this.byId.get(id);
    return row ? info(row) : null;
  }

  /** The screen, if the token is its own. */
  verify(id: string, token: string): ScreenInfo | null {
    const row = this.byId.get(id);
    return row && tokenMatches(token, row.token_hash) ? info(row) : null;
  }

  all(): ScreenInfo[] {
    return this.db.prepare<[], ScreenRow>('SELECT * FROM screens ORDER BY site, id').all().map(info);
  }

  idsOf(target: Target): string[] {
    const rows =
      'screen' in target
        ? this.db.prepare<[string], { id: string }>('SELECT id FROM screens WHERE id = ?').all(target.screen)
        : this.db.prepare<[string], { id: string }>('SELECT id FROM screens WHERE site = ? ORDER BY id').all(target.site);
    return rows.map((row) => row.id);
  }

  /**
   * The screens a push or an alert goes to: a screen must exist (404 naming it); a site may
   * have none yet (what is assigned to it reaches its screens when they are added).
   */
  targetIds(target: Target): string[] {
    const ids = this.idsOf(target);
    if ('screen' in target && ids.length === 0) throw new HubError(404, `target.screen: screen "${target.screen}" does not exist`);
    return ids;
  }

  seen(id: string, at: number): void {
    this.seenStmt.run(toUtcTime(at), id);
  }

  /** The last status, with the kiosk's events of this one added to those kept from before. */
  recordStatus(id: string, status: StatusMessage, at: number): void {
    const before = parsedStatus(this.lastStatusStmt.get(id)?.status ?? null)?.events ?? [];
    const events = keptEvents(before, status.events ?? []);
    this.statusStmt.run(JSON.stringify(events.length > 0 ? { ...status, events } : status), toUtcTime(at), id);
  }

  recordAck(id: string, revision: string): void {
    this.db.prepare('UPDATE screens SET acked_revision = ?, refused_revision = NULL, refused_error = NULL, refused_at = NULL WHERE id = ?').run(revision, id);
  }

  recordRefusal(id: string, revision: string, error: string, at: number): void {
    this.db.prepare('UPDATE screens SET refused_revision = ?, refused_error = ?, refused_at = ? WHERE id = ?').run(revision, error, toUtcTime(at), id);
  }

  ackedRevision(id: string): string | null {
    return this.byId.get(id)?.acked_revision ?? null;
  }

  states(isOnline: (id: string) => boolean, revisionOf: (screen: ScreenInfo) => string | null): ScreenState[] {
    return this.db
      .prepare<[], ScreenRow>('SELECT * FROM screens ORDER BY site, id')
      .all()
      .map((row) => {
        return {
          ...info(row),
          online: isOnline(row.id),
          lastSeen: row.last_seen,
          revision: revisionOf(info(row)),
          ackedRevision: row.acked_revision,
          refused: row.refused_revision && row.refused_error && row.refused_at ? { revision: row.refused_revision, error: row.refused_error, at: row.refused_at } : null,
          status: parsedStatus(row.status),
          watts: row.watts,
        };
      });
  }
}
