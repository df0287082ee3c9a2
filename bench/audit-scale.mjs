// The audit log at scale, on a real PostgreSQL: fills a database of its own with 10,000,000 entries
// (synthetic hashes), then prints, through the service's own query code:
//   - p50/p95/max of filtered list queries (actor, action, target, time range, combinations, deep pages)
//     and the plan each one gets;
//   - export throughput (CSV and NDJSON) in rows/s with the peak RSS growth;
//   - chain writer throughput and verify throughput on a valid, really chained subset.
// The database is dropped at the end.
// Usage: npm run build && node bench/audit-scale.mjs [rows]
//   BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_DIST (default dist),
//   BENCH_EXPORT_ROWS (default 2000000), BENCH_CHAIN_ROWS (default 200000), BENCH_QUERIES (default 200).
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { percentile, withClient } from './lib/support.mjs';

const adminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dist = resolve(process.env.BENCH_DIST ?? 'dist');
const ROWS = Number(process.argv[2] ?? 10_000_000);
const EXPORT_ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 2_000_000);
const CHAIN_ROWS = Number(process.env.BENCH_CHAIN_ROWS ?? 200_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const ACTORS = 5_000;
const USERS = 50_000;
const YEAR_MS = 365 * 24 * 3600 * 1000;

const load = (p) => import(pathToFileURL(resolve(dist, p)).href);
const { IAM_MIGRATIONS } = await load('migrations/index.js');
const { readPage, pageQuery } = await load('src/audit/audit-query.js');
const { exportChunks } = await load('src/audit/audit-export.js');
const { verifyChain } = await load('src/audit/audit-verify.js');
const { appendToChain } = await load('src/audit/audit-chain.js');
const { deriveAuditKey } = await load('src/audit/audit-hash.js');
// The chain is keyed as the service keys it; a throwaway key, as the database is.
const auditKey = deriveAuditKey(randomBytes(32).toString('base64'));

const dbName = `ciam_bench_audit_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${dbName}`;

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const secs = (ms) => (ms / 1000).toFixed(1);
const pct = percentile;
const rand = (n) => Math.floor(Math.random() * n);
const log = (...a) => console.log(...a);

const withAdmin = (fn) => withClient(adminUrl, fn);

let pool;
let chainPool;
async function cleanup() {
  await pool?.end().catch(() => undefined);
  await chainPool?.end().catch(() => undefined);
  if (process.env.BENCH_KEEP_DB === '1') {
    log(`kept database ${dbName} (BENCH_KEEP_DB=1): drop it by hand`);
    return;
  }
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch((e) =>
    console.error(`could not drop ${dbName}: ${e.message}`),
  );
}
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

async function migrate(client) {
  const runner = { query: (sql, params) => client.query(sql, params).then((r) => r.rows) };
  for (const M of IAM_MIGRATIONS) await new M().up(runner);
}

// Fills ROWS entries in slices (one statement each), with the secondary indexes built afterwards,
// as a bulk load would; index definitions are read from the migrated schema, not restated here.
async function fill(client) {
  const { rows: defs } = await client.query(
    `SELECT indexname, indexdef FROM pg_indexes
      WHERE tablename = 'audit_events' AND indexname <> 'audit_events_pkey'`,
  );
  for (const d of defs) await client.query(`DROP INDEX ${d.indexname}`);
  const start = Date.now() - YEAR_MS - 3600_000;
  const step = YEAR_MS / ROWS;
  const slice = 1_000_000;
  const t0 = performance.now();
  for (let from = 1; from <= ROWS; from += slice) {
    const to = Math.min(ROWS, from + slice - 1);
    await client.query(
      `INSERT INTO audit_events (at, actor_id, actor_username, action, target_type, target_id, target_label,
                                 ip, user_agent, outcome, details, prev_hash, hash)
       SELECT date_trunc('milliseconds', to_timestamp(($3::float8 + i * $4::float8) / 1000)),
              i % ${ACTORS} + 1,
              'user' || (i % ${ACTORS}),
              a.action,
              a.target_type,
              CASE a.target_type WHEN 'user' THEN ((i * 7919) % ${USERS})::text
                                 WHEN 'role' THEN 'role_' || (i % 40)
                                 ELSE 'GET /auth/api/users' END,
              CASE a.target_type WHEN 'user' THEN 'user' || ((i * 7919) % ${USERS}) ELSE NULL END,
              '10.' || (i % 250) || '.' || (i % 199) || '.' || (i % 97),
              'Mozilla/5.0 (X11; Linux x86_64) bench/' || (i % 13),
              CASE WHEN a.action IN ('auth.login_failed', 'auth.locked') THEN 'failure'
                   WHEN a.action = 'auth.permission_denied' THEN 'denied' ELSE 'success' END,
              jsonb_build_object('seq', i, 'via', 'session'),
              md5(i::text) || md5((i + 1)::text),
              md5((i + 1)::text) || md5(i::text)
         FROM generate_series($1::bigint, $2::bigint) AS i
         CROSS JOIN LATERAL (
           SELECT CASE
                    WHEN i % 100 < 40 THEN 'auth.login'
                    WHEN i % 100 < 55 THEN 'auth.logout'
                    WHEN i % 100 < 70 THEN 'auth.login_failed'
                    WHEN i % 100 < 80 THEN 'auth.permission_denied'
                    WHEN i % 100 < 90 THEN 'user.updated'
                    WHEN i % 100 < 95 THEN 'user.created'
                    WHEN i % 100 < 97 THEN 'role.updated'
                    WHEN i % 100 < 98 THEN 'auth.locked'
                    WHEN i % 1000 < 985 THEN 'user.password_reset'
                    ELSE 'role.deleted' END AS action
         ) AS a0
         CROSS JOIN LATERAL (
           SELECT a0.action,
                  CASE WHEN a0.action LIKE 'role.%' THEN 'role'
                       WHEN a0.action = 'auth.permission_denied' THEN 'route'
                       ELSE 'user' END AS target_type
         ) AS a`,
      [from, to, start, step],
    );
    process.stdout.write(`\r  inserted ${to.toLocaleString()} / ${ROWS.toLocaleString()}`);
  }
  const inserted = performance.now() - t0;
  await client.query(`SET maintenance_work_mem = '512MB'`);
  const t1 = performance.now();
  for (const d of defs) await client.query(d.indexdef);
  await client.query('VACUUM ANALYZE audit_events');
  const indexed = performance.now() - t1;
  log(`\n  insert ${secs(inserted)} s, indexes + analyze ${secs(indexed)} s`);
  return { start, step };
}

function summarize(name, times, plan) {
  log(
    `  ${name.padEnd(26)} p50 ${pct(times, 50).toFixed(2).padStart(7)} ms   p95 ${pct(times, 95)
      .toFixed(2)
      .padStart(7)} ms   max ${Math.max(...times)
      .toFixed(2)
      .padStart(7)} ms   ${plan}`,
  );
  return pct(times, 95);
}

async function planOf(filters, before) {
  const { sql, params } = pageQuery(filters, before, 51);
  const { rows } = await pool.query(`EXPLAIN (COSTS OFF) ${sql}`, params);
  // The plan's scans and sorts, in order, on one line.
  return rows
    .map((r) => r['QUERY PLAN'].trim().replace(/^->\s*/, ''))
    .filter((l) => /Scan|Sort|InitPlan|SubPlan/.test(l) && !/^(Sort Key|Index Cond|Filter)/.test(l))
    .map((l) =>
      l
        .replace(/ on audit_events( \w+)?/, '')
        .replace(/Index Scan Backward using/, 'backward')
        .replace(/Index Scan using/, 'index'),
    )
    .join(' > ');
}

async function measure(run, name, makeFilters) {
  const times = [];
  let plan = '';
  for (let i = 0; i < QUERIES; i++) {
    const { filters, before = null } = makeFilters();
    if (i === 0) plan = await planOf(filters, before);
    const t0 = performance.now();
    await readPage(run, filters, before, 50);
    times.push(performance.now() - t0);
  }
  return summarize(name, times, plan);
}

async function queries(run, { start, step }) {
  const actions = ['auth.login', 'auth.login_failed', 'user.updated', 'role.updated', 'role.deleted'];
  const at = (ms) => new Date(ms);
  const anyTime = (windowMs) => {
    const from = start + rand(YEAR_MS - windowMs);
    return { from: at(from), to: at(from + windowMs) };
  };
  const anyId = () => String(1 + rand(ROWS));
  log(`\nFiltered pages of 50 (${QUERIES} queries each, random parameters):`);
  const p95 = [];
  p95.push(await measure(run, 'no filter, first page', () => ({ filters: {} })));
  p95.push(await measure(run, 'no filter, deep cursor', () => ({ filters: {}, before: anyId() })));
  p95.push(await measure(run, 'actor', () => ({ filters: { actor: `user${rand(ACTORS)}` } })));
  p95.push(
    await measure(run, 'actor, deep cursor', () => ({
      filters: { actor: `user${rand(ACTORS)}` },
      before: anyId(),
    })),
  );
  p95.push(
    await measure(run, 'action (common and rare)', () => ({
      filters: { action: actions[rand(actions.length)] },
    })),
  );
  p95.push(
    await measure(run, 'action, deep cursor', () => ({
      filters: { action: actions[rand(actions.length)] },
      before: anyId(),
    })),
  );
  p95.push(
    await measure(run, 'target type + id', () => ({
      filters: { targetType: 'user', targetId: String(rand(USERS)) },
    })),
  );
  p95.push(
    await measure(run, 'target type only (role)', () => ({
      filters: { targetType: 'role' },
      before: anyId(),
    })),
  );
  p95.push(await measure(run, 'time range, 1 hour', () => ({ filters: anyTime(3600_000) })));
  p95.push(await measure(run, 'time range, 1 day', () => ({ filters: anyTime(24 * 3600_000) })));
  p95.push(await measure(run, 'time range, 30 days', () => ({ filters: anyTime(30 * 24 * 3600_000) })));
  p95.push(
    await measure(run, 'from only (old)', () => ({ filters: { from: at(start + rand(YEAR_MS / 10)) } })),
  );
  p95.push(await measure(run, 'to only (old)', () => ({ filters: { to: at(start + rand(YEAR_MS / 10)) } })));
  p95.push(
    await measure(run, 'actor + 30 days', () => ({
      filters: { actor: `user${rand(ACTORS)}`, ...anyTime(30 * 24 * 3600_000) },
    })),
  );
  p95.push(
    await measure(run, 'action + 1 day', () => ({
      filters: { action: actions[rand(actions.length)], ...anyTime(24 * 3600_000) },
    })),
  );
  log(`  worst p95: ${Math.max(...p95).toFixed(2)} ms (target < 50 ms)`);
  void step;
}

// Streams `limit` rows of the export into a sink that drops them; answers rows, bytes, ms and peak RSS growth.
async function exportInto(run, format, limit) {
  let rows = 0;
  const counting = async (sql, params) => {
    const r = await run(sql, params);
    rows += r.length;
    return r;
  };
  async function* capped() {
    for await (const chunk of exportChunks(counting, {}, format)) {
      yield chunk;
      if (rows >= limit) return;
    }
  }
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  let bytes = 0;
  const sink = new Writable({
    write(chunk, _enc, cb) {
      bytes += chunk.length;
      cb();
    },
  });
  const t0 = performance.now();
  await pipeline(Readable.from(capped(), { objectMode: false }), sink);
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { rows, bytes, ms, base, growth: peak - base };
}

// A first, short export lets V8 grow its heaps to their working size; the long one then shows
// whether memory follows the number of rows (it must not).
async function exportThroughput(run, format) {
  const warm = await exportInto(run, format, 50_000);
  const r = await exportInto(run, format, EXPORT_ROWS);
  log(
    `  ${format.padEnd(7)} ${r.rows.toLocaleString()} rows in ${secs(r.ms)} s: ` +
      `${Math.round(r.rows / (r.ms / 1000)).toLocaleString()} rows/s, ${mb(r.bytes)} MB written; ` +
      `peak RSS growth ${mb(r.growth)} MB over the long export (from ${mb(r.base)} MB), ` +
      `${mb(warm.growth)} MB during the ${warm.rows.toLocaleString()}-row warm-up`,
  );
}

async function chainAndVerify() {
  const client = await pool.connect();
  try {
    await client.query('CREATE SCHEMA chain');
    await client.query('CREATE TABLE chain.audit_events (LIKE public.audit_events INCLUDING ALL)');
    await client.query('CREATE TABLE chain.audit_checkpoints (LIKE public.audit_checkpoints INCLUDING ALL)');
  } finally {
    client.release();
  }
  chainPool = new pg.Pool({ connectionString: dbUrl.toString(), max: 4, options: '-c search_path=chain' });
  const draft = (i) => ({
    actorId: i % 100,
    actorUsername: `user${i % 100}`,
    action: 'auth.login_failed',
    targetType: 'user',
    targetId: String(i % 1000),
    targetLabel: `user${i % 1000}`,
    ip: '203.0.113.9',
    userAgent: 'Mozilla/5.0 bench',
    outcome: 'failure',
    details: { reason: 'bad password', attempt: i, nested: { a: [1, 2.5, 'x'] } },
  });
  async function inTx(fn) {
    const c = await chainPool.connect();
    try {
      await c.query('BEGIN');
      await fn((sql, params) => c.query(sql, params).then((r) => r.rows));
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK');
      throw e;
    } finally {
      c.release();
    }
  }
  log('\nChain writer (the service code, on a separate really chained table):');
  let t0 = performance.now();
  const singles = 2_000;
  await Promise.all(
    Array.from({ length: 4 }, async (_, w) => {
      for (let i = w; i < singles; i += 4) await inTx((run) => appendToChain(run, auditKey, [draft(i)]));
    }),
  );
  let ms = performance.now() - t0;
  log(
    `  one entry per transaction, 4 connections: ${Math.round(singles / (ms / 1000)).toLocaleString()} entries/s`,
  );
  t0 = performance.now();
  const batch = 200;
  for (let i = singles; i < CHAIN_ROWS; i += batch) {
    const n = Math.min(batch, CHAIN_ROWS - i);
    await inTx((run) =>
      appendToChain(
        run,
        auditKey,
        Array.from({ length: n }, (_, k) => draft(i + k)),
      ),
    );
  }
  ms = performance.now() - t0;
  log(
    `  batches of ${batch} (the detached queue): ${Math.round((CHAIN_ROWS - singles) / (ms / 1000)).toLocaleString()} entries/s`,
  );
  const run = (sql, params) => chainPool.query(sql, params).then((r) => r.rows);
  global.gc?.();
  const base = process.memoryUsage().rss;
  t0 = performance.now();
  const verdict = await verifyChain(run, auditKey);
  ms = performance.now() - t0;
  log(
    `  verify: ${JSON.stringify(verdict)} in ${secs(ms)} s: ${Math.round(verdict.checked / (ms / 1000)).toLocaleString()} entries/s, ` +
      `RSS growth ${mb(Math.max(0, process.memoryUsage().rss - base))} MB`,
  );
  if (!verdict.ok) throw new Error('the really chained subset did not verify');
}

try {
  log(`audit-scale: ${ROWS.toLocaleString()} entries in database ${dbName}`);
  await withAdmin((c) => c.query(`CREATE DATABASE ${dbName}`));
  pool = new pg.Pool({ connectionString: dbUrl.toString(), max: 4 });
  const client = await pool.connect();
  let layout;
  try {
    await migrate(client);
    layout = await fill(client);
    const { rows } = await client.query(
      `SELECT pg_size_pretty(pg_total_relation_size('audit_events')) AS total,
              pg_size_pretty(pg_relation_size('audit_events')) AS heap`,
    );
    log(`  table ${rows[0].heap}, with indexes ${rows[0].total}`);
  } finally {
    client.release();
  }
  const run = (sql, params) => pool.query(sql, params).then((r) => r.rows);
  await queries(run, layout);
  log(
    `\nExport (the service's paged export, ${EXPORT_ROWS.toLocaleString()} rows, unfiltered, into a null sink):`,
  );
  await exportThroughput(run, 'csv');
  await exportThroughput(run, 'ndjson');
  await chainAndVerify();
} finally {
  await cleanup();
}
