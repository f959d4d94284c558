import { Ack, ImpressionsAck, MAX_IMPRESSIONS_PER_BATCH, WAIT_ESTIMATES_PER_BATCH, type ImpressionsMessage, type WaitMessage } from '../shared/protocol.js';
import type { Impression } from '../shared/impression.js';
import type { PlayerDb, RejectedImpression } from './db.js';
import { isLocalScreenId } from './screenIdentity.js';
import { TimerSlot, type Disposable } from './disposables.js';

/**
 * Empties the Dexie outbox towards the hub: impressions in batches of at most 500 and wait
 * estimates, each sent with an acknowledgement and deleted only after the hub's `ok`. A
 * batch that gets no answer stays and is sent again (the hub counts it in `duplicates`);
 * failures back off exponentially with jitter, each kind on its own. Nothing goes through
 * socket.io's own buffer.
 */

/** What the outbox sends: proof of play and wait estimates (§3), each an acked event. */
export type OutboxMessage = { event: 'impressions'; payload: ImpressionsMessage } | { event: 'wait'; payload: WaitMessage };
/** Sends an acked event; resolves with the hub's answer (parsed by the caller), rejects on timeout or disconnection. */
export type SendWithAck = (message: OutboxMessage) => Promise<unknown>;

/** Batches sent before the oldest one's ack is awaited. */
export const IN_FLIGHT = 2;
export const RETRY_MIN_MS = 1_000;
export const RETRY_MAX_MS = 5 * 60_000;

export interface SenderFigures {
  batches: number;
  sent: number;
  duplicates: number;
}

/** The longest an impression set aside waits before it is offered to the hub again. */
export const SET_ASIDE_MAX_WAIT_MS = 24 * 3_600_000;

/**
 * When an impression the hub refused by name may be offered again: at the next connection after
 * its first refusal (the hub may have been updated, or the refusal was a passing one), then 15 min,
 * 1 h, 4 h… after the last, at most a day; never when it was refused for its screen (§3: a screen
 * never writes another's proof of play, so that refusal is for good: kept, not sent).
 */
export function offerAgainAt(record: Pick<RejectedImpression, 'error' | 'at' | 'refusals'>): number | null {
  if (/^impressions\[\d+\]\.screenId\b/.test(record.error)) return null;
  const refusals = record.refusals ?? 1;
  return refusals <= 1 ? record.at : record.at + Math.min(SET_ASIDE_MAX_WAIT_MS, 15 * 60_000 * 4 ** (refusals - 2));
}

/**
 * One kind of message, sent in rounds: a batch at a time until none is left or the connection
 * goes; a failed round backs off exponentially with jitter. Each kind has its own lane, so that
 * estimates never wait behind impressions that a hub leaves unanswered (§4: a `wait` after each
 * `queue` message), nor impressions behind estimates.
 */
class SendLane implements Disposable {
  private running = false;
  private again = false;
  private failures = 0;
  private disposed = false;
  private readonly retry = new TimerSlot();
  /** Why its last round failed (null once a round went through). */
  error: string | null = null;

  constructor(
    /** Sends one batch; false when there was none. */
    private readonly sendBatch: () => Promise<boolean>,
    private readonly connected: () => boolean,
  ) {}

  /** Sends what is waiting, now or as soon as the current round ends. */
  kick(): void {
    if (this.disposed || this.retry.armed) return; // backing off: the timer will run it
    if (this.running) {
      this.again = true;
      return;
    }
    void this.run();
  }

  dispose(): void {
    this.disposed = true;
    this.retry.dispose();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      do {
        this.again = false;
        while (this.connected() && (await this.sendBatch())) {
          /* one batch per turn, until none is left or the connection goes */
        }
      } while (this.again && this.connected());
      this.failures = 0;
      this.error = null;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      this.failures++;
      const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.failures - 1)) * (0.5 + Math.random() / 2);
      // A round that ends after the sender was disposed (its connection closed for good) arms nothing: the slot is disposed.
      this.retry.arm(() => this.kick(), delay);
    } finally {
      this.running = false;
    }
  }
}

