import type { KeyObject } from 'node:crypto';
import { CHAIN_LOCK_KEY, type SqlRunner } from './audit-chain.js';
import { checkpointMac, entryHash, GENESIS_HASH, legacyEntryHash } from './audit-hash.js';
import { CHAIN_COLUMNS, hashableOf } from './audit-verify.js';

export interface RekeyResult {
  rekeyed: number;
  /** The first entry the unkeyed chain already did not hold at; it stays broken. */
  firstBrokenId: string | null;
}

const REKEY_BATCH = 2_000;

/**
 * Moves a chain written with the unkeyed sha256 to the keyed HMAC, once.
 *
 * Why here and not in the migration: SQL cannot know the key. The migration
 * only makes room (the state table, the checkpoints' seal, a trigger that
 * lets this transaction rewrite the two hash columns and nothing else); the
 * service does the rest at boot, in one transaction under the chain's lock,
 * and records that it did in `audit_chain_state`. A second instance booting
 * at the same time waits for the lock and then finds the record. Order, ids
 * and content of every entry stay as they were.
 *
 * Each old link is checked first, with the old function (or the new one, for
 * an entry written keyed before the re-key ran): where the old chain was
 * already broken, the entry gets a hash that does not link, so verification
 * keeps reporting it instead of the re-key laundering it. Checkpoints written
 * before are sealed as they stand. Answers null when there is nothing to do
 * (already keyed, or the migrations have not run yet).
 */
export async function rekeyChain(
  run: SqlRunner,
  key: KeyObject,
  batch = REKEY_BATCH,
): Promise<RekeyResult | null> {
  const [ready] = await run(`SELECT to_regclass('audit_chain_state') IS NOT NULL AS ok`);
  if (!ready?.ok) return null;
  await run('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK_KEY]);
  const [done] = await run('SELECT id FROM audit_chain_state LIMIT 1');
  if (done) return null;

  const checkpoints = await run(
    `SELECT id, pruned_through_id, pruned_through_at, pruned_through_hash, pruned_count
       FROM audit_checkpoints WHERE mac IS NULL`,
  );
  for (const cp of checkpoints) {
    const mac = checkpointMac(key, {
      throughId: String(cp.pruned_through_id),
      throughAt: cp.pruned_through_at as Date,
      throughHash: String(cp.pruned_through_hash),
      count: String(cp.pruned_count),
    });
    await run('UPDATE audit_checkpoints SET mac = $2 WHERE id = $1', [cp.id, mac]);
  }

  const [anchor] = await run(
    'SELECT pruned_through_id, pruned_through_hash FROM audit_checkpoints ORDER BY id DESC LIMIT 1',
  );
  let oldPrev = anchor ? String(anchor.pruned_through_hash) : GENESIS_HASH;
  let newPrev = oldPrev;
  let lastId = anchor ? String(anchor.pruned_through_id) : '0';
  let rekeyed = 0;
  let firstBrokenId: string | null = null;
  await run(`SELECT set_config('champa_iam.audit_rekey', 'on', true)`);
  for (;;) {
    const rows = await run(
      `SELECT ${CHAIN_COLUMNS} FROM audit_events WHERE id > $1::bigint ORDER BY id LIMIT $2`,
      [lastId, batch],
    );
    if (rows.length === 0) break;
    const params: unknown[] = [];
    for (const row of rows) {
      const entry = hashableOf(row);
      const held =
        row.prev_hash === oldPrev &&
        (legacyEntryHash(oldPrev, entry) === row.hash || entryHash(key, oldPrev, entry) === row.hash);
      if (!held) firstBrokenId ??= String(row.id);
      // A broken entry is hashed from a different input, so it stays the first broken one.
      const hash = entryHash(key, held ? newPrev : `broken:${String(row.hash)}`, entry);
      params.push(String(row.id), newPrev, hash);
      oldPrev = String(row.hash);
      newPrev = hash;
      lastId = String(row.id);
    }
    const tuples = rows.map((_, i) => `($${i * 3 + 1}::bigint, $${i * 3 + 2}, $${i * 3 + 3})`);
    await run(
      `UPDATE audit_events AS e SET prev_hash = v.prev_hash, hash = v.hash
         FROM (VALUES ${tuples.join(', ')}) AS v(id, prev_hash, hash) WHERE e.id = v.id`,
      params,
    );
    rekeyed += rows.length;
  }
  await run(`SELECT set_config('champa_iam.audit_rekey', 'off', true)`);
  await run(
    `INSERT INTO audit_chain_state (rekeyed_count, first_broken_id, head_id, head_hash)
     VALUES ($1, $2::bigint, $3::bigint, $4)`,
    [rekeyed, firstBrokenId, lastId === '0' ? null : lastId, lastId === '0' ? null : newPrev],
  );
  return { rekeyed, firstBrokenId };
}
