import { playlistsOfZone, MAIN_ZONE } from '../shared/layout.js';
import { filesOf, type Item, type Playlist } from '../shared/playlist.js';
import { decide, HourAirtime, recordAirtime, stillPlays, Rotation, START_ROTATION, type DecideInput, type Decision, type Pick } from '../shared/schedule.js';
import { startFileOf, type StartFile } from '../shared/startMedia.js';
import type { StoredSet, PlayerDb } from './db.js';
import { HEARTBEAT_MS, type ImpressionLog } from './impressionLog.js';
import { writeSetting, type SettingsSnapshot } from './settings.js';
import { Listeners } from './listeners.js';
import { DisposableStore, TimerSlot } from './disposables.js';
import { loadQrEncoder } from './qrEncoder.js';

/**
 * One zone's loop (protocol §6: each `playlist` zone plays on its own; without a layout the
 * only zone is `main`, filling the screen): asks the scheduling engine what plays, prepares the next item off
 * screen (media read from IndexedDB, decoded) and switches only once it is ready, so no
 * blank or half-drawn frame is ever shown. Records an impression for every item shown.
 * React renders `view`; the components report readiness, failures and video ends back.
 */

export const FADE_MS = 400;
/** A leaving item is removed when the incoming one has faded in, or after this long at most. */
export const LEAVING_FALLBACK_MS = 10 * FADE_MS;
/** An item that cannot be prepared within this long is skipped for a while. */
export const PREPARE_TIMEOUT_MS = 15_000;
export const FAILED_ITEM_RETRY_MS = 60_000;
/** A difference this large between wall-clock and monotonic time since the last check is a clock jump. */
export const CLOCK_JUMP_MS = 2_000;

export type SlotPhase = 'preload' | 'current' | 'leaving';

export interface SlotView {
  key: string;
  playlistId: string;
  itemId: string;
  item: Item;
  /** Object URL of the item's media (image, video), when it has one. */
  src?: string;
  captions: { lang: string; label?: string | undefined; src: string }[];
  phase: SlotPhase;
  /** How long it fades in over what was on screen: 0 for the first item after idle, shorter for short items. */
  fadeMs: number;
}

export interface PlayerView {
  slots: SlotView[];
  idle: boolean;
  /** The zone decided from its set that nothing plays here now (not merely nothing ready yet, or no set yet). */
  nothingToPlay: boolean;
  revision: string | null;
}

interface Showing {
  slot: SlotView;
  impressionId: string;
  /** Wall-clock start, and the monotonic clock then: time on screen is measured on the latter, so a clock jump does not distort it. */
  startedAt: number;
  startedMono: number;
  naturalEnd: boolean;
  /** Ends an item with a duration. */
  timer: TimerSlot;
}

export interface PlaybackDeps {
  db: PlayerDb;
  log: ImpressionLog;
  timezone: string;
  screenId: string;
  /** Whether a file is cached and verified. */
  isFileReady(sha256: string): boolean;
  /** A URL to show a ready file with (a blob URL, or app://media in the kiosk); null when it is not there. */
  mediaUrl(sha256: string, type?: string): Promise<string | null>;
  /** Live wait estimates in minutes by service (for `when.waitMinutes`). */
  waits?(): Record<string, number>;
  /**
   * What a start at this moment would show first in this zone (decided from the rotation it saved):
   * its file, read ahead at the next start (null: none, a text), and until when that decision
   * holds by schedule (ms since the epoch: the next schedule change).
   */
  startFile?(zoneId: string, file: StartFile | null, holdsUntil: number): void;
  /** Whether the image at this URL was decoded ahead (at start), once that decode is over (undefined: not decoded ahead): then shown without a decode of its own. */
  decodedAhead?(url: string): Promise<boolean> | undefined;
}

let slotCounter = 0;

function itemKey(playlistId: string, item: Item): string {
  return `${playlistId}\u0000${item.id}\u0000${filesOf(item).map((f) => f.sha256).join(',')}\u0000${JSON.stringify(item)}`;
}

/** Where a zone's rotation is saved (`rotation` was the key of players before layouts: read for `main`). */
export function rotationKey(zoneId: string): string {
  return `rotation:${zoneId}`;
}

