import { createHash } from 'node:crypto';
import type { ScreenInfo, Target } from '../shared/adminApi.js';
import { toUtcTime } from '../shared/ids.js';
import { Playlist } from '../shared/playlist.js';
import type { PlaylistsMessage } from '../shared/protocol.js';
import type { HubDb } from './hubDb.js';

/**
 * Playlists with their history (a new version only when the content changes) and their
 * assignments to screens and sites. A screen's set is the latest version of every playlist
 * assigned to it or to its site; its revision is a digest of that set, so it changes
 * exactly when what the screen should play changes.
 */
export class PlaylistStore {
  private readonly latest;

  constructor(private readonly db: HubDb) {
    this.latest = db.prepare<[string], { version: number; body: string }>(
      'SELECT version, body FROM playlist_versions WHERE playlist_id = ? ORDER BY version DESC LIMIT 1',
    );
  }

  /** Stores each playlist as a new version if it differs from the latest one. */
  save(playlists: Playlist[]): { id: string; version: number }[] {
    const insert = this.db.prepare('INSERT INTO playlist_versions (playlist_id, version, body, created_at) VALUES (?, ?, ?, ?)');
    return this.db.transaction(() =>
      playlists.map((playlist) => {
        const body = JSON.stringify(playlist);
        const latest = this.latest.get(playlist.id);
        if (latest?.body === body) return { id: playlist.id, version: latest.version };
        const version = (latest?.version ?? 0) + 1;
        insert.run(playlist.id, version, body, toUtcTime(Date.now()));
        return { id: playlist.id, version };
      }),
    )();
  }

  assign(target: Target, playlistIds: string[], replace: boolean): void {
    const [kind, id] = 'screen' in target ? (['screen', target.screen] as const) : (['site', target.site] as const);
    const insert = this.db.prepare('INSERT OR IGNORE INTO assignments (playlist_id, target_kind, target_id, assigned_at) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      if (replace) this.db.prepare('DELETE FROM assignments WHERE target_kind = ? AND target_id = ?').run(kind, id);
      for (const playlistId of playlistIds) insert.run(playlistId, kind, id, toUtcTime(Date.now()));
    })();
  }

  history(id: string): { version: number; createdAt: string }[] {
    return this.db
      .prepare<[string], { version: number; created_at: string }>('SELECT version, created_at FROM playlist_versions WHERE playlist_id = ? ORDER BY version')
      .all(id)
      .map((row) => ({ version: row.version, createdAt: row.created_at }));
  }

  /** The screen's set, or null when nothing is assigned to it (it then keeps what it plays). */
  setFor(screen: ScreenInfo): PlaylistsMessage | null {
    const rows = this.db
      .prepare<[string, string], { body: string }>(
        `SELECT v.body FROM (
           SELECT DISTINCT playlist_id FROM assignments
           WHERE (target_kind = 'screen' AND target_id = ?) OR (target_kind = 'site' AND target_id = ?)
         ) a
         JOIN playlist_versions v ON v.playlist_id = a.playlist_id
           AND v.version = (SELECT MAX(version) FROM playlist_versions WHERE playlist_id = a.playlist_id)
         ORDER BY a.playlist_id`,
      )
      .all(screen.id, screen.site);
    if (rows.length === 0) return null;
    const playlists = rows.map((row) => Playlist.parse(JSON.parse(row.body)));
    const revision = createHash('sha256').update(rows.map((row) => row.body).join('\n')).digest('hex').slice(0, 16);
    return { revision, playlists };
  }
}
