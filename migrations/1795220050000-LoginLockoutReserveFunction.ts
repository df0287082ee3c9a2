import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A login's failure slots in one statement, and their settling after a
 * success in another. Taking them was a transaction of four round trips
 * (BEGIN, the pair's slot, the user's slot, COMMIT) on every login, right or
 * wrong, and a success gave them back in two more. The same steps now run
 * inside the database, with the same all-or-none outcome and the same row
 * order (pair, then user). They are PL/pgSQL, whose statement plans each
 * connection keeps from one call to the next.
 *
 * - login_lockout_take: one scope's slot, as the repository's statement took
 *   it: a lapsed count starts afresh (a new epoch), a row past its expiry
 *   forgets its locks, and a locked scope or a full count changes nothing
 *   and answers no row.
 * - login_lockout_reserve: the pair's slot; then, while the pair has never
 *   locked, the user's slot too, or else only a check that the user is not
 *   locked: one address adds to the per-user count only until its first
 *   lock, so alone it can never lock the user out of every other address.
 *   A refusal after the pair's slot was taken undoes it (the block's
 *   subtransaction rolls back) and answers no row. Otherwise one row per
 *   slot, the pair's first.
 * - login_lockout_succeeded: a right password that opened a session. The
 *   pair starts afresh (no count, no lock, no memory of locks; the row is
 *   left for the cleanup), then the user's slot, if one was taken, goes back
 *   to the count it came from. Two statements in that order, in one call.
 */
export class LoginLockoutReserveFunction1795220050000 implements MigrationInterface {
  name = 'LoginLockoutReserveFunction1795220050000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION login_lockout_take(
        take_scope text, threshold integer, at_now timestamptz, window_ends timestamptz
      ) RETURNS TABLE (slot_scope text, slot_epoch integer, slot_count integer, slot_locks integer)
      LANGUAGE plpgsql AS $$
      BEGIN
        RETURN QUERY
        INSERT INTO login_lockouts AS l (scope, epoch, failures, window_ends_at, locks, locked_until, expires_at)
        VALUES (take_scope, 0, 1, window_ends, 0, NULL, window_ends)
        ON CONFLICT (scope) DO UPDATE SET
          epoch = CASE WHEN l.window_ends_at <= at_now THEN l.epoch + 1 ELSE l.epoch END,
          failures = CASE WHEN l.window_ends_at <= at_now THEN 1 ELSE l.failures + 1 END,
          window_ends_at = CASE WHEN l.window_ends_at <= at_now THEN window_ends ELSE l.window_ends_at END,
          locks = CASE WHEN l.expires_at <= at_now THEN 0 ELSE l.locks END,
          expires_at = GREATEST(l.expires_at, window_ends)
        WHERE (l.locked_until IS NULL OR l.locked_until <= at_now)
          AND (l.window_ends_at <= at_now OR l.failures < threshold)
        RETURNING l.scope, l.epoch, l.failures, l.locks;
      END
      $$`);
    await q.query(`
      CREATE FUNCTION login_lockout_reserve(
        pair_scope text, pair_threshold integer, user_scope text, user_threshold integer,
        at_now timestamptz, window_ends timestamptz
      ) RETURNS TABLE (slot_scope text, slot_epoch integer, slot_count integer, slot_locks integer)
      LANGUAGE plpgsql AS $$
      DECLARE
        p record;
        u record;
        user_counted boolean := false;
      BEGIN
        BEGIN
          SELECT * INTO p FROM login_lockout_take(pair_scope, pair_threshold, at_now, window_ends);
          IF NOT FOUND THEN
            RETURN;
          END IF;
          IF p.slot_locks = 0 THEN
            SELECT * INTO u FROM login_lockout_take(user_scope, user_threshold, at_now, window_ends);
            IF NOT FOUND THEN
              RAISE EXCEPTION USING ERRCODE = 'L0001';
            END IF;
            user_counted := true;
          ELSIF EXISTS (
            SELECT 1 FROM login_lockouts l WHERE l.scope = user_scope AND l.locked_until > at_now
          ) THEN
            RAISE EXCEPTION USING ERRCODE = 'L0001';
          END IF;
        EXCEPTION WHEN SQLSTATE 'L0001' THEN
          RETURN;
        END;
        RETURN QUERY SELECT p.slot_scope, p.slot_epoch, p.slot_count, p.slot_locks;
        IF user_counted THEN
          RETURN QUERY SELECT u.slot_scope, u.slot_epoch, u.slot_count, u.slot_locks;
        END IF;
      END
      $$`);
    await q.query(`
      CREATE FUNCTION login_lockout_succeeded(
        pair_scope text, at_now timestamptz, user_scope text, user_epoch integer
      ) RETURNS void
      LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE login_lockouts l
           SET epoch = l.epoch + 1, failures = 0, locks = 0, locked_until = NULL,
               window_ends_at = at_now, expires_at = at_now
         WHERE l.scope = pair_scope;
        UPDATE login_lockouts l SET failures = l.failures - 1
         WHERE l.scope = user_scope AND l.epoch = user_epoch AND l.failures > 0;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS login_lockout_succeeded(text, timestamptz, text, integer)`);
    await q.query(
      `DROP FUNCTION IF EXISTS login_lockout_reserve(text, integer, text, integer, timestamptz, timestamptz)`,
    );
    await q.query(`DROP FUNCTION IF EXISTS login_lockout_take(text, integer, timestamptz, timestamptz)`);
  }
}
