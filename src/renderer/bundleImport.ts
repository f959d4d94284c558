import { BundleIndex, layoutPathFor } from '../shared/bundle.js';
import { Layout } from '../shared/layout.js';
import { PowerSchedule } from '../shared/powerSchedule.js';
import { mapSources, Playlist } from '../shared/playlist.js';
import { formatIssues } from '../shared/validationError.js';
import { z } from 'zod';
import type { StoredSet } from './db.js';
import type { SetSwitch } from './setSwitch.js';
import { BUNDLE_FETCH, bundleIndexUrl } from './bundleFetch.js';
import { takeEarlyBundleFile, takeEarlyBundleIndex } from './bundleIndexFetch.js';

/**
 * First start with no hub: offer the playlists bundled with the player as the screen's set;
 * the media cache copies their files into IndexedDB. From then on the player plays from
 * IndexedDB only; the bundle is read again only to notice a newer one shipped with an update.
 */

export interface ImportReport {
  /** Whether the bundle was offered as the screen's new set (first start, or a newer bundle). */
  offered: boolean;
  errors: string[];
  /** What is wrong with the `bundle` setting (a bundle the index does not have), for the screen to name as a setting's problem. */
  settingErrors: string[];
}

async function fetchJson(url: URL): Promise<unknown> {
  // The index asked for early (bundleIndexFetch.ts), or the bundle's files the start frame script asked for on a fresh start.
  const response = await (takeEarlyBundleIndex(url) ?? takeEarlyBundleFile(url) ?? fetch(url, BUNDLE_FETCH));
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  return response.json();
}

/** The screen's shape, for the choice of a bundle's portrait layout. */
export interface ScreenShape {
  width: number;
  height: number;
}

type Bundle = BundleIndex['bundles'][number];

/** The bundle this player plays, picked from the index (`errors`: the wanted one is not there; none, when the index is invalid). */
interface Picked {
  bundle: Bundle | null;
  indexUrl: URL;
  errors: string[];
  settingErrors: string[];
}

/** A bundle's files read and parsed: the set it makes, or none when its layout or power schedule refuses it. */
interface Content {
  set: Omit<StoredSet, 'key' | 'storedAt'> | null;
  errors: string[];
}

async function pickBundle(appBase: URL, wanted: string | undefined): Promise<Picked> {
  const indexUrl = bundleIndexUrl(appBase);
  const parsedIndex = BundleIndex.safeParse(await fetchJson(indexUrl));
  if (!parsedIndex.success) return { bundle: null, indexUrl, errors: [`playlists/bundles.json: ${formatIssues(parsedIndex.error)}`], settingErrors: [] };
  const index = parsedIndex.data;
  const settingErrors: string[] = [];
  let bundle = index.bundles.find((b) => b.id === (wanted ?? index.default));
  if (!bundle) {
    settingErrors.push(`bundle: "${wanted}" is not among the bundled playlists (${index.bundles.map((b) => b.id).join(', ')}); playing "${index.default}"`);
    bundle = index.bundles.find((b) => b.id === index.default) ?? index.bundles[0]!;
  }
  return { bundle, indexUrl, errors: [], settingErrors };
}

