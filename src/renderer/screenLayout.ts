import { FULL_SCREEN, MAIN_ZONE, type Layout, type Zone } from '../shared/layout.js';
import { StoredSet, type PlayerDb } from './db.js';
import { Listeners } from './listeners.js';
import { Playback, type PlaybackDeps } from './playback.js';
import { SettingsSnapshot } from './settings.js';
import { TickerFeed } from './tickerFeed.js';
import { boxOf, START_MEDIA_KEY, START_MEDIA_MAX, type StartBox, type StartFile, type StartMedia } from '../shared/startMedia.js';

/**
 * The screen's zones (§6): one `Playback` per `playlist` zone and one `TickerFeed` per `ticker`
 * zone, made from the set's layout (without one: `main` filling the screen, v1). A new set with
 * another layout adds the zones it brings and stops those it drops (their showing ends
 * incomplete); a zone kept (same id and kind) keeps playing, its place in the rotation kept.
 */

export interface ZoneRuntime {
  zone: Zone;
  playback?: Playback;
  ticker?: TickerFeed;
}

/** What a screen starts from: its stored set (null: none yet, or damaged) and its zones' saved settings. */
export interface StoredScreen {
  set: StoredSet | null;
  settings: SettingsSnapshot;
}

export interface ScreenView {
  layout: Layout;
  zones: ZoneRuntime[];
}

export class ScreenLayout {
  private set: StoredSet | null = null;
  private covered = false;
  /** Until when nothing is known to cover the screen (the power schedule's next sleep). */
  private uncoveredUntil = Infinity;
  private stopped = false;
  private readonly listeners = new Listeners();
  view: ScreenView = { layout: FULL_SCREEN, zones: [] };

  /** Each playlist zone's file a start now would show first, kept for the next start to read ahead and paint (startFrame.ts). */
  private readonly startFiles = new Map<string, StartFile>();
  /** Until when each playlist zone's decision (its start file, or none) holds by schedule. */
  private readonly holdsUntil = new Map<string, number>();
  /** The playlist zones of the arrangement in force, with their boxes (set before its zones start: they report from their first decision). */
  private playlistZones = new Map<string, StartBox>();
  private savedStartFiles = '';
  /** What each zone's playback is given: the screen's, and where to report its start file. */
  private readonly zoneDeps: PlaybackDeps;

  constructor(
    private readonly deps: PlaybackDeps,
    /** The web player's copies of the start frame images (StartImages), told each list written. */
    private readonly startImages?: { keep(files: readonly StartFile[]): void },
  ) {
    this.zoneDeps = { ...deps, startFile: (zoneId, file, holdsUntil) => this.startFileChanged(zoneId, file, holdsUntil) };
  }

  private startFileChanged(zoneId: string, file: StartFile | null, holdsUntil: number): void {
    const box = this.playlistZones.get(zoneId);
    if (this.stopped || !box) return;
    if (file) this.startFiles.set(zoneId, { ...file, box });
    else this.startFiles.delete(zoneId);
    this.holdsUntil.set(zoneId, holdsUntil);
    this.saveStartFiles();
  }

  /**
   * Written when it changes (a zone decides twice per item: at its start, and what follows it).
   * The start frame may be painted while every zone's decision holds and nothing covers the screen.
   */
  private saveStartFiles(): void {
    const paintUntil = this.covered ? 0 : Math.min(this.uncoveredUntil, ...this.holdsUntil.values());
    const files = [...this.startFiles.values()].slice(0, START_MEDIA_MAX);
    const decided = JSON.stringify({ files, paintUntil });
    // Unchanged: kept with the time it was first decided (a clock set back before it paints nothing).
    if (decided === this.savedStartFiles) return;
    const media: StartMedia = { files, decidedAt: Date.now(), paintUntil: Number.isFinite(paintUntil) ? paintUntil : 0 };
    try {
      localStorage.setItem(START_MEDIA_KEY, JSON.stringify(media));
      this.savedStartFiles = decided;
      this.startImages?.keep(files);
    } catch {
      // Storage full or refused: the next start reads its first files after its code has run, as without this.
    }
  }

  subscribe = this.listeners.subscribe;
  getView = (): ScreenView => this.view;

  /** The stored set it plays (null before one is stored). */
  currentSet(): StoredSet | null {
    return this.set;
  }

  /** The layout in force (FULL_SCREEN without one). */
  layout(): Layout {
    return this.view.layout;
  }

  /** The settings read with the stored set at start, for the zones of the first arrangement. */
  private startSettings: SettingsSnapshot | null = null;

  /**
   * The stored set and every zone's saved rotation, read side by side (the zones are known only
   * from the set): the player asks for them with its other reads at start, before it starts this.
   */
  static async readStored(db: PlayerDb): Promise<StoredScreen> {
    const [stored, settings] = await Promise.all([db.sets.get('current'), SettingsSnapshot.read(db)]);
    // Read back from disk: parsed like anything else that enters; a damaged set is ignored (the bundle is imported again).
    const parsed = StoredSet.safeParse(stored);
    return { set: parsed.success ? parsed.data : null, settings };
  }

