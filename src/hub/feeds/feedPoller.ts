import { createHash } from 'node:crypto';
import { capAction, capKey, CapLevels, newsItemId, newsItems, newsPlaylistId, type CapMessage, type FeedRecord, type NewsEntry } from '../../shared/feeds.js';
import type { Alert } from '../../shared/protocol.js';
import type { Playlist } from '../../shared/playlist.js';
import { readCapDocument, readCapFeed } from './capDocument.js';
import { fetchBounded, FeedError, MAX_CAP_BYTES, MAX_FEED_BYTES, XmlReader } from './feedXml.js';
import type { FeedStore } from '../stores/index.js';

/**
 * Polls every feed on its own timer (a timeout re-armed after each poll, so polls of one feed
 * never overlap), owned here and disposed by `close()` (which also aborts fetches under way).
 * A CAP feed's new messages become alerts to its site; a news feed rewrites its ticker playlist
 * when its items change. A failed poll is recorded on the feed (`state.lastError`) and retried at
 * the next tick; what was shown stays.
 *
 * The nodes of a cluster share the feeds (one database): a timed poll is claimed first
 * (`claimPoll`), so that a feed is polled once per interval whichever node's timer fires first,
 * and every node looks for feeds added through another one every `rescanMs` (a feed is polled
 * while any node runs). A poll asked for (`poll`) always runs.
 */

export interface FeedSinks {
  /** Shows (or replaces) an alert on every screen of the site. */
  showAlert(site: string, alert: Alert): Promise<void>;
  /** Ends an alert (if still on). */
  endAlert(id: string): Promise<void>;
  /** Writes the news playlist and assigns it to the site; its screens get their new set. */
  publishPlaylist(site: string, playlist: Playlist): Promise<void>;
  log(line: string): void;
}

/** A timed poll is not taken when another began within this share of the feed's interval (timers of nodes drift apart). */
const CLAIM_SHARE = 0.9;
/** How often a node looks for feeds added through another node of the cluster. */
const RESCAN_MS = 60_000;

/** At most this many linked CAP documents fetched per poll (the rest at the next). */
const MAX_LINKS_PER_POLL = 20;

/** A stable alert id per feed and message, within the protocol's id alphabet. */
export function feedAlertId(feedId: string, key: string): string {
  return `cap-${createHash('sha256').update(`${feedId}\n${key}`).digest('hex').slice(0, 24)}`;
}

interface MessageState {
  alertId: string | null;
  until: string | null;
  /** Ended by an Update or Cancel (or expired): never shown again. */
  ended: boolean;
}

interface NewsState {
  title: string;
  published: string | null;
}

export class FeedPoller {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly running = new Map<string, Promise<FeedRecord['state']>>();
  private readonly abort = new AbortController();
  private rescan: ReturnType<typeof setInterval> | null = null;
  /** Parses off the event loop (a worker thread, stopped in close()). */
  private readonly xml = new XmlReader();
  private closed = false;

  private readonly now: () => number;

  constructor(
    private readonly store: FeedStore,
    private readonly sinks: FeedSinks,
    private readonly options: { now?: () => number; fetchTimeoutMs?: number; rescanMs?: number } = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Feeds with a poll to come (for the hub's status and tests). */
  scheduledCount(): number {
    return this.timers.size;
  }

  /** Arms every stored feed: first poll `firstDelayMs` from now; then arms those added through other nodes as it finds them. */
  async start(firstDelayMs = 2_000): Promise<void> {
    for (const feed of await this.store.list()) this.schedule(feed.id, feed.everyMinutes, firstDelayMs);
    if (this.closed || this.rescan) return;
    this.rescan = setInterval(() => {
      void this.store
        .list()
        .then((feeds) => {
          for (const feed of feeds) if (!this.closed && !this.timers.has(feed.id) && !this.running.has(feed.id)) this.schedule(feed.id, feed.everyMinutes, firstDelayMs);
        })
        .catch(() => {});
    }, this.options.rescanMs ?? RESCAN_MS);
    this.rescan.unref();
  }

  schedule(id: string, everyMinutes: number, delayMs = everyMinutes * 60_000): void {
    this.unschedule(id);
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(id);
      void this.timedPoll(id)
        .catch(() => {})
        .finally(() => {
          if (!this.closed) void this.store.get(id).then((feed) => feed && !this.timers.has(id) && this.schedule(id, feed.everyMinutes)).catch(() => {});
        });
    }, delayMs);
    timer.unref();
    this.timers.set(id, timer);
  }