export class OutboxSender implements Disposable {
  readonly figures: SenderFigures = { batches: 0, sent: 0, duplicates: 0 };
  private readonly impressions: SendLane;
  private readonly estimates: SendLane;
  /** The hub's last refusal of one impression by name (null once a batch went through). */
  private refusal: string | null = null;
  /** The hub's last refusal of one wait estimate by name (dropped; null once a batch went through whole). */
  private estimateRefusal: string | null = null;
  /** Impressions set aside and offered again by this sender, not yet taken or refused. */
  private readonly offeredAgain = new Set<string>();

  constructor(
    private readonly db: PlayerDb,
    /** The screen's configured id: impressions played before it had one are sent under it. */
    private readonly screenId: string,
    private readonly send: SendWithAck,
    private readonly connected: () => boolean,
  ) {
    this.impressions = new SendLane(() => this.sendImpressions(), connected);
    this.estimates = new SendLane(() => this.sendEstimates(), connected);
  }

  /** Why sending is not going through now (impressions first, then estimates), or null. */
  get lastError(): string | null {
    return this.impressions.error ?? this.refusal ?? this.estimates.error ?? this.estimateRefusal;
  }

  /** Sends what is waiting, now or as soon as the current rounds end. */
  kick(): void {
    this.impressions.kick();
    this.estimates.kick();
  }

  /** No more retries (the connection is closed for good). */
  dispose(): void {
    this.impressions.dispose();
    this.estimates.dispose();
  }

  /**
   * Impressions a hub refused by name (set aside, so that the rest went on) go back into the
   * outbox at a connection once their wait is over (offerAgainAt): what was not acknowledged is
   * tried again (§3), and a hub updated since may take them. One refused again is set aside again
   * with a longer wait; the others go on.
   */
  async offerSetAsideAgain(now = Date.now()): Promise<number> {
    return this.db.transaction('rw', this.db.outbox, this.db.rejected, async () => {
      const records = await this.db.rejected.toArray();
      const offered = records.filter((record) => record.offeredAt !== undefined);
      // Offered before and no longer in the outbox: the hub took them (a refusal would have set them aside again).
      const stillOut = await this.db.outbox.bulkGet(offered.map((record) => record.id));
      await this.db.rejected.bulkDelete(offered.filter((_, k) => stillOut[k] === undefined).map((record) => record.id));
      const due = records.filter((record) => {
        const at = record.offeredAt === undefined ? offerAgainAt(record) : null;
        return at !== null && at <= now;
      });
      if (due.length === 0) return 0;
      await this.db.outbox.bulkPut(due.map((record) => record.impression));
      await this.db.rejected.bulkPut(due.map((record) => ({ ...record, offeredAt: now })));
      for (const record of due) this.offeredAgain.add(record.id);
      return due.length;
    });
  }

  /** Impressions and estimates still waiting. */
  async pending(): Promise<number> {
    const [impressions, estimates] = await Promise.all([this.db.outbox.count(), this.db.waitOutbox.count()]);
    return impressions + estimates;
  }

  /**
   * Sends the oldest impressions while connected, two batches in flight: the next batch is read
   * and sent while the hub stores the previous one, which is deleted once acked. False when
   * there is none.
   */
  private async sendImpressions(): Promise<boolean> {
    let batch = await this.readBatch(null);
    if (batch.length === 0) return false;
    const inFlight: { batch: Impression[]; acked: Promise<boolean> }[] = [];
    const settleOldest = async (): Promise<void> => {
      const oldest = inFlight.shift()!;
      if (await oldest.acked) await this.deleteBatch(oldest.batch);
    };
    try {
      while (batch.length > 0 && this.connected()) {
        const acked = this.sendBatch(batch);
        // Awaited in turn below; until then a lost connection must not surface as an unhandled rejection.
        acked.catch(() => {});
        inFlight.push({ batch, acked });
        const next = this.readBatch(batch.at(-1)!.id);
        if (inFlight.length >= IN_FLIGHT) await settleOldest();
        batch = await next;
      }
      while (inFlight.length > 0) await settleOldest();
    } finally {
      // On a failure, let the others settle (what they stored is counted as duplicates next time).
      await Promise.allSettled(inFlight.map((sent) => sent.acked));
    }
    return true;
  }

