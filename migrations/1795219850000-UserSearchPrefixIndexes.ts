import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A one- or two-character search of the user list matches the start of the
 * username or the e-mail (three or more go through the trigram indexes). A
 * prefix LIKE uses a btree only under the C collation or with the pattern
 * operator classes, so these two serve it whatever the database's collation.
 */
export class UserSearchPrefixIndexes1795219850000 implements MigrationInterface {
  name = 'UserSearchPrefixIndexes1795219850000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX users_username_prefix_idx ON users (username text_pattern_ops)`);
    await q.query(`CREATE INDEX users_email_prefix_idx ON users (lower(email) text_pattern_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS users_email_prefix_idx`);
    await q.query(`DROP INDEX IF EXISTS users_username_prefix_idx`);
  }
}
