import type { PushRequest, ScreenInfo, Target } from '../../../shared/adminApi.js';
import { toUtcTime } from '../../../shared/ids.js';
import type { Layout } from '../../../shared/layout.js';
import type { Playlist } from '../../../shared/playlist.js';
import type { PowerSchedule } from '../../../shared/powerSchedule.js';
import type { PlaylistsMessage } from '../../../shared/protocol.js';
import type { PlaylistStore } from '../index.js';
import { assembled, checkPushedSets, otherTargetsChanged, pushTargets, setMessage, setRevision, targetKey, type AssembledSet, type OtherTargetChanged } from '../playlistSets.js';
import type { SqliteDb } from './sqliteDb.js';

/**
 * Playlists with their history (a new version only when the content changes), their
 * assignments to screens and sites, and the layouts of screens and sites (protocol §6; a
 * screen's own layout wins over its site's). A screen's set is the latest version of every
 * playlist assigned to it or to its site, with its layout; its revision is a digest of that
 * set, so it changes exactly when what the screen should play changes.
 */

export class SqlitePlaylistStore implements PlaylistStore {
  private readonly latest;
  private readonly playlistsOf;
  private readonly layoutOf;
  private readonly upsertLayout;
  private readonly deleteLayout;
  private readonly screensOf;
  private readonly assignedTo;
  private readonly powerOf;
  private readonly upsertPower;
  private readonly deletePower;

  constructor(private readonly db: SqliteDb) {
    this.latest = db.prepare<[string], { version: number; body: string }>(
      'SELECT version, body FROM playlist_versions WHERE playlist_id = ? ORDER BY version DESC LIMIT 1',
    );
    this.playlistsOf = db.prepare<[string | null, string], { body: string }>(
      `SELECT v.body FROM (
         SELECT DISTINCT playlist_id FROM assignments
         WHERE (target_kind = 'screen' AND target_id = ?) OR (target_kind = 'site' AND target_id = ?)
       ) a
       JOIN playlist_versions v ON v.playlist_id = a.playlist_id
         AND v.version = (SELECT MAX(version) FROM playlist_versions WHERE playlist_id = a.playlist_id)
       ORDER BY a.playlist_id`,
    );
    this.layoutOf = db.prepare<[string | null, string], { body: string }>(
      `SELECT body FROM layouts
       WHERE (target_kind = 'screen' AND target_id = ?) OR (target_kind = 'site' AND target_id = ?)
       ORDER BY CASE target_kind WHEN 'screen' THEN 0 ELSE 1 END LIMIT 1`,
    );
    this.upsertLayout = db.prepare<[string, string, string, string]>(
      'INSERT INTO layouts (target_kind, target_id, body, set_at) VALUES (?, ?, ?, ?) ON CONFLICT (target_kind, target_id) DO UPDATE SET body = excluded.body, set_at = excluded.set_at',
    );
    this.deleteLayout = db.prepare<[string, string]>('DELETE FROM layouts WHERE target_kind = ? AND target_id = ?');
    this.powerOf = db.prepare<[string | null, string], { body: string }>(
      `SELECT body FROM power_schedules
       WHERE (target_kind = 'screen' AND target_id = ?) OR (target_kind = 'site' AND target_id = ?)
       ORDER BY CASE target_kind WHEN 'screen' THEN 0 ELSE 1 END LIMIT 1`,
    );
    this.upsertPower = db.prepare<[string, string, string, string]>(
      'INSERT INTO power_schedules (target_kind, target_id, body, set_at) VALUES (?, ?, ?, ?) ON CONFLICT (target_kind, target_id) DO UPDATE SET body = excluded.body, set_at = excluded.set_at',
    );
    this.deletePower = db.prepare<[string, string]>('DELETE FROM power_schedules WHERE target_kind = ? AND target_id = ?');
    // Lists as JSON arrays (json_each): one statement whatever their length.
    this.screensOf = db.prepare<[string, string], { id: string; site: string }>(
      'SELECT id, site FROM screens WHERE id IN (SELECT value FROM json_each(?)) OR site IN (SELECT value FROM json_each(?)) ORDER BY id',
    );
    this.assignedTo = db.prepare<[string], { target_kind: 'screen' | 'site'; target_id: string }>(
      'SELECT DISTINCT target_kind, target_id FROM assignments WHERE playlist_id IN (SELECT value FROM json_each(?))',
    );
  }

