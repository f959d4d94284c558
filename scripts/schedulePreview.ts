/**
 * npm run schedule -- <playlist folder or files…> --at 2026-12-24T08:00 --tz Europe/Paris --for 8h [--wait service=minutes] [--power horaires.power.json]
 * Prints, minute by minute, what the screen will play: for admins, before they push.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { DateTime } from 'luxon';
import { playlistsOfZone, zoneOf } from '../src/shared/layout.js';
import { LocalDateTime, PlaylistSet, TimeZone, type Playlist } from '../src/shared/playlist.js';
import { onIntervals, PowerSchedule } from '../src/shared/powerSchedule.js';
import { hourStartOf } from '../src/shared/schedule.js';
import { timeline, type Segment } from '../src/shared/timeline.js';
import { formatIssues } from '../src/shared/validationError.js';
import { listPlaylistFiles } from './playlistBundle.js';

const USAGE = 'usage: npm run schedule -- <playlist folder or files…> --at 2026-12-24T08:00 [--tz Europe/Paris] [--for 8h] [--wait service=minutes] [--power horaires.power.json]';

export interface PreviewArgs {
  paths: string[];
  at: string;
  tz: string;
  forMs: number;
  waits: Record<string, number>;
  /** A power schedule file: when the screen sleeps (shown before the minutes). */
  power?: string;
}

export function parseArgs(argv: string[]): PreviewArgs {
  const paths: string[] = [];
  let at: string | undefined;
  let tz = 'Europe/Paris';
  let forMs = 8 * 3_600_000;
  const waits: Record<string, number> = {};
  let power: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--at') at = value();
    else if (arg === '--tz') tz = value();
    else if (arg === '--for') {
      const m = /^(\d+(?:\.\d+)?)(m|h|d)$/.exec(value());
      if (!m) throw new Error(`--for: expected a length like 90m, 8h or 7d\n${USAGE}`);
      forMs = Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
    } else if (arg === '--wait') {
      const m = /^([A-Za-z0-9._-]+)=(\d+(?:\.\d+)?)$/.exec(value());
      if (!m) throw new Error(`--wait: expected service=minutes, like etat-civil=20\n${USAGE}`);
      waits[m[1]!] = Number(m[2]);
    } else if (arg === '--power') power = value();
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else paths.push(arg);
  }
  if (paths.length === 0) throw new Error(`no playlist given\n${USAGE}`);
  if (!at) throw new Error(`--at is required\n${USAGE}`);
  const zone = TimeZone.safeParse(tz);
  if (!zone.success) throw new Error(`--tz: ${zone.error.issues[0]?.message}`);
  const local = LocalDateTime.safeParse(at);
  if (!local.success) throw new Error(`--at: ${local.error.issues[0]?.message}`);
  return { paths, at, tz, forMs, waits, ...(power ? { power } : {}) };
}

export function loadPlaylists(paths: string[]): Playlist[] {
  const files = paths.flatMap((path) => {
    if (!existsSync(path)) throw new Error(`${path}: no such file or folder`);
    return statSync(path).isDirectory() ? listPlaylistFiles(path) : [path];
  });
  const raw = files.map((file) => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (error) {
      throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
    }
  });
  const parsed = PlaylistSet.safeParse(raw);
  if (!parsed.success) {
    // Name the file rather than its index in the set.
    const lines = parsed.error.issues.map((issue) => {
      const [index, ...rest] = issue.path;
      const file = typeof index === 'number' ? files[index] : undefined;
      return `${file ?? '(set)'}: ${formatIssues({ issues: [{ ...issue, path: rest }] } as never)}`;
    });
    throw new Error(lines.join('\n'));
  }
  return parsed.data;
}

