import type { LiveScreen } from './adminApi.js';
import { cacheStuckForS } from './cacheHealth.js';

/**
 * What is wrong with each screen, and what to tell about it: the pure part of the hub's
 * notifications. `screenProblems` judges one screen's state; `HealthBoard` remembers what was
 * judged and what was told, and groups the changes per site so that people get one message
 * per site within a window, one line per screen and state change, and "back to normal" once
 * a problem is over. No clock and no timer here: the caller passes the time.
 */

export const HEALTH_CONDITIONS = ['offline', 'refused', 'cache', 'crashLoop'] as const;
export type HealthCondition = (typeof HEALTH_CONDITIONS)[number];

export interface HealthRules {
  /** A screen not connected for longer than this is offline. */
  offlineAfterMs: number;
  /** Crashes (renderer or GPU gone, hang, main-process error) within `crashWindowMs` that make a crash loop. */
  crashesForLoop: number;
  crashWindowMs: number;
}

export const DEFAULT_HEALTH_RULES: HealthRules = { offlineAfterMs: 10 * 60_000, crashesForLoop: 3, crashWindowMs: 15 * 60_000 };

/** Kiosk events (src/main/crashRecovery.ts, main.ts) that are a crash. */
const CRASH_EVENTS = new Set(['renderer-gone', 'gpu-gone', 'hang', 'main-error']);
/** The kiosk itself gave up relaunching (too many relaunches lately): a crash loop on its own. */
const RELAUNCH_HELD = 'relaunch-held';

/**
 * A screen's conditions now: a detail string for a problem, null when fine; a condition left
 * out cannot be judged now (the cache and crashes of a screen that is not connected: its last
 * status is old news), and keeps its previous state. `watchingSince`: when the hub started
 * watching (a screen is not offline for the time the hub itself was stopped).
 */
export function screenProblems(screen: LiveScreen, now: number, rules: HealthRules, watchingSince: number): Partial<Record<HealthCondition, string | null>> {
  const problems: Partial<Record<HealthCondition, string | null>> = {};
  problems.refused = screen.refused ? `revision ${screen.refused.revision}: ${screen.refused.error}` : null;
  if (!screen.online) {
    // Never seen: not installed yet, which is no outage.
    if (screen.lastSeen === null) problems.offline = null;
    else if (now - Date.parse(screen.lastSeen) <= rules.offlineAfterMs) problems.offline = null;
    // Gone longer than the threshold, but the hub itself has not been up that long: it cannot tell yet
    // (a screen waiting to reconnect after the hub's restart is not offline, nor back to normal).
    else if (now - watchingSince <= rules.offlineAfterMs) return problems;
    else problems.offline = `last seen ${screen.lastSeen}`;
    return problems;
  }
  problems.offline = null;
  const status = screen.status;
  if (!status) return problems;
  const stuckS = cacheStuckForS(status.cache);
  problems.cache = stuckS === null ? null : `${status.cache.missing} file(s) missing for ${Math.round(stuckS / 60)} min${status.cache.errors?.[0] ? ` (${status.cache.errors[0]})` : ''}`;
  const recent = (status.events ?? []).filter((event) => now - Date.parse(event.at) <= rules.crashWindowMs);
  const crashes = recent.filter((event) => CRASH_EVENTS.has(event.type));
  const held = recent.find((event) => event.type === RELAUNCH_HELD);
  problems.crashLoop = held
    ? `${held.detail ?? 'the kiosk stopped relaunching itself'}`
    : crashes.length >= rules.crashesForLoop
      ? `${crashes.length} crashes in ${Math.round(rules.crashWindowMs / 60_000)} min (last: ${crashes[crashes.length - 1]!.type})`
      : null;
  return problems;
}

export interface ScreenObservation {
  screen: string;
  name: string;
  site: string;
  problems: Partial<Record<HealthCondition, string | null>>;
}

export interface HealthChange {
  screen: string;
  name: string;
  condition: HealthCondition;
  /** `problem`: it started; `resolved`: back to normal. */
  state: 'problem' | 'resolved';
  /** When the hub saw the change (UTC ms). */
  at: number;
  /** What is wrong (for a problem), or what was wrong (for a resolution). */
  detail: string;
}

