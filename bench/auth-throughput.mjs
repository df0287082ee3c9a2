// Throughput of the hot path, measured on the built service in one run: public GET /health/live, an
// authenticated GET /auth/api/me (session token: signature, cached auth state, rate limit, permissions),
// their ratio (target >= 0.6), and logins per second with the default argon2id parameters (target >= 45/s
// per core). Rate limits are lifted through the environment; lockout does not apply (every login succeeds).
//
// Usage: npm run build && node bench/auth-throughput.mjs [seconds per phase, default 10]
//   BENCH_DIST=<folder>          built service to run (default dist)
//   BENCH_CONNECTIONS=<n>        concurrent connections (default 16)
//   BENCH_LOG_LEVEL=<level>      the service's LOG_LEVEL (default warn: measure the service, not the log sink)
//   DATABASE_URL, JWT_SECRET, REDIS_URL are passed through: unset, the embedded default is measured.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';

const seconds = Number(process.argv[2] ?? 10);
const dist = resolve(process.env.BENCH_DIST ?? 'dist');
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ADMIN_PASSWORD = 'Bench-Passw0rd-123';
const LOGIN_USERS = 32;

if (!existsSync(join(dist, 'src/main.js'))) {
  console.error(`No built service in ${dist}: run npm run build (or set BENCH_DIST)`);
  process.exit(1);
}
// A build outside the repository (tsc --outDir elsewhere) still needs the repository's packages.
if (!existsSync(join(dist, 'node_modules')) && !dist.startsWith(resolve('.') + '/')) {
  symlinkSync(resolve('node_modules'), join(dist, 'node_modules'), 'dir');
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

async function startService(dataDir) {
  // A port chosen here: at a quiet log level the service does not print the one it bound.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [join(dist, 'src/main.js')], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      REDIS_URL: process.env.REDIS_URL ?? '',
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      SWAGGER_ENABLED: 'false',
      RATE_LIMIT_PER_MINUTE: '10000000',
      RATE_LIMIT_LOGIN_PER_MINUTE: '10000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service did not start:\n${out}`);
    const res = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // Keep draining the pipes so the service never blocks on a full one.
  child.stdout.on('data', () => undefined);
  return { child, url };
}

function run(opts) {
  return new Promise((resolvePromise, reject) => {
    autocannon({ connections, duration: seconds, ...opts }, (err, result) =>
      err ? reject(err) : resolvePromise(result),
    );
  });
}

async function measure(name, opts) {
  await run({ ...opts, duration: Math.max(2, Math.ceil(seconds / 3)) }); // warm-up: JIT, caches, pools
  const r = await run(opts);
  const ok = r['2xx'];
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > 0) console.warn(`  ${name}: ${bad} failed requests (non-2xx ${r.non2xx}, errors ${r.errors})`);
  return { rps: ok / (r.duration || seconds), p50: r.latency.p50, p99: r.latency.p99 };
}

const dataDir = mkdtempSync(join(tmpdir(), 'champa-iam-bench-'));
const { child, url } = await startService(dataDir);
try {
  const loginBody = JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD });
  const login = await fetch(`${url}/auth/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: loginBody,
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const { accessToken } = await login.json();

  const health = await measure('GET /health/live', { url: `${url}/health/live` });
  const me = await measure('GET /auth/api/me', {
    url: `${url}/auth/api/me`,
    headers: { authorization: `Bearer ${accessToken}` },
  });
  // Logins spread over many users, as in real traffic; each one verifies a default-cost argon2id hash.
  const users = [];
  for (let i = 0; i < LOGIN_USERS; i++) {
    const username = `bench_user_${i}`;
    const res = await fetch(`${url}/auth/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({
        username,
        email: `${username}@bench.test`,
        password: ADMIN_PASSWORD,
        role: 'viewer',
      }),
    });
    if (res.status !== 201) throw new Error(`creating ${username}: ${res.status} ${await res.text()}`);
    users.push(JSON.stringify({ username, password: ADMIN_PASSWORD }));
  }
  let next = 0;
  const logins = await measure('POST /auth/api/login', {
    url: `${url}/auth/api/login`,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: users[next++ % users.length] }),
      },
    ],
  });

  const cores = availableParallelism();
  const ratio = me.rps / health.rps;
  const perCore = logins.rps / cores;
  const backend = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'} + ${process.env.REDIS_URL ? 'Redis' : 'in-process cache'}`;
  const row = (label, m) =>
    `${label.padEnd(34)} ${m.rps.toFixed(0).padStart(7)} req/s   p50 ${String(m.p50).padStart(4)} ms   p99 ${String(m.p99).padStart(4)} ms`;
  console.log(`machine: ${cores} × ${cpus()[0]?.model}, node ${process.version}; ${backend}`);
  console.log(
    `${seconds} s per phase, ${connections} connections, after a warm-up; service LOG_LEVEL ${process.env.BENCH_LOG_LEVEL ?? 'warn'}`,
  );
  console.log(row('GET /health/live (public)', health));
  console.log(row('GET /auth/api/me (session token)', me));
  console.log(`ratio me / live: ${ratio.toFixed(2)}  (target >= 0.6: ${ratio >= 0.6 ? 'met' : 'MISSED'})`);
  console.log(row('POST /auth/api/login (argon2id)', logins));
  console.log(
    `logins per core: ${perCore.toFixed(1)}/s over ${cores} cores  (target >= 45/s per core: ${perCore >= 45 ? 'met' : 'MISSED'})`,
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