  /** Up to 500 impressions in id order (time order), after `afterId` when given. */
  private readBatch(afterId: string | null): Promise<Impression[]> {
    const from = afterId === null ? this.db.outbox.toCollection() : this.db.outbox.where(':id').above(afterId);
    return from.limit(MAX_IMPRESSIONS_PER_BATCH).toArray();
  }

  /** Sends one batch; true once the hub stored it, false when one impression was refused and set aside (the batch is sent again). */
  private async sendBatch(batch: Impression[]): Promise<boolean> {
    const impressions = batch.map((impression): Impression => (isLocalScreenId(impression.screenId) ? { ...impression, screenId: this.screenId } : impression));
    const raw = await this.send({ event: 'impressions', payload: { impressions } });
    const ack = ImpressionsAck.safeParse(raw);
    if (ack.success) {
      this.figures.batches++;
      this.figures.sent += ack.data.stored ?? batch.length - (ack.data.duplicates ?? 0);
      this.figures.duplicates += ack.data.duplicates ?? 0;
      this.refusal = null;
      return true;
    }
    const error = Ack.safeParse(raw).data?.error ?? 'unexpected answer';
    // The hub names the one it refuses: set it aside (kept, with the error) so that the rest goes on.
    const refused = /^impressions\[(\d+)\]/.exec(error);
    const culprit = refused ? batch[Number(refused[1])] : undefined;
    if (!culprit) throw new Error(`impressions not acknowledged: ${error}`);
    await this.db.transaction('rw', this.db.outbox, this.db.rejected, async () => {
      // Refused again after it was offered again: the count goes on (its next offer waits longer).
      const before = await this.db.rejected.get(culprit.id);
      await this.db.rejected.put({ id: culprit.id, impression: culprit, error, at: Date.now(), refusals: (before?.refusals ?? 0) + 1 });
      await this.db.outbox.delete(culprit.id);
    });
    this.offeredAgain.delete(culprit.id);
    this.refusal = error;
    return false;
  }

  /**
   * Deletes a sent batch: as one key range when the range holds exactly the batch (checked in
   * the same transaction, so an impression written meanwhile inside it is never lost), else key by key.
   */
  private deleteBatch(batch: Impression[]): Promise<void> {
    const ids = batch.map((impression) => impression.id);
    const deleteFromOutbox = async (): Promise<void> => {
      const range = this.db.outbox.where(':id').between(ids[0]!, ids.at(-1)!, true, true);
      if ((await range.count()) === ids.length) await range.delete();
      else await this.db.outbox.bulkDelete(ids);
    };
    // Offered again and taken: their records aside go with them (else the next connection's offer finds them gone from the outbox and deletes them).
    const taken = ids.filter((id) => this.offeredAgain.has(id));
    if (taken.length === 0) return this.db.transaction('rw', this.db.outbox, deleteFromOutbox);
    return this.db.transaction('rw', this.db.outbox, this.db.rejected, async () => {
      await deleteFromOutbox();
      await this.db.rejected.bulkDelete(taken);
      for (const id of taken) this.offeredAgain.delete(id);
    });
  }

  private async sendEstimates(): Promise<boolean> {
    const batch = await this.db.waitOutbox.orderBy('seq').limit(WAIT_ESTIMATES_PER_BATCH).toArray();
    if (batch.length === 0) return false;
    const ack = Ack.safeParse(await this.send({ event: 'wait', payload: { estimates: batch.map((queued) => queued.estimate) } }));
    if (ack.success && ack.data.ok) {
      await this.db.waitOutbox.bulkDelete(batch.map((queued) => queued.seq!));
      this.estimateRefusal = null;
      return true;
    }
    const error = ack.data?.error ?? 'unexpected answer';
    // An estimate the hub refuses by name would be refused again at every try, and the others
    // queued behind it: it is dropped (the next one for its service comes within a minute), and
    // the rest goes on. Any other refusal is tried again later, as a lost connection is.
    const refused = /^estimates\[(\d+)\]/.exec(error);
    const culprit = refused ? batch[Number(refused[1])] : undefined;
    if (!culprit) throw new Error(`wait estimates not acknowledged: ${error}`);
    await this.db.waitOutbox.delete(culprit.seq!);
    this.estimateRefusal = error;
    return true;
  }
}
