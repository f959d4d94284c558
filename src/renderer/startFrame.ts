/**
 * The start frame: a classic script of its own, run as soon as the page's head has fetched it,
 * before the player's code (built apart by vite.renderer.config.ts's `startFrameScript`: 23 KB,
 * most of it zod's mini build). VS Code paints its splash the same way, from what the last window
 * remembered, before the workbench loads.
 *
 * - It reads what a start at this moment would show first (kept in localStorage by ScreenLayout as
 *   each playlist zone decides: a guess) and reads those files from IndexedDB into object URLs
 *   while the player's code loads (the kiosk: its `app://media` URLs), decoding the images.
 * - While the decisions that list came from hold (`paintUntil`: no schedule change, no sleep, no
 *   alert since), each image is painted at once in its zone's box, over the stage: the start
 *   frame. The zone's first item takes its place as soon as it is on screen (`frameShown`), the
 *   same image in the same place when the guess was right; the frame is gone after
 *   FRAME_CAP_MS whatever happens, so it can never stay in front of the player.
 * - The web player keeps a copy of each such image beside the list (a data URL: startImages.ts):
 *   one with a copy is painted from it as soon as this runs, without waiting for IndexedDB; the
 *   file is read from IndexedDB all the same, for the player's own item.
 * - A fresh player (no list: it never decided anything) has nothing stored to paint from: this
 *   asks at once for the files of its bundle (listed as built in the page's head: the index, the
 *   playlists, the layout, the power schedule), which the bundle's import then takes, and loads the
 *   module that paints its first items from that bundle (freshFrame.ts), in the same boxes and
 *   taken down the same way.
 * - Opening the database early also has IndexedDB load the origin's store from disk meanwhile.
 *   This connection only reads: every other read goes through PlayerDb (Dexie), which opens its
 *   own; this one is closed once PlayerDb's is open, or at once if the database must change
 *   version. A database that does not exist yet is not created here (PlayerDb creates it).
 *
 * The player takes what was read through `window.antichambreStart` (startHandoff.ts).
 */
import { PLAYER_DB_NAME } from './dbName.js';
import { BUNDLE_FETCH, bundleIndexUrl } from './bundleFetch.js';
import { bundleFilesFor } from '../shared/bundleFiles.js';
import { BUNDLE_FILES_META, FRESH_FRAME_META, framedFiles, listStored, NO_START_MEDIA, parseBundleFilesAhead, parseStartImage, parseStartMedia, START_FRAME_MARK, START_FRAME_TIMING, START_MEDIA_KEY, startImageKey, storedFileHead, type StartFile, type StartMedia } from '../shared/startMedia.js';
import type { StartHandoff } from './startHandoff.js';

/** The start frame is taken down this long after the script ran, whatever the player did meanwhile. */
const FRAME_CAP_MS = 10_000;

/** The kiosk's file store, served by its main process (src/main/mediaProtocol.ts; KioskMediaCache's base). */
const KIOSK_MEDIA = 'app://media';

let early: IDBDatabase | null = null;
let released = false;

/** Files read ahead and not taken yet: sha256 → their object URL once read (null when not there). */
const readAhead = new Map<string, Promise<string | null>>();
/** The images decoded ahead, kept until the first item is on screen so that their decoded pixels stay. */
const decoding = new Set<HTMLImageElement>();
/** Image URLs being decoded here, to whether they were: a decoded one's item goes on screen without a decode of its own first. */
const decodingAhead = new Map<string, Promise<boolean>>();
let mediaReleased = false;

/** The frame's layer (created with its first image), each zone's box painted in it, and the zones no longer to paint. */
let layer: HTMLElement | null = null;
const painted = new Map<string, { sha256: string; box: HTMLElement }>();
const takenDown = new Set<string>();
/** A zone's image read from IndexedDB while its copy was painted: painted instead if the copy does not decode. */
const standingBy = new Map<string, HTMLImageElement>();
let frameOver = false;

function storedStartMedia(): StartMedia {
  try {
    return parseStartMedia(localStorage.getItem(START_MEDIA_KEY));
  } catch {
    return NO_START_MEDIA; // storage refused (a private window, a policy): nothing read ahead
  }
}

const media = storedStartMedia();
/** The zones whose image is painted as soon as it is read (their decisions still hold now). */
const framed = new Map(framedFiles(media, Date.now()).map((file) => [file.zone, file]));

