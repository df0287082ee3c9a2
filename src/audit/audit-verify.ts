import type { KeyObject } from 'node:crypto';
import type { SqlRunner } from './audit-chain.js';
import { checkpointMac, entryHash, GENESIS_HASH, type HashableEntry } from './audit-hash.js';

export interface ChainHead {
  id: number;
  hash: string;
}

export interface ChainVerdict {
  ok: boolean;
  checked: number;
  firstBrokenId: number | null;
  /** The newest entry as stored (or the last one retention removed); null for an empty log. */
  head: ChainHead | null;
}

/** A head taken earlier (from the log or a previous verification), as `ID:HASH`. */
export interface ExpectedHead {
  id: string;
  hash: string;
}

interface Anchor {
  throughId: string;
  hash: string;
  /** Written by the service: its seal holds under the chain's key. */
  sealed: boolean;
}

const VERIFY_BATCH = 5_000;

const GENESIS: Anchor = { throughId: '0', hash: GENESIS_HASH, sealed: true };

async function latestAnchor(run: SqlRunner, key: KeyObject): Promise<Anchor> {
  const [cp] = await run(
    `SELECT pruned_through_id, pruned_through_at, pruned_through_hash, pruned_count, mac
       FROM audit_checkpoints ORDER BY id DESC LIMIT 1`,
  );
  if (!cp) return GENESIS;
  const throughId = String(cp.pruned_through_id);
  const hash = String(cp.pruned_through_hash);
  const mac = checkpointMac(key, {
    throughId,
    throughAt:
      cp.pruned_through_at instanceof Date ? cp.pruned_through_at : new Date(String(cp.pruned_through_at)),
    throughHash: hash,
    count: String(cp.pruned_count),
  });
  return { throughId, hash, sealed: cp.mac === mac };
}

const asNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** An entry's hashed content, as read back from the table. */
export function hashableOf(row: Record<string, unknown>): HashableEntry {
  return {
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
  };
}

export const CHAIN_COLUMNS = `id, at, actor_id, actor_username, action, target_type, target_id, target_label, ip,
  user_agent, outcome, details, prev_hash, hash`;

type HeadCheck = 'none' | 'pending' | 'found' | 'mismatch';

/** Whether an expected head at or before the anchor is accounted for by it. */
function againstAnchor(expect: ExpectedHead | undefined, anchor: Anchor): HeadCheck {
  if (!expect) return 'none';
  const id = BigInt(expect.id);
  const through = BigInt(anchor.throughId);
  // Only the service can seal a checkpoint: an older head was removed by retention, not by hand.
  if (id < through) return 'found';
  if (id === through) return expect.hash === anchor.hash ? 'found' : 'mismatch';
  return 'pending';
}

/**
 * Recomputes the chain in id order from its start (the genesis, or the last
 * retention checkpoint, whose seal must hold) up to the newest entry at the
 * time of the call, a batch at a time. An edited entry breaks at itself; a
 * deleted one breaks at the entry after it. The newest entries can be cut
 * off without a trace in the table itself: `expectHead`, a head recorded
 * earlier outside the database, shows that.
 */
export async function verifyChain(
  run: SqlRunner,
  key: KeyObject,
  expectHead?: ExpectedHead,
  batch = VERIFY_BATCH,
): Promise<ChainVerdict> {
  let anchor = await latestAnchor(run, key);
  const [top] = await run('SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1');
  const head: ChainHead | null = top
    ? { id: Number(top.id), hash: String(top.hash) }
    : anchor === GENESIS
      ? null
      : { id: Number(anchor.throughId), hash: anchor.hash };
  const verdict = (ok: boolean, checked: number, firstBrokenId: number | null): ChainVerdict => ({
    ok,
    checked,
    firstBrokenId,
    head,
  });
  if (!anchor.sealed) {
    const [first] = await run('SELECT min(id) AS id FROM audit_events');
    return first?.id == null ? verdict(false, 0, null) : verdict(false, 1, Number(first.id));
  }
  let expected = againstAnchor(expectHead, anchor);
  if (expected === 'mismatch') return verdict(false, 0, null);
  if (!top) return verdict(expected !== 'pending', 0, null);
  const maxId = String(top.id);
  let prev = anchor.hash;
  let lastId = anchor.throughId;
  let checked = 0;
  for (;;) {
    const rows = await run(
      `SELECT ${CHAIN_COLUMNS} FROM audit_events
        WHERE id > $1::bigint AND id <= $2::bigint ORDER BY id LIMIT $3`,
      [lastId, maxId, batch],
    );
    for (const row of rows) {
      let ok = row.prev_hash === prev && entryHash(key, prev, hashableOf(row)) === row.hash;
      if (!ok) {
        // Retention may have removed entries while this ran: continue from its newer checkpoint.
        const newer = await latestAnchor(run, key);
        if (
          newer.sealed &&
          BigInt(newer.throughId) > BigInt(anchor.throughId) &&
          BigInt(newer.throughId) >= BigInt(lastId) &&
          BigInt(newer.throughId) < BigInt(String(row.id))
        ) {
          anchor = newer;
          prev = newer.hash;
          if (expected === 'pending') expected = againstAnchor(expectHead, newer);
          ok = row.prev_hash === prev && entryHash(key, prev, hashableOf(row)) === row.hash;
        }
      }
      if (!ok) return verdict(false, checked + 1, Number(row.id));
      if (expected === 'pending' && String(row.id) === expectHead!.id) {
        if (row.hash !== expectHead!.hash) return verdict(false, checked + 1, Number(row.id));
        expected = 'found';
      }
      prev = row.hash as string;
      lastId = String(row.id);
      checked++;
    }
    if (rows.length < batch) return verdict(expected !== 'pending' && expected !== 'mismatch', checked, null);
  }
}