/** Where a zone's airtime of the current clock hour is saved (§6 share of voice), beside its rotation. */
export function airtimeKey(zoneId: string): string {
  return `airtime:${zoneId}`;
}

export class Playback {
  private set: StoredSet | null = null;
  /** The set's playlists that play in this zone. */
  private playlists: Playlist[] = [];
  private rotation: Rotation = START_ROTATION;
  /** §6 share of voice: this zone's airtime this clock hour, by playlist. */
  private airtime: HourAirtime | undefined;
  private current: Showing | null = null;
  private leaving: SlotView[] = [];
  /** The item prepared off screen; `attached` once its files are (only then is it drawn). */
  private preload: { slot: SlotView; key: string; ready: boolean; attached: boolean } | null = null;
  /** What should replace the item on screen as soon as it is ready (its key is the preload's when prepared). */
  private wanted: { key: string; rotation: Rotation } | null = null;
  /** Every timer of this zone: disposed when it stops. */
  private readonly owned = new DisposableStore();
  private readonly prepareTimer = this.owned.add(new TimerSlot());
  private readonly boundaryTimer = this.owned.add(new TimerSlot());
  private failed = new Map<string, number>();
  private readonly listeners = new Listeners();
  private stopped = false;
  /** An urgent alert covers the screen: nothing plays (the item on screen is cut short). */
  private covered = false;
  private idle = true;
  private nothingToPlay = false;
  view: PlayerView = { slots: [], idle: true, nothingToPlay: false, revision: null };

  constructor(
    private readonly deps: PlaybackDeps,
    readonly zoneId: string = MAIN_ZONE,
  ) {}

  subscribe = this.listeners.subscribe;
  getView = (): PlayerView => this.view;

  /** Starts playing `set` (the stored one, read by the screen's owner) where this zone's rotation was saved (`settings`, read with it). */
  start(set: StoredSet | null, settings: SettingsSnapshot): void {
    const rotation = settings.get(rotationKey(this.zoneId), Rotation) ?? (this.zoneId === MAIN_ZONE ? settings.get('rotation', Rotation) : undefined);
    this.rotation = rotation ?? START_ROTATION;
    this.airtime = settings.get(airtimeKey(this.zoneId), HourAirtime);
    this.useSet(set);
    if (this.stopped) return;
    this.owned.interval(() => void this.heartbeat(), HEARTBEAT_MS);
    this.step();
  }

  /** A new set is stored: play it from now on, cutting the item on screen if it no longer plays. */
  setStoredSet(set: StoredSet): void {
    this.useSet(set);
    this.reconsider();
  }

  private useSet(set: StoredSet | null): void {
    this.set = set;
    this.playlists = set ? playlistsOfZone(set.playlists, this.zoneId) : [];
  }

  /** An urgent alert covers the screen, or no longer does. */
  setCovered(covered: boolean): void {
    if (covered === this.covered) return;
    this.covered = covered;
    this.reconsider();
  }

  /** The wait estimates changed: an item targeted at a range of waits may start or stop. */
  waitsChanged(): void {
    this.reconsider();
  }

  /** The item on screen, for the hub's `status`. */
  nowPlaying(): { playlistId: string; itemId: string } | null {
    return this.current ? { playlistId: this.current.slot.playlistId, itemId: this.current.slot.itemId } : null;
  }

  /** A file became ready: an item that was skipped may play now. */
  fileReady(): void {
    this.reconsider();
  }

