// The user list at scale, on a real PostgreSQL: creates a database of its own, runs the migrations,
// seeds 1,000,000 users with INSERT ... SELECT generate_series, then times GET /auth/api/users'
// query path (UsersRepository.list from the build: the page query and the count, in parallel on a
// pool, exactly as the service runs them) for substring search, the role filter, each sort both
// ways, page 1 and page 10,000; and the count alone, to show what `total` costs. Prints p50/p95/max,
// the total (~: an estimate, totalExact false) and met/missed against the target, then the plan of
// some page queries. The database is dropped at the end.
// Usage: npm run build && node bench/users-list.mjs [users]
//   BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_DIST (default dist),
//   BENCH_RUNS (default 100 per scenario), BENCH_ONLY (a regular expression: run the matching scenarios only).
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { percentile, withClient } from './lib/support.mjs';

const adminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dist = resolve(process.env.BENCH_DIST ?? 'dist');
const USERS = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const ONLY = new RegExp(process.env.BENCH_ONLY ?? '', 'i');
const TARGET_P95_MS = 50;

const load = (p) => import(pathToFileURL(resolve(dist, p)).href);
const { DataSource } = await import('typeorm');
const { buildDataSourceOptions } = await load('src/database/data-source-options.js');
const { UsersRepository } = await load('src/users/users.repository.js');
const { UserEntity } = await load('src/users/user.entity.js');

const dbName = `ciam_bench_users_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${dbName}`;
const log = (...a) => console.log(...a);
const secs = (ms) => (ms / 1000).toFixed(1);
const pct = percentile;

const withAdmin = (fn) => withClient(adminUrl, fn);

// Usernames and e-mails carry hex from md5(i), so a 4-character substring matches a few hundred
// users, as a search for part of a name does; roles, status, API users and logins vary
// independently, like a real directory: 1 in 7 inactive, 2% API users, 30% never logged in.
const SEED = `
  INSERT INTO users (username, email, password_hash, role_name, is_active, is_api_user, api_token_ttl_days,
                     api_token_id, api_token_expires_at, created_at, last_login_at, failed_login_count)
  SELECT 'u' || g || '.' || substr(md5(g::text), 1, 8),
         substr(md5(g::text), 9, 10) || g || '@' || (ARRAY['example.com', 'corp.test', 'mail.org'])[g % 3 + 1],
         CASE WHEN g % 50 = 0 THEN NULL ELSE '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA' END,
         (ARRAY['viewer', 'viewer', 'process_analyst', 'process_operator', 'viewer',
                'process_analyst', 'viewer', 'process_operator', 'viewer', 'administrator'])[g % 10 + 1],
         g % 7 <> 3,
         g % 50 = 0,
         CASE WHEN g % 50 = 0 THEN 90 END,
         CASE WHEN g % 50 = 0 THEN md5('t' || g)::uuid END,
         CASE WHEN g % 50 = 0 THEN now() + ((g % 120) - 20) * interval '1 day' END,
         now() - (g % 1000) * interval '1 day' - (g % 86400) * interval '1 second',
         CASE WHEN g % 10 < 3 THEN NULL ELSE now() - (g % 400) * interval '1 day' - (g % 3600) * interval '1 second' END,
         CASE WHEN g % 97 = 0 THEN 6 ELSE 0 END
    FROM generate_series($1::int, $2::int) g`;

async function seed() {
  // Bulk load without the secondary indexes, then build them from their own definitions, on a session
  // of its own: the service's statement timeout would cut an index build short on a busy machine.
  const c = new pg.Client({ connectionString: dbUrl.toString() });
  await c.connect();
  try {
    await c.query(`SET statement_timeout = 0; SET maintenance_work_mem = '256MB'`);
    const { rows: indexes } = await c.query(
      `SELECT indexname, indexdef FROM pg_indexes
        WHERE tablename = 'users' AND indexname NOT IN ('users_pkey')`,
    );
    for (const { indexname } of indexes) await c.query(`DROP INDEX ${indexname}`);
    const started = performance.now();
    const chunk = 250_000;
    for (let from = 1; from <= USERS; from += chunk) {
      await c.query(SEED, [from, Math.min(USERS, from + chunk - 1)]);
    }
    const inserted = performance.now() - started;
    for (const { indexdef } of indexes) await c.query(indexdef);
    await c.query('VACUUM ANALYZE users');
    log(
      `seeded ${USERS.toLocaleString('en')} users in ${secs(inserted)} s, ` +
        `indexes (${indexes.length}) and analyze in ${secs(performance.now() - started - inserted)} s`,
    );
  } finally {
    await c.end();
  }
}

