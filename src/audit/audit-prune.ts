import type { KeyObject } from 'node:crypto';
import { CHAIN_LOCK_KEY, type SqlRunner } from './audit-chain.js';
import { checkpointMac } from './audit-hash.js';

export interface PruneStep {
  count: number;
  throughId: string;
  throughAt: Date;
}

/**
 * Removes, in one transaction (`run` must be inside one), up to `batch` of
 * the oldest entries written before `cutoff`: only a prefix of the chain, so
 * what remains is still one unbroken chain, whose start the checkpoint
 * records, sealed with the chain's key. Holds the chain's lock, so no writer links to an entry being
 * removed. Answers null when nothing is older than the cutoff.
 */
export async function pruneStep(
  run: SqlRunner,
  key: KeyObject,
  cutoff: Date,
  batch: number,
): Promise<PruneStep | null> {
  await run('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK_KEY]);
  const rows = await run('SELECT id, at, hash FROM audit_events ORDER BY id LIMIT $1', [batch]);
  let last: Record<string, unknown> | undefined;
  let count = 0;
  for (const row of rows) {
    if (!((row.at as Date).getTime() < cutoff.getTime())) break;
    last = row;
    count++;
  }
  if (!last) return null;
  // The append-only trigger lets this transaction, and only it, delete.
  await run(`SELECT set_config('champa_iam.audit_prune', 'on', true)`);
  await run('DELETE FROM audit_events WHERE id <= $1::bigint', [last.id]);
  await run(`SELECT set_config('champa_iam.audit_prune', 'off', true)`);
  const mac = checkpointMac(key, {
    throughId: String(last.id),
    throughAt: last.at as Date,
    throughHash: String(last.hash),
    count: String(count),
  });
  await run(
    `INSERT INTO audit_checkpoints (pruned_through_id, pruned_through_at, pruned_through_hash, pruned_count, mac)
     VALUES ($1::bigint, $2, $3, $4, $5)`,
    [last.id, (last.at as Date).toISOString(), last.hash, count, mac],
  );
  return { count, throughId: String(last.id), throughAt: last.at as Date };
}
