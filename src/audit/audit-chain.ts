import type { KeyObject } from 'node:crypto';
import { entryHash, GENESIS_HASH } from './audit-hash.js';
import type { AuditDraft } from './audit-sanitize.js';

/** Runs one SQL statement and answers its rows (a TypeORM manager, a data source or a pg pool adapter). */
export type SqlRunner = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

// Serialises writers of the chain's tail across connections and instances; held to the end of the
// writer's transaction, so the next writer reads a committed tail.
export const CHAIN_LOCK_KEY = 7_270_301;

/**
 * Takes the chain's lock, then reads the tail to link to: the newest entry, or, when retention removed
 * every entry, the last removed one as recorded by its checkpoint. `now_ms` is the database's clock, one
 * clock for every instance. One call (migration AuditChainTailFunction): the read comes after the lock,
 * in a snapshot of its own, so it sees what the previous holder committed.
 */
const LOCK_AND_TAIL_SQL = `
  SELECT tail_now_ms AS now_ms, tail_hash AS hash, tail_at_ms AS at_ms FROM audit_chain_tail($1)`;

const COLUMNS = [
  'at',
  'actor_id',
  'actor_username',
  'action',
  'target_type',
  'target_id',
  'target_label',
  'ip',
  'user_agent',
  'outcome',
  'details',
  'prev_hash',
  'hash',
];

function insertSql(rows: number): string {
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const p = (i: number) => `$${r * COLUMNS.length + i + 1}`;
    const cells = COLUMNS.map((c, i) => (c === 'details' ? `${p(i)}::jsonb` : `${p(i)}`));
    tuples.push(`(${cells.join(', ')})`);
  }
  return `INSERT INTO audit_events (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`;
}

/**
 * Appends entries, in order, to the chain within the caller's transaction.
 * Entry times come from the database clock and never go backwards along the
 * chain (max of now and the tail's time), so a time range is a range of ids.
 * Times are kept to the millisecond: what timestamptz gives back is exactly
 * what was hashed.
 */
export async function appendToChain(
  run: SqlRunner,
  key: KeyObject,
  drafts: readonly AuditDraft[],
): Promise<void> {
  if (drafts.length === 0) return;
  const [tail] = await run(LOCK_AND_TAIL_SQL, [CHAIN_LOCK_KEY]);
  let prevHash = (tail?.hash as string | null) ?? GENESIS_HASH;
  const atMs = Math.max(Number(tail.now_ms), tail.at_ms == null ? 0 : Number(tail.at_ms));
  const at = new Date(atMs);
  const params: unknown[] = [];
  for (const draft of drafts) {
    const hash = entryHash(key, prevHash, { ...draft, at });
    params.push(
      at.toISOString(),
      draft.actorId,
      draft.actorUsername,
      draft.action,
      draft.targetType,
      draft.targetId,
      draft.targetLabel,
      draft.ip,
      draft.userAgent,
      draft.outcome,
      JSON.stringify(draft.details),
      prevHash,
      hash,
    );
    prevHash = hash;
  }
  // One statement: identity values follow the order of the VALUES list, which is the chain's order.
  await run(insertSql(drafts.length), params);
}

/** The newest entry, or the last one retention removed when none is left; null for an empty log. */
export async function chainHead(run: SqlRunner): Promise<{ id: number; hash: string } | null> {
  // Before the migrations (a CLI refusing to run on an old schema) there is no chain to speak of.
  const [schema] = await run(`SELECT to_regclass('audit_checkpoints') IS NOT NULL AS ok`);
  if (!schema?.ok) return null;
  const [row] = await run(`
    (SELECT id, hash, 1 AS rank FROM audit_events ORDER BY id DESC LIMIT 1)
    UNION ALL
    (SELECT pruned_through_id, pruned_through_hash, 2 FROM audit_checkpoints ORDER BY id DESC LIMIT 1)
    ORDER BY rank LIMIT 1`);
  return row ? { id: Number(row.id), hash: String(row.hash) } : null;
}
