import type { PushRequest, ScreenInfo, Target } from '../../../shared/adminApi.js';
import { toUtcTime } from '../../../shared/ids.js';
import type { PowerSchedule } from '../../../shared/powerSchedule.js';
import type { PlaylistsMessage } from '../../../shared/protocol.js';
import type { PlaylistStore } from '../index.js';
import { assembled, checkPushedSets, otherTargetsChanged, pushTargets, setMessage, setRevision, targetKey, type AssembledSet, type OtherTargetChanged } from '../playlistSets.js';
import { inTransaction, type PgPool, type PgQueryable } from './pgDb.js';

/** Playlists with their history, assignments, layouts and power schedules (PostgreSQL); see ../playlistSets.ts for what a set is. */

/** Pushes take this lock (`pg_advisory_xact_lock`): two nodes never number a playlist's versions alike. */
const PUSH_LOCK = 0x70757368; // "push"

export class PgPlaylistStore implements PlaylistStore {
  /**
   * `statusPool`: where revisionFor reads, once per screen status: the pool the statuses are
   * written through, so that hundreds of them a second never queue the impressions' commits
   * behind them for a connection of `pool` (bench cluster: ack p50 1.3 s when they shared it).
   */
  constructor(
    private readonly pool: PgPool,
    private readonly statusPool: PgPool = pool,
  ) {}

