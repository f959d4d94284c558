import { createHash } from 'node:crypto';
import type { PushRequest, ScreenInfo, Target } from '../shared/adminApi.js';
import { toUtcTime } from '../shared/ids.js';
import { Layout } from '../shared/layout.js';
import { Playlist } from '../shared/playlist.js';
import { PowerSchedule } from '../shared/powerSchedule.js';
import { PlaylistsMessage } from '../shared/protocol.js';
import { formatPath } from '../shared/validationError.js';
import type { HubDb } from './hubDb.js';
import { HubError } from './hubError.js';

/**
 * Playlists with their history (a new version only when the content changes), their
 * assignments to screens and sites, and the layouts of screens and sites (protocol §6; a
 * screen's own layout wins over its site's). A screen's set is the latest version of every
 * playlist assigned to it or to its site, with its layout; its revision is a digest of that
 * set, so it changes exactly when what the screen should play changes.
 */

/** The playlists and layout a screen (or, with `screenId` null, any screen of a site without its own) is given. */
interface AssembledSet {
  bodies: string[];
  playlists: Playlist[];
  layout: Layout | undefined;
  layoutBody: string | undefined;
  /** The power schedule (a screen's own, else its site's); undefined: always on. */
  power: PowerSchedule | undefined;
  powerBody: string | undefined;
}

function targetKey(target: Target): ['screen' | 'site', string] {
  return 'screen' in target ? ['screen', target.screen] : ['site', target.site];
}

export class PlaylistStore {
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

  constructor(private readonly db: HubDb) {
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
    const [kind, id] = targetKey(target);
    const insert = this.db.prepare('INSERT OR IGNORE INTO assignments (playlist_id, target_kind, target_id, assigned_at) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      if (replace) this.db.prepare('DELETE FROM assignments WHERE target_kind = ? AND target_id = ?').run(kind, id);
      for (const playlistId of playlistIds) insert.run(playlistId, kind, id, toUtcTime(Date.now()));
    })();
  }

  /** The target's own layout (null: none, its screens play full screen unless their site has one). */
  setLayout(target: Target, layout: Layout | null): void {
    const [kind, id] = targetKey(target);
    if (layout === null) this.deleteLayout.run(kind, id);
    else this.upsertLayout.run(kind, id, JSON.stringify(layout), toUtcTime(Date.now()));
  }

  /** The target's own power schedule (null: none, its screens follow their site's, or stay on). */
  setPower(target: Target, power: PowerSchedule | null): void {
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
  push(push: PushRequest): { versions: { id: string; version: number }[]; screens: string[] } {
    return this.db.transaction(() => {
      const versions = this.save(push.playlists);
      this.assign(push.target, versions.map((v) => v.id), push.replace ?? false);
      if (push.layout !== undefined) this.setLayout(push.target, push.layout);
      const targets = this.targetsOf(push);
      const screens = this.screensOf.all(JSON.stringify(targets.screens), JSON.stringify(targets.sites));
      const sets = [
        ...screens.map((screen) => ({ who: `screen "${screen.id}"`, set: this.assemble(screen.id, screen.site) })),
        ...targets.sites.map((site) => ({ who: `site "${site}"`, set: this.assemble(null, site) })),
      ];
      const errors = new Set<string>();
      for (const { who, set } of sets) {
        const checked = PlaylistsMessage.safeParse({ revision: 'check', playlists: set.playlists, layout: set.layout });
        if (checked.success) continue;
        for (const issue of checked.error.issues) {
          const [, index, ...rest] = issue.path;
          const playlist = typeof index === 'number' ? set.playlists[index] : undefined;
          const pushed = playlist ? push.playlists.findIndex((p) => p.id === playlist.id) : -1;
          if (pushed >= 0) errors.add(`${formatPath(['playlists', pushed, ...rest])}: ${issue.message} (for ${who})`);
          else if (playlist) errors.add(`layout: ${who} also plays playlist "${playlist.id}" (assigned before), whose ${formatPath(rest)}: ${issue.message}`);
          else errors.add(`layout: ${who}: ${formatPath(issue.path)}: ${issue.message}`);
        }
      }
      if (errors.size > 0) throw new HubError(400, [...errors].join('; '));
      return { versions, screens: screens.map((screen) => screen.id) };
    })();
  }

  /** The push's target, and every screen and site one of its playlists is assigned to. */
  private targetsOf(push: PushRequest): { screens: string[]; sites: string[] } {
    const rows = this.assignedTo.all(JSON.stringify(push.playlists.map((p) => p.id)));
    const [kind, id] = targetKey(push.target);
    rows.push({ target_kind: kind, target_id: id });
    const of = (wanted: 'screen' | 'site'): string[] => [...new Set(rows.filter((row) => row.target_kind === wanted).map((row) => row.target_id))].sort();
    return { screens: of('screen'), sites: of('site') };
  }

  history(id: string): { version: number; createdAt: string }[] {
    return this.db
      .prepare<[string], { version: number; created_at: string }>('SELECT version, created_at FROM playlist_versions WHERE playlist_id = ? ORDER BY version')
      .all(id)
      .map((row) => ({ version: row.version, createdAt: row.created_at }));
  }

  private assemble(screenId: string | null, site: string): AssembledSet {
    const bodies = this.playlistsOf.all(screenId, site).map((row) => row.body);
    const layoutBody = this.layoutOf.get(screenId, site)?.body;
    const powerBody = this.powerOf.get(screenId, site)?.body;
    return {
      bodies,
      playlists: bodies.map((body) => Playlist.parse(JSON.parse(body))),
      layout: layoutBody === undefined ? undefined : Layout.parse(JSON.parse(layoutBody)),
      layoutBody,
      power: powerBody === undefined ? undefined : PowerSchedule.parse(JSON.parse(powerBody)),
      powerBody,
    };
  }

  /** The screen's set, or null when nothing is assigned to it (it then keeps what it plays). */
  setFor(screen: ScreenInfo): PlaylistsMessage | null {
    const set = this.assemble(screen.id, screen.site);
    if (set.bodies.length === 0) return null;
    // Without a layout the digest is the one v1 hubs computed: a screen's revision does not change with this hub's upgrade.
    // A power schedule is part of what the screen is given: its revision changes with it (none: as before).
    let digest = set.layoutBody === undefined ? set.bodies.join('\n') : `${set.bodies.join('\n')}\nlayout ${set.layoutBody}`;
    if (set.powerBody !== undefined) digest += `\npower ${set.powerBody}`;
    const revision = createHash('sha256').update(digest).digest('hex').slice(0, 16);
    return { revision, playlists: set.playlists, ...(set.layout ? { layout: set.layout } : {}), ...(set.power ? { power: set.power } : {}) };
  }
}
