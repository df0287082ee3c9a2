import type { SqlRunner } from './audit-chain.js';
import type { AuditDraft } from './audit-sanitize.js';

/** The filters of GET /audit and its export; every one is served by an index on (column…, id). */
export interface AuditFilters {
  actor?: string;
  action?: string;
  targetType?: string;
  /** Only together with targetType: the index is (target_type, target_id, id). */
  targetId?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

/** An entry as the API answers it: the stored content with its id and time. */
export type AuditEntryView = AuditDraft & {
  /** A JSON number: ids stay far below 2^53 (9e15 entries). */
  id: number;
  at: string;
};

export const ENTRY_COLUMNS =
  'id, at, actor_id, actor_username, action, target_type, target_id, target_label, ip, user_agent, outcome, details';

/**
 * WHERE conditions for the filters; parameters are appended to `params`.
 *
 * A time range becomes an id range as well: entry times never go backwards
 * along the chain (the writer takes the later of now and the tail's time), so
 * the first entry at or after `from` in the (at, id) index and the last one
 * before `to` bound the ids. Each bound is one index probe, and the page is
 * then read from the primary key (or an (x, id) index) newest first, however
 * old or wide the range. The time conditions stay, as a check on each row
 * (they alone decide membership), written so that the planner cannot choose
 * to read the whole range through the (at, id) index and sort it instead:
 * on 10 million entries that plan took tens of milliseconds for one day.
 */
export function filterConditions(f: AuditFilters, params: unknown[]): string[] {
  const where: string[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (f.actor !== undefined) where.push(`actor_username = ${p(f.actor)}`);
  if (f.action !== undefined) where.push(`action = ${p(f.action)}`);
  if (f.targetType !== undefined) where.push(`target_type = ${p(f.targetType)}`);
  if (f.targetId !== undefined) where.push(`target_id = ${p(f.targetId)}`);
  if (f.from !== undefined) {
    const from = p(f.from.toISOString());
    where.push(
      `at + interval '0 s' >= ${from}`,
      `id >= (SELECT id FROM audit_events WHERE at >= ${from} ORDER BY at, id LIMIT 1)`,
    );
  }
  if (f.to !== undefined) {
    const to = p(f.to.toISOString());
    where.push(
      `at + interval '0 s' < ${to}`,
      `id <= (SELECT id FROM audit_events WHERE at < ${to} ORDER BY at DESC, id DESC LIMIT 1)`,
    );
  }
  return where;
}

/** One page, newest first, of the entries older than `beforeId` (keyset: stable under inserts). */
export function pageQuery(
  f: AuditFilters,
  beforeId: string | null,
  limit: number,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const where = filterConditions(f, params);
  if (beforeId !== null) {
    params.push(beforeId);
    where.push(`id < $${params.length}::bigint`);
  }
  params.push(limit);
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  return {
    sql: `SELECT ${ENTRY_COLUMNS} FROM audit_events ${clause} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  };
}

const asText = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function toEntryView(row: Record<string, unknown>): AuditEntryView {
  const at = row.at instanceof Date ? row.at : new Date(String(row.at));
  return {
    id: Number(row.id),
    at: at.toISOString(),
    actorId: row.actor_id === null || row.actor_id === undefined ? null : Number(row.actor_id),
    actorUsername: asText(row.actor_username),
    action: String(row.action),
    targetType: asText(row.target_type),
    targetId: asText(row.target_id),
    targetLabel: asText(row.target_label),
    ip: asText(row.ip),
    userAgent: asText(row.user_agent),
    outcome: String(row.outcome),
    details: parseDetails(row.details),
  };
}

function parseDetails(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return JSON.parse(value) as Record<string, unknown>;
  return (value ?? {}) as Record<string, unknown>;
}

/** Reads one page: `limit` entries and whether more follow. */
export async function readPage(
  run: SqlRunner,
  f: AuditFilters,
  beforeId: string | null,
  limit: number,
): Promise<{ items: AuditEntryView[]; lastId: string | null; more: boolean }> {
  const { sql, params } = pageQuery(f, beforeId, limit + 1);
  const rows = await run(sql, params);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const lastId = page.length ? String(page[page.length - 1].id) : null;
  return { items: page.map(toEntryView), lastId, more };
}