  /** Stores each playlist as a new version if it differs from the latest one. */
  private save(playlists: Playlist[]): { id: string; version: number }[] {
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

  private assign(target: Target, playlistIds: string[], replace: boolean): void {
    const [kind, id] = targetKey(target);
    const insert = this.db.prepare('INSERT OR IGNORE INTO assignments (playlist_id, target_kind, target_id, assigned_at) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      if (replace) this.db.prepare('DELETE FROM assignments WHERE target_kind = ? AND target_id = ?').run(kind, id);
      for (const playlistId of playlistIds) insert.run(playlistId, kind, id, toUtcTime(Date.now()));
    })();
  }

  /** The target's own layout (null: none, its screens play full screen unless their site has one). */
  private setLayout(target: Target, layout: Layout | null): void {
    const [kind, id] = targetKey(target);
    if (layout === null) this.deleteLayout.run(kind, id);
    else this.upsertLayout.run(kind, id, JSON.stringify(layout), toUtcTime(Date.now()));
  }

  async setPower(target: Target, power: PowerSchedule | null): Promise<void> {
    const [kind, id] = targetKey(target);
    if (power === null) this.deletePower.run(kind, id);
    else this.upsertPower.run(kind, id, JSON.stringify(power), toUtcTime(Date.now()));
  }

  /**
   * A push, all or nothing: the playlists saved and assigned, the layout set or removed
   * (`layout` null) when given, then every set this changes checked (each playlist's `zone`
   * names a zone of the layout its screen plays): the target's screens, and those of every
   * screen or site a pushed playlist was already assigned to (a playlist is one, wherever it
   * plays). A push that would give a screen (or a site's future screens) a set it cannot play
   * is refused (400 with the path) and changes nothing. Answers the screens whose set may have changed.
   */
  async push(push: PushRequest): Promise<{ versions: { id: string; version: number }[]; screens: string[] }> {
    return this.db.transaction(() => {
      const versions = this.save(push.playlists);
      this.assign(push.target, versions.map((v) => v.id), push.replace ?? false);
      if (push.layout !== undefined) this.setLayout(push.target, push.layout);
      const targets = pushTargets(push, this.assignedTo.all(JSON.stringify(push.playlists.map((p) => p.id))));
      const screens = this.screensOf.all(JSON.stringify(targets.screens), JSON.stringify(targets.sites));
      checkPushedSets(push, [
        ...screens.map((screen) => ({ who: `screen "${screen.id}"`, set: this.assemble(screen.id, screen.site) })),
        ...targets.sites.map((site) => ({ who: `site "${site}"`, set: this.assemble(null, site) })),
      ]);
      return { versions, screens: screens.map((screen) => screen.id) };
    })();
  }

  async otherTargetsChanged(push: PushRequest): Promise<OtherTargetChanged[]> {
    const ids = JSON.stringify(push.playlists.map((p) => p.id));
    const latest = new Map<string, string>();
    for (const playlist of push.playlists) {
      const body = this.latest.get(playlist.id)?.body;
      if (body !== undefined) latest.set(playlist.id, body);
    }
    const assigned = this.db
      .prepare<[string], { playlist_id: string; target_kind: 'screen' | 'site'; target_id: string }>('SELECT playlist_id, target_kind, target_id FROM assignments WHERE playlist_id IN (SELECT value FROM json_each(?))')
      .all(ids);
    return otherTargetsChanged(push, latest, assigned);
  }

  async history(id: string): Promise<{ version: number; createdAt: string }[]> {
    return this.db
      .prepare<[string], { version: number; created_at: string }>('SELECT version, created_at FROM playlist_versions WHERE playlist_id = ? ORDER BY version')
      .all(id)
      .map((row) => ({ version: row.version, createdAt: row.created_at }));
  }

  private stored(screenId: string | null, site: string): { bodies: string[]; layout: string | undefined; power: string | undefined } {
    return { bodies: this.playlistsOf.all(screenId, site).map((row) => row.body), layout: this.layoutOf.get(screenId, site)?.body, power: this.powerOf.get(screenId, site)?.body };
  }

  private assemble(screenId: string | null, site: string): AssembledSet {
    const { bodies, layout, power } = this.stored(screenId, site);
    return assembled(bodies, layout, power);
  }

  async setFor(screen: ScreenInfo): Promise<PlaylistsMessage | null> {
    return setMessage(this.assemble(screen.id, screen.site));
  }

  async revisionFor(screen: ScreenInfo): Promise<string | null> {
    const { bodies, layout, power } = this.stored(screen.id, screen.site);
    return setRevision(bodies, layout, power);
  }

  async setsFor(screens: readonly ScreenInfo[]): Promise<Map<string, PlaylistsMessage | null>> {
    return new Map(screens.map((screen) => [screen.id, setMessage(this.assemble(screen.id, screen.site))]));
  }
}
