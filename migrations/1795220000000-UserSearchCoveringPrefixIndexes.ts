import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The prefix indexes of the user search (one or two characters) carry the
 * columns the list filters on, and the id. A prefix search can then count its
 * matches from these indexes alone (index-only scans), where it visited a
 * table page for nearly every match: a one-character search matches a few
 * percent of a large directory, and counting the first 10,001 of them read
 * thousands of pages. The e-mail index carries the e-mail itself as well, so
 * that the LIKE on lower(email) can be checked without the table.
 */
export class UserSearchCoveringPrefixIndexes1795220000000 implements MigrationInterface {
  name = 'UserSearchCoveringPrefixIndexes1795220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_username_prefix_idx`);
    await q.query(`DROP INDEX users_email_prefix_idx`);
    await q.query(
      `CREATE INDEX users_username_prefix_idx ON users (username text_pattern_ops)
         INCLUDE (id, role_name, is_active, is_api_user, mfa_enabled)`,
    );
    await q.query(
      `CREATE INDEX users_email_prefix_idx ON users (lower(email) text_pattern_ops)
         INCLUDE (email, id, role_name, is_active, is_api_user, mfa_enabled)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_email_prefix_idx`);
    await q.query(`DROP INDEX users_username_prefix_idx`);
    await q.query(`CREATE INDEX users_username_prefix_idx ON users (username text_pattern_ops)`);
    await q.query(`CREATE INDEX users_email_prefix_idx ON users (lower(email) text_pattern_ops)`);
  }
}
