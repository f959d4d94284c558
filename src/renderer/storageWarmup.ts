/**
 * Opens the player's database before the rest of the player's code is evaluated (main.tsx
 * imports this module first). Opening IndexedDB loads the origin's store from disk in the
 * browser's own process, which takes as long as evaluating the code on a busy machine: done
 * side by side, the start waits for the longer of the two instead of both. This connection only
 * opens the store: every read goes through PlayerDb (Dexie), which opens its own connection;
 * this one is closed when PlayerDb's is open, or at once if the database must change version.
 * A database that does not exist yet is not created here (PlayerDb creates it with its schema).
 */
import { PLAYER_DB_NAME } from './dbName.js';

let early: IDBDatabase | null = null;
let released = false;

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
    if (released) return db.close();
    db.onversionchange = () => db.close();
    early = db;
  };
}

/** PlayerDb has its own connection: this one is closed. */
export function releaseEarlyStorage(): void {
  released = true;
  early?.close();
  early = null;
}

openEarly();
