import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Regeneration with a grace: the previous token's id and the end of its
 * grace live beside the current one, and each token's last use is kept
 * (written at most once a minute) so that an administrator sees whether a
 * token is still in use. `api_token_issued_at` lets the hygiene report tell
 * a new, not yet used token from one unused for a month; existing tokens
 * count from the row's last change.
 */
export class ApiTokenRotation1795219900000 implements MigrationInterface {
  name = 'ApiTokenRotation1795219900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users
        ADD COLUMN api_token_issued_at         timestamptz,
        ADD COLUMN api_token_last_used_at      timestamptz,
        ADD COLUMN previous_api_token_id       uuid,
        ADD COLUMN previous_token_valid_until  timestamptz,
        ADD COLUMN previous_token_last_used_at timestamptz,
        ADD CONSTRAINT users_previous_token_has_end
          CHECK ((previous_api_token_id IS NULL) = (previous_token_valid_until IS NULL))`);
    await q.query(`UPDATE users SET api_token_issued_at = updated_at WHERE api_token_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users
        DROP CONSTRAINT IF EXISTS users_previous_token_has_end,
        DROP COLUMN IF EXISTS previous_token_last_used_at,
        DROP COLUMN IF EXISTS previous_token_valid_until,
        DROP COLUMN IF EXISTS previous_api_token_id,
        DROP COLUMN IF EXISTS api_token_last_used_at,
        DROP COLUMN IF EXISTS api_token_issued_at`);
  }
}
