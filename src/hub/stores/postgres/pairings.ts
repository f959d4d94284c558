import type { PairingClaim, ScreenInfo } from '../../../shared/adminApi.js';
import { PAIRING_TTL_MS, type PairingStarted, type PairingState } from '../../../shared/pairing.js';
import { toUtcTime } from '../../../shared/ids.js';
import { HubError } from '../../hubError.js';
import { hashToken, newToken, tokenMatches } from '../../secrets.js';
import type { PairingStore } from '../index.js';
import { CLAIMED_PAIRING_MS, MAX_OPEN_PAIRINGS, newPairingCode, UNKNOWN_PAIRING } from '../storeRules.js';
import type { PairingRow } from '../storedRows.js';
import { inTransaction, type PgPool } from './pgDb.js';
import type { PgScreenStore } from './screens.js';

/** Pairing codes (PostgreSQL); see ../sqlite/pairings.ts for the rules. */

export class PgPairingStore implements PairingStore {
  constructor(
    private readonly pool: PgPool,
    private readonly screens: PgScreenStore,
  ) {}

  async prune(now: number): Promise<number> {
    return (await this.pool.query('DELETE FROM pairings WHERE expires_at <= $1', [toUtcTime(now)])).rowCount ?? 0;
  }

  async start(now: number): Promise<PairingStarted> {
    await this.prune(now);
    const open = (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM pairings WHERE claimed_at IS NULL')).rows[0]!.n;
    if (open >= MAX_OPEN_PAIRINGS) throw new HubError(503, 'pairing: too many codes waiting; try again in a few minutes');
    const secret = newToken();
    const expiresAt = toUtcTime(now + PAIRING_TTL_MS);
    for (;;) {
      const code = newPairingCode();
      const inserted = await this.pool.query('INSERT INTO pairings (code, secret_hash, created_at, expires_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
        code,
        hashToken(secret),
        toUtcTime(now),
        expiresAt,
      ]);
      if (inserted.rowCount === 1) return { code, secret, expiresAt };
    }
  }

  async poll(code: string, secret: string, now: number): Promise<PairingState> {
    const row = await this.row(code, now);
    if (!row || !tokenMatches(secret, row.secret_hash)) throw new HubError(404, UNKNOWN_PAIRING);
    if (!row.claimed_at) return { status: 'waiting', expiresAt: row.expires_at };
    // The token is taken exactly once, whichever node the player's polls reach.
    const taken = await this.pool.query<{ token: string }>(
      'UPDATE pairings p SET token = NULL, delivered_at = $1 FROM (SELECT code, token FROM pairings WHERE code = $2 AND token IS NOT NULL FOR UPDATE) old WHERE p.code = old.code RETURNING old.token AS token',
      [toUtcTime(now), code],
    );
    const token = taken.rows[0]?.token;
    if (!token || !row.screen_id) throw new HubError(404, `pairing: code ${code} was already used; ask for a new one`);
    const screen = await this.screens.get(row.screen_id);
    if (!screen) throw new HubError(404, `pairing: screen "${row.screen_id}" no longer exists; ask for a new code`);
    return { status: 'paired', screenId: screen.id, token, name: screen.name, site: screen.site };
  }

  async claim(code: string, claim: PairingClaim, now: number): Promise<ScreenInfo> {
    return inTransaction(this.pool, async (db) => {
      const row = (await db.query<PairingRow>('SELECT * FROM pairings WHERE code = $1 FOR UPDATE', [code])).rows[0];
      if (!row || Date.parse(row.expires_at) <= now) throw new HubError(404, `code: ${code} is unknown or expired (codes last ${PAIRING_TTL_MS / 60_000} minutes)`);
      if (row.claimed_at) throw new HubError(409, `code: ${code} was already used`);
      const created = await this.screens.addOn(db, { id: claim.screenId, name: claim.name, site: claim.site, timezone: claim.timezone ?? 'Europe/Paris' });
      await db.query('UPDATE pairings SET screen_id = $1, token = $2, claimed_at = $3, expires_at = $4 WHERE code = $5', [created.screen.id, created.token, toUtcTime(now), toUtcTime(now + CLAIMED_PAIRING_MS), code]);
      return created.screen;
    });
  }

  private async row(code: string, now: number): Promise<PairingRow | null> {
    const row = (await this.pool.query<PairingRow>('SELECT * FROM pairings WHERE code = $1', [code])).rows[0];
    return row && Date.parse(row.expires_at) > now ? row : null;
  }
}