  async push(push: PushRequest): Promise<{ versions: { id: string; version: number }[]; screens: string[] }> {
    return inTransaction(this.pool, async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1)', [PUSH_LOCK]);
      const now = toUtcTime(Date.now());
      const versions: { id: string; version: number }[] = [];
      for (const playlist of push.playlists) {
        const body = JSON.stringify(playlist);
        const latest = (await db.query<{ version: number; body: string }>('SELECT version, body FROM playlist_versions WHERE playlist_id = $1 ORDER BY version DESC LIMIT 1', [playlist.id])).rows[0];
        if (latest?.body === body) {
          versions.push({ id: playlist.id, version: latest.version });
          continue;
        }
        const version = (latest?.version ?? 0) + 1;
        await db.query('INSERT INTO playlist_versions (playlist_id, version, body, created_at) VALUES ($1, $2, $3, $4)', [playlist.id, version, body, now]);
        versions.push({ id: playlist.id, version });
      }
      const [kind, id] = targetKey(push.target);
      if (push.replace) await db.query('DELETE FROM assignments WHERE target_kind = $1 AND target_id = $2', [kind, id]);
      await db.query(
        'INSERT INTO assignments (playlist_id, target_kind, target_id, assigned_at) SELECT p, $2, $3, $4 FROM unnest($1::text[]) AS p ON CONFLICT DO NOTHING',
        [versions.map((v) => v.id), kind, id, now],
      );
      if (push.layout === null) await db.query('DELETE FROM layouts WHERE target_kind = $1 AND target_id = $2', [kind, id]);
      else if (push.layout !== undefined) {
        await db.query(
          'INSERT INTO layouts (target_kind, target_id, body, set_at) VALUES ($1, $2, $3, $4) ON CONFLICT (target_kind, target_id) DO UPDATE SET body = excluded.body, set_at = excluded.set_at',
          [kind, id, JSON.stringify(push.layout), now],
        );
      }
      const assignedTo = await db.query<{ target_kind: 'screen' | 'site'; target_id: string }>('SELECT DISTINCT target_kind, target_id FROM assignments WHERE playlist_id = ANY($1::text[])', [
        push.playlists.map((p) => p.id),
      ]);
      const targets = pushTargets(push, assignedTo.rows);
      const screens = (await db.query<{ id: string; site: string }>('SELECT id, site FROM screens WHERE id = ANY($1::text[]) OR site = ANY($2::text[]) ORDER BY id', [targets.screens, targets.sites])).rows;
      const sets: { who: string; set: AssembledSet }[] = [];
      for (const screen of screens) sets.push({ who: `screen "${screen.id}"`, set: await assemble(db, screen.id, screen.site) });
      for (const site of targets.sites) sets.push({ who: `site "${site}"`, set: await assemble(db, null, site) });
      // A refused push throws here: the transaction is rolled back, nothing changed.
      checkPushedSets(push, sets);
      return { versions, screens: screens.map((screen) => screen.id) };
    });
  }

  async otherTargetsChanged(push: PushRequest): Promise<OtherTargetChanged[]> {
    const ids = push.playlists.map((p) => p.id);
    const latest = await this.pool.query<{ playlist_id: string; body: string }>(
      'SELECT DISTINCT ON (playlist_id) playlist_id, body FROM playlist_versions WHERE playlist_id = ANY($1::text[]) ORDER BY playlist_id, version DESC',
      [ids],
    );
    const assigned = await this.pool.query<{ playlist_id: string; target_kind: 'screen' | 'site'; target_id: string }>(
      'SELECT playlist_id, target_kind, target_id FROM assignments WHERE playlist_id = ANY($1::text[])',
      [ids],
    );
    return otherTargetsChanged(push, new Map(latest.rows.map((row) => [row.playlist_id, row.body])), assigned.rows);
  }

  async history(id: string): Promise<{ version: number; createdAt: string }[]> {
    const { rows } = await this.pool.query<{ version: number; created_at: string }>('SELECT version, created_at FROM playlist_versions WHERE playlist_id = $1 ORDER BY version', [id]);
    return rows.map((row) => ({ version: row.version, createdAt: row.created_at }));
  }

  async setPower(target: Target, power: PowerSchedule | null): Promise<void> {
    const [kind, id] = targetKey(target);
    if (power === null) await this.pool.query('DELETE FROM power_schedules WHERE target_kind = $1 AND target_id = $2', [kind, id]);
    else {
      await this.pool.query(
        'INSERT INTO power_schedules (target_kind, target_id, body, set_at) VALUES ($1, $2, $3, $4) ON CONFLICT (target_kind, target_id) DO UPDATE SET body = excluded.body, set_at = excluded.set_at',
        [kind, id, JSON.stringify(power), toUtcTime(Date.now())],
      );
    }
  }

  async setFor(screen: ScreenInfo): Promise<PlaylistsMessage | null> {
    return setMessage(await assemble(this.pool, screen.id, screen.site));
  }

  async revisionFor(screen: ScreenInfo): Promise<string | null> {
    const { bodies, layout, power } = await stored(this.statusPool, screen.id, screen.site);
    return setRevision(bodies, layout, power);
  }

  /** Four queries whatever the number of screens (their assignments, the playlists' latest versions, the layouts, the power schedules), assembled here as setFor would. */
  async setsFor(screens: readonly ScreenInfo[]): Promise<Map<string, PlaylistsMessage | null>> {
    const ids = screens.map((screen) => screen.id);
    const sites = [...new Set(screens.map((screen) => screen.site))];
    const assigned = (
      await this.pool.query<{ target_kind: 'screen' | 'site'; target_id: string; playlist_id: string }>(
        "SELECT target_kind, target_id, playlist_id FROM assignments WHERE (target_kind = 'screen' AND target_id = ANY($1::text[])) OR (target_kind = 'site' AND target_id = ANY($2::text[]))",
        [ids, sites],
      )
    ).rows;
    const playlistIds = [...new Set(assigned.map((row) => row.playlist_id))];
    const bodies = new Map(
      (
        await this.pool.query<{ playlist_id: string; body: string }>(
          'SELECT DISTINCT ON (playlist_id) playlist_id, body FROM playlist_versions WHERE playlist_id = ANY($1::text[]) ORDER BY playlist_id, version DESC',
          [playlistIds],
        )
      ).rows.map((row) => [row.playlist_id, row.body]),
    );
    const layouts = new Map(
      (
        await this.pool.query<{ target_kind: string; target_id: string; body: string }>(
          "SELECT target_kind, target_id, body FROM layouts WHERE (target_kind = 'screen' AND target_id = ANY($1::text[])) OR (target_kind = 'site' AND target_id = ANY($2::text[]))",
          [ids, sites],
        )
      ).rows.map((row) => [`${row.target_kind}:${row.target_id}`, row.body]),
    );
    const powers = new Map(
      (
        await this.pool.query<{ target_kind: string; target_id: string; body: string }>(
          "SELECT target_kind, target_id, body FROM power_schedules WHERE (target_kind = 'screen' AND target_id = ANY($1::text[])) OR (target_kind = 'site' AND target_id = ANY($2::text[]))",
          [ids, sites],
        )
      ).rows.map((row) => [`${row.target_kind}:${row.target_id}`, row.body]),
    );
    const assignedTo = (kind: string, id: string): string[] => assigned.filter((row) => row.target_kind === kind && row.target_id === id).map((row) => row.playlist_id);
    const sets = new Map<string, PlaylistsMessage | null>();
    // Screens of one site without their own assignments, layout or power schedule share one set: assembled once.
    const bySite = new Map<string, PlaylistsMessage | null>();
    for (const screen of screens) {
      const own = assignedTo('screen', screen.id);
      const ownLayout = layouts.get(`screen:${screen.id}`);
      const ownPower = powers.get(`screen:${screen.id}`);
      const siteOnly = own.length === 0 && ownLayout === undefined && ownPower === undefined;
      if (siteOnly && bySite.has(screen.site)) {
        sets.set(screen.id, bySite.get(screen.site)!);
        continue;
      }
      // Playlist ids in bytewise order, as the database sorts them (COLLATE "C"; ids are ASCII).
      const playlists = [...new Set([...own, ...assignedTo('site', screen.site)])].sort();
      const set = setMessage(
        assembled(
          playlists.flatMap((id) => (bodies.has(id) ? [bodies.get(id)!] : [])),
          ownLayout ?? layouts.get(`site:${screen.site}`),
          ownPower ?? powers.get(`site:${screen.site}`),
        ),
      );
      sets.set(screen.id, set);
      if (siteOnly) bySite.set(screen.site, set);
    }
    return sets;
  }
}

