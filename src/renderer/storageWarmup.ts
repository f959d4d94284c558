/**
 * The player's first module evaluated (main.tsx imports it first): what the start reads from disk
 * begins while the rest of the code is evaluated.
 *
 * - It opens the player's database, so that IndexedDB loads the origin's store from disk in the
 *   browser's own process meanwhile. This connection only opens the store: every read of the
 *   player goes through PlayerDb (Dexie), which opens its own; this one is closed when PlayerDb's
 *   is open, or at once if the database must change version. A database that does not exist yet
 *   is not created here (PlayerDb creates it with its schema).
 * - It reads ahead the files a start at this moment would show first (what each playlist zone
 *   decided last, kept in localStorage by ScreenLayout: a guess) and decodes the images, so that
 *   the first item does not wait for its file's read and decode after the code has run. The web
 *   player's MediaCache takes the object URL made here (`takeEarlyMedia`); in the kiosk the file's
 *   `app://media` URL is decoded, and the item's image, with the same URL, finds it decoded.
 *   ScreenLayout keeps that list as each zone decides (Playback's `startFile`).
 */
import { PLAYER_DB_NAME } from './dbName.js';
import { parseStartMedia, START_MEDIA_KEY, StoredFileHead, type StartFile, type StartMedia } from '../shared/startMedia.js';

// The page's code begins to run (the bundle fetched and its first module evaluated): for the start-up benchmark.
performance.mark('antichambre:entry');

/** Marked when a file read ahead is taken by the start (the guess was right): for the start-up benchmark and tests. */
export const READ_AHEAD_MARK = 'antichambre:read-ahead';

let early: IDBDatabase | null = null;
let released = false;

/** Files read ahead and not taken yet: sha256 → their object URL once read (null when not there). */
const readAhead = new Map<string, Promise<string | null>>();
/** The images decoded ahead, kept until the first item is on screen so that their decoded pixels stay. */
const decoding = new Map<string, HTMLImageElement>();
let mediaReleased = false;

function startMedia(): StartMedia {
  try {
    return parseStartMedia(localStorage.getItem(START_MEDIA_KEY));
  } catch {
    return []; // storage refused (a private window, a policy): nothing read ahead
  }
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
      const record = StoredFileHead.safeParse(head.result);
      if (!record.success) return resolve(null);
      const blobs = (parts.result as { blob?: unknown }[]).map((part) => part.blob);
      if (!blobs.every((blob): blob is Blob => blob instanceof Blob)) return resolve(null);
      const blob = new Blob(blobs, { type: record.data.type });
      resolve(blob.size === record.data.bytes ? blob : null);
    };
  });
}

/** Image URLs being decoded here, to whether they were: a decoded one's item goes on screen without a decode of its own first. */
const decodingAhead = new Map<string, Promise<boolean>>();

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

/** The kiosk's file store, served by its main process (src/main/mediaProtocol.ts; KioskMediaCache's base). */
const KIOSK_MEDIA = 'app://media';

/** The kiosk (a bridge with a file store): files are served at their URL, nothing to read from IndexedDB. */
const inKiosk = (): boolean => {
  // The test of kioskMedia.ts's kioskMediaBridge, not imported: this module runs before the player's others are evaluated.
  const bridge = window.antichambre;
  return Boolean(bridge?.mediaWant && bridge.mediaStatus && bridge.mediaClear);
};

/** The kiosk: each image decoded from its URL; the item's image, with the same URL, finds it decoded. */
function decodeAheadInKiosk(files: StartMedia): void {
  for (const file of files) {
    if (file.video || decoding.has(file.sha256)) continue;
    const img = new Image();
    decoding.set(file.sha256, img);
    void decoded(img, `${KIOSK_MEDIA}/${file.sha256}`);
  }
}

/** The web player: each file read from IndexedDB into an object URL, images decoded, for MediaCache to take. */
function readAheadOne(db: IDBDatabase, file: StartFile): void {
  if (readAhead.has(file.sha256)) return;
  readAhead.set(
    file.sha256,
    readFile(db, file.sha256).then(async (blob) => {
      // Read after the first item was on screen (a wrong guess, read slowly): nothing to keep.
      if (!blob || mediaReleased) return null;
      const url = URL.createObjectURL(blob);
      if (file.video) return url;
      const img = new Image();
      decoding.set(file.sha256, img);
      await decoded(img, url);
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
    if (!mediaReleased && !inKiosk()) for (const file of startMedia()) readAheadOne(db, file);
    if (released) return db.close();
    early = db;
  };
}

/** PlayerDb has its own connection: this one is closed (reads ahead already asked for finish first). */
export function releaseEarlyStorage(): void {
  released = true;
  early?.close();
  early = null;
}

/**
 * The object URL of a file read ahead (web player), once: the caller owns it from then on (and
 * revokes it). Undefined when it was not read ahead; resolves to null when it was not there.
 */
export function takeEarlyMedia(sha256: string): Promise<string | null> | undefined {
  const url = readAhead.get(sha256);
  // Its image stays in `decoding` until the first item is on screen: its decoded pixels with it.
  readAhead.delete(sha256);
  void url?.then((made) => made && performance.mark(READ_AHEAD_MARK));
  return url;
}

/**
 * Whether the image at `url` was decoded ahead (read ahead, or in the kiosk from its URL), once
 * its decode is over; undefined when it is not being decoded ahead (or the first item is on screen).
 * The kiosk's item gets its URL at once, often before the decode ahead is over: waiting for it
 * costs less than a second decode on the page.
 */
export function decodedAhead(url: string): Promise<boolean> | undefined {
  return decodingAhead.get(url);
}

/** The first item is on screen: what was read ahead and not taken (a wrong guess) is given back. */
export function releaseEarlyMedia(): void {
  mediaReleased = true;
  decodingAhead.clear();
  for (const url of readAhead.values()) void url.then((made) => made && URL.revokeObjectURL(made));
  readAhead.clear();
  decoding.clear();
}

if (inKiosk()) decodeAheadInKiosk(startMedia());
openEarly();