/** A power schedule file, checked (a bad one names the file and the field). */
export function loadPower(path: string): PowerSchedule {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: ${existsSync(path) ? `not valid JSON (${(error as Error).message})` : 'no such file'}`);
  }
  const parsed = PowerSchedule.safeParse(raw);
  if (!parsed.success) throw new Error(`${path}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

/** The stretches of [from, until) the screen sleeps by its power schedule, one line each (the screen's local time). */
export function sleepLines(power: PowerSchedule, playlists: readonly Playlist[], tz: string, from: number, until: number): string[] {
  const on = onIntervals(power, playlists, tz, from, until);
  const off: [number, number][] = [];
  let t = from;
  for (const [a, b] of on) {
    if (a > t) off.push([t, a]);
    t = Math.max(t, b);
  }
  if (t < until) off.push([t, until]);
  const at = (ms: number) => DateTime.fromMillis(ms, { zone: tz }).toFormat('ccc dd LLL HH:mm', { locale: 'fr' });
  return off.map(([a, b]) => `  ${at(a)} → ${at(b)}  en veille, ${((b - a) / 3_600_000).toFixed(1)} h`);
}

/** One line per minute: the playlists on screen during that minute, each with its items in order of play. */
export function minuteLines(segments: Segment[], tz: string, from: number, until: number): string[] {
  const lines: string[] = [];
  let s = 0;
  for (let minute = from; minute < until; minute += 60_000) {
    const end = minute + 60_000;
    while (s < segments.length && segments[s]!.end <= minute) s++;
    const byPlaylist = new Map<string, string[]>();
    for (let k = s; k < segments.length && segments[k]!.start < end; k++) {
      const seg = segments[k]!;
      const key = seg.playlistId ?? '— rien à afficher (écran de veille)';
      const items = byPlaylist.get(key) ?? [];
      const label = seg.itemId ? `${seg.itemId}${seg.complete ? '' : ' (coupé)'}` : '';
      if (label && !items.includes(label)) items.push(label);
      byPlaylist.set(key, items);
    }
    const what = [...byPlaylist].map(([playlist, items]) => (items.length ? `${playlist} (${items.join(', ')})` : playlist)).join(' · ');
    lines.push(`${DateTime.fromMillis(minute, { zone: tz }).toFormat('ccc dd LLL HH:mm', { locale: 'fr' })}  ${what}`);
  }
  return lines;
}

/**
 * Share of voice (§6) achieved: for each playlist with a `share`, its part of the zone's airtime
 * in each clock hour of the preview (hours the preview covers only in part are marked so).
 */
export function shareLines(playlists: readonly Playlist[], segments: Segment[], tz: string, from: number, until: number): string[] {
  const shared = playlists.filter((p) => p.share !== undefined);
  if (shared.length === 0) return [];
  const scale = Math.max(1, shared.reduce((sum, p) => sum + (p.share ?? 0), 0));
  const lines: string[] = [];
  for (let hour = hourStartOf(from, tz); hour < until; hour += 3_600_000) {
    const end = hour + 3_600_000;
    const byPlaylist = new Map<string, number>();
    let zone = 0;
    for (const seg of segments) {
      const ms = Math.max(0, Math.min(seg.end, end) - Math.max(seg.start, hour));
      if (ms === 0 || !seg.playlistId) continue;
      zone += ms;
      byPlaylist.set(seg.playlistId, (byPlaylist.get(seg.playlistId) ?? 0) + ms);
    }
    if (zone === 0) continue;
    const partial = hour < from || end > until ? ' (heure partielle)' : '';
    const parts = shared.map((p) => `${p.id} ${Math.round((100 * (byPlaylist.get(p.id) ?? 0)) / zone)} % (part ${Math.round((100 * p.share!) / scale)} %)`);
    lines.push(`  ${DateTime.fromMillis(hour, { zone: tz }).toFormat('HH:mm')}  ${parts.join(' · ')}${partial}`);
  }
  return lines;
}

function main(): void {
  let args: PreviewArgs;
  let playlists: Playlist[];
  let power: PowerSchedule | null = null;
  try {
    args = parseArgs(process.argv.slice(2));
    playlists = loadPlaylists(args.paths);
    if (args.power) power = loadPower(args.power);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  const from = DateTime.fromISO(args.at, { zone: args.tz }).toMillis();
  const until = from + args.forMs;
  console.log(`Aperçu — ${playlists.length} playlist(s), fuseau ${args.tz}, à partir du ${args.at}, ${args.forMs / 60_000} min`);
  if (power) {
    const sleeps = sleepLines(power, playlists, args.tz, from, until);
    console.log(sleeps.length > 0 ? `Mise en veille (${args.power}) :\n${sleeps.join('\n')}` : `Mise en veille (${args.power}) : jamais pendant l’aperçu`);
  }
  // One scheduler per zone (§6): each zone plays the playlists that name it (without zone: main).
  const zones = [...new Set(playlists.map(zoneOf))];
  for (const zone of zones) {
    const ofZone = playlistsOfZone(playlists, zone);
    const segments = timeline({ playlists: ofZone, timezone: args.tz, from, until, waits: args.waits });
    if (zones.length > 1 || zone !== 'main') console.log(`\nZone ${zone}`);
    for (const line of minuteLines(segments, args.tz, from, until)) console.log(line);
    const shares = shareLines(ofZone, segments, args.tz, from, until);
    if (shares.length > 0) console.log(`Part de voix obtenue (zone ${zone}), par heure :`, `\n${shares.join('\n')}`);
  }
}

if (process.argv[1]?.endsWith('schedulePreview.ts')) {
  process.stdout.on('error', () => process.exit(0)); // piped into head: fine
  main();
}
