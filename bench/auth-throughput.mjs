// Throughput of the hot path, measured on the built service in one run: public GET /health/live, an
// authenticated GET /auth/api/me (session token: signature, cached auth state, rate limit, permissions),
// their ratio (target >= 0.6), and logins per second with the default argon2id parameters (target >= 45/s
// per core). Rate limits are lifted through the environment; lockout does not apply (every login succeeds).
//
// Usage: npm run build && node bench/auth-throughput.mjs [seconds per route, default 20]
//   BENCH_DIST=<folder>          built service to run (default dist)
//   BENCH_CONNECTIONS=<n>        concurrent connections (default 16)
//   BENCH_ROUNDS=<n>             slices each route's time is cut into, run alternately (default 4)
//   BENCH_LOG_LEVEL=<level>      the service's LOG_LEVEL (default warn: measure the service, not the log sink)
//   DATABASE_URL, JWT_SECRET, AUDIT_HMAC_KEY, MFA_ENCRYPTION_KEY, REDIS_URL are passed through: unset, the embedded default is measured.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import autocannon from 'autocannon';

const seconds = Number(process.argv[2] ?? 20);
const dist = resolve(process.env.BENCH_DIST ?? 'dist');
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
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

const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds the service process has used (all its threads: the event loop, PGlite, argon2's pool), or
 * undefined where /proc is missing. Requests per CPU-second stay comparable on a machine that is busy with
 * other work, where wall-clock req/s do not.
 */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

async function sample(name, opts, pid, duration) {
  const cpuBefore = cpuSeconds(pid);
  const r = await run({ ...opts, duration });
  const cpu = cpuBefore === undefined ? undefined : cpuSeconds(pid) - cpuBefore;
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > 0) console.warn(`  ${name}: ${bad} failed requests (non-2xx ${r.non2xx}, errors ${r.errors})`);
  return { ok: r['2xx'], duration: r.duration || duration, cpu, p50: r.latency.p50, p99: r.latency.p99 };
}

function summarize(samples) {
  const ok = samples.reduce((a, x) => a + x.ok, 0);
  const duration = samples.reduce((a, x) => a + x.duration, 0);
  const cpu = samples.some((x) => x.cpu === undefined) ? undefined : samples.reduce((a, x) => a + x.cpu, 0);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    rps: ok / duration,
    perCpu: cpu ? ok / cpu : undefined,
    p50: median(samples.map((x) => x.p50)),
    p99: Math.max(...samples.map((x) => x.p99)),
  };
}

/** Warm-up, then `rounds` slices of the phase's time; routes compared run alternately, so drift hits both. */
async function measure(phases, pid) {
  for (const [name, opts] of phases) await sample(name, opts, pid, Math.max(2, Math.ceil(seconds / 3)));
  const slices = phases.map(() => []);
  const slice = Math.max(1, Math.round(seconds / rounds));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? phases.map((_, i) => i) : phases.map((_, i) => i).reverse();
    for (const i of order) slices[i].push(await sample(phases[i][0], phases[i][1], pid, slice));
  }
  return slices.map(summarize);
}

/** CPU milliseconds of one argon2id verification with the default parameters, in this process: the ceiling. */
async function argon2VerifyCpuMs(times = 30) {
  const params = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };
  const stored = await hash(ADMIN_PASSWORD, params);
  await verify(stored, ADMIN_PASSWORD);
  const before = process.cpuUsage();
  for (let i = 0; i < times; i++) await verify(stored, ADMIN_PASSWORD);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / times;
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

  const [health, me] = await measure(
    [
      ['GET /health/live', { url: `${url}/health/live` }],
      [
        'GET /auth/api/me',
        { url: `${url}/auth/api/me`, headers: { authorization: `Bearer ${accessToken}` } },
      ],
    ],
    child.pid,
  );
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
  const [logins] = await measure(
    [
      [
        'POST /auth/api/login',
        {
          url: `${url}/auth/api/login`,
          requests: [
            {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              setupRequest: (req) => ({ ...req, body: users[next++ % users.length] }),
            },
          ],
        },
      ],
    ],
    child.pid,
  );

  const argon2Ms = await argon2VerifyCpuMs();
  const cores = availableParallelism();
  const backend = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'} + ${process.env.REDIS_URL ? 'Redis' : 'in-process cache'}`;
  const perCpu = (m) => (m.perCpu === undefined ? 'n/a' : `${m.perCpu.toFixed(0)}`);
  const row = (label, m) =>
    `${label.padEnd(34)} ${m.rps.toFixed(0).padStart(7)} req/s   ${perCpu(m).padStart(6)} per CPU-second   p50 ${String(m.p50).padStart(4)} ms   p99 ${String(m.p99).padStart(5)} ms`;
  const verdict = (value, target) => (value === undefined ? 'n/a' : value >= target ? 'met' : 'MISSED');
  const ratioWall = me.rps / health.rps;
  const ratioCpu = me.perCpu && health.perCpu ? me.perCpu / health.perCpu : undefined;
  const loginsPerCoreWall = logins.rps / cores;
  console.log(`machine: ${cores} × ${cpus()[0]?.model}, node ${process.version}; ${backend}`);
  console.log(
    `${seconds} s per route in ${rounds} alternating slices, ${connections} connections, after a warm-up; service LOG_LEVEL ${process.env.BENCH_LOG_LEVEL ?? 'warn'}; ` +
      `CPU-seconds are the service process's own (all threads${process.env.DATABASE_URL || process.env.REDIS_URL ? '; PostgreSQL and Redis not included' : ''})`,
  );
  console.log(row('GET /health/live (public)', health));
  console.log(row('GET /auth/api/me (session token)', me));
  console.log(row('POST /auth/api/login (argon2id)', logins));
  console.log(
    `ratio me / live: ${ratioWall.toFixed(2)} wall-clock, ${ratioCpu?.toFixed(2) ?? 'n/a'} per CPU-second  (target >= 0.6: ${verdict(ratioCpu ?? ratioWall, 0.6)})`,
  );
  console.log(
    `argon2id verify alone (m=19456, t=2, p=1): ${argon2Ms.toFixed(1)} ms CPU, a ceiling of ${(1000 / argon2Ms).toFixed(0)} logins per CPU-second`,
  );
  console.log(
    `logins per core: ${loginsPerCoreWall.toFixed(1)}/s wall-clock over ${cores} cores, ${logins.perCpu?.toFixed(1) ?? 'n/a'} per CPU-second  (target >= 45/s per core: ${verdict(logins.perCpu ?? loginsPerCoreWall, 45)})`,
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
