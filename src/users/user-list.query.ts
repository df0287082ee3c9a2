import type { EntityManager } from 'typeorm';
import type { SortOrder, UserSort } from './dto/list-users.query.js';
import { EXPIRING_WITHIN_MS } from './api-token-status.js';
import { HYGIENE } from './user-hygiene.js';
import type { UserRecord } from './user-record.js';
import { FROM_USERS, type Row, toRecord, USER_COLUMNS } from './user-rows.js';

const DAY_MS = 24 * 3600 * 1000;

export interface UserFilter {
  search?: string;
  role?: string;
  isActive?: boolean;
  isApiUser?: boolean;
  mfaEnabled?: boolean;
  sort: UserSort;
  order: SortOrder;
  page: number;
  pageSize: number;
}

export interface Page<T> {
  rows: T[];
  total: number;
}

/** A page of the user list: `total` is exact up to EXACT_TOTAL_UP_TO matches, an estimate beyond. */
export interface ListPage<T> extends Page<T> {
  totalExact: boolean;
}

/** Matches are counted one by one up to this many; beyond, counting them all costs a scan of the table. */
export const EXACT_TOTAL_UP_TO = 10_000;

/** Searches shorter than this match the start of the username or e-mail, longer ones anywhere. */
export const SUBSTRING_SEARCH_FROM = 3;

// Each sort with a unique tie-breaker in the same direction, so an index serves it and pages never overlap.
const ORDER_BY: Record<UserSort, Record<SortOrder, string>> = {
  username: { asc: 'u.username ASC', desc: 'u.username DESC' },
  createdAt: { asc: 'u.created_at ASC, u.id ASC', desc: 'u.created_at DESC, u.id DESC' },
  lastLoginAt: {
    asc: 'u.last_login_at ASC NULLS LAST, u.id ASC',
    desc: 'u.last_login_at DESC NULLS LAST, u.id DESC',
  },
};

const literal = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/** A LIKE pattern matching `text` anywhere, with its own %, _ and \ taken literally. */
export function containsPattern(text: string): string {
  return `%${literal(text)}%`;
}

/** A LIKE pattern matching values that start with `text`, taken literally. */
export function prefixPattern(text: string): string {
  return `${literal(text)}%`;
}

/**
 * One or two characters match a quarter or more of a large directory anywhere in a name, which neither
 * a trigram index nor a reader can use; at the start of a name they narrow the list, through a btree.
 */
export function searchPattern(search: string): string {
  return isPrefixSearch(search) ? prefixPattern(search) : containsPattern(search);
}

/** Whether a search matches the start of a name (one or two characters) rather than anywhere in it. */
function isPrefixSearch(search: string): boolean {
  return [...search].length < SUBSTRING_SEARCH_FROM;
}

/** The user list's page and total, for UsersRepository.list. */
export async function listUsers(m: EntityManager, filter: UserFilter): Promise<ListPage<UserRecord>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  // usernames are lower-case by constraint; e-mails match through the indexes on lower(email)
  let halves: [string, string] | undefined;
  if (filter.search) {
    const p = param(searchPattern(filter.search));
    halves = [`u.username LIKE lower(${p}) ESCAPE '\\'`, `lower(u.email) LIKE lower(${p}) ESCAPE '\\'`];
    where.push(`(${halves.join(' OR ')})`);
  }
  const others: string[] = [];
  if (filter.role !== undefined) others.push(`u.role_name = ${param(filter.role)}`);
  if (filter.isActive !== undefined) others.push(`u.is_active = ${param(filter.isActive)}`);
  if (filter.isApiUser !== undefined) others.push(`u.is_api_user = ${param(filter.isApiUser)}`);
  if (filter.mfaEnabled !== undefined) others.push(`u.mfa_enabled = ${param(filter.mfaEnabled)}`);
  where.push(...others);
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const filterParams = [...params];
  const limit = param(filter.pageSize);
  const offset = param((filter.page - 1) * filter.pageSize);
  const order = ORDER_BY[filter.sort][filter.order];
  const page = () =>
    // The page is chosen on users alone (an index walk for deep offsets), then joined with roles.
    m.query(
      `SELECT ${USER_COLUMNS}
         FROM (SELECT u.id FROM users u ${whereSql} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}) page
         JOIN users u ON u.id = page.id JOIN roles r ON r.name = u.role_name
        ORDER BY ${order}`,
      params,
    ) as Promise<Row[]>;
  // The maintained group counts know nothing of MFA: that filter is counted like a search.
  if (filter.search || filter.mfaEnabled !== undefined) {
    const count =
      halves && isPrefixSearch(filter.search!)
        ? countPrefixMatches(halves, others, whereSql, filterParams, m)
        : countMatching(whereSql, filterParams, m);
    const [rows, total] = await Promise.all([page(), count]);
    return { rows: rows.map(toRecord), ...total };
  }
  // Without a search the total costs next to nothing: known first, it spares the page query
  // when the page is past the end (or nothing matches, where walking the sort index finds nothing).
  // These counts are exact at any size; the contract still calls a total above the limit an estimate.
  const total = await countGroups(filter, m);
  const totalExact = total <= EXACT_TOTAL_UP_TO;
  if ((filter.page - 1) * filter.pageSize >= total) return { rows: [], total, totalExact };
  return { rows: (await page()).map(toRecord), total, totalExact };
}