async function readContent(bundle: Bundle, indexUrl: URL, shape: ScreenShape): Promise<Content> {
  const errors: string[] = [];
  // Its playlists, its layout (§6; the portrait one on a screen taller than wide) and its power
  // schedule, asked for side by side (one wait for the server, not one per file).
  const layoutPath = layoutPathFor(bundle, shape.width, shape.height);
  const [playlistAnswers, layoutAnswer, powerAnswer] = await Promise.all([
    Promise.all(bundle.playlists.map((path) => fetchJson(new URL(path, indexUrl)))),
    layoutPath ? fetchJson(new URL(layoutPath, indexUrl)) : undefined,
    bundle.power ? fetchJson(new URL(bundle.power, indexUrl)) : undefined,
  ]);
  const playlists: Playlist[] = [];
  bundle.playlists.forEach((path, i) => {
    const parsed = Playlist.safeParse(playlistAnswers[i]);
    if (!parsed.success) return void errors.push(`${path}: ${formatIssues(parsed.error)}`);
    playlists.push(mapSources(parsed.data, (src) => new URL(src, new URL(path, indexUrl)).href));
  });
  // An invalid playlist refuses the set, as a pushed set's does (§6: "like an invalid playlist"):
  // what plays goes on. Before 2026-12-05 the bundle played without it.
  if (errors.length > 0) return { set: null, errors };
  // An invalid layout refuses the set: what plays goes on.
  let layout: Layout | undefined;
  if (layoutPath) {
    const parsed = Layout.safeParse(layoutAnswer);
    if (!parsed.success) return { set: null, errors: [`${layoutPath}: ${formatIssues(parsed.error)}`] };
    layout = parsed.data;
  }
  // Its power schedule (when the screen sleeps). An invalid one refuses the set, like a layout.
  let power: PowerSchedule | undefined;
  if (bundle.power) {
    const parsed = PowerSchedule.safeParse(powerAnswer);
    if (!parsed.success) return { set: null, errors: [`${bundle.power}: ${formatIssues(parsed.error)}`] };
    power = parsed.data;
  }
  return { set: { source: 'bundle', revision: bundle.revision, playlists, ...(layout ? { layout } : {}), ...(power ? { power } : {}) }, errors: [] };
}

/** The bundle read ahead (readBundleAhead): what importBundle would read itself. */
export interface BundleAhead {
  picked: Picked;
  content: Promise<Content> | null;
}

/**
 * A player that has never shown anything (a fresh one: its first item comes from the bundle)
 * reads the bundle and its files at once, while its own storage is read: importBundle takes it.
 * Whether the screen already has this revision, or a set from the hub, is judged there. Its fresh
 * start frame (freshFrame.ts) begins the read, often before the player's code runs; a second call
 * with the same bundle and screen shares it.
 */
export function readBundleAhead(appBase: URL, wanted: string | undefined, shape: ScreenShape): Promise<BundleAhead> {
  const key = JSON.stringify([appBase.href, wanted ?? null, shape.width, shape.height]);
  if (readAhead?.key !== key) readAhead = { key, read: readBundleNow(appBase, wanted, shape) };
  return readAhead.read;
}

/** The page goes away: a page back from the back-forward cache starts again, and reads again. */
export function forgetBundleAhead(): void {
  readAhead = null;
}

/** This page's read, shared by the fresh start frame and the player's start (whichever asks first begins it). */
let readAhead: { key: string; read: Promise<BundleAhead> } | null = null;

async function readBundleNow(appBase: URL, wanted: string | undefined, shape: ScreenShape): Promise<BundleAhead> {
  const picked = await pickBundle(appBase, wanted);
  const content = picked.bundle ? readContent(picked.bundle, picked.indexUrl, shape) : null;
  content?.catch(() => {}); // awaited, and its failure reported, by importBundle
  return { picked, content };
}

/** `ahead`: the bundle as readBundleAhead read it (else read here; its files only when the screen does not have it). */
export async function importBundle(switcher: SetSwitch, appBase: URL, wanted: string | undefined, shape: ScreenShape = { width: 16, height: 9 }, ahead?: Promise<BundleAhead>): Promise<ImportReport> {
  const read = ahead ? await ahead : null;
  const { bundle, indexUrl, errors, settingErrors } = read?.picked ?? (await pickBundle(appBase, wanted));
  if (!bundle) return { offered: false, errors, settingErrors };
  if (switcher.has(bundle.revision) || switcher.hasHubSet()) return { offered: false, errors, settingErrors };
  const content = await (read?.content ?? readContent(bundle, indexUrl, shape));
  // Refused whole: each problem named with its file and path, and what that means on screen.
  if (!content.set) return { offered: false, errors: [...errors, ...content.errors.map((error) => `bundle ${bundle.id} not played (what played before plays on): ${error}`)], settingErrors };
  // Its files come through the media cache, verified, like any other set's.
  let offered: boolean;
  try {
    offered = await switcher.offer({ ...content.set, storedAt: Date.now() });
  } catch (error) {
    return { offered: false, errors: [...errors, `bundle ${bundle.id}: ${error instanceof z.ZodError ? formatIssues(error) : String(error)}`], settingErrors };
  }
  return { offered, errors, settingErrors };
}
