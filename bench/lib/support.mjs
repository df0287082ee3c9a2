// What the benchmarks share: starting the built service (and the bare Fastify yardstick) on a core of
// their own, a scratch PostgreSQL database and Redis prefix, CPU time and RSS of a process from /proc.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@redis/client';
import autocannon from 'autocannon';
import pg from 'pg';

export const ADMIN_PASSWORD = 'Bench-Passw0rd-123';
export const dist = resolve(process.env.BENCH_DIST ?? 'dist');
const here = dirname(fileURLToPath(import.meta.url));

/** The Node flags `npm start` gives the service (package.json), so the benchmarks run it as deployed. */
export const startFlags = JSON.parse(readFileSync(join(here, '../../package.json'), 'utf8'))
  .scripts.start.split(/\s+/)
  .filter((arg) => arg.startsWith('--'));

/**
 * What `npm start` runs in a build: the bundled service (dist/service/main.js), or, in a build from before
 * the bundle, dist/src/main.js, so that an older commit can be measured beside the current one.
 */
export function serviceEntry(build = dist) {
  const bundled = join(build, 'service/main.js');
  return existsSync(bundled) ? bundled : join(build, 'src/main.js');
}

export function requireBuild() {
  if (!existsSync(serviceEntry())) {
    console.error(`No built service in ${dist}: run npm run build (or set BENCH_DIST)`);
    process.exit(1);
  }
  // A build outside the repository still needs the repository's packages.
  if (!existsSync(join(dist, 'node_modules')) && !dist.startsWith(resolve('.') + '/')) {
    symlinkSync(resolve('node_modules'), join(dist, 'node_modules'), 'dir');
  }
}

/** Two cores or more: servers on core 0, this process (the load generator) on core 1. */
export const pinning = availableParallelism() >= 2 && process.env.BENCH_PIN !== '0';

export function pinLoadGenerator() {
  if (!pinning) return;
  execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
}

export function loadAverage() {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

/** Spawns node with `args` on the servers' core, core 0 (when pinning); taskset keeps the child's PID. */
export function spawnOnServerCore(args, options) {
  return pinning
    ? spawn('taskset', ['-c', '0', process.execPath, ...args], options)
    : spawn(process.execPath, args, options);
}

/** Spawns node with args on core 0 (when pinning), standard output to /dev/null, and waits for `readyPath`. */
async function startPinned(args, env, readyPath) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawnOnServerCore(args, {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const end = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} ended while starting:\n${err}`);
    const res = await fetch(url + readyPath).catch(() => undefined);
    if (res?.status === 200) break;
    if (Date.now() > end) throw new Error(`${args.join(' ')} did not start within 180 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, pid: child.pid, stop: () => stop(child) };
}

function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.on('exit', r);
    child.kill('SIGTERM');
  });
}

export function startBareFastify() {
  return startPinned([join(here, 'bare-fastify.mjs')], {}, '/');
}

/**
 * The built service on the chosen backend: 'postgres' (a scratch database on BENCH_DATABASE_URL and a Redis
 * prefix of its own on BENCH_REDIS_URL) or 'embedded' (PGlite in a fresh data folder, in-process cache).
 * Access log on at info, to /dev/null; rate limits high enough never to be reached.
 */
export async function startService(backend, extraEnv = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'champa-iam-bench-'));
  const cleanups = [() => rmSync(dataDir, { recursive: true, force: true })];
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    REDIS_URL: '',
    JWT_SECRET: randomBytes(32).toString('hex'),
    AUDIT_HMAC_KEY: randomBytes(32).toString('base64'),
    MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    SWAGGER_ENABLED: 'false',
    RATE_LIMIT_PER_MINUTE: '10000000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '10000000',
    ...extraEnv,
  };
  try {
    if (backend === 'postgres') {
      const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
      const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
      const dbName = `ciam_bench_${randomBytes(4).toString('hex')}`;
      const prefix = `ciam-bench:${randomBytes(4).toString('hex')}:`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
      cleanups.push(async () => {
        await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
        await admin.end();
      });
      cleanups.push(async () => {
        const redis = createClient({ url: redisUrl });
        await redis.connect();
        for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
          if (keys.length) await redis.del(keys);
        await redis.close();
      });
      const dbUrl = new URL(adminUrl);
      dbUrl.pathname = `/${dbName}`;
      Object.assign(env, { DATABASE_URL: dbUrl.toString(), REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix });
    }
    const service = await startPinned(
      [...startFlags, ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), serviceEntry()],
      env,
      '/health/ready',
    );
    cleanups.unshift(service.stop);
    return {
      ...service,
      backend,
      async close() {
        for (const cleanup of cleanups) await cleanup();
      },
    };
  } catch (err) {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    throw err;
  }
}

export async function loginAs(url, username, password) {
  const res = await fetch(`${url}/auth/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return (await res.json()).accessToken;
}

export function load(opts) {
  return new Promise((resolvePromise, reject) => {
    autocannon({ connections: 16, ...opts }, (err, result) => (err ? reject(err) : resolvePromise(result)));
  });
}

const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds a process has used (all its threads), or undefined where /proc is missing. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

/** Resident set size of a process in MB, or undefined where /proc is missing. */
export function rssMb(pid) {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const verdict = (ok) => (ok ? 'met' : 'missed');

/** The middle of `xs` (the upper one of the two middle values for an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The p-th percentile of `xs` (nearest rank). */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Runs `fn` with a node-postgres client connected to `url`, and closes it after. */
export async function withClient(url, fn) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