/** The kiosk (a bridge with a file store): files are served at their URL, nothing to read from IndexedDB. */
const inKiosk = (): boolean => {
  // The test of kioskMedia.ts's kioskMediaBridge, not imported: this script runs before the player's code is there.
  const bridge = window.antichambre;
  return Boolean(bridge?.mediaWant && bridge.mediaStatus && bridge.mediaClear);
};

/**
 * An image with its QR code beside it, laid out as ItemView's WithQr lays it out (the same classes,
 * the zone a size container as the stage's): the image where the item will show it, the code's
 * band kept empty (the code is drawn by the player's code, with the item).
 */
function besideQrBand(img: HTMLImageElement, label: string | undefined): HTMLElement {
  const row = document.createElement('div');
  row.className = 'with-qr';
  const content = document.createElement('div');
  content.className = 'with-qr-content';
  content.append(img);
  const band = document.createElement('div');
  band.className = 'qr-panel start-frame-qr';
  const code = document.createElement('div');
  code.className = 'qr-code';
  band.append(code);
  if (label !== undefined) {
    const text = document.createElement('p');
    text.className = 'qr-label';
    text.textContent = label;
    band.append(text);
  }
  row.append(content, band);
  return row;
}

/** Removes a zone's painted box (the layer with the last one). */
function removeBox(zone: string): { sha256: string } | undefined {
  const was = painted.get(zone);
  if (!was) return undefined;
  painted.delete(zone);
  was.box.remove();
  if (painted.size === 0) {
    layer?.remove();
    layer = null;
  }
  return was;
}

/** Paints an image in its zone's box, unless the zone's first item is already on screen (or its frame may not be painted). */
function paint(file: StartFile, img: HTMLImageElement): void {
  const box = file.box;
  if (!box || frameOver || mediaReleased || takenDown.has(file.zone) || framed.get(file.zone) !== file) return;
  if (painted.has(file.zone)) {
    // Painted from its copy already: this image (read from IndexedDB) stands by, should the copy not decode.
    standingBy.set(file.zone, img);
    return;
  }
  if (!layer) {
    layer = document.createElement('div');
    layer.className = 'start-frame';
    // What it shows is the zone's item, painted early: its text alternative comes with the item itself.
    layer.setAttribute('aria-hidden', 'true');
    // On the root element, not the body: in the kiosk this runs in the head, before the body is
    // parsed (the body's DOMContentLoaded comes only after the player's code has run).
    document.documentElement.append(layer);
  }
  const zone = document.createElement('div');
  zone.className = 'start-frame-zone';
  zone.dataset.startFrameZone = file.zone;
  zone.style.left = `${box.x}%`;
  zone.style.top = `${box.y}%`;
  zone.style.width = `${box.width}%`;
  zone.style.height = `${box.height}%`;
  img.className = 'media';
  img.alt = '';
  img.setAttribute('elementtiming', START_FRAME_TIMING);
  zone.append(file.qr ? besideQrBand(img, file.qr.label) : img);
  layer.append(zone);
  painted.set(file.zone, { sha256: file.sha256, box: zone });
}

/**
 * An image of `url` decoded ahead (kept until the first item is on screen) and painted in its
 * zone's box at once (the browser shows it as soon as it is decoded, as a static page's image);
 * resolves once it is decoded, or taken down when it cannot be.
 */
async function decodeAndPaint(file: StartFile, url: string): Promise<void> {
  const img = new Image();
  decoding.add(img);
  const decode = decoded(img, url);
  paint(file, img);
  if (!(await decode)) takeDown(file.zone);
}

/**
 * The web player: a zone's image painted at once from the copy kept beside the list, if any. A
 * copy that does not decode is taken away again once that is known, and the file read from
 * IndexedDB is painted instead (StartImages makes the copy again once the list moves on).
 */
function paintFromCopy(file: StartFile): void {
  let copy: string | null;
  try {
    copy = parseStartImage(localStorage.getItem(startImageKey(file.sha256)));
  } catch {
    return; // storage refused: the file is read from IndexedDB
  }
  if (copy === null) return;
  const img = new Image();
  img.decoding = 'async';
  img.src = copy;
  paint(file, img);
  img.decode().catch(() => {
    if (!painted.get(file.zone)?.box.contains(img)) return;
    removeBox(file.zone);
    const read = standingBy.get(file.zone);
    if (read) paint(file, read);
  });
}

