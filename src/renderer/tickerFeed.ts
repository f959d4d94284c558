import { playlistsOfZone } from '../shared/layout.js';
import type { Playlist } from '../shared/playlist.js';
import { decide, HourAirtime, recordAirtime, Rotation, START_ROTATION } from '../shared/schedule.js';
import type { StoredSet, PlayerDb } from './db.js';
import type { ImpressionLog } from './impressionLog.js';
import { Listeners } from './listeners.js';
import { airtimeKey, rotationKey } from './playback.js';
import { writeSetting, type SettingsSnapshot } from './settings.js';

/**
 * A `ticker` zone's lines (§6): the `text` items of its playlists in turn, chosen by the one
 * scheduling engine (`decide`, over this zone's playlists, only text items being playable), its
 * rotation saved per zone like a playlist zone's. A line is counted as an impression once it
 * has crossed the zone (the ticker component reports it).
 */

export interface TickerLine {
  /** Unique per line launched (the same item may scroll by twice). */
  key: string;
  playlistId: string;
  itemId: string;
  text: string;
}

export interface TickerFeedDeps {
  db: PlayerDb;
  log: ImpressionLog;
  timezone: string;
  screenId: string;
  waits?(): Record<string, number>;
}

let lineCounter = 0;

export class TickerFeed {
  private set: StoredSet | null = null;
  private playlists: Playlist[] = [];
  private rotation: Rotation = START_ROTATION;
  /** §6 share of voice: the ticker's airtime this clock hour (a line's time crossing the zone). */
  private airtime: HourAirtime | undefined;
  private covered = false;
  private stopped = false;
  private readonly listeners = new Listeners();
  /** Bumped when what may play changed (a new set, an alert): the component asks for lines again. */
  private version = 0;

  constructor(
    private readonly deps: TickerFeedDeps,
    readonly zoneId: string,
  ) {}

  subscribe = this.listeners.subscribe;
  getVersion = (): number => this.version;

  /** Starts on `set` where this zone's rotation was saved (`settings`, read with the set). */
  start(set: StoredSet | null, settings: SettingsSnapshot): void {
    this.rotation = settings.get(rotationKey(this.zoneId), Rotation) ?? START_ROTATION;
    this.airtime = settings.get(airtimeKey(this.zoneId), HourAirtime);
    this.useSet(set);
  }

  setStoredSet(set: StoredSet): void {
    this.useSet(set);
  }

  setCovered(covered: boolean): void {
    if (covered === this.covered) return;
    this.covered = covered;
    this.changed();
  }

  stop(): void {
    this.stopped = true;
  }

  private useSet(set: StoredSet | null): void {
    this.set = set;
    this.playlists = set ? playlistsOfZone(set.playlists, this.zoneId) : [];
    this.changed();
  }

  private changed(): void {
    this.version++;
    this.listeners.notify();
  }

  /** The next line to scroll in, or null when nothing may play now. */
  next(now = Date.now()): TickerLine | null {
    if (this.stopped || this.covered) return null;
    const decision = decide({
      playlists: this.playlists,
      timezone: this.deps.timezone,
      now,
      waits: this.deps.waits?.() ?? {},
      rotation: this.rotation,
      isReady: (item) => item.type === 'text',
      ...(this.airtime ? { airtime: this.airtime } : {}),
    });
    const pick = decision.now;
    if (!pick || pick.item.type !== 'text') return null;
    this.rotation = decision.rotation;
    writeSetting(this.deps.db, rotationKey(this.zoneId), this.rotation).catch(() => {});
    const text = pick.item.body ? `${pick.item.title} — ${pick.item.body.replace(/\s+/g, ' ')}` : pick.item.title;
    return { key: `t${++lineCounter}`, playlistId: pick.playlist.id, itemId: pick.item.id, text };
  }

  /** A line crossed the zone, from `start` (it entered) to `end` (it left): one impression. */
  crossed(line: TickerLine, start: number, end: number): void {
    if (this.stopped) return;
    this.airtime = recordAirtime(this.airtime, line.playlistId, start, end, this.deps.timezone);
    writeSetting(this.deps.db, airtimeKey(this.zoneId), this.airtime).catch(() => {});
    void this.deps.log.record(
      { screenId: this.deps.screenId, playlistId: line.playlistId, itemId: line.itemId, revision: this.set?.revision ?? '', zoneId: this.zoneId },
      start,
      end,
      true,
    );
  }
}
