import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { returnedRows } from '../../database/returned-rows.js';

export interface MfaState {
  secretCiphertext: string | null;
  pendingCiphertext: string | null;
  lastUsedStep: number | null;
}

export interface ChallengeRow {
  userId: number;
  rememberMe: boolean;
  expiresAt: Date;
  usedAt: Date | null;
}

/** The only place that queries the MFA tables; the users.mfa_enabled flag is the users repository's. */
@Injectable()
export class MfaRepository {
  constructor(private readonly dataSource: DataSource) {}

  private q(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async stateOf(userId: number, manager?: EntityManager): Promise<MfaState | null> {
    const rows = (await this.q(manager).query(
      `SELECT secret_ciphertext AS "secretCiphertext", pending_ciphertext AS "pendingCiphertext",
              last_used_step AS "lastUsedStep"
         FROM user_mfa WHERE user_id = $1`,
      [userId],
    )) as {
      secretCiphertext: string | null;
      pendingCiphertext: string | null;
      lastUsedStep: string | null;
    }[];
    const row = rows[0];
    if (!row) return null;
    return { ...row, lastUsedStep: row.lastUsedStep === null ? null : Number(row.lastUsedStep) };
  }

  /** A secret being set up; the confirmed one, if any, stays until the new one is confirmed. */
  async setPending(userId: number, ciphertext: string): Promise<void> {
    await this.q().query(
      `INSERT INTO user_mfa (user_id, pending_ciphertext) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET pending_ciphertext = EXCLUDED.pending_ciphertext, updated_at = now()`,
      [userId, ciphertext],
    );
  }

  /** Turns the pending secret on, with the step its first code used. False when it changed meanwhile. */
  async confirm(userId: number, pending: string, step: number, manager: EntityManager): Promise<boolean> {
    const result = await manager.query(
      `UPDATE user_mfa SET secret_ciphertext = pending_ciphertext, pending_ciphertext = NULL,
              last_used_step = $3, enabled_at = now(), updated_at = now()
        WHERE user_id = $1 AND pending_ciphertext = $2 RETURNING user_id`,
      [userId, pending, step],
    );
    return returnedRows(result).length > 0;
  }

  /**
   * Takes a time-step for the user: true only if it is later than every
   * step used before, in one statement, so two requests with one code can't both win.
   */
  async useStep(userId: number, step: number): Promise<boolean> {
    const result = await this.q().query(
      `UPDATE user_mfa SET last_used_step = $2
        WHERE user_id = $1 AND secret_ciphertext IS NOT NULL
          AND (last_used_step IS NULL OR last_used_step < $2)
        RETURNING user_id`,
      [userId, step],
    );
    return returnedRows(result).length > 0;
  }

  async replaceRecoveryCodes(userId: number, hashes: string[], manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM mfa_recovery_codes WHERE user_id = $1`, [userId]);
    await manager.query(`INSERT INTO mfa_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[])`, [
      userId,
      hashes,
    ]);
  }

  /** Marks a recovery code used; false when there is no such unused code. */
  async useRecoveryCode(userId: number, hash: string): Promise<boolean> {
    const result = await this.q().query(
      `UPDATE mfa_recovery_codes SET used_at = now()
        WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING id`,
      [userId, hash],
    );
    return returnedRows(result).length > 0;
  }

  async unusedRecoveryCodes(userId: number, manager?: EntityManager): Promise<number> {
    const rows = (await this.q(manager).query(
      `SELECT count(*)::int AS n FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
      [userId],
    )) as { n: number }[];
    return Number(rows[0]?.n ?? 0);
  }

  /** The user's secret, recovery codes and challenges, all gone. */
  async removeAll(userId: number, manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM user_mfa WHERE user_id = $1`, [userId]);
    await manager.query(`DELETE FROM mfa_recovery_codes WHERE user_id = $1`, [userId]);
    await manager.query(`DELETE FROM mfa_challenges WHERE user_id = $1`, [userId]);
  }

  async createChallenge(
    hash: string,
    userId: number,
    rememberMe: boolean,
    now: Date,
    expiresAt: Date,
  ): Promise<void> {
    // Expired challenges of anyone are cleared on the way: they number at most a few per sign-in.
    await this.q().query(`DELETE FROM mfa_challenges WHERE expires_at < $1`, [now]);
    await this.q().query(
      `INSERT INTO mfa_challenges (token_hash, user_id, remember_me, expires_at) VALUES ($1, $2, $3, $4)`,
      [hash, userId, rememberMe, expiresAt],
    );
  }

  async findChallenge(hash: string): Promise<ChallengeRow | null> {
    const rows = (await this.q().query(
      `SELECT user_id AS "userId", remember_me AS "rememberMe", expires_at AS "expiresAt", used_at AS "usedAt"
         FROM mfa_challenges WHERE token_hash = $1`,
      [hash],
    )) as ChallengeRow[];
    return rows[0] ?? null;
  }

  /** Spends a challenge: true for the one request that does it while it is live. */
  async useChallenge(hash: string, now: Date, manager: EntityManager): Promise<boolean> {
    const result = await manager.query(
      `UPDATE mfa_challenges SET used_at = $2
        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id`,
      [hash, now],
    );
    return returnedRows(result).length > 0;
  }
}
