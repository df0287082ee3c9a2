import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A starter role for API users (the docs' `prometheus_scraper` example), not a
 * system role: an administrator may edit or delete it. A migration runs once,
 * so a deleted role stays deleted, and a role of that name already made by an
 * administrator is left as it is.
 */
export class StarterApiUserRole1795219750000 implements MigrationInterface {
  name = 'StarterApiUserRole1795219750000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO roles (name, display_name, description, permissions, is_system) VALUES
        ('api_user', 'API User', 'For API users: calls the API with a token and reads health monitoring and metrics.',
          ARRAY['api_access','health_monitor_data'], false)
      ON CONFLICT (name) DO NOTHING
    `);
  }

  async down(): Promise<void> {
    // Left in place: by now it may be edited or held by users, and it is an ordinary role.
  }
}
