import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two-factor sign-in (TOTP with recovery codes).
 *
 * - roles.require_mfa: the role's users must sign in with a second factor.
 * - users.mfa_enabled: the answerable flag (list filter, hygiene); true once
 *   an enrolment is confirmed.
 * - user_mfa: the TOTP secret, encrypted (AES-256-GCM, never in clear), the
 *   one being set up until it is confirmed, and the last time-step accepted,
 *   so that each code works once.
 * - mfa_recovery_codes: keyed hashes of the one-time recovery codes.
 * - mfa_challenges: the short-lived tokens between a right password and the
 *   code, stored as hashes; used_at makes each single use.
 */
export class TwoFactorAuthentication1795219950000 implements MigrationInterface {
  name = 'TwoFactorAuthentication1795219950000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE roles ADD COLUMN require_mfa boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE users ADD COLUMN mfa_enabled boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE user_mfa (
        user_id            integer     PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        secret_ciphertext  text,
        pending_ciphertext text,
        last_used_step     bigint,
        enabled_at         timestamptz,
        updated_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE mfa_recovery_codes (
        id        serial      PRIMARY KEY,
        user_id   integer     NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash text        NOT NULL,
        used_at   timestamptz,
        CONSTRAINT mfa_recovery_codes_user_code_key UNIQUE (user_id, code_hash)
      )`);
    await q.query(`
      CREATE TABLE mfa_challenges (
        token_hash  text        PRIMARY KEY,
        user_id     integer     NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        remember_me boolean     NOT NULL DEFAULT false,
        expires_at  timestamptz NOT NULL,
        used_at     timestamptz,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX mfa_challenges_expires_at_idx ON mfa_challenges (expires_at)`);
    await q.query(`CREATE INDEX mfa_challenges_user_id_idx ON mfa_challenges (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS mfa_challenges`);
    await q.query(`DROP TABLE IF EXISTS mfa_recovery_codes`);
    await q.query(`DROP TABLE IF EXISTS user_mfa`);
    await q.query(`ALTER TABLE users DROP COLUMN IF EXISTS mfa_enabled`);
    await q.query(`ALTER TABLE roles DROP COLUMN IF EXISTS require_mfa`);
  }
}
