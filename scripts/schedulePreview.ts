/**
 * npm run schedule -- <playlist folder or files…> --at 2026-12-24T08:00 --tz Europe/Paris --for 8h [--wait service=minutes]
 * Prints, minute by minute, what the screen will play: for admins, before they push.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { DateTime } from 'luxon';
import { LocalDateTime, PlaylistSet, TimeZone, type Playlist } from '../src/shared/playlist.js';
import { timeline, type Segment } from '../src/shared/timeline.js';
import { formatIssues } from '../src/shared/validationError.js';
import { listPlaylistFiles } from './playlistBundle.js';

const USAGE = 'usage: npm run schedule -- <playlist folder or files…> --at 2026-12-24T08:00 [--tz Europe/Paris] [--for 8h] [--wait service=minutes]';

export interface PreviewArgs {
  paths: string[];
  at: string;
  tz: string;
  forMs: number;
  waits: Record<string, number>;
}

export function parseArgs(argv: string[]): PreviewArgs {
  const paths: string[] = [];
  let at: string | undefined;
  let tz = 'Europe/Paris';
  let forMs = 8 * 3_600_000;
  const waits: Record<string, number> = {};
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
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else paths.push(arg);
  }
  if (paths.length === 0) throw new Error(`no playlist given\n${USAGE}`);
  if (!at) throw new Error(`--at is required\n${USAGE}`);
  const zone = TimeZone.safeParse(tz);
  if (!zone.success) throw new Error(`--tz: ${zone.error.issues[0]?.message}`);
  const local = LocalDateTime.safeParse(at);
  if (!local.success) throw new Error(`--at: ${local.error.issues[0]?.message}`);
  return { paths, at, tz, forMs, waits };
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

function main(): void {
  let args: PreviewArgs;
  let playlists: Playlist[];
  try {
    args = parseArgs(process.argv.slice(2));
    playlists = loadPlaylists(args.paths);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  const from = DateTime.fromISO(args.at, { zone: args.tz }).toMillis();
  const until = from + args.forMs;
  const segments = timeline({ playlists, timezone: args.tz, from, until, waits: args.waits });
  console.log(`Aperçu — ${playlists.length} playlist(s), fuseau ${args.tz}, à partir du ${args.at}, ${args.forMs / 60_000} min`);
  for (const line of minuteLines(segments, args.tz, from, until)) console.log(line);
}

if (process.argv[1]?.endsWith('schedulePreview.ts')) {
  process.stdout.on('error', () => process.exit(0)); // piped into head: fine
  main();
}