type Total = { total: number; totalExact: boolean };

/** The users matching `where`, counted up to one past the limit and no further. */
const cappedCount = (where: string) =>
  `(SELECT count(*) FROM (SELECT 1 FROM users u ${where} LIMIT ${EXACT_TOTAL_UP_TO + 1}) capped)::int`;

/** Counts up to the limit and stops there; past it, the planner's estimate of the matches. */
async function countMatching(whereSql: string, params: unknown[], m: EntityManager): Promise<Total> {
  const rows = (await m.query(`SELECT ${cappedCount(whereSql)} AS n`, params)) as Row[];
  return totalOf(Number(rows[0].n), whereSql, params, m);
}

/**
 * The count of a prefix search (one or two characters), from the covering prefix indexes alone (see
 * the UserSearchCoveringPrefixIndexes migration): a match of either half, username or e-mail, is a
 * match of the search, so when one half alone has more than the limit the search has too, and the
 * halves are counted up to the limit each. Within it, the union of the two is counted exactly.
 */
async function countPrefixMatches(
  halves: [string, string],
  others: string[],
  whereSql: string,
  params: unknown[],
  m: EntityManager,
): Promise<Total> {
  const [byName, byEmail] = halves.map((half) => `WHERE ${[half, ...others].join(' AND ')}`);
  const [halfCounts] = (await m.query(
    `SELECT ${cappedCount(byName)} AS "byName", ${cappedCount(byEmail)} AS "byEmail"`,
    params,
  )) as Row[];
  const largest = Math.max(Number(halfCounts.byName), Number(halfCounts.byEmail));
  if (largest > EXACT_TOTAL_UP_TO) return totalOf(largest, whereSql, params, m);
  const [union] = (await m.query(
    `SELECT count(*)::int AS n FROM (SELECT u.id FROM users u ${byName} UNION SELECT u.id FROM users u ${byEmail}) matched`,
    params,
  )) as Row[];
  return totalOf(Number(union.n), whereSql, params, m);
}

/** What was counted while within the limit; past it, the planner's estimate, never below what was counted. */
async function totalOf(
  counted: number,
  whereSql: string,
  params: unknown[],
  m: EntityManager,
): Promise<Total> {
  if (counted <= EXACT_TOTAL_UP_TO) return { total: counted, totalExact: true };
  const plan = (await m.query(`EXPLAIN (FORMAT JSON) SELECT 1 FROM users u ${whereSql}`, params)) as Row[];
  const raw = plan[0]['QUERY PLAN'];
  const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: { 'Plan Rows': number } }[];
  // Never below what was just counted: statistics lag behind a bulk insert.
  return { total: Math.max(Math.round(parsed[0].Plan['Plan Rows']), counted), totalExact: false };
}

/** Without a search, the total is a sum over the maintained group counts (see the UserCounts migration). */
async function countGroups(
  filter: Pick<UserFilter, 'role' | 'isActive' | 'isApiUser'>,
  m: EntityManager,
): Promise<number> {
  const rows = (await m.query(
    `SELECT coalesce(sum(n), 0)::bigint AS n FROM user_counts
      WHERE ($1::varchar IS NULL OR role_name = $1)
        AND ($2::boolean IS NULL OR is_active = $2)
        AND ($3::boolean IS NULL OR is_api_user = $3)`,
    [filter.role ?? null, filter.isActive ?? null, filter.isApiUser ?? null],
  )) as Row[];
  return Number(rows[0].n);
}

/** Accounts with at least one reason for review (see user-hygiene.ts), oldest first, for UsersRepository.hygiene. */
export async function listForReview(
  m: EntityManager,
  page: number,
  pageSize: number,
  now: number,
): Promise<Page<UserRecord>> {
  const params = [
    new Date(now - HYGIENE.neverLoggedInAfterDays * DAY_MS),
    HYGIENE.failedLoginsAtLeast,
    new Date(now + EXPIRING_WITHIN_MS),
    new Date(now - HYGIENE.tokenUnusedForDays * DAY_MS),
    new Date(now),
  ];
  const where = `WHERE (NOT u.is_api_user AND u.last_login_at IS NULL AND u.created_at < $1)
       OR u.failed_login_count >= $2
       OR (u.is_api_user AND (u.api_token_id IS NULL OR u.api_token_expires_at IS NULL
                              OR u.api_token_expires_at < $3
                              OR coalesce(u.api_token_last_used_at, u.api_token_issued_at, u.created_at) < $4
                              OR (u.previous_token_valid_until > $5
                                  AND u.previous_token_last_used_at >= coalesce(u.api_token_issued_at, '-infinity'))))
       OR NOT u.is_active
       OR (NOT u.is_api_user AND NOT u.mfa_enabled
           AND EXISTS (SELECT 1 FROM roles rr WHERE rr.name = u.role_name AND rr.require_mfa))`;
  const [rows, counted] = await Promise.all([
    m.query(`SELECT ${USER_COLUMNS} ${FROM_USERS} ${where} ORDER BY u.id LIMIT $6 OFFSET $7`, [
      ...params,
      pageSize,
      (page - 1) * pageSize,
    ]) as Promise<Row[]>,
    m.query(`SELECT count(*)::int AS n FROM users u ${where}`, params) as Promise<Row[]>,
  ]);
  return { rows: rows.map(toRecord), total: Number(counted[0].n) };
}
