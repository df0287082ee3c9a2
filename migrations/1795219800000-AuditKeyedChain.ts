import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Room for the keyed audit chain. The re-key itself needs the key, which SQL
 * never sees: the service does it once at boot (src/audit/audit-rekey.ts)
 * and records it here, in `audit_chain_state`. Until then this migration
 * lets one thing through the append-only trigger: a transaction that says
 * so may rewrite prev_hash and hash, and only those, of existing entries.
 * Checkpoints get a seal (an HMAC under the same key), so a forged one is
 * told apart from those retention writes.
 */
export class AuditKeyedChain1795219800000 implements MigrationInterface {
  name = 'AuditKeyedChain1795219800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_chain_state (
        id              smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        keyed_at        timestamptz NOT NULL DEFAULT now(),
        rekeyed_count   bigint      NOT NULL,
        first_broken_id bigint,
        head_id         bigint,
        head_hash       char(64)
      )`);
    await q.query(`ALTER TABLE audit_checkpoints ADD COLUMN mac char(64)`);

    await q.query(`
      CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('champa_iam.audit_prune', true) = 'on' THEN
          RETURN OLD;
        END IF;
        IF TG_OP = 'UPDATE' AND current_setting('champa_iam.audit_rekey', true) = 'on'
           AND (NEW.id, NEW.at, NEW.actor_id, NEW.actor_username, NEW.action, NEW.target_type, NEW.target_id,
                NEW.target_label, NEW.ip, NEW.user_agent, NEW.outcome, NEW.details)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.at, OLD.actor_id, OLD.actor_username, OLD.action, OLD.target_type, OLD.target_id,
                OLD.target_label, OLD.ip, OLD.user_agent, OLD.outcome, OLD.details) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit entries are append-only; only the retention job removes old ones'
          USING ERRCODE = 'P0001';
      END $$`);

    // The record of the re-key is kept like the entries: never changed, never removed.
    await q.query(`
      CREATE FUNCTION audit_chain_state_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit chain state is append-only' USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_chain_state_fixed BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_chain_state
      FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_state_fixed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_chain_state`);
    await q.query(`DROP FUNCTION IF EXISTS audit_chain_state_fixed()`);
    await q.query(`ALTER TABLE audit_checkpoints DROP COLUMN IF EXISTS mac`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('champa_iam.audit_prune', true) = 'on' THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit entries are append-only; only the retention job removes old ones'
          USING ERRCODE = 'P0001';
      END $$`);
  }
}
