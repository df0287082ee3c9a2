import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log's own guarantees in the schema: entries are never updated
 * and only the retention job deletes them (it says so with a transaction-local
 * setting); each pruning leaves a checkpoint naming the last entry it removed,
 * so the chain still verifies from its new first entry. Also an index for the
 * target-type filter on its own.
 */
export class AuditAppendOnlyAndCheckpoints1795219600000 implements MigrationInterface {
  name = 'AuditAppendOnlyAndCheckpoints1795219600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_checkpoints (
        id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        created_at           timestamptz NOT NULL DEFAULT now(),
        pruned_through_id    bigint      NOT NULL,
        pruned_through_at    timestamptz NOT NULL,
        pruned_through_hash  char(64)    NOT NULL,
        pruned_count         bigint      NOT NULL CONSTRAINT audit_checkpoints_count_positive CHECK (pruned_count > 0)
      )`);

    await q.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('champa_iam.audit_prune', true) = 'on' THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit entries are append-only; only the retention job removes old ones'
          USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);

    await q.query(`CREATE INDEX audit_events_target_type_idx ON audit_events (target_type, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS audit_events_target_type_idx`);
    await q.query(`DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events`);
    await q.query(`DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events`);
    await q.query(`DROP FUNCTION IF EXISTS audit_events_append_only()`);
    await q.query(`DROP TABLE IF EXISTS audit_checkpoints`);
  }
}