  /** Stops this zone for good (page leaving, or a new layout without it): the item on screen ends incomplete. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.owned.dispose();
    const current = this.current;
    current?.timer.dispose();
    this.dropPreload();
    for (const slot of this.leaving) revokeSlot(slot);
    if (current) await this.deps.log.end(current.impressionId, endOf(current), false);
  }

  // ---- Reports from the components ----

  slotReady(key: string): void {
    if (this.preload?.slot.key !== key || this.preload.ready) return;
    this.preload.ready = true;
    if (this.wanted?.key === this.preload.key) this.promote();
  }

  slotFailed(key: string): void {
    const slot = this.preload?.slot.key === key ? this.preload.slot : this.current?.slot.key === key ? this.current.slot : null;
    if (!slot) return;
    this.failed.set(itemKey(slot.playlistId, slot.item), Date.now() + FAILED_ITEM_RETRY_MS);
    if (this.preload?.slot.key === key) {
      this.dropPreload();
      if (this.wanted) this.step();
    } else {
      this.itemEnded(false);
    }
  }

  slotEnded(key: string): void {
    if (this.current?.slot.key === key) this.itemEnded(true);
  }

  // ---- The loop ----

  private input(now: number, rotation: Rotation): DecideInput {
    for (const [key, until] of this.failed) if (until <= now) this.failed.delete(key);
    return {
      playlists: this.covered ? [] : this.playlists,
      waits: this.deps.waits?.() ?? {},
      timezone: this.deps.timezone,
      now,
      rotation,
      isReady: (item) => this.isReady(item),
      ...(this.airtime ? { airtime: this.airtime } : {}),
    };
  }

  private isReady(item: Item): boolean {
    for (const file of filesOf(item)) if (!this.deps.isFileReady(file.sha256.toLowerCase())) return false;
    if (this.failed.size === 0) return true;
    const playlist = this.playlists.find((p) => p.items.includes(item));
    return !playlist || !this.failed.has(itemKey(playlist.id, item));
  }

  private itemEnded(natural: boolean): void {
    if (!this.current) return;
    this.current.timer.clear();
    this.current.naturalEnd = natural;
    this.step();
  }

  /** Decide what plays now and switch to it as soon as it is ready. */
  private step(): void {
    if (this.stopped) return;
    const now = Date.now();
    const decision = decide(this.input(now, this.rotation));
    this.armBoundary(decision.nextChangeAt, now);
    // Without a set (a fresh player importing its first one), nothing is ready yet: nothing is decided.
    this.nothingToPlay = !decision.now && this.set !== null;
    if (!decision.now) {
      this.wanted = null;
      // Nothing to play: a start now would show nothing here either (no file read ahead, no frame).
      this.deps.startFile?.(this.zoneId, null, decision.nextChangeAt);
      this.goIdle();
      return;
    }
    const key = itemKey(decision.now.playlist.id, decision.now.item);
    this.wanted = { key, rotation: decision.rotation };
    // Until it is shown, a start now would show it first too (the rotation saved is still the one it was decided from).
    this.deps.startFile?.(this.zoneId, startFileOf(this.zoneId, decision.now.item), decision.nextChangeAt);
    if (this.preload?.key !== key) void this.prepare(decision.now);
    else if (this.preload.ready) this.promote();
    this.prepareTimer.arm(() => {
      if (this.wanted?.key !== key) return;
      if (this.preload?.key === key && !this.preload.ready) this.slotFailed(this.preload.slot.key);
      else if (this.preload?.key !== key) this.step(); // what is being prepared is no longer what is wanted
    }, PREPARE_TIMEOUT_MS);
  }

  /** A schedule boundary, a new set or new media: cut the item on screen if it may no longer play. */
  private reconsider(): void {
    if (this.stopped) return;
    // Idle, or waiting for the next item to be ready: decide again from scratch.
    if (!this.current || this.wanted) return this.step();
    const now = Date.now();
    const { playlistId, itemId } = this.current.slot;
    if (!stillPlays(this.input(now, this.rotation), playlistId, itemId)) {
      this.itemEnded(false);
      return;
    }
    this.prepareNext(now);
  }

  /**
   * What follows the item on screen, decided again (after it began, or when the set, the waits,
   * the files or the clock changed): prepared off screen, what a start from now on would show
   * first, and a wake-up at the next boundary.
   */
  private prepareNext(now: number, decision: Decision = decide(this.input(now, this.rotation))): void {
    this.deps.startFile?.(this.zoneId, startFileOf(this.zoneId, decision.now?.item), decision.nextChangeAt);
    this.armBoundary(decision.nextChangeAt, now);
    if (decision.now && this.preload?.key !== itemKey(decision.now.playlist.id, decision.now.item)) void this.prepare(decision.now);
  }

  /** Wakes at the next schedule boundary, or sooner when an item that failed may be tried again. */
  private armBoundary(at: number, now: number): void {
    let wake = at;
    for (const until of this.failed.values()) wake = Math.min(wake, until);
    this.boundaryTimer.arm(() => this.reconsider(), Math.max(0, wake - now));
  }