export interface SiteDigest {
  site: string;
  changes: HealthChange[];
}

interface Tracked {
  screen: string;
  name: string;
  site: string;
  condition: HealthCondition;
  /** Judged now. */
  problem: boolean;
  detail: string;
  changedAt: number;
  /** Last told (false: fine, or never told about). */
  told: boolean;
}

/**
 * The state machine: per screen and condition, what is judged now and what was last told.
 * A site's first untold change opens its window; when the window is over, `due` answers one
 * digest with every change of the site still untold (a problem over before the window ended
 * is never told, nor its end). Untold problems of a screen that was removed are dropped.
 */
export class HealthBoard {
  private readonly tracked = new Map<string, Tracked>();
  /** Per site with untold changes: when its window opened. */
  private readonly opened = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  observe(now: number, observations: ScreenObservation[]): void {
    const present = new Set<string>();
    for (const observation of observations) {
      for (const condition of HEALTH_CONDITIONS) {
        const key = `${observation.screen}\u0000${condition}`;
        present.add(key);
        const judged = observation.problems[condition];
        if (judged === undefined) continue;
        const entry = this.tracked.get(key);
        const problem = judged !== null;
        if (!entry) {
          if (problem) this.tracked.set(key, { screen: observation.screen, name: observation.name, site: observation.site, condition, problem, detail: judged, changedAt: now, told: false });
          else continue;
        } else {
          entry.name = observation.name;
          entry.site = observation.site;
          if (entry.problem !== problem) {
            entry.problem = problem;
            entry.changedAt = now;
          }
          if (problem) entry.detail = judged;
        }
        const current = this.tracked.get(key)!;
        // A problem over before anyone was told of it: forgotten, as if it never was.
        if (!current.problem && !current.told) this.tracked.delete(key);
        else if (current.problem !== current.told && !this.opened.has(current.site)) this.opened.set(current.site, now);
      }
    }
    for (const key of [...this.tracked.keys()]) if (!present.has(key)) this.tracked.delete(key);
  }

  /** The digests whose window is over at `now`; what they tell is then told. */
  due(now: number): SiteDigest[] {
    const digests: SiteDigest[] = [];
    for (const [site, openedAt] of [...this.opened]) {
      if (now - openedAt < this.windowMs) continue;
      this.opened.delete(site);
      const changes: HealthChange[] = [];
      for (const [key, entry] of this.tracked) {
        if (entry.site !== site || entry.problem === entry.told) continue;
        changes.push({ screen: entry.screen, name: entry.name, condition: entry.condition, state: entry.problem ? 'problem' : 'resolved', at: entry.changedAt, detail: entry.detail });
        entry.told = entry.problem;
        if (!entry.problem) this.tracked.delete(key);
      }
      if (changes.length > 0) digests.push({ site, changes: changes.sort((a, b) => a.screen.localeCompare(b.screen) || a.condition.localeCompare(b.condition)) });
    }
    return digests;
  }

  /** When the next digest is due (null: nothing untold). */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const openedAt of this.opened.values()) next = next === null ? openedAt + this.windowMs : Math.min(next, openedAt + this.windowMs);
    return next === null ? null : next;
  }

  /** The problems told and not over (kept across restarts, so that a restarted hub does not tell them again). */
  toldProblems(): { screen: string; condition: HealthCondition }[] {
    return [...this.tracked.values()].filter((entry) => entry.told).map((entry) => ({ screen: entry.screen, condition: entry.condition }));
  }

  /** Problems told before a restart: a screen still in that state at its first observation is not told again, and its end is. */
  restoreTold(told: { screen: string; condition: HealthCondition }[], now: number): void {
    for (const { screen, condition } of told) {
      // Its site and name are filled in by the next observation (a screen no longer there is dropped by it).
      this.tracked.set(`${screen}\u0000${condition}`, { screen, name: screen, site: '', condition, problem: true, detail: 'told before the hub restarted', changedAt: now, told: true });
    }
  }
}