/** A screen's (or a site's, `screenId` null) set as stored, in one round trip: its playlists' latest bodies, its layout and its power schedule (the screen's own before its site's). */
async function stored(db: PgQueryable, screenId: string | null, site: string): Promise<{ bodies: string[]; layout: string | undefined; power: string | undefined }> {
  const { rows } = await db.query<{ bodies: string[]; layout: string | null; power: string | null }>(
    `SELECT
       ARRAY(
         SELECT v.body FROM (
           SELECT DISTINCT playlist_id FROM assignments
           WHERE (target_kind = 'screen' AND target_id = $1) OR (target_kind = 'site' AND target_id = $2)
         ) a
         JOIN LATERAL (SELECT body FROM playlist_versions WHERE playlist_id = a.playlist_id ORDER BY version DESC LIMIT 1) v ON true
         ORDER BY a.playlist_id
       ) AS bodies,
       (SELECT body FROM layouts
        WHERE (target_kind = 'screen' AND target_id = $1) OR (target_kind = 'site' AND target_id = $2)
        ORDER BY CASE target_kind WHEN 'screen' THEN 0 ELSE 1 END LIMIT 1) AS layout,
       (SELECT body FROM power_schedules
        WHERE (target_kind = 'screen' AND target_id = $1) OR (target_kind = 'site' AND target_id = $2)
        ORDER BY CASE target_kind WHEN 'screen' THEN 0 ELSE 1 END LIMIT 1) AS power`,
    [screenId, site],
  );
  const row = rows[0]!;
  return { bodies: row.bodies, layout: row.layout ?? undefined, power: row.power ?? undefined };
}

async function assemble(db: PgQueryable, screenId: string | null, site: string): Promise<AssembledSet> {
  const { bodies, layout, power } = await stored(db, screenId, site);
  return assembled(bodies, layout, power);
}
