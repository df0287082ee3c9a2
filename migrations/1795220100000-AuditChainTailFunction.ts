import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The chain's lock and its tail in one call. Every audited change took the
 * advisory lock in one statement and read the tail in the next, two round
 * trips before its entry could be hashed. audit_chain_tail does both, in that
 * order. The read is a statement of its own inside the function, so under READ
 * COMMITTED its snapshot is taken once the lock is held, and it sees the tail
 * that the previous holder committed, as the separate statement did.
 *
 * The tail is the newest entry, or, when retention removed every entry, the
 * last removed one as its checkpoint records it. `tail_now_ms` is the
 * database's clock, one clock for every instance.
 */
export class AuditChainTailFunction1795220100000 implements MigrationInterface {
  name = 'AuditChainTailFunction1795220100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_chain_tail(lock_key bigint)
      RETURNS TABLE (tail_now_ms bigint, tail_hash text, tail_at_ms bigint)
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(lock_key);
        RETURN QUERY
        SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint, t.h::text, t.ms
          FROM (SELECT 1) AS one
          LEFT JOIN LATERAL (
            (SELECT e.hash AS h, floor(extract(epoch FROM e.at) * 1000)::bigint AS ms, 1 AS rank
               FROM audit_events e ORDER BY e.id DESC LIMIT 1)
            UNION ALL
            (SELECT c.pruned_through_hash, floor(extract(epoch FROM c.pruned_through_at) * 1000)::bigint, 2
               FROM audit_checkpoints c ORDER BY c.id DESC LIMIT 1)
            ORDER BY rank LIMIT 1
          ) AS t ON true;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS audit_chain_tail(bigint)`);
  }
}
