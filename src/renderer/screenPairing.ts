import { z } from 'zod';
import { PAIRING_TTL_MS, PairingStarted, PairingState } from '../shared/pairing.js';
import { Id } from '../shared/ids.js';
import type { PlayerDb } from './db.js';
import { Listeners } from './listeners.js';
import { readSetting, writeSetting } from './settings.js';

/**
 * A player given a hub but no screen id and token pairs itself: it asks the hub for a short
 * code, shows it, and polls until an admin claims it in the dashboard; the id and token it
 * then receives are kept in IndexedDB, so a restart keeps them. Configured ones always win.
 */

export const PAIRING_POLL_MS = 2_000;
/** After the hub could not be reached or refused, ask again this much later. */
export const PAIRING_RETRY_MS = 10_000;

const PAIRED_KEY = 'pairedScreen';
/** `name`: the one the admin gave it when claiming the code (§3), shown on the idle screen (absent when paired by an older player). */
const PairedScreen = z.object({ hub: z.string(), screenId: Id, token: z.string().min(1), name: z.string().optional() });
export type PairedScreen = z.infer<typeof PairedScreen>;

/** The id and token this player was given by pairing with `hubUrl`, if it was. */
export async function pairedScreen(db: PlayerDb, hubUrl: string): Promise<PairedScreen | null> {
  const saved = await readSetting(db, PAIRED_KEY, PairedScreen);
  return saved && saved.hub === hubUrl ? saved : null;
}

/** Forgets the id and token got by pairing (the hub refused them): the player pairs again. */
export async function forgetPairing(db: PlayerDb): Promise<void> {
  await db.settings.delete(PAIRED_KEY);
}

/** What the pairing screen shows: the code, or why there is none yet (the hub could not give one). */
export interface PairingView {
  code: string | null;
  problem: string | null;
}

/** The code on screen, for the page. */
export class PairingCodeShown {
  private view: PairingView = { code: null, problem: null };
  private readonly listeners = new Listeners();
  subscribe = this.listeners.subscribe;
  current = (): PairingView => this.view;

  set(code: string | null): void {
    this.view = { code, problem: null };
    this.listeners.notify();
  }

  /** No code: the hub could not be reached, or refused (said on screen, rather than dots for ever). */
  failed(problem: string): void {
    this.view = { code: null, problem };
    this.listeners.notify();
  }
}

async function answer<S extends z.ZodType>(response: Response, schema: S): Promise<z.output<S>> {
  if (!response.ok) throw new Error(`hub answered ${response.status}`);
  return schema.parse(await response.json());
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Shows codes until one is claimed (a new code when one expires), then stores and answers the screen's id and token. */
export async function pairScreen(db: PlayerDb, hubUrl: string, shown: PairingCodeShown): Promise<PairedScreen> {
  for (;;) {
    let started: PairingStarted;
    try {
      started = await answer(await fetch(new URL('/api/pairing', hubUrl), { method: 'POST' }), PairingStarted);
    } catch (error) {
      console.warn(`[antichambre] pairing: no code from ${hubUrl} (${String(error)}); trying again`);
      shown.failed(error instanceof Error ? error.message : String(error));
      await sleep(PAIRING_RETRY_MS);
      continue;
    }
    shown.set(started.code);
    const poll = new URL(`/api/pairing/${started.code}`, hubUrl);
    poll.searchParams.set('secret', started.secret);
    // The code's 10 minutes (§3) on this player's own clock, from when it came: `expiresAt` is the hub's
    // clock, and a player whose clock runs ahead took every code as expired at once (about 30 codes a
    // second, then the hub's 429 and no code on screen). The hub's 404 says when it is over before that.
    const deadline = Date.now() + PAIRING_TTL_MS;
    while (Date.now() < deadline) {
      await sleep(PAIRING_POLL_MS);
      let state: PairingState;
      try {
        const response = await fetch(poll, { cache: 'no-store' });
        // Unknown, expired or already used: start over with a new code (410: what hubs before 2026-12 said of a used one).
        if (response.status === 404 || response.status === 410) break;
        state = await answer(response, PairingState);
      } catch {
        continue; // the hub is away for a moment: the code is still good
      }
      if (state.status === 'paired') {
        const paired: PairedScreen = { hub: hubUrl, screenId: state.screenId, token: state.token, name: state.name };
        await writeSetting(db, PAIRED_KEY, paired);
        shown.set(null);
        return paired;
      }
    }
  }
}