  /** A timer's poll: run unless another node (or a poll asked for) began one within most of the interval. */
  private async timedPoll(id: string): Promise<void> {
    const feed = await this.store.get(id);
    if (!feed) return;
    const at = this.now();
    if (await this.store.claimPoll(id, at, at - feed.everyMinutes * 60_000 * CLAIM_SHARE)) await this.poll(id);
  }

  unschedule(id: string): void {
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    this.timers.delete(id);
  }

  /**
   * Polls the feed now and answers its state after. Polls of one feed run one after the other: a
   * poll asked while another is under way (its timer's) runs once that one is over, so that it
   * reads the document as it is now, not as it was when the other began.
   */
  poll(id: string): Promise<FeedRecord['state']> {
    const before = this.running.get(id);
    const run: Promise<FeedRecord['state']> = (before ? before.catch(() => {}) : Promise.resolve())
      .then(() => this.runPoll(id))
      .finally(() => {
        if (this.running.get(id) === run) this.running.delete(id);
      });
    this.running.set(id, run);
    return run;
  }

  /**
   * Removes a feed: its timer stops (after any poll under way), the alerts it showed end, its
   * ticker playlist empties, then it and what it saw are deleted.
   */
  async remove(feed: FeedRecord): Promise<void> {
    this.unschedule(feed.id);
    await this.running.get(feed.id)?.catch(() => {});
    if (feed.kind === 'cap') {
      const states = await this.store.entries(feed.id, 'msg ');
      for (const entry of states) {
        const state = JSON.parse(entry.value) as MessageState;
        if (state.alertId && !state.ended) await this.sinks.endAlert(state.alertId).catch(() => {});
      }
    } else if (feed.news) {
      await this.sinks.publishPlaylist(feed.site, { id: newsPlaylistId(feed.id), name: `Flux ${feed.id}`, priority: 0, zone: feed.news.zone, items: [] }).catch(() => {});
    }
    await this.store.remove(feed.id);
    // A poll that ended meanwhile may have re-armed it.
    this.unschedule(feed.id);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.rescan) clearInterval(this.rescan);
    this.rescan = null;
    for (const id of [...this.timers.keys()]) this.unschedule(id);
    this.abort.abort();
    await this.xml.close();
    await Promise.allSettled([...this.running.values()]);
  }

  private async runPoll(id: string): Promise<FeedRecord['state']> {
    const feed = await this.store.get(id);
    if (!feed) throw new FeedError(`feed "${id}" does not exist`);
    const at = this.now();
    let error: string | null = null;
    let active = feed.state.active;
    try {
      active = feed.kind === 'cap' ? await this.pollCap(feed) : await this.pollNews(feed);
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
      if (!this.closed) this.sinks.log(`feed ${feed.id}: ${error}`);
    }
    if (this.closed && error) return feed.state;
    await this.store.recordPoll(feed.id, at, error, active);
    return (await this.store.get(feed.id))?.state ?? feed.state;
  }

  private async fetchXml(url: string, maxBytes: number) {
    return this.xml.read(await fetchBounded(url, { maxBytes, signal: this.abort.signal, ...(this.options.fetchTimeoutMs ? { timeoutMs: this.options.fetchTimeoutMs } : {}) }), url);
  }

  private async pollCap(feed: FeedRecord): Promise<number> {
    const levels = feed.cap ?? CapLevels.parse({});
    const reading = readCapFeed(await this.fetchXml(feed.url, MAX_FEED_BYTES), feed.url);
    const messages: CapMessage[] = [...reading.messages];
    const problems = [...reading.problems];
    let fetched = 0;
    for (const link of reading.links) {
      if (await this.store.entry(feed.id, `link ${link.key}`)) continue;
      if (fetched++ >= MAX_LINKS_PER_POLL) break;
      try {
        messages.push(readCapDocument(await this.fetchXml(link.url, MAX_CAP_BYTES), link.url));
        await this.store.putEntry(feed.id, `link ${link.key}`, link.url, this.now());
      } catch (failure) {
        problems.push(failure instanceof Error ? failure.message : String(failure));
      }
    }
    // In the order they were sent: an Update after what it updates, a Cancel after what it cancels.
    messages.sort((a, b) => a.sent.localeCompare(b.sent));
    const now = this.now();
    for (const message of messages) {
      const key = `msg ${capKey(message)}`;
      if (await this.store.entry(feed.id, key)) continue;
      const action = capAction(message, levels, now);
      if (action.later) continue;
      for (const ended of action.end) {
        const previous = await this.store.entry(feed.id, `msg ${ended}`);
        const state: MessageState = previous ? (JSON.parse(previous.value) as MessageState) : { alertId: null, until: null, ended: true };
        if (state.alertId && !state.ended) await this.sinks.endAlert(state.alertId);
        await this.store.putEntry(feed.id, `msg ${ended}`, JSON.stringify({ ...state, ended: true } satisfies MessageState), now);
      }
      if (action.show) {
        const alertId = feedAlertId(feed.id, action.show.key);
        await this.sinks.showAlert(feed.site, { id: alertId, level: action.show.level, text: action.show.text, until: action.show.until });
        await this.store.putEntry(feed.id, key, JSON.stringify({ alertId, until: action.show.until, ended: false } satisfies MessageState), now);
      } else if (!(await this.store.entry(feed.id, key))) {
        await this.store.putEntry(feed.id, key, JSON.stringify({ alertId: null, until: null, ended: true } satisfies MessageState), now);
        if (action.skipped) this.sinks.log(`feed ${feed.id}: ${capKey(message)} not shown (${action.skipped})`);
      }
    }
    const active = (await this.store.entries(feed.id, 'msg ')).filter((entry) => {
      const state = JSON.parse(entry.value) as MessageState;
      return state.alertId !== null && !state.ended && state.until !== null && Date.parse(state.until) > now;
    }).length;
    if (problems.length > 0) throw new FeedError(`${problems.length} message(s) not read (the others were used): ${problems.slice(0, 3).join('; ')}`);
    return active;
  }

  private async pollNews(feed: FeedRecord): Promise<number> {
    const options = feed.news!;
    // Loaded with the first news feed (its HTML parser with it): a hub without one never loads them.
    const { readNewsFeed } = await import('./newsDocument.js');
    const entries: NewsEntry[] = readNewsFeed(await this.fetchXml(feed.url, MAX_FEED_BYTES), feed.url);
    const now = this.now();
    const present = new Set<string>();
    for (const entry of entries.slice(0, 500)) {
      const key = `news ${entry.key}`;
      present.add(key);
      const value = JSON.stringify({ title: entry.title, published: entry.published } satisfies NewsState);
      const previous = await this.store.entry(feed.id, key);
      if (previous?.value !== value) await this.store.putEntry(feed.id, key, value, now);
    }
    const stored = await this.store.entries(feed.id, 'news ');
    const maxAge = options.maxAgeHours * 3_600_000;
    const known = stored.map((entry) => {
      const state = JSON.parse(entry.value) as NewsState;
      return { id: newsItemId(createHash('sha256').update(entry.key).digest('hex')), key: entry.key, title: state.title, published: state.published, firstSeen: entry.firstSeen };
    });
    // Entries gone from the feed and past their age are forgotten; those still in it are kept (a dateless one keeps its first sighting).
    await this.store.deleteEntries(feed.id, known.filter((e) => !present.has(e.key) && Date.parse(e.published ?? e.firstSeen) + maxAge <= now).map((e) => e.key));
    const items = newsItems(known, options, now);
    const playlist: Playlist = { id: newsPlaylistId(feed.id), name: `Flux ${feed.id}`, priority: 0, zone: options.zone, items };
    const body = JSON.stringify(playlist);
    if ((await this.store.entry(feed.id, 'published'))?.value !== body) {
      await this.sinks.publishPlaylist(feed.site, playlist);
      await this.store.putEntry(feed.id, 'published', body, now);
    }
    return items.length;
  }
}
