import { playlistsOfZone } from '../shared/layout.js';
import type { Playlist } from '../shared/playlist.js';
import { decide, HourAirtime, recordAirtime, Rotation, START_ROTATION } from '../shared/schedule.js';
import type { StoredSet, PlayerDb } from './db.js';
import { DisposableStore } from './disposables.js';
import { HEARTBEAT_MS, type ImpressionLog } from './impressionLog.js';
import { Listeners } from './listeners.js';
import { airtimeKey, rotationKey } from './playback.js';
import { writeSetting, type SettingsSnapshot } from './settings.js';

/**
 * A `ticker` zone's lines (§6): the `text` items of its playlists in turn, chosen by the one
 * scheduling engine (`decide`, over this zone's playlists, only text items being playable), its
 * rotation saved per zone like a playlist zone's. Each line is an impression (§3) from the moment
 * it starts across the zone: begun then (kept as playing, with a heartbeat, so a crash loses at most
 * the last seconds), ended complete once it has crossed, incomplete when it is cut short (an urgent
 * alert covers the screen, the zone goes with a new layout, the page leaves).
 */

export interface TickerLine {
  /** Unique per line launched (the same item may scroll by twice). */
  key: string;
  playlistId: string;
  itemId: string;
  text: string;
  /** The feed's `generation` it was launched in: a line of an earlier one was cut and leaves the band. */
  generation: number;
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
  /** The lines on their way across the zone, by line key: each one's impression, begun when it set off. */
  private readonly crossing = new Map<string, { line: TickerLine; impressionId: string; start: number }>();
  private readonly owned = new DisposableStore();
  /** Bumped each time the lines on their way are cut (an urgent alert, the zone stopped). */
  private cuts = 0;

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
    if (this.stopped) return;
    this.owned.interval(() => {
      const now = Date.now();
      for (const { impressionId } of this.crossing.values()) void this.deps.log.heartbeat(impressionId, now);
    }, HEARTBEAT_MS);
  }

  setStoredSet(set: StoredSet): void {
    this.useSet(set);
  }

  /** An urgent alert covers the screen (the lines under it are cut short, none set off), or no longer does. */
  setCovered(covered: boolean): void {
    if (covered === this.covered) return;
    this.covered = covered;
    if (covered) this.cutAll();
    this.changed();
  }

  /** Whether lines may scroll now. */
  private get playing(): boolean {
    return !this.stopped && !this.covered;
  }

  /** Lines launched in an earlier generation were cut (their showing ended): the component takes them off, even when the alert that cut them has gone again. */
  get generation(): number {
    return this.cuts;
  }

  /** Stops this zone for good (page leaving, or a new layout without it): the lines on their way end incomplete. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.owned.dispose();
    this.cutAll();
  }

  private cutAll(): void {
    this.cuts++;
    const now = Date.now();
    for (const key of [...this.crossing.keys()]) this.finish(key, now, false);
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
    if (!this.playing) return null;
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
    return { key: `t${++lineCounter}`, playlistId: pick.playlist.id, itemId: pick.item.id, text, generation: this.cuts };
  }

  /** A line sets off across the zone at `start` (it enters from the right): its impression begins. */
  setOff(line: TickerLine, start: number): void {
    if (!this.playing || line.generation !== this.cuts || this.crossing.has(line.key)) return;
    const ref = { screenId: this.deps.screenId, playlistId: line.playlistId, itemId: line.itemId, revision: this.set?.revision ?? '', zoneId: this.zoneId };
    this.crossing.set(line.key, { line, impressionId: this.deps.log.begin(ref, start, line.key), start });
  }

  /** A line has crossed the zone (it left on the left) at `end`: its impression ends, complete. */
  crossed(line: TickerLine, end: number): void {
    this.finish(line.key, end, true);
  }

  /** A line was taken off the zone before it crossed (its element removed): its impression ends, incomplete. Nothing when it already ended. */
  cut(line: TickerLine, at: number): void {
    this.finish(line.key, at, false);
  }

  private finish(key: string, end: number, complete: boolean): void {
    const running = this.crossing.get(key);
    if (!running) return;
    this.crossing.delete(key);
    void this.deps.log.end(running.impressionId, end, complete);
    // Its airtime, for the shares of this clock hour.
    this.airtime = recordAirtime(this.airtime, running.line.playlistId, running.start, end, this.deps.timezone);
    writeSetting(this.deps.db, airtimeKey(this.zoneId), this.airtime).catch(() => {});
  }
}
