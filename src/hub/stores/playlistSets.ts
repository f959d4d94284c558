import { createHash } from 'node:crypto';
import type { PushRequest, Target } from '../../shared/adminApi.js';
import { Layout } from '../../shared/layout.js';
import { Playlist } from '../../shared/playlist.js';
import { PowerSchedule } from '../../shared/powerSchedule.js';
import { PlaylistsMessage } from '../../shared/protocol.js';
import { formatPath } from '../../shared/validationError.js';
import { HubError } from '../hubError.js';

/**
 * A screen's set, whatever the engine: the latest version of every playlist assigned to it or
 * to its site (by playlist id), with its layout and power schedule (its own, else its site's); its revision is a
 * digest of that set, so it changes exactly when what the screen should play changes.
 */

/** The playlists and layout a screen (or any screen of a site without its own) is given, as stored and parsed. */
export interface AssembledSet {
  bodies: string[];
  playlists: Playlist[];
  layout: Layout | undefined;
  layoutBody: string | undefined;
  /** When its screens sleep (a screen's own, else its site's); undefined: always on. */
  power?: PowerSchedule | undefined;
  powerBody?: string | undefined;
}

export function targetKey(target: Target): ['screen' | 'site', string] {
  return 'screen' in target ? ['screen', target.screen] : ['site', target.site];
}

export function assembled(bodies: string[], layoutBody: string | undefined, powerBody?: string | undefined): AssembledSet {
  return {
    bodies,
    playlists: bodies.map((body) => Playlist.parse(JSON.parse(body))),
    layout: layoutBody === undefined ? undefined : Layout.parse(JSON.parse(layoutBody)),
    layoutBody,
    power: powerBody === undefined ? undefined : PowerSchedule.parse(JSON.parse(powerBody)),
    powerBody,
  };
}

/** The set's message, or null when nothing is assigned (the screen then keeps what it plays). */
export function setMessage(set: AssembledSet): PlaylistsMessage | null {
  const revision = setRevision(set.bodies, set.layoutBody, set.powerBody);
  if (revision === null) return null;
  return { revision, playlists: set.playlists, ...(set.layout ? { layout: set.layout } : {}), ...(set.power ? { power: set.power } : {}) };
}

/**
 * The revision of the set these stored bodies make (null when nothing is assigned), without
 * parsing them: what a screen's status is compared with (setMessage gives the same).
 */
export function setRevision(bodies: readonly string[], layoutBody: string | undefined, powerBody?: string | undefined): string | null {
  if (bodies.length === 0) return null;
  // Without a layout the digest is the one v1 hubs computed: a screen's revision does not change with this hub's upgrade.
  // A power schedule is part of what the screen is given: its revision changes with it (none: as before).
  let digest = layoutBody === undefined ? bodies.join('\n') : `${bodies.join('\n')}\nlayout ${layoutBody}`;
  if (powerBody !== undefined) digest += `\npower ${powerBody}`;
  return createHash('sha256').update(digest).digest('hex').slice(0, 16);
}

/**
 * Checks every set a push changes (each playlist's `zone` names a zone of the layout its screen
 * plays); throws a 400 naming each problem's path (in the push when it is one of its playlists).
 */
export function checkPushedSets(push: PushRequest, sets: { who: string; set: AssembledSet }[]): void {
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
      // A problem of the set itself: its path says where (`layout.zones[1].x`, `playlists` when there are too many).
      else errors.add(`${who}: ${formatPath(issue.path)}: ${issue.message}`);
    }
  }
  if (errors.size > 0) throw new HubError(400, [...errors].join('; '));
}

/** The push's target, and every screen and site one of its playlists was already assigned to (a playlist is one, wherever it plays). */
export function pushTargets(push: PushRequest, assignedTo: { target_kind: 'screen' | 'site'; target_id: string }[]): { screens: string[]; sites: string[] } {
  const [kind, id] = targetKey(push.target);
  const rows = [...assignedTo, { target_kind: kind, target_id: id }];
  const of = (wanted: 'screen' | 'site'): string[] => [...new Set(rows.filter((row) => row.target_kind === wanted).map((row) => row.target_id))].sort();
  return { screens: of('screen'), sites: of('site') };
}

/** A screen or site a push would change besides its own target, with the pushed playlists (ids) that change it. */
export interface OtherTargetChanged {
  target: Target;
  playlists: string[];
}

/**
 * The screens and sites other than the push's target whose set the push would change: those a
 * pushed playlist is already assigned to, when the push changes that playlist's content (a
 * playlist is one, wherever it plays). An unchanged playlist pushed again changes nothing there.
 * `latest`: each pushed id's latest stored body; `assigned`: the assignments of those ids.
 */
export function otherTargetsChanged(
  push: PushRequest,
  latest: ReadonlyMap<string, string>,
  assigned: readonly { playlist_id: string; target_kind: 'screen' | 'site'; target_id: string }[],
): OtherTargetChanged[] {
  const changed = new Set(push.playlists.filter((playlist) => latest.has(playlist.id) && latest.get(playlist.id) !== JSON.stringify(playlist)).map((playlist) => playlist.id));
  const [kind, id] = targetKey(push.target);
  const byTarget = new Map<string, OtherTargetChanged>();
  for (const row of assigned) {
    if (!changed.has(row.playlist_id) || (row.target_kind === kind && row.target_id === id)) continue;
    const key = `${row.target_kind}:${row.target_id}`;
    const entry = byTarget.get(key) ?? { target: row.target_kind === 'screen' ? { screen: row.target_id } : { site: row.target_id }, playlists: [] };
    if (!entry.playlists.includes(row.playlist_id)) entry.playlists.push(row.playlist_id);
    byTarget.set(key, entry);
  }
  return [...byTarget.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, entry]) => ({ ...entry, playlists: entry.playlists.sort() }));
}
