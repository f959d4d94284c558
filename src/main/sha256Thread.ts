import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/**
 * SHA-256 of a download, computed on a thread of its own (node:worker_threads), so that the main
 * process receives and writes the next bytes while the last ones are hashed: on a kiosk's two
 * cores, hashing on the receiving thread halves the download rate (SHA-256 without CPU help runs
 * at about the speed Node's fetch receives from a LAN). Bytes are copied into the slots of a
 * buffer shared with the thread (a 1 MB copy is a hundredth of its hashing time), `SLOTS` ×
 * `SLOT_BYTES` at most on their way: no allocation per message (a copy posted per message left
 * tens of MB of garbage in the thread's heap), and memory stays at a few MB when the disk and the
 * network outrun the hash. Small files are hashed in place: a thread costs tens of ms to start.
 */

/** Files below this size are hashed on the calling thread. */
export const THREAD_FROM_BYTES = 4 * 1024 * 1024;
const SLOT_BYTES = 1024 * 1024;
const SLOTS = 4;

/** The thread's code: plain CommonJS evaluated by the worker, so that bundling the main process needs no second entry. */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const hash = require('node:crypto').createHash('sha256');
const slots = new Uint8Array(workerData.shared);
parentPort.on('message', (message) => {
  if (message.digest) return parentPort.postMessage({ digest: hash.digest('hex') });
  const from = message.slot * workerData.slotBytes;
  hash.update(slots.subarray(from, from + message.length));
  parentPort.postMessage({ freed: message.slot });
});
`;

export interface Sha256 {
  /** Adds bytes (they may be reused by the caller once this resolves). */
  update(bytes: Uint8Array): Promise<void>;
  digest(): Promise<string>;
  /** Ends the thread, if any; the digest is not asked for any more. */
  dispose(): void;
}

/** Hashes on the calling thread. */
class InPlaceSha256 implements Sha256 {
  private readonly hash: Hash = createHash('sha256');
  update(bytes: Uint8Array): Promise<void> {
    this.hash.update(bytes);
    return Promise.resolve();
  }
  digest(): Promise<string> {
    return Promise.resolve(this.hash.digest('hex'));
  }
  dispose(): void {}
}

/** Hashes on a worker thread, in the order the bytes were given. */
class ThreadSha256 implements Sha256 {
  private readonly shared = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
  private readonly slots = new Uint8Array(this.shared);
  private readonly free: number[] = Array.from({ length: SLOTS }, (_, k) => k);
  private readonly worker = new Worker(THREAD_SOURCE, {
    eval: true,
    workerData: { shared: this.shared, slotBytes: SLOT_BYTES },
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
  });
  private failure: Error | null = null;
  /** Who waits for a free slot, or for the digest. */
  private slotWaiter: (() => void) | null = null;
  private digestWaiter: { resolve(hex: string): void; reject(error: Error): void } | null = null;

  constructor() {
    this.worker.on('message', (message: { freed?: number; digest?: string }) => {
      if (message.freed !== undefined) {
        this.free.push(message.freed);
        this.wake();
      } else if (message.digest !== undefined) this.digestWaiter?.resolve(message.digest);
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      this.wake();
      this.digestWaiter?.reject(this.failure);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the hashing thread ended (exit code ${code})`)));
  }

  private wake(): void {
    const waiter = this.slotWaiter;
    this.slotWaiter = null;
    waiter?.();
  }

  async update(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.byteLength; at += SLOT_BYTES) {
      while (this.free.length === 0 && !this.failure) await new Promise<void>((resolve) => (this.slotWaiter = resolve));
      if (this.failure) throw this.failure;
      const slot = this.free.shift()!;
      const piece = bytes.subarray(at, at + SLOT_BYTES);
      this.slots.set(piece, slot * SLOT_BYTES);
      this.worker.postMessage({ slot, length: piece.byteLength });
    }
  }

  digest(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.digestWaiter = { resolve, reject };
      this.worker.postMessage({ digest: true });
    });
  }

  dispose(): void {
    this.worker.removeAllListeners('exit');
    void this.worker.terminate();
  }
}

/** A SHA-256 for a download of `bytes` (unknown: on a thread, as for a large one). */
export function sha256For(bytes: number | null): Sha256 {
  return bytes !== null && bytes < THREAD_FROM_BYTES ? new InPlaceSha256() : new ThreadSha256();
}