  private async prepare(pick: Pick): Promise<void> {
    const key = itemKey(pick.playlist.id, pick.item);
    this.dropPreload();
    const slot: SlotView = {
      key: `s${++slotCounter}`,
      playlistId: pick.playlist.id,
      itemId: pick.item.id,
      item: pick.item,
      captions: [],
      phase: 'preload',
      fadeMs: 0,
    };
    const placeholder = { slot, key, ready: false, attached: false };
    this.preload = placeholder;
    try {
      await this.attachMedia(slot);
    } catch (error) {
      console.warn(`[antichambre] ${slot.playlistId}/${slot.itemId} skipped for now: ${(error as Error).message}`);
      // Its files may be attached though the QR encoder failed to load: their object URLs go with the slot.
      revokeSlot(slot);
      if (this.preload === placeholder) this.slotFailed(slot.key);
      return;
    }
    // An image being decoded ahead (at start): its decode is waited for, not done again on the page.
    const ahead = pick.item.type === 'image' && slot.src ? this.deps.decodedAhead?.(slot.src) : undefined;
    const decodedAhead = ahead ? await ahead : false;
    if (this.preload !== placeholder) {
      revokeSlot(slot);
      return;
    }
    placeholder.attached = true;
    if (pick.item.type === 'text' || pick.item.type === 'wait' || decodedAhead) placeholder.ready = true;
    this.emit();
    if (placeholder.ready && this.wanted?.key === key) this.promote();
  }

  /** The item's files, and the QR encoder when it has a code (drawn in the item's first frame), loaded side by side. */
  private async attachMedia(slot: SlotView): Promise<void> {
    const item = slot.item;
    const loads = [this.attachFiles(slot)];
    if ((item.type === 'image' || item.type === 'text') && item.qr) loads.push(loadQrEncoder().then(() => {}));
    // Both settled before the slot is judged: no object URL made after the slot was dropped.
    for (const result of await Promise.allSettled(loads)) if (result.status === 'rejected') throw result.reason;
  }

  private async attachFiles(slot: SlotView): Promise<void> {
    const item = slot.item;
    if (item.type !== 'image' && item.type !== 'video') return;
    const sha256 = item.sha256.toLowerCase();
    const src = await this.deps.mediaUrl(sha256);
    if (!src) throw new Error(`media ${sha256} missing`);
    slot.src = src;
    if (item.type === 'video') {
      for (const caption of item.captions ?? []) {
        const track = await this.deps.mediaUrl(caption.sha256.toLowerCase(), 'text/vtt');
        if (track) slot.captions.push({ lang: caption.lang, label: caption.label, src: track });
      }
    }
  }

  private dropPreload(): void {
    if (this.preload) revokeSlot(this.preload.slot);
    this.preload = null;
  }

  private promote(): void {
    const incoming = this.preload;
    const wanted = this.wanted;
    if (!incoming || !wanted || this.stopped) return;
    this.prepareTimer.clear();
    // The next showing starts where the last one ended (proof of play without gaps nor overlaps
    // when the wall clock drifts from the monotonic one by a few ms), unless the clock jumped.
    const wall = Date.now();
    const chained = this.current ? endOf(this.current) : wall;
    const now = Math.abs(chained - wall) < CLOCK_JUMP_MS ? chained : wall;
    this.retireCurrent(chained);
    this.preload = null;
    this.wanted = null;
    this.idle = false;
    incoming.slot.phase = 'current';
    incoming.slot.fadeMs = this.leaving.length > 0 ? fadeFor(incoming.slot.item) : 0;
    this.rotation = wanted.rotation;
    // Where the rotation is, for a restart: best effort (storage may be full; proof of play is written apart).
    writeSetting(this.deps.db, rotationKey(this.zoneId), this.rotation).catch(() => {});
    if (this.airtime) writeSetting(this.deps.db, airtimeKey(this.zoneId), this.airtime).catch(() => {});
    const showing: Showing = {
      slot: incoming.slot,
      naturalEnd: false,
      timer: this.owned.add(new TimerSlot()),
      impressionId: this.deps.log.begin(
        { screenId: this.deps.screenId, playlistId: incoming.slot.playlistId, itemId: incoming.slot.itemId, revision: this.set?.revision ?? '', zoneId: this.zoneId },
        now,
      ),
      startedAt: now,
      startedMono: performance.now(),
    };
    this.current = showing;
    const duration = incoming.slot.item.duration;
    if (duration !== undefined) showing.timer.arm(() => this.itemEnded(true), duration * 1000);
    this.emit();
    // What follows this item, decided once: prepared off screen now, and the file a start from now
    // on would show first (its rotation is saved), read ahead then.
    this.prepareNext(now, decide(this.input(now, this.rotation)));
  }

