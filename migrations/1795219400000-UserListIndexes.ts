import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the user list at scale: the newest logins first (nulls last)
 * as an index scan instead of a sort of every user; the two filters an
 * administrator reaches for (API users, inactive accounts) without a scan;
 * and the user id inside the username index, so that a deep page sorted by
 * username walks the index alone (an index-only scan) to find its ids.
 */
export class UserListIndexes1795219400000 implements MigrationInterface {
  name = 'UserListIndexes1795219400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX users_last_login_at_desc_idx ON users (last_login_at DESC NULLS LAST, id DESC)`,
    );
    await q.query(`CREATE INDEX users_api_user_idx ON users (id) WHERE is_api_user`);
    await q.query(`CREATE INDEX users_inactive_idx ON users (id) WHERE NOT is_active`);
    // Same name, same uniqueness: unique violations keep naming users_username_key.
    await q.query(`DROP INDEX users_username_key`);
    await q.query(`CREATE UNIQUE INDEX users_username_key ON users (username) INCLUDE (id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_username_key`);
    await q.query(`CREATE UNIQUE INDEX users_username_key ON users (username)`);
    await q.query(`DROP INDEX IF EXISTS users_inactive_idx`);
    await q.query(`DROP INDEX IF EXISTS users_api_user_idx`);
    await q.query(`DROP INDEX IF EXISTS users_last_login_at_desc_idx`);
  }
}
