import { planFiles, type PlannedFile } from '../shared/mediaPlan.js';
import { filesOf } from '../shared/playlist.js';
import { isItemScheduled } from '../shared/schedule.js';
import { NewStoredSet, StoredSet, type PlayerDb } from './db.js';
import { DisposableStore, TimerSlot, toDisposable, type Disposable } from './disposables.js';
import type { PlayerMedia } from './playerMedia.js';

/**
 * A new set is kept as `pending` while its files download; the old one plays on. It takes
 * over once every file of its items that may play now is ready (or has failed: those items
 * are skipped), so the screen never goes from content to nothing. Nor does it when those files
 * all failed (a link that answers nothing, bytes that are not the sha256): a set with items that
 * may play now, none of which can, waits, and the old one plays on while its files are tried
 * again, unless the old one has nothing to show either. A set with nothing to play now by its
 * schedules (the evening) takes over as it comes: that idle screen is the set's own.
 *
 * The first set of all (a fresh player: nothing on screen yet) takes over as soon as each of its
 * playlists can start: the files of its first item that may play now are ready (or have failed).
 * Its other items join the rotation as their files come: a fresh screen shows its first image
 * once that image is there, not once the last video of the bundle is.
 */

export const REPLAN_MS = 30 * 60_000;
/** With no set at all yet, a new one takes over after this long even if some of its files are still coming. */
export const FIRST_SET_WAIT_MS = 10_000;
/** How often a set waiting to take over is weighed again without a download settling. */
export const WAITING_CHECK_MS = 60_000;