  /** The showing on screen leaves it, at `end` (default: now, by the monotonic clock). */
  private retireCurrent(end?: number): void {
    const outgoing = this.current;
    if (!outgoing) return;
    this.current = null;
    this.owned.delete(outgoing.timer);
    const natural = outgoing.naturalEnd;
    const ended = end ?? endOf(outgoing);
    void this.deps.log.end(outgoing.impressionId, ended, natural);
    // Its airtime, for the shares of this clock hour (saved with the rotation when the next item starts).
    this.airtime = recordAirtime(this.airtime, outgoing.slot.playlistId, outgoing.startedAt, ended, this.deps.timezone);
    outgoing.slot.phase = 'leaving';
    this.leaving.push(outgoing.slot);
    // Removed once the incoming item has faded in (slotShown), or after a while regardless.
    this.owned.timeout(() => this.dropLeaving(outgoing.slot), LEAVING_FALLBACK_MS);
  }

  /** The current item is fully on screen: what it covered can go. */
  slotShown(key: string): void {
    if (this.current?.slot.key === key) this.dropLeaving();
  }

  /** Removes one leaving item, or all of them. */
  private dropLeaving(only?: SlotView): void {
    const gone = this.leaving.filter((slot) => !only || slot === only);
    if (gone.length === 0) return;
    for (const slot of gone) revokeSlot(slot);
    this.leaving = this.leaving.filter((slot) => !gone.includes(slot));
    this.emit();
  }

  private goIdle(): void {
    this.dropPreload();
    const wasShowing = this.current !== null;
    this.retireCurrent();
    // No item comes in to cover it as it fades: the idle screen takes its place at once (§1: never a
    // blank, and no item left on the page over the idle screen).
    this.dropLeaving();
    if (wasShowing && this.airtime) writeSetting(this.deps.db, airtimeKey(this.zoneId), this.airtime).catch(() => {});
    this.idle = true;
    this.emit();
  }

  private async heartbeat(): Promise<void> {
    this.watchClock();
    if (this.current) await this.deps.log.heartbeat(this.current.impressionId, endOf(this.current));
  }

  private clockCheck = { wall: Date.now(), mono: performance.now() };

  /** The wall clock jumped (NTP, a technician, DST-less BIOS clock): what plays and the next boundary are decided again. */
  private watchClock(): void {
    const wall = Date.now();
    const mono = performance.now();
    const drift = wall - this.clockCheck.wall - (mono - this.clockCheck.mono);
    this.clockCheck = { wall, mono };
    if (Math.abs(drift) > CLOCK_JUMP_MS) this.reconsider();
  }

  private emit(): void {
    const slots: SlotView[] = [];
    if (this.current) slots.push({ ...this.current.slot });
    for (const slot of this.leaving) slots.push({ ...slot });
    // Not before its files are attached: drawn without its source, an image would fail to decode and be skipped.
    if (this.preload?.attached) slots.push({ ...this.preload.slot });
    this.view = { slots, idle: this.idle && !this.current, nothingToPlay: this.nothingToPlay && !this.current, revision: this.set?.revision ?? null };
    this.listeners.notify();
  }
}

/** The end of a showing, measured on the monotonic clock from its start. */
function endOf(showing: Showing): number {
  return showing.startedAt + Math.round(performance.now() - showing.startedMono);
}

/** A cross-fade never takes more than a quarter of the item's time on screen. */
export function fadeFor(item: Item): number {
  return item.duration === undefined ? FADE_MS : Math.min(FADE_MS, (item.duration * 1000) / 4);
}

function revokeSlot(slot: SlotView): void {
  if (slot.src) URL.revokeObjectURL(slot.src);
  for (const caption of slot.captions) URL.revokeObjectURL(caption.src);
}