/** A file's bytes as MediaCache.readMedia assembles them (its parts in order; null unless complete). */
function readFile(db: IDBDatabase, sha256: string): Promise<Blob | null> {
  return new Promise((resolve) => {
    let tx: IDBTransaction;
    try {
      tx = db.transaction(['media', 'parts'], 'readonly');
    } catch {
      return resolve(null); // an older database without parts: PlayerDb upgrades it
    }
    const head = tx.objectStore('media').get(sha256);
    const parts = tx.objectStore('parts').getAll(IDBKeyRange.bound([sha256, -Infinity], [sha256, Infinity]));
    tx.onabort = () => resolve(null);
    parts.onsuccess = () => {
      const record = storedFileHead().safeParse(head.result);
      if (!record.success) return resolve(null);
      const blobs = (parts.result as { blob?: unknown }[]).map((part) => part.blob);
      if (!blobs.every((blob): blob is Blob => blob instanceof Blob)) return resolve(null);
      const blob = new Blob(blobs, { type: record.data.type });
      resolve(blob.size === record.data.bytes ? blob : null);
    };
  });
}

/** Resolves once `img` is decoded (true), or judged undecodable (false: the item's own image decodes it again). */
function decoded(img: HTMLImageElement, src: string): Promise<boolean> {
  img.decoding = 'async';
  img.src = src;
  const done = img.decode().then(
    () => true,
    () => false,
  );
  decodingAhead.set(src, done);
  return done;
}

/** The kiosk: each image decoded from its URL (the item's image, with the same URL, finds it decoded), and painted. */
function decodeAheadInKiosk(files: readonly StartFile[]): void {
  for (const file of files) {
    // The same file in another zone too: one more image of the same URL (decoded once).
    if (!file.video) void decodeAndPaint(file, `${KIOSK_MEDIA}/${file.sha256}`);
  }
}

/** The web player: each file read from IndexedDB into an object URL, images decoded and painted, for MediaCache to take. */
function readAheadOne(db: IDBDatabase, file: StartFile): void {
  // The same file in another zone too: read once, and painted there too (an image of the same URL, decoded once).
  const reading = readAhead.get(file.sha256);
  if (reading) {
    if (!file.video)
      void reading.then((url) => {
        if (url) void decodeAndPaint(file, url);
      });
    return;
  }
  readAhead.set(
    file.sha256,
    readFile(db, file.sha256).then(async (blob) => {
      // Read after the first item was on screen (a wrong guess, read slowly): nothing to keep.
      if (!blob || mediaReleased) return null;
      const url = URL.createObjectURL(blob);
      if (file.video) return url;
      await decodeAndPaint(file, url);
      if (!mediaReleased) return url;
      URL.revokeObjectURL(url);
      decodingAhead.delete(url);
      return null;
    }),
  );
}

function openEarly(): void {
  let request: IDBOpenDBRequest;
  try {
    request = indexedDB.open(PLAYER_DB_NAME);
  } catch {
    return; // no IndexedDB here (a private window): PlayerDb says why
  }
  // No database yet: creating an empty one would be wrong; PlayerDb makes it.
  request.onupgradeneeded = () => request.transaction?.abort();
  request.onerror = (event) => event.preventDefault();
  request.onsuccess = () => {
    const db = request.result;
    db.onversionchange = () => db.close();
    if (!mediaReleased && !inKiosk()) for (const file of media.files) readAheadOne(db, file);
    if (released) return db.close();
    early = db;
  };
}

/** Takes a zone's start frame down for good; what it had painted, if anything. */
function takeDown(zone: string): { sha256: string } | undefined {
  takenDown.add(zone);
  return removeBox(zone);
}

/** A zone's first item is on screen (or it shows none): its start frame is taken down, marked with whether it showed that item's file. */
function frameShown(zone: string, sha256: string | null): void {
  const was = takeDown(zone);
  if (was) performance.mark(START_FRAME_MARK, { detail: { zone, right: was.sha256 === sha256 } });
}

/** Takes the whole start frame down, and nothing more is painted. */
function clearFrame(): void {
  frameOver = true;
  for (const zone of [...painted.keys()]) takeDown(zone);
}

/** What the build wrote in the page's head under `name` (vite.renderer.config.ts), if anything. */
const headMeta = (name: string): string | undefined => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content;

