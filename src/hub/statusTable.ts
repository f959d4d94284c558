import type { ScreenState } from '../shared/adminApi.js';
import { cacheStuckForS } from '../shared/cacheHealth.js';
import { revisionState } from '../shared/revisionState.js';

/** `antichambre-hub status`: one line per screen, readable in a terminal. */

function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

function revisionCell(screen: ScreenState): string {
  switch (revisionState(screen)) {
    case 'none':
      return '(none assigned)';
    case 'refused':
      return `${screen.revision} REFUSED: ${screen.refused?.error}`;
    case 'acked':
      return `${screen.revision} ok`;
    case 'waiting':
      return `${screen.revision} waiting (has ${screen.ackedRevision ?? 'none'})`;
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** 12 min, 3 h, 2 days: how long a file has been missing. */
function duration(seconds: number): string {
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

function cacheCell(screen: ScreenState): string {
  const cache = screen.status?.cache;
  if (!cache) return '-';
  const stuck = cacheStuckForS(cache);
  const errors = cache.errors ?? [];
  const first = errors[0];
  const why = first === undefined ? '' : `, why: ${first.length > 240 ? `${first.slice(0, 239)}…` : first}${errors.length > 1 ? ` (+${errors.length - 1} more)` : ''}`;
  return `${megabytes(cache.bytes)}, ${cache.files} files, ${cache.missing} missing${stuck === null ? '' : `, STUCK: oldest missing for ${duration(stuck)}`}${why}`;
}

/** The kiosk events the hub keeps: how many, and the last one. */
function eventsCell(screen: ScreenState, now: number): string {
  const events = screen.status?.events ?? [];
  const last = events.at(-1);
  const detail = last?.detail ?? '';
  return last ? `${events.length}, last: ${last.type} ${ago(last.at, now)}${detail ? ` (${detail.length > 60 ? `${detail.slice(0, 59)}…` : detail})` : ''}` : '-';
}

/** The display by the power schedule: on, off (powered down) or black, and until when (the screen's local time). */
function powerCell(screen: ScreenState): string {
  const power = screen.status?.power;
  if (!power) return '-';
  if (!power.until) return power.state;
  const until = new Intl.DateTimeFormat('en-GB', { weekday: 'short', hour: '2-digit', minute: '2-digit', timeZone: screen.timezone }).format(Date.parse(power.until));
  return `${power.state} until ${until}`;
}

export function statusTable(screens: ScreenState[], now: number): string {
  const header = ['screen', 'site', 'online', 'last seen', 'revision', 'playing', 'power', 'cache', 'outbox', 'events'];
  const rows = screens.map((screen) => [
    screen.id,
    screen.site,
    screen.online ? 'yes' : 'no',
    ago(screen.lastSeen, now),
    revisionCell(screen),
    screen.status?.playing ? `${screen.status.playing.playlistId}/${screen.status.playing.itemId}` : '-',
    powerCell(screen),
    cacheCell(screen),
    screen.status ? String(screen.status.outbox) : '-',
    eventsCell(screen, now),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
