import { FULL_SCREEN, MAIN_ZONE, type Layout, type Zone } from '../shared/layout.js';
import { StoredSet, type PlayerDb } from './db.js';
import { Listeners } from './listeners.js';
import { Playback, type PlaybackDeps } from './playback.js';
import { SettingsSnapshot } from './settings.js';
import { TickerFeed } from './tickerFeed.js';
import { START_MEDIA_KEY, START_MEDIA_MAX, type StartFile } from '../shared/startMedia.js';

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
  private stopped = false;
  private readonly listeners = new Listeners();
  view: ScreenView = { layout: FULL_SCREEN, zones: [] };

  /** Each playlist zone's file a start now would show first, kept for the next start to read ahead (storageWarmup). */
  private readonly startFiles = new Map<string, StartFile>();
  /** The playlist zones of the arrangement in force (set before its zones start: they report from their first decision). */
  private playlistZones = new Set<string>();
  private savedStartFiles = '';
  /** What each zone's playback is given: the screen's, and where to report its start file. */
  private readonly zoneDeps: PlaybackDeps;

  constructor(private readonly deps: PlaybackDeps) {
    this.zoneDeps = { ...deps, startFile: (zoneId, file) => this.startFileChanged(zoneId, file) };
  }

  private startFileChanged(zoneId: string, file: StartFile | null): void {
    if (this.stopped || !this.playlistZones.has(zoneId)) return;
    if (file) this.startFiles.set(zoneId, file);
    else this.startFiles.delete(zoneId);
    this.saveStartFiles();
  }

  /** Written when it changes (a zone decides twice per item: at its start, and what follows it). */
  private saveStartFiles(): void {
    const text = JSON.stringify([...this.startFiles.values()].slice(0, START_MEDIA_MAX));
    if (text === this.savedStartFiles) return;
    try {
      localStorage.setItem(START_MEDIA_KEY, text);
      this.savedStartFiles = text;
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

  setCovered(covered: boolean): void {
    this.covered = covered;
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
    this.playlistZones = new Set(layout.zones.filter((zone) => zone.kind === 'playlist').map((zone) => zone.id));
    const dropsGuess = [...this.startFiles.keys()].filter((zoneId) => !this.playlistZones.has(zoneId));
    for (const zoneId of dropsGuess) this.startFiles.delete(zoneId);
    if (dropsGuess.length > 0) this.saveStartFiles();
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
