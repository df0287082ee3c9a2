import type { SqlRunner } from './audit-chain.js';
import { entryHash, GENESIS_HASH } from './audit-hash.js';

export interface ChainVerdict {
  ok: boolean;
  checked: number;
  firstBrokenId: number | null;
}

interface Anchor {
  throughId: string;
  hash: string;
}

const VERIFY_BATCH = 5_000;

const GENESIS: Anchor = { throughId: '0', hash: GENESIS_HASH };

async function latestAnchor(run: SqlRunner): Promise<Anchor> {
  const [cp] = await run(
    'SELECT pruned_through_id, pruned_through_hash FROM audit_checkpoints ORDER BY id DESC LIMIT 1',
  );
  return cp ? { throughId: String(cp.pruned_through_id), hash: String(cp.pruned_through_hash) } : GENESIS;
}

const asNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

function recomputed(prevHash: string, row: Record<string, unknown>): string {
  return entryHash(prevHash, {
    at: row.at instanceof Date ? row.at : new Date(String(row.at)),
    actorId: row.actor_id === null ? null : Number(row.actor_id),
    actorUsername: asNull(row.actor_username as string | null),
    action: row.action as string,
    targetType: asNull(row.target_type as string | null),
    targetId: asNull(row.target_id as string | null),
    targetLabel: asNull(row.target_label as string | null),
    ip: asNull(row.ip as string | null),
    userAgent: asNull(row.user_agent as string | null),
    outcome: row.outcome as string,
    details: (typeof row.details === 'string' ? JSON.parse(row.details) : row.details) as Record<
      string,
      unknown
    >,
  });
}

/**
 * Recomputes the chain in id order from its start (the genesis, or the last
 * retention checkpoint) up to the newest entry at the time of the call, a
 * batch at a time. An edited entry breaks at itself; a deleted one breaks at
 * the entry after it. (The newest entries can be cut off without a trace;
 * only an anchor kept outside the database would show that.)
 */
export async function verifyChain(run: SqlRunner, batch = VERIFY_BATCH): Promise<ChainVerdict> {
  let anchor = await latestAnchor(run);
  const [top] = await run('SELECT max(id) AS id FROM audit_events');
  if (top?.id === null || top?.id === undefined) return { ok: true, checked: 0, firstBrokenId: null };
  const maxId = String(top.id);
  let prev = anchor.hash;
  let lastId = anchor.throughId;
  let checked = 0;
  for (;;) {
    const rows = await run(
      `SELECT id, at, actor_id, actor_username, action, target_type, target_id, target_label, ip, user_agent,
              outcome, details, prev_hash, hash
         FROM audit_events WHERE id > $1::bigint AND id <= $2::bigint ORDER BY id LIMIT $3`,
      [lastId, maxId, batch],
    );
    for (const row of rows) {
      let ok = row.prev_hash === prev && recomputed(prev, row) === row.hash;
      if (!ok) {
        // Retention may have removed entries while this ran: continue from its newer checkpoint.
        const newer = await latestAnchor(run);
        if (
          BigInt(newer.throughId) > BigInt(anchor.throughId) &&
          BigInt(newer.throughId) >= BigInt(lastId) &&
          BigInt(newer.throughId) < BigInt(String(row.id))
        ) {
          anchor = newer;
          prev = newer.hash;
          ok = row.prev_hash === prev && recomputed(prev, row) === row.hash;
        }
      }
      if (!ok) return { ok: false, checked: checked + 1, firstBrokenId: Number(row.id) };
      prev = row.hash as string;
      lastId = String(row.id);
      checked++;
    }
    if (rows.length < batch) return { ok: true, checked, firstBrokenId: null };
  }
}