async function measure(fn) {
  for (let i = 0; i < 5; i++) await fn(i); // warm the caches and the pool
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  return { p50: pct(samples, 50), p95: pct(samples, 95), max: Math.max(...samples) };
}

const hex = (i) =>
  Math.abs(Math.imul(i + 1, 2654435761) >>> 0)
    .toString(16)
    .padStart(8, '0');

await withAdmin((c) => c.query(`CREATE DATABASE ${dbName}`));
const ds = new DataSource({
  ...buildDataSourceOptions({ url: dbUrl.toString(), poolSize: 10, ssl: false, migrationsRun: true }),
  entities: [UserEntity],
});
try {
  await ds.initialize();
  const [{ server_version: version }] = await ds.query('SHOW server_version');
  log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}; PostgreSQL ${version}; ` +
      `${RUNS} runs per scenario`,
  );
  await seed();
  const repo = new UsersRepository(ds.getRepository(UserEntity));
  const base = { sort: 'username', order: 'asc', page: 1, pageSize: 20 };

  const scenarios = [
    ['page 1 (username asc, no filter)', () => base],
    ['search: 4 hex chars (~300 hits)', (i) => ({ ...base, search: hex(i).slice(0, 4) })],
    ['search: 6 hex chars (~1 hit)', (i) => ({ ...base, search: hex(i).slice(0, 6) })],
    ['search: e-mail domain (1/3 of all)', () => ({ ...base, search: 'corp.test' })],
    ['search: 3 chars (~3,000 hits)', (i) => ({ ...base, search: hex(i).slice(0, 3) })],
    ['search: 2 chars (prefix)', (i) => ({ ...base, search: hex(i).slice(0, 2) })],
    ['search: 1 char (prefix)', (i) => ({ ...base, search: hex(i).slice(0, 1) })],
    [
      'search: 1 char + role (administrator)',
      (i) => ({ ...base, search: hex(i).slice(0, 1), role: 'administrator' }),
    ],
    ['search: 2 chars + isActive=false', (i) => ({ ...base, search: hex(i).slice(0, 2), isActive: false })],
    [
      'search: 2 chars, sort createdAt desc',
      (i) => ({ ...base, search: hex(i).slice(0, 2), sort: 'createdAt', order: 'desc' }),
    ],
    ['role filter (process_operator, 20%)', () => ({ ...base, role: 'process_operator' })],
    ['role filter (administrator, 10%)', () => ({ ...base, role: 'administrator', sort: 'createdAt' })],
    ['isActive=false + isApiUser=true', () => ({ ...base, isActive: false, isApiUser: true })],
    ['filter matching nobody', () => ({ ...base, role: 'administrator', isApiUser: true, isActive: false })],
    ['sort username asc', () => ({ ...base, sort: 'username', order: 'asc' })],
    ['sort username desc', () => ({ ...base, sort: 'username', order: 'desc' })],
    ['sort createdAt asc', () => ({ ...base, sort: 'createdAt', order: 'asc' })],
    ['sort createdAt desc', () => ({ ...base, sort: 'createdAt', order: 'desc' })],
    ['sort lastLoginAt asc (nulls last)', () => ({ ...base, sort: 'lastLoginAt', order: 'asc' })],
    ['sort lastLoginAt desc (nulls last)', () => ({ ...base, sort: 'lastLoginAt', order: 'desc' })],
    ['page 10,000 (username asc)', () => ({ ...base, page: 10_000 })],
    ['page 10,000 (createdAt desc)', () => ({ ...base, sort: 'createdAt', order: 'desc', page: 10_000 })],
  ];

  log(
    `\n${'scenario'.padEnd(38)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}` +
      `  ${'total'.padStart(9)}  target p95 < ${TARGET_P95_MS} ms`,
  );
  const misses = [];
  for (const [label, filter] of scenarios.filter(([label]) => ONLY.test(label))) {
    const r = await measure((i) => repo.list(filter(i)));
    const { total, totalExact } = await repo.list(filter(0));
    const met = r.p95 < TARGET_P95_MS;
    if (!met) misses.push(label);
    log(
      `${label.padEnd(38)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ` +
        `${r.max.toFixed(1).padStart(8)}  ${`${totalExact ? '' : '~'}${total}`.padStart(9)}  ${met ? 'met' : 'missed'}`,
    );
  }

  // What `total` costs on its own: the count of each filter, without the page.
  log('\nthe count alone (what `total` costs):');
  const counts = [
    ['user_counts sum (used without search)', 'SELECT coalesce(sum(n), 0)::bigint FROM user_counts', []],
    ['count(*), no filter', 'SELECT count(*)::int FROM users u', []],
    [
      'count, role = process_operator',
      'SELECT count(*)::int FROM users u WHERE u.role_name = $1',
      ['process_operator'],
    ],
    [
      'count(*), search 4 hex chars',
      `SELECT count(*)::int FROM users u WHERE (u.username LIKE lower($1) ESCAPE '\\' OR lower(u.email) LIKE lower($1) ESCAPE '\\')`,
      ['%a3f9%'],
    ],
    [
      'count capped at 10,001, 1/3 of all (used)',
      `SELECT count(*)::int FROM (SELECT 1 FROM users u WHERE (u.username LIKE lower($1) ESCAPE '\\' OR lower(u.email) LIKE lower($1) ESCAPE '\\') LIMIT 10001) c`,
      ['%corp.test%'],
    ],
  ];
  for (const [label, sql, params] of counts) {
    const r = await measure(() => ds.query(sql, params));
    log(
      `${label.padEnd(38)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)}`,
    );
  }

  log('\nplans of the page queries (EXPLAIN ANALYZE, one run):');
  const plans = [
    ['search 4 hex chars', { ...base, search: 'a3f9' }],
    ['search 2 chars (prefix)', { ...base, search: 'a3' }],
    ['search 1 char (prefix)', { ...base, search: 'a' }],
    ['search 1 char + role (administrator)', { ...base, search: 'a', role: 'administrator' }],
    ['search e-mail domain (1/3 of all)', { ...base, search: 'corp.test' }],
    ['role filter', { ...base, role: 'process_operator' }],
    ['sort lastLoginAt desc', { ...base, sort: 'lastLoginAt', order: 'desc' }],
    ['page 10,000', { ...base, page: 10_000 }],
  ];
  for (const [label, filter] of plans) {
    let captured;
    const counts = [];
    const spy = {
      query: (sql, params) => {
        if (sql.includes('ORDER BY')) captured = { sql, params };
        else if (sql.includes('count(*)') && !sql.startsWith('EXPLAIN')) counts.push({ sql, params });
        return ds.query(sql, params);
      },
    };
    await new UsersRepository({ manager: spy }).list(filter).catch(() => undefined);
    const rows = await ds.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${captured.sql}`, captured.params);
    log(`-- ${label}`);
    for (const row of rows.slice(0, 16)) log(`   ${row['QUERY PLAN']}`);
    if (!ONLY.test(label)) continue;
    // The counts behind `total`: a capped count, or a prefix search's two halves (and their union).
    for (const counted of counts) {
      const count = await ds.query(`EXPLAIN (ANALYZE, COSTS OFF) ${counted.sql}`, counted.params);
      log(`-- ${label}: the count`);
      for (const row of count.slice(0, 24)) log(`   ${row['QUERY PLAN']}`);
    }
  }
  log(
    misses.length === 0
      ? `\nevery scenario: p95 < ${TARGET_P95_MS} ms: met`
      : `\np95 < ${TARGET_P95_MS} ms missed by: ${misses.join('; ')}`,
  );
} finally {
  if (ds.isInitialized) await ds.destroy();
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
}
