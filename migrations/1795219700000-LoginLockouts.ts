import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Brute-force lockout in PostgreSQL, so that losing or flushing the cache
 * neither lifts a lock nor hands out a fresh budget of guesses. One row per
 * counting scope (a username at one address, or a username everywhere); a
 * scope needs no user row, so unknown names are counted like known ones.
 * `epoch` is the generation of the failure count: a lock, a success or a
 * lapsed window starts a new one, and a slot given back to an older
 * generation changes nothing. `expires_at` is when the row means nothing any
 * more, which is what the cleanup looks for.
 */
export class LoginLockouts1795219700000 implements MigrationInterface {
  name = 'LoginLockouts1795219700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_lockouts (
        scope           text        PRIMARY KEY,
        epoch           integer     NOT NULL DEFAULT 0,
        failures        integer     NOT NULL DEFAULT 0 CONSTRAINT login_lockouts_failures_not_negative CHECK (failures >= 0),
        window_ends_at  timestamptz NOT NULL,
        locks           integer     NOT NULL DEFAULT 0,
        locked_until    timestamptz,
        expires_at      timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX login_lockouts_expires_at_idx ON login_lockouts (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS login_lockouts`);
  }
}