  /** Starts the zones of the stored set (read here, or already asked for with `readStored`), once the last showings are recovered. */
  async start(stored: Promise<StoredScreen> = ScreenLayout.readStored(this.deps.db)): Promise<void> {
    const [, { set, settings }] = await Promise.all([this.deps.log.recover(), stored]);
    this.set = set;
    this.startSettings = settings;
    await this.arrange();
  }

  setStoredSet(set: StoredSet): void {
    this.set = set;
    void this.arrange();
  }

  /**
   * An urgent alert or the power schedule covers the screen (nothing plays); `uncoveredUntil`: when
   * the power schedule covers it next (a start frame painted after that could show a sleeping screen's item).
   */
  setCovered(covered: boolean, uncoveredUntil = Infinity): void {
    const changed = covered !== this.covered || uncoveredUntil !== this.uncoveredUntil;
    this.covered = covered;
    this.uncoveredUntil = uncoveredUntil;
    if (changed && !this.stopped) this.saveStartFiles();
    for (const zone of this.view.zones) {
      zone.playback?.setCovered(covered);
      zone.ticker?.setCovered(covered);
    }
  }

  waitsChanged(): void {
    for (const zone of this.view.zones) zone.playback?.waitsChanged();
  }

  fileReady(): void {
    for (const zone of this.view.zones) zone.playback?.fileReady();
  }

  /** The item on screen in `main` (else the first playlist zone), for the hub's `status`. */
  nowPlaying(): { playlistId: string; itemId: string } | null {
    const main = this.view.zones.find((z) => z.zone.id === MAIN_ZONE)?.playback ?? this.view.zones.find((z) => z.playback)?.playback;
    return main?.nowPlaying() ?? null;
  }

  /** The zone `main`'s playback (benchmarks and tests look at it). */
  zone(id: string): ZoneRuntime | undefined {
    return this.view.zones.find((z) => z.zone.id === id);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.view.zones.map((zone) => stopZone(zone)));
  }

  private arranging: Promise<void> = Promise.resolve();

  /** Builds or rebuilds the zones for the set's layout, one arrangement at a time. */
  private arrange(): Promise<void> {
    this.arranging = this.arranging.then(() => this.arrangeNow()).catch((error: unknown) => console.error('[antichambre] zones not arranged:', error));
    return this.arranging;
  }

  private async arrangeNow(): Promise<void> {
    if (this.stopped) return;
    const set = this.set;
    const layout = set?.layout ?? FULL_SCREEN;
    const old = this.view.zones;
    const zones: ZoneRuntime[] = [];
    const added = layout.zones.some((zone) => !old.some((z) => z.zone.id === zone.id && z.zone.kind === zone.kind) && (zone.kind === 'playlist' || zone.kind === 'ticker'));
    // A zone added starts where its rotation was saved: read now (at start, with the set).
    const settings = added ? (this.startSettings ?? (await SettingsSnapshot.read(this.deps.db))) : null;
    this.startSettings = null;
    if (this.stopped) return;
    // Zones dropped show nothing at the next start; the new ones report from their first decision, below.
    this.playlistZones = new Map(layout.zones.filter((zone) => zone.kind === 'playlist').map((zone) => [zone.id, boxOf(zone)]));
    // A zone kept keeps its file, in its new box (a layout may move a zone and keep its id).
    const dropsGuess = [...this.holdsUntil.keys()].filter((zoneId) => !this.playlistZones.has(zoneId));
    for (const zoneId of dropsGuess) {
      this.startFiles.delete(zoneId);
      this.holdsUntil.delete(zoneId);
    }
    for (const [zoneId, file] of this.startFiles) this.startFiles.set(zoneId, { ...file, box: this.playlistZones.get(zoneId)! });
    this.saveStartFiles();
    for (const zone of layout.zones) {
      const kept = old.find((z) => z.zone.id === zone.id && z.zone.kind === zone.kind);
      if (kept) {
        kept.playback?.setStoredSet(set!);
        kept.ticker?.setStoredSet(set!);
        zones.push({ ...kept, zone });
        continue;
      }
      const runtime: ZoneRuntime = { zone };
      if (zone.kind === 'playlist') {
        runtime.playback = new Playback(this.zoneDeps, zone.id);
        runtime.playback.setCovered(this.covered);
        runtime.playback.start(set, settings!);
      } else if (zone.kind === 'ticker') {
        runtime.ticker = new TickerFeed(this.deps, zone.id);
        runtime.ticker.setCovered(this.covered);
        runtime.ticker.start(set, settings!);
      }
      zones.push(runtime);
    }
    const dropped = old.filter((z) => !zones.some((kept) => kept.playback === z.playback && kept.ticker === z.ticker));
    this.view = { layout, zones };
    this.listeners.notify();
    await Promise.all(dropped.map((zone) => stopZone(zone)));
  }
}

async function stopZone(zone: ZoneRuntime): Promise<void> {
  zone.ticker?.stop();
  await zone.playback?.stop();
}
