import type { PairingClaim, ScreenInfo } from '../../../shared/adminApi.js';
import { PAIRING_TTL_MS, type PairingStarted, type PairingState } from '../../../shared/pairing.js';
import { toUtcTime } from '../../../shared/ids.js';
import { HubError } from '../../hubError.js';
import { hashToken, newToken, tokenMatches } from '../../secrets.js';
import type { PairingStore } from '../index.js';
import { CLAIMED_PAIRING_MS, MAX_OPEN_PAIRINGS, newPairingCode, UNKNOWN_PAIRING } from '../storeRules.js';
import type { PairingRow } from '../storedRows.js';
import type { SqliteScreenStore } from './screens.js';
import type { SqliteDb } from './sqliteDb.js';

/**
 * Pairing codes: a new player gets a short code and a secret; an admin claims the code as a
 * new screen; the player's next poll (with the secret) gets the screen's id and token, once.
 * Codes last 10 minutes and are single use; expired ones are pruned as new ones are made and
 * on the hub's timer (`prune`), so that a claimed screen token never delivered does not stay.
 * Secrets are kept as hashes only.
 */

export class SqlitePairingStore implements PairingStore {
  constructor(
    private readonly db: SqliteDb,
    private readonly screens: SqliteScreenStore,
  ) {}

  /** Deletes expired codes (with any undelivered screen token they held); answers how many. */
  async prune(now: number): Promise<number> {
    return this.pruneNow(now);
  }

  private pruneNow(now: number): number {
    return this.db.prepare('DELETE FROM pairings WHERE expires_at <= ?').run(toUtcTime(now)).changes;
  }

  async start(now: number): Promise<PairingStarted> {
    this.pruneNow(now);
    const open = this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM pairings WHERE claimed_at IS NULL').get()!.n;
    if (open >= MAX_OPEN_PAIRINGS) throw new HubError(503, 'pairing: too many codes waiting; try again in a few minutes');
    const secret = newToken();
    const expiresAt = toUtcTime(now + PAIRING_TTL_MS);
    const insert = this.db.prepare('INSERT OR IGNORE INTO pairings (code, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?)');
    for (;;) {
      const code = newPairingCode();
      if (insert.run(code, hashToken(secret), toUtcTime(now), expiresAt).changes === 1) return { code, secret, expiresAt };
    }
  }

  /** The player's poll: waiting, or (once) the screen it became. */
  async poll(code: string, secret: string, now: number): Promise<PairingState> {
    const row = this.row(code, now);
    if (!row || !tokenMatches(secret, row.secret_hash)) throw new HubError(404, UNKNOWN_PAIRING);
    if (!row.claimed_at) return { status: 'waiting', expiresAt: row.expires_at };
    if (!row.token || !row.screen_id) throw new HubError(404, `pairing: code ${code} was already used; ask for a new one`);
    const screen = this.screens.getNow(row.screen_id);
    this.db.prepare('UPDATE pairings SET token = NULL, delivered_at = ? WHERE code = ?').run(toUtcTime(now), code);
    if (!screen) throw new HubError(404, `pairing: screen "${row.screen_id}" no longer exists; ask for a new code`);
    return { status: 'paired', screenId: screen.id, token: row.token, name: screen.name, site: screen.site };
  }

  /** The admin's claim: makes the screen, and keeps its token for the player's next poll. */
  async claim(code: string, claim: PairingClaim, now: number): Promise<ScreenInfo> {
    const row = this.row(code, now);
    if (!row) throw new HubError(404, `code: ${code} is unknown or expired (codes last ${PAIRING_TTL_MS / 60_000} minutes)`);
    if (row.claimed_at) throw new HubError(409, `code: ${code} was already used`);
    return this.db.transaction(() => {
      const created = this.screens.addNow({ id: claim.screenId, name: claim.name, site: claim.site, timezone: claim.timezone ?? 'Europe/Paris' });
      this.db.prepare('UPDATE pairings SET screen_id = ?, token = ?, claimed_at = ?, expires_at = ? WHERE code = ?').run(created.screen.id, created.token, toUtcTime(now), toUtcTime(now + CLAIMED_PAIRING_MS), code);
      return created.screen;
    })();
  }

  private row(code: string, now: number): PairingRow | null {
    const row = this.db.prepare<[string], PairingRow>('SELECT * FROM pairings WHERE code = ?').get(code);
    return row && Date.parse(row.expires_at) > now ? row : null;
  }
}
