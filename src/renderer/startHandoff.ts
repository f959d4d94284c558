import { listStored, type StartFile } from '../shared/startMedia.js';

/**
 * What the start frame script (startFrame.ts, run by the page's head before this code) read and
 * decoded ahead, handed to the player: the page's first module (main.tsx imports it first).
 * Without that script (a page that did not load it), nothing was read ahead and these say so.
 */
// The page's code begins to run (the bundle fetched and its first module evaluated): for the start-up benchmark.
performance.mark('antichambre:entry');
// A start frame script that would run only now (it is loaded `async`) reads and paints nothing.
window.antichambrePlayerStarted = true;

/** Marked when a file read ahead is taken by the start (the guess was right): for the start-up benchmark and tests. */
export const READ_AHEAD_MARK = 'antichambre:read-ahead';

/** The start frame script's side: `window.antichambreStart`. */
export interface StartHandoff {
  /**
   * The object URL of a file read ahead (web player), once: the caller owns it from then on (and
   * revokes it). Undefined when it was not read ahead; resolves to null when it was not there.
   */
  takeEarlyMedia(sha256: string): Promise<string | null> | undefined;
  /**
   * Whether the image at `url` was decoded ahead (read ahead, or in the kiosk from its URL), once
   * its decode is over; undefined when it is not being decoded ahead (or the first item is on screen).
   */
  decodedAhead(url: string): Promise<boolean> | undefined;
  /** PlayerDb has its own connection: the early one is closed (reads ahead already asked for finish first). */
  releaseEarlyStorage(): void;
  /** The first item is on screen: what was read ahead and not taken (a wrong guess) is given back. */
  releaseEarlyMedia(): void;
  /** A zone's first item is on screen (`sha256`: its file; null when it shows none): its start frame is taken down. */
  frameShown(zone: string, sha256: string | null): void;
  /** The whole start frame is taken down at once (an alert or the power schedule covers the screen). */
  clearFrame(): void;
  /** The stage's playlist zones: the start frame of any other zone (the layout changed since) is taken down. */
  keepFrameOf(zones: readonly string[]): void;
  /**
   * A fresh player (freshFrame.ts): a zone's first image, fetched from the bundle (`url`: an object
   * URL the start frame then owns), painted as a warm start's, unless that zone's first item is
   * already on screen or the frame is over.
   */
  paintFresh(file: StartFile, url: string): void;
  /**
   * The answer to a request for a bundle file (`url`, absolute) that the start frame script made on
   * a fresh start, once: the bundle's import takes it instead of asking again. Undefined when none.
   */
  takeEarlyBundleFile(url: string): Promise<Response> | undefined;
}

declare global {
  interface Window {
    antichambreStart?: StartHandoff;
    /** Set by the player's first module: the start frame is too late from then on. */
    antichambrePlayerStarted?: boolean;
  }
}

const handoff = (): StartHandoff | undefined => window.antichambreStart;

export function takeEarlyMedia(sha256: string): Promise<string | null> | undefined {
  const url = handoff()?.takeEarlyMedia(sha256);
  void url?.then((made) => made && performance.mark(READ_AHEAD_MARK));
  return url;
}

/**
 * The kiosk's item gets its URL at once, often before the decode ahead is over: waiting for it
 * costs less than a second decode on the page.
 */
export const decodedAhead = (url: string): Promise<boolean> | undefined => handoff()?.decodedAhead(url);

/**
 * Whether this player has decided what to show before (ScreenLayout keeps the start frame's list
 * from its first decision on): a fresh one has not, and reads its bundle at once.
 */
export const decidedBefore = (): boolean => listStored((key) => localStorage.getItem(key));

export const releaseEarlyStorage = (): void => handoff()?.releaseEarlyStorage();

export const releaseEarlyMedia = (): void => handoff()?.releaseEarlyMedia();

export const startFrameShown = (zone: string, sha256: string | null): void => handoff()?.frameShown(zone, sha256);

export const clearStartFrame = (): void => handoff()?.clearFrame();

export const keepStartFrameOf = (zones: readonly string[]): void => handoff()?.keepFrameOf(zones);