/** Object URLs of a fresh player's first images (paintFresh), revoked once its first item is on screen. */
const freshUrls: string[] = [];

/**
 * A fresh player (nothing decided before: no list) loads the module that paints its first items
 * from its bundle (freshFrame.ts, an entry of the player's build, named by the page's head); a
 * page without it (a development server) starts as before.
 */
function loadFreshFrame(): void {
  const module = headMeta(FRESH_FRAME_META);
  if (module) import(/* @vite-ignore */ new URL(module, document.baseURI).href).catch(() => {});
}

/** A fresh start's bundle files asked for here, by URL, until the bundle's import takes them. */
const earlyBundleFiles = new Map<string, Promise<Response>>();

/**
 * A fresh player reads its bundle first thing (its index, then the bundle's playlists, layout and
 * power schedule): asked for here from the list the page's head carries (the bundles as built),
 * while the player's code is fetched and evaluated, instead of one after the other once it runs.
 * The import parses them as ever, and asks itself for any file it needs that was not asked for here.
 */
function askBundleEarly(): void {
  const listed = parseBundleFilesAhead(headMeta(BUNDLE_FILES_META));
  if (!listed) return;
  const index = bundleIndexUrl(new URL('./', window.location.href));
  // The bundle the import will pick: the web player's `?bundle=` (configSource.ts), else, or when
  // it names none built, the default. The kiosk's settings come later, through its bridge: its default.
  const named = window.antichambre ? null : new URLSearchParams(window.location.search).get('bundle');
  const bundle = listed.bundles.find((b) => b.id === named) ?? listed.bundles.find((b) => b.id === listed.default);
  const paths = bundle ? bundleFilesFor(bundle, window.innerWidth, window.innerHeight) : [];
  for (const url of [index, ...paths.map((path) => new URL(path, index))]) {
    const response = fetch(url, BUNDLE_FETCH);
    response.catch(() => {}); // taken, and its failure reported, by the bundle's import
    earlyBundleFiles.set(url.href, response);
  }
}

const handoff: StartHandoff = {
  takeEarlyMedia(sha256) {
    const url = readAhead.get(sha256);
    // Its image stays in `decoding` until the first item is on screen: its decoded pixels with it.
    readAhead.delete(sha256);
    return url;
  },
  decodedAhead: (url) => decodingAhead.get(url),
  releaseEarlyStorage() {
    released = true;
    early?.close();
    early = null;
  },
  releaseEarlyMedia() {
    mediaReleased = true;
    decodingAhead.clear();
    for (const url of readAhead.values()) void url.then((made) => made && URL.revokeObjectURL(made));
    readAhead.clear();
    decoding.clear();
    standingBy.clear();
    for (const url of freshUrls.splice(0)) URL.revokeObjectURL(url);
    earlyBundleFiles.clear();
  },
  frameShown,
  clearFrame,
  keepFrameOf(zones) {
    for (const zone of [...painted.keys(), ...framed.keys()]) if (!zones.includes(zone)) frameShown(zone, null);
  },
  paintFresh(file, url) {
    freshUrls.push(url);
    if (mediaReleased) return URL.revokeObjectURL(url);
    if (frameOver || takenDown.has(file.zone) || framed.has(file.zone)) return;
    if (framed.size === 0) setTimeout(clearFrame, FRAME_CAP_MS);
    framed.set(file.zone, file);
    void decodeAndPaint(file, url);
  },
  takeEarlyBundleFile(url) {
    const response = earlyBundleFiles.get(url);
    earlyBundleFiles.delete(url);
    return response;
  },
};
// Loaded `async`: should the player's code have run first (it never has in the benchmark's runs),
// it reads its first files itself, and a frame painted now would stand over its stage.
if (!window.antichambrePlayerStarted) {
  window.antichambreStart = handoff;
  if (framed.size > 0) setTimeout(clearFrame, FRAME_CAP_MS);
  // Opened first: its answer comes in a later task, and the copies' images (data: URLs) are decoded from their base64 meanwhile.
  openEarly();
  if (inKiosk()) decodeAheadInKiosk(media.files);
  else for (const file of framed.values()) paintFromCopy(file);
  if (!listStored((key) => localStorage.getItem(key))) {
    askBundleEarly();
    loadFreshFrame();
  }
}
