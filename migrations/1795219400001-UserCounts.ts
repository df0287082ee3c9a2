import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many users each (role, active, API user) group holds, kept exact by
 * statement-level triggers, so that the list's `total` without a search is a
 * sum over a few rows instead of a count over every user. Groups are
 * written in key order, so two statements moving users between the same
 * groups in opposite directions queue instead of deadlocking.
 */
export class UserCounts1795219400001 implements MigrationInterface {
  name = 'UserCounts1795219400001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_counts (
        role_name    varchar(63) NOT NULL,
        is_active    boolean     NOT NULL,
        is_api_user  boolean     NOT NULL,
        n            bigint      NOT NULL,
        PRIMARY KEY (role_name, is_active, is_api_user)
      )`);
    await q.query(`
      CREATE FUNCTION user_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO user_counts AS c (role_name, is_active, is_api_user, n)
            SELECT role_name, is_active, is_api_user, count(*) FROM new_rows
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
          ON CONFLICT (role_name, is_active, is_api_user) DO UPDATE SET n = c.n + EXCLUDED.n;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO user_counts AS c (role_name, is_active, is_api_user, n)
            SELECT role_name, is_active, is_api_user, -count(*) FROM old_rows
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
          ON CONFLICT (role_name, is_active, is_api_user) DO UPDATE SET n = c.n + EXCLUDED.n;
        ELSE
          INSERT INTO user_counts AS c (role_name, is_active, is_api_user, n)
            SELECT role_name, is_active, is_api_user, sum(d) FROM (
                SELECT role_name, is_active, is_api_user, 1 AS d FROM new_rows
                UNION ALL
                SELECT role_name, is_active, is_api_user, -1 AS d FROM old_rows
              ) moved
             GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
          ON CONFLICT (role_name, is_active, is_api_user) DO UPDATE SET n = c.n + EXCLUDED.n;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER user_counts_insert AFTER INSERT ON users
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION user_counts_track()`);
    await q.query(`
      CREATE TRIGGER user_counts_update AFTER UPDATE ON users
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION user_counts_track()`);
    await q.query(`
      CREATE TRIGGER user_counts_delete AFTER DELETE ON users
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION user_counts_track()`);
    // TRUNCATE has no transition table: it empties the counts too.
    await q.query(`
      CREATE FUNCTION user_counts_reset() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM user_counts;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER user_counts_truncate AFTER TRUNCATE ON users
        FOR EACH STATEMENT EXECUTE FUNCTION user_counts_reset()`);
    await q.query(`
      INSERT INTO user_counts (role_name, is_active, is_api_user, n)
        SELECT role_name, is_active, is_api_user, count(*) FROM users GROUP BY 1, 2, 3`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS user_counts_truncate ON users`);
    await q.query(`DROP TRIGGER IF EXISTS user_counts_delete ON users`);
    await q.query(`DROP TRIGGER IF EXISTS user_counts_update ON users`);
    await q.query(`DROP TRIGGER IF EXISTS user_counts_insert ON users`);
    await q.query(`DROP FUNCTION IF EXISTS user_counts_reset()`);
    await q.query(`DROP FUNCTION IF EXISTS user_counts_track()`);
    await q.query(`DROP TABLE IF EXISTS user_counts`);
  }
}
