import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * login_lockout_succeeded answers whether the pair it reset had a lock on
 * record. Only a pair that had one can have a lock hint in the cache (a hint
 * is written after its lock, and a lock that lost to this reset is never
 * written), so a success deletes the hint only then: one cache round trip
 * fewer on nearly every login. The steps are otherwise those of
 * LoginLockoutReserveFunction: the pair starts afresh, then the user's slot,
 * if one was taken, goes back to the count it came from.
 */
/** Both versions' steps: the pair starts afresh, then the user's slot, if one was taken, goes back. */
const RESET_PAIR_AND_GIVE_BACK = `
        UPDATE login_lockouts l
           SET epoch = l.epoch + 1, failures = 0, locks = 0, locked_until = NULL,
               window_ends_at = at_now, expires_at = at_now
         WHERE l.scope = pair_scope;
        UPDATE login_lockouts l SET failures = l.failures - 1
         WHERE l.scope = user_scope AND l.epoch = user_epoch AND l.failures > 0;`;

const SIGNATURE = `login_lockout_succeeded(
        pair_scope text, at_now timestamptz, user_scope text, user_epoch integer
      )`;

export class LoginLockoutSucceededAnswers1795220150000 implements MigrationInterface {
  name = 'LoginLockoutSucceededAnswers1795220150000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION login_lockout_succeeded(text, timestamptz, text, integer)`);
    await q.query(`
      CREATE FUNCTION ${SIGNATURE} RETURNS boolean
      LANGUAGE plpgsql AS $$
      DECLARE
        had_lock boolean;
      BEGIN
        SELECT l.locked_until IS NOT NULL INTO had_lock
          FROM login_lockouts l WHERE l.scope = pair_scope FOR UPDATE;${RESET_PAIR_AND_GIVE_BACK}
        RETURN coalesce(had_lock, false);
      END
      $$`);
  }

  /** Back to the definition of LoginLockoutReserveFunction: the same steps, no answer. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION login_lockout_succeeded(text, timestamptz, text, integer)`);
    await q.query(`
      CREATE FUNCTION ${SIGNATURE} RETURNS void
      LANGUAGE plpgsql AS $$
      BEGIN${RESET_PAIR_AND_GIVE_BACK}
      END
      $$`);
  }
}
