// The role list's user counts and the userHasPermission read, straight against the database:
// GET /auth/api/roles reads each role's user counts from the group counts that the users table's triggers
// keep (user_counts), beside the plain role list; this measures that read against the correlated subquery
// on users(role_name, id) it replaced and against a LEFT JOIN ... GROUP BY,
// then the one-row join PermissionsService.userHasPermission runs.
// Usage: npm run build && node bench/roles-list.mjs [users] [roles]
//   BENCH_DATABASE_URL=postgres://... for PostgreSQL (a scratch database is created and dropped);
//   without it, an embedded PGlite in a temporary folder.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const dist = process.env.BENCH_DIST ?? 'dist';
const users = Number(process.argv[2] ?? 100_000);
const customRoles = Number(process.argv[3] ?? 50);
const iterations = Number(process.env.BENCH_ITERATIONS ?? 200);

async function openDatabase() {
  const url = process.env.BENCH_DATABASE_URL;
  if (url) {
    const { default: pg } = await import('pg');
    const name = `ciam_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    const client = new pg.Client({ connectionString: target.toString() });
    await client.connect();
    return {
      label: 'PostgreSQL',
      query: async (sql, params) => (await client.query(sql, params)).rows,
      close: async () => {
        await client.end();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const dir = mkdtempSync(join(tmpdir(), 'champa-iam-bench-'));
  const db = new PGlite(join(dir, 'pgdata'), { extensions: { pg_trgm } });
  return {
    label: 'PGlite',
    query: async (sql, params) => (await db.query(sql, params)).rows,
    close: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const QUERIES = {
  'plain list (no counts)': `SELECT r.* FROM roles r ORDER BY r.is_system DESC, r.name`,
  'user_counts sums (used, + the plain list)': `
    SELECT role_name, coalesce(sum(n), 0)::int AS users,
           coalesce(sum(n) FILTER (WHERE is_api_user), 0)::int AS api
      FROM user_counts GROUP BY role_name`,
  'list + correlated count (before)': `
    SELECT r.*, (SELECT count(*)::int FROM users u WHERE u.role_name = r.name) AS user_count
      FROM roles r ORDER BY r.is_system DESC, r.name`,
  'list + LEFT JOIN GROUP BY': `
    SELECT r.*, count(u.id)::int AS user_count
      FROM roles r LEFT JOIN users u ON u.role_name = r.name
     GROUP BY r.name ORDER BY r.is_system DESC, r.name`,
};
const USER_ACCESS = `
  SELECT u.is_active AS "isActive", u.is_api_user AS "isApiUser", r.permissions AS "permissions"
    FROM users u INNER JOIN roles r ON r.name = u.role_name WHERE u.id = $1`;

async function time(fn) {
  const samples = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

const db = await openDatabase();
try {
  const { InitialSchema1795219200000 } = await import(`../${dist}/migrations/1795219200000-InitialSchema.js`);
  const { SeedSystemRoles1795219200001 } = await import(
    `../${dist}/migrations/1795219200001-SeedSystemRoles.js`
  );
  const runner = { query: (sql, params) => db.query(sql, params) };
  await new InitialSchema1795219200000().up(runner);
  await new SeedSystemRoles1795219200001().up(runner);
  const { UserCounts1795219400001 } = await import(`../${dist}/migrations/1795219400001-UserCounts.js`);
  await new UserCounts1795219400001().up(runner);
  await db.query(
    `INSERT INTO roles (name, display_name, permissions)
     SELECT 'custom_' || g, 'Custom ' || g, ARRAY['portfolio_data', 'ai_analysis_data'] FROM generate_series(1, $1) g`,
    [customRoles],
  );
  await db.query(
    `INSERT INTO users (username, email, role_name, is_active)
     SELECT 'user' || g, 'user' || g || '@example.test',
            CASE WHEN g % 10 = 0 THEN 'viewer' ELSE 'custom_' || (g % $2 + 1) END, g % 7 <> 0
       FROM generate_series(1, $1) g`,
    [users, customRoles],
  );
  await db.query('VACUUM ANALYZE'); // as autovacuum leaves it: index-only scans for the counts

  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}; ${db.label}; ` +
      `${users} users, ${customRoles + 4} roles; ${iterations} runs each`,
  );
  const results = {};
  for (const [label, sql] of Object.entries(QUERIES)) {
    await db.query(sql); // warm
    results[label] = await time(() => db.query(sql));
  }
  const base = results['plain list (no counts)'].p50;
  for (const [label, r] of Object.entries(results)) {
    console.log(
      `${label.padEnd(32)} p50 ${r.p50.toFixed(2)} ms  p95 ${r.p95.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  ` +
        `(${(r.p50 / base).toFixed(1)}× the plain list)`,
    );
  }
  const used = base + results['user_counts sums (used, + the plain list)'].p50;
  const before = results['list + correlated count (before)'].p50;
  console.log(`plain list + user_counts sums vs correlated count: ${(used / before).toFixed(2)}× the time`);
  const access = await time((i) => db.query(USER_ACCESS, [1 + ((i * 7919) % users)]));
  console.log(
    `userHasPermission read          p50 ${access.p50.toFixed(2)} ms  p95 ${access.p95.toFixed(2)} ms  p99 ${access.p99.toFixed(2)} ms`,
  );
} finally {
  await db.close();
}
