import { effectiveCalls, nameOf, type Layout } from '../shared/layout.js';
import { DisposableStore, TimerSlot } from './disposables.js';
import { counterLabel, langOfTag, strings } from './i18n.js';
import { Listeners } from './listeners.js';
import type { BoardCall } from './queueTracker.js';

/**
 * Call announcements (§6 `calls`): a ticket called live (its `at` within 60 s of the screen's
 * clock, and newly applied by the queue model: never the history the hub sends again on each
 * connection) is shown as a banner over every zone (`overlay`) or highlighted in the queue zone
 * (`zone`), for `seconds`; calls arriving together queue up, each shown at least 3 s. Each one
 * shown sounds the chime (`chime`) and is spoken (`voice`) where the platform has a voice for
 * that language. Nothing here touches playback: no item is cut, none is counted.
 */

export const LIVE_CALL_MS = 60_000;
export const MIN_CALL_MS = 3_000;

export interface AnnouncerView {
  /** The call being announced, how (`overlay` banner or `zone` highlight), and its counter's name in the layout (`counterNames`), if it has one. */
  current: (BoardCall & { show: 'overlay' | 'zone'; counterName?: string }) | null;
  /** Calls waiting their turn. */
  waiting: number;
}

/** The platform edges an announcement uses (the browser's, by default; tests stub speechSynthesis itself). */
export interface AnnouncerEdges {
  chime(): void;
  speechSynthesis(): SpeechSynthesis | undefined;
}

/** "A042" → "A 42": letters apart, the number without its leading zeros, as a person reads it. */
export function spokenTicket(ticket: string): string {
  const match = /^([A-Za-z]*)[-\s]?0*(\d+)$/.exec(ticket);
  if (!match) return ticket;
  return match[1] ? `${match[1]} ${match[2]}` : match[2]!;
}

export class CallAnnouncer {
  private readonly owned = new DisposableStore();
  private readonly endTimer = this.owned.add(new TimerSlot());
  private readonly minTimer = this.owned.add(new TimerSlot());
  private readonly queue: BoardCall[] = [];
  private minShown = false;
  private readonly listeners = new Listeners();
  view: AnnouncerView = { current: null, waiting: 0 };

  constructor(
    /** The layout in force (its `calls` and queue zones' services). */
    private readonly layout: () => Layout | undefined,
    private readonly edges: AnnouncerEdges,
  ) {
    // Chromium loads its voices when first asked, and answers none until they are there: asked
    // now, so that the first call (minutes or hours after the start) finds them, not only the next.
    this.safely(() => edges.speechSynthesis()?.getVoices());
  }

  subscribe = this.listeners.subscribe;
  getView = (): AnnouncerView => this.view;

  /** Calls newly applied by the queue model, in `at` order. */
  receive(calls: BoardCall[], now = Date.now()): void {
    const layout = this.layout();
    const calls_ = effectiveCalls(layout);
    if (calls_.show === 'off') return;
    // §6: every live call is announced over the zones (`overlay`); highlighted in a queue zone (`zone`)
    // only when one shows its service (or its service is unknown: it may be one of theirs).
    const services = calls_.show === 'zone' ? queueServices(layout) : null;
    for (const call of calls) {
      if (Math.abs(now - call.at) > LIVE_CALL_MS) continue;
      if (services && call.service !== null && !services.has(call.service)) continue;
      this.queue.push(call);
    }
    if (!this.view.current) this.next(this.queue.length === 1);
    else if (this.minShown && this.queue.length > 0) this.next();
    else this.emit();
  }

  dispose(): void {
    this.owned.dispose();
    this.queue.length = 0;
  }

  /** Shows the next call; `alone`: it came by itself with nothing on screen (not queued up). */
  private next(alone = false): void {
    const call = this.queue.shift();
    this.endTimer.clear();
    this.minTimer.clear();
    const layout = this.layout();
    const calls = effectiveCalls(layout);
    if (!call || calls.show === 'off' || this.owned.isDisposed) {
      this.view = { current: null, waiting: 0 };
      this.listeners.notify();
      return;
    }
    this.minShown = false;
    const counterName = nameOf(call.counter, layout?.counterNames);
    this.view = { current: { ...call, show: calls.show, ...(counterName !== undefined ? { counterName } : {}) }, waiting: this.queue.length };
    this.listeners.notify();
    if (calls.chime) this.safely(() => this.edges.chime());
    if (calls.voice) this.safely(() => this.speak(call, calls.voice!, layout?.counterNames));
    this.minTimer.arm(() => {
      this.minShown = true;
      if (this.queue.length > 0) this.next();
    }, MIN_CALL_MS);
    // §6: shown for `seconds`; calls that queue up (together, or behind another) each at least 3 s.
    this.endTimer.arm(() => this.next(), alone ? calls.seconds * 1000 : Math.max(MIN_CALL_MS, calls.seconds * 1000));
  }

  private emit(): void {
    this.view = { ...this.view, waiting: this.queue.length };
    this.listeners.notify();
  }

  /** Speaks the call in `tag`'s language, only with a voice for it; silently nothing otherwise. */
  private speak(call: BoardCall, tag: string, counterNames: Readonly<Record<string, string>> | undefined): void {
    const synthesis = this.edges.speechSynthesis();
    if (!synthesis || typeof SpeechSynthesisUtterance === 'undefined') return;
    const voice = voiceFor(synthesis.getVoices(), tag);
    if (!voice) return;
    const t = strings(langOfTag(tag));
    const utterance = new SpeechSynthesisUtterance(t.spokenCall(spokenTicket(call.ticket), counterLabel(t, call.counter, counterNames)));
    utterance.lang = tag;
    try {
      utterance.voice = voice;
    } catch {
      // A voice object the platform does not accept: its language (set above) chooses the voice.
    }
    synthesis.speak(utterance);
  }

  /** An announcement's sound never stops the banner (no audio device, autoplay policy, a broken voice). */
  private safely(run: () => void): void {
    try {
      run();
    } catch (error) {
      console.warn('[antichambre] call announcement sound skipped:', error);
    }
  }
}

/** The voice for a BCP 47 tag: the exact one, else one of the same language. */
export function voiceFor(voices: readonly SpeechSynthesisVoice[], tag: string): SpeechSynthesisVoice | null {
  const norm = (lang: string) => lang.replace('_', '-').toLowerCase();
  const wanted = norm(tag);
  const primary = wanted.split('-')[0];
  return voices.find((v) => norm(v.lang) === wanted) ?? voices.find((v) => norm(v.lang).split('-')[0] === primary) ?? null;
}

/** The services the queue zones show (null: every service, no queue zone naming any). */
function queueServices(layout: Layout | undefined): Set<string> | null {
  const zones = layout?.zones.filter((zone) => zone.kind === 'queue') ?? [];
  if (zones.length === 0 || zones.some((zone) => !zone.services)) return null;
  return new Set(zones.flatMap((zone) => zone.services ?? []));
}
