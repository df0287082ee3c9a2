import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The four system roles of the HTTP contract. */
export class SeedSystemRoles1795219200001 implements MigrationInterface {
  name = 'SeedSystemRoles1795219200001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO roles (name, display_name, description, permissions, is_system) VALUES
        ('administrator', 'Administrator', 'Full access to every feature and to user, role and audit administration.',
          ARRAY['full_access'], true),
        ('process_analyst', 'Process Analyst', 'Analyses processes: portfolio, dashboards, AI, journey, BPMN and DMN analysis.',
          ARRAY['portfolio_data','extended_dashboard_data','ai_analysis_data','journey_analysis_data','bpmn_analysis_data','dmn_analysis_data'], true),
        ('process_operator', 'Process Operator', 'Operates processes: health monitoring, diffs and model validation.',
          ARRAY['health_monitor_data','diff_tool_data','model_validation_data'], true),
        ('viewer', 'Viewer', 'Read-only access to health monitoring and model validation.',
          ARRAY['health_monitor_data','model_validation_data'], true)
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // The guard trigger keeps system roles; lift it for the revert only.
    await q.query(`ALTER TABLE roles DISABLE TRIGGER roles_guard`);
    await q.query(
      `DELETE FROM roles WHERE name IN ('administrator','process_analyst','process_operator','viewer')`,
    );
    await q.query(`ALTER TABLE roles ENABLE TRIGGER roles_guard`);
  }
}