export class SetSwitch implements Disposable {
  private current: StoredSet | null = null;
  private pending: StoredSet | null = null;
  /** The replanning interval, the first set's deadline and the cache listener: disposed with the switch. */
  private readonly owned = new DisposableStore();
  /** With no set at all yet: whatever set is pending at this deadline takes over, even if some of its files are still coming (set by the first set of all, not moved by the next). */
  private readonly firstSetDeadline = this.owned.add(new TimerSlot());
  /** A set waiting is weighed again this often: a schedule boundary may let it take over (one of its items now plays, or the old set's ended), with no download to say so. */
  private readonly waitingCheck = this.owned.add(new TimerSlot());
  /** Offers and promotions run one at a time: a promotion must not write back a set that an offer just replaced. */
  private turn: Promise<unknown> = Promise.resolve();

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turn.then(work);
    this.turn = run.catch(() => undefined);
    return run;
  }

  constructor(
    private readonly db: PlayerDb,
    private readonly cache: PlayerMedia,
    private readonly timezone: string,
    private readonly onSwitch: (set: StoredSet) => void,
  ) {}

  /** `current`: the current set as the start already read and parsed it (else read here). */
  async init(current?: Promise<StoredSet | null>): Promise<void> {
    const [currentSet, pending] = await Promise.all([current ?? this.db.sets.get('current').then(parseOrNull), this.db.sets.get('pending')]);
    this.current = currentSet;
    this.pending = parseOrNull(pending);
    if (this.owned.isDisposed) return;
    if (this.pending && !this.current) this.armFirstSetDeadline();
    this.owned.add(toDisposable(this.cache.onSettled(() => void this.tryPromote())));
    // Replanned (and a set waiting for failed files weighed again: the old one's schedule may have ended meanwhile).
    this.owned.interval(() => {
      this.plan();
      void this.tryPromote();
    }, REPLAN_MS);
    this.plan();
    await this.tryPromote();
  }

  /** No more plans nor promotions started by a timer or a download (a set offered or received is still stored). */
  dispose(): void {
    this.owned.dispose();
  }

  private armFirstSetDeadline(): void {
    if (!this.firstSetDeadline.armed) this.firstSetDeadline.arm(() => void this.tryPromote(true), FIRST_SET_WAIT_MS);
  }

  /** Revisions already stored, current or pending. */
  has(revision: string): boolean {
    return this.current?.revision === revision || this.pending?.revision === revision;
  }

  /**
   * A set from the hub, checked and stored in one turn (no other set's arrival in between): one
   * already stored is kept as it is, except that the current one sent again while another waits
   * to take over (a push undone before its files came) drops the one waiting: the hub wants the
   * current one, which plays on and is what `hello` reports. Any other is stored as pending (offer).
   */
  receive(set: Omit<StoredSet, 'key'>): Promise<void> {
    return this.serially(async () => {
      if (this.current?.revision === set.revision) {
        if (this.pending) {
          await this.db.sets.delete('pending');
          this.pending = null;
          this.plan();
        }
        return;
      }
      if (this.pending?.revision !== set.revision) await this.store(set);
    });
  }

  /** Whether the hub has given this screen a set (then the bundle no longer applies). */
  hasHubSet(): boolean {
    return this.current?.source === 'hub' || this.pending?.source === 'hub';
  }

  /** The newest set the hub gave and we stored (pending or current): what `hello` and `status` report. */
  hubRevision(): string | null {
    if (this.pending?.source === 'hub') return this.pending.revision;
    return this.current?.source === 'hub' ? this.current.revision : null;
  }

  /**
   * Stores a new set durably as pending; resolves once written. A bundled set never replaces
   * one from the hub (checked here, at the last moment: a push may land while the bundle is read).
   */
  offer(set: Omit<StoredSet, 'key'>): Promise<boolean> {
    return this.serially(() => this.store(set));
  }

  /** offer's work, in a turn of `serially` already. */
  private async store(set: Omit<StoredSet, 'key'>): Promise<boolean> {
    if (set.source === 'bundle' && this.hasHubSet()) return false;
    const pending = NewStoredSet.parse({ ...set, key: 'pending' });
    // Its files are asked for while it is written (a put refused leaves them to the next plan, which drops them).
    this.plan(pending);
    await this.db.sets.put(pending);
    this.pending = pending;
    this.plan();
    if (!this.current) this.armFirstSetDeadline();
    // Stored durably from here (§3: the hub's ack says so), whether or not it takes over now.
    await this.promoteIfReady(false);
    return true;
  }

  /**
   * Files of the current set and then of the pending one (or `offered`, a set being stored as
   * pending), each soonest first. A file both name is fetched from the pending set's source: the
   * hub's last word (a set that mends a dead link must not wait behind the old link for ever).
   */
  plan(offered?: StoredSet): void {
    const now = Date.now();
    const next = offered ?? this.pending;
    const nextFiles = next ? planFiles(next.playlists, this.timezone, now) : [];
    const nextSource = new Map(nextFiles.map((file) => [file.sha256, file.src]));
    const seen = new Set<string>();
    const files: PlannedFile[] = [];
    for (const file of [...(this.current ? planFiles(this.current.playlists, this.timezone, now) : []), ...nextFiles]) {
      if (!seen.has(file.sha256)) files.push({ ...file, src: nextSource.get(file.sha256) ?? file.src });
      seen.add(file.sha256);
    }
    this.cache.want(files);
  }

  private readyNow(set: StoredSet): boolean {
    const now = Date.now();
    if (!this.current) return set.playlists.every((playlist) => this.canStart(playlist, now));
    for (const playlist of set.playlists) {
      for (const item of playlist.items) {
        if (!isItemScheduled(playlist, item, this.timezone, now)) continue;
        for (const file of filesOf(item)) if (!this.settled(file.sha256)) return false;
      }
    }
    const shows = this.showsNow(set, now);
    return shows !== 'failed' || this.showsNow(this.current, now) !== 'shows';
  }

  /**
   * What a set would show now: `shows` (an item that may play now with its files ready, or none
   * needed; or an always-on queue or clock zone), `nothing` (no item may play now by its
   * schedules), `failed` (items may play now, but each lacks a file: every attempt failed, or it is
   * still coming).
   */
  private showsNow(set: StoredSet, now: number): 'shows' | 'nothing' | 'failed' {
    if (set.layout?.zones.some((zone) => zone.kind === 'queue' || zone.kind === 'clock')) return 'shows';
    let scheduled = false;
    for (const playlist of set.playlists) {
      for (const item of playlist.items) {
        if (!isItemScheduled(playlist, item, this.timezone, now)) continue;
        if (filesOf(item).every((file) => this.cache.isReady(file.sha256))) return 'shows';
        scheduled = true;
      }
    }
    return scheduled ? 'failed' : 'nothing';
  }

  /** Whether a playlist's first item that may play now (the one it starts with) has its files settled: ready, or failed (it is skipped). */
  private canStart(playlist: StoredSet['playlists'][number], now: number): boolean {
    const first = playlist.items.find((item) => isItemScheduled(playlist, item, this.timezone, now));
    return !first || filesOf(first).every((file) => this.settled(file.sha256));
  }

  /** A file the set may take over with: ready, or failed (its items are skipped until it comes). */
  private settled(sha256: string): boolean {
    return this.cache.isReady(sha256) || this.cache.hasFailed(sha256);
  }

  private tryPromote(force = false): Promise<void> {
    return this.serially(() => this.promoteIfReady(force));
  }

  private async promoteIfReady(force: boolean): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    if (!((force && !this.current) || this.readyNow(pending))) {
      this.waitingCheck.arm(() => void this.tryPromote(), WAITING_CHECK_MS);
      return;
    }
    const current: StoredSet = { ...pending, key: 'current' };
    const written = this.db.transaction('rw', this.db.sets, async () => {
      await this.db.sets.put(current);
      await this.db.sets.delete('pending');
    });
    // The first set of all plays while it is written (nothing else to play meanwhile; should the
    // write fail, it is still stored as pending and the next start promotes it: said, not thrown,
    // for it is on screen). A set that replaces another takes over only once written: the old one
    // plays on until then, and should the write fail, it is tried again in a minute (the new set is
    // stored, as pending: the hub was told so, and it is not refused now).
    if (this.current) {
      try {
        await written;
      } catch (error) {
        console.warn('[antichambre] a stored set could not take over yet (tried again in a minute):', error);
        this.waitingCheck.arm(() => void this.tryPromote(), WAITING_CHECK_MS);
        return;
      }
    } else written.catch((error: unknown) => console.warn('[antichambre] the first set plays but is not yet stored as current (the next start takes it over again):', error));
    if (this.pending === pending) this.pending = null;
    this.current = current;
    this.firstSetDeadline.clear();
    this.plan();
    this.onSwitch(current);
  }
}

function parseOrNull(value: unknown): StoredSet | null {
  const parsed = StoredSet.safeParse(value);
  return parsed.success ? parsed.data : null;
}
