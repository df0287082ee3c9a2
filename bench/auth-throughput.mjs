// Throughput of the hot path against the framework it runs on, measured in one run: a bare Fastify 5 app
// (a JSON GET, Fastify's default request logging on, to /dev/null) that this script starts, the service's
// public GET /health/live and its authenticated GET /auth/api/me (JWT, caller state, rate limit,
// permission check), the service's access log on at info, also to /dev/null. Both servers run on core 0
// (taskset), this process generates the load on core 1. The routes run in alternating slices so that load
// drift on a shared machine hits all three alike. Then logins per CPU-second against argon2id's own
// ceiling, measured in a process of its own on the servers' core between slices of the logins, and the p99
// of guarded GETs under a login storm (timed from half a second into it) against idle.
//
// Targets: /me >= 0.40x bare; /health/live >= 0.60x bare; /me >= 0.85x /health/live; logins >= 60 per
// CPU-second and >= 0.8 of the hash's ceiling; guarded GET p99 under a login storm <= 3x idle.
//
// Usage: npm run build && node bench/auth-throughput.mjs [seconds per route, default 20]
//   BENCH_BACKEND=postgres|embedded   default postgres (BENCH_DATABASE_URL, BENCH_REDIS_URL: scratch database
//                                     and Redis prefix, dropped afterwards); the /me target is on PostgreSQL + Redis
//   BENCH_CONNECTIONS=<n>             concurrent connections (default 16)
//   BENCH_ROUNDS=<n>                  slices each route's time is cut into (default 10: the machine's speed can
//                                     drift by a third within seconds, and short alternating slices share it out)
//   BENCH_LOGINS=<n>                 logins counted (default 300)
//   BENCH_LOGIN_WARMUP=<n>           logins before them, not counted (default 900)
//   BENCH_PIN=0                       do not pin to cores
//   BENCH_NODE_ARGS="--cpu-prof ..."  extra node options for the service (profiling)
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ADMIN_PASSWORD,
  cpuSeconds,
  load,
  loadAverage,
  loginAs,
  median,
  pinLoadGenerator,
  pinning,
  requireBuild,
  spawnOnServerCore,
  startBareFastify,
  startService,
  verdict,
} from './lib/support.mjs';

const seconds = Number(process.argv[2] ?? 20);
const backend = process.env.BENCH_BACKEND ?? 'postgres';
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
const LOGIN_USERS = 32;
const loginWarmUp = Number(process.env.BENCH_LOGIN_WARMUP ?? 900);
/** How long the login storm runs before the guarded GETs beside it are timed. */
const STORM_LEAD_MS = 500;

requireBuild();
pinLoadGenerator();

async function sample(name, opts, pid, duration) {
  const cpuBefore = cpuSeconds(pid);
  const r = await load({ connections, ...opts, duration });
  const cpu = cpuBefore === undefined ? undefined : cpuSeconds(pid) - cpuBefore;
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > 0) console.warn(`  ${name}: ${bad} failed requests (non-2xx ${r.non2xx}, errors ${r.errors})`);
  return { ok: r['2xx'], duration: r.duration || duration, cpu, p50: r.latency.p50, p99: r.latency.p99 };
}

function summarize(samples) {
  const ok = samples.reduce((a, x) => a + x.ok, 0);
  const duration = samples.reduce((a, x) => a + x.duration, 0);
  const cpu = samples.some((x) => x.cpu === undefined) ? undefined : samples.reduce((a, x) => a + x.cpu, 0);
  return {
    rps: ok / duration,
    perCpu: cpu ? ok / cpu : undefined,
    p50: median(samples.map((x) => x.p50)),
    p99: Math.max(...samples.map((x) => x.p99)),
  };
}

/** Warm-up, then `rounds` slices of each phase's time; phases run alternately. A phase: [name, opts, pid]. */
async function measure(phases) {
  for (const [name, opts, pid] of phases) await sample(name, opts, pid, Math.max(2, Math.ceil(seconds / 3)));
  const slices = phases.map(() => []);
  const slice = Math.max(1, Math.round(seconds / rounds));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? phases.map((_, i) => i) : phases.map((_, i) => i).reverse();
    for (const i of order) slices[i].push(await sample(phases[i][0], phases[i][1], phases[i][2], slice));
  }
  return slices.map(summarize);
}

/**
 * argon2id alone, in a process of its own on the servers' core: asked for `times`, it runs that many
 * verifications with the default parameters (m=19456, t=2, p=1) and answers the CPU milliseconds they took.
 * Its own process, so that nothing else this script does is counted in them.
 */
const CEILING_SOURCE = `
const argon2 = require(process.env.ARGON2_PATH);
const password = process.env.ARGON2_PASSWORD;
const stored = argon2.hashSync(password, {
  algorithm: argon2.Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1,
});
argon2.verifySync(stored, password);
process.on('message', ({ times }) => {
  const before = process.cpuUsage();
  for (let i = 0; i < times; i++) argon2.verifySync(stored, password);
  const used = process.cpuUsage(before);
  process.send({ ms: (used.user + used.system) / 1000 });
});
process.send({ ready: true });
`;

async function startHashCeiling() {
  const child = spawnOnServerCore(['-e', CEILING_SOURCE], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      ARGON2_PATH: createRequire(import.meta.url).resolve('@node-rs/argon2'),
      ARGON2_PASSWORD: ADMIN_PASSWORD,
    },
  });
  // One question at a time: the answer settles it, and so does the process ending first.
  let pending;
  child.on('message', (message) => pending?.resolve(message));
  child.on('exit', (code) => pending?.reject(new Error(`the argon2id process ended (${code})`)));
  const answer = () => new Promise((resolve, reject) => (pending = { resolve, reject }));
  await answer();
  return {
    /** CPU milliseconds of `times` verifications. */
    async cpuMs(times) {
      const reply = answer();
      child.send({ times });
      return (await reply).ms;
    },
    stop() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

const loadAtStart = loadAverage();
const bare = await startBareFastify();
let service;
let ceilingProcess;
try {
  service = await startService(backend);
  const { url, pid } = service;
  const accessToken = await loginAs(url, 'admin', ADMIN_PASSWORD);
  const meOpts = { url: `${url}/auth/api/me`, headers: { authorization: `Bearer ${accessToken}` } };

  const [fastify, live, me] = await measure([
    ['bare Fastify GET /', { url: `${bare.url}/` }, bare.pid],
    ['GET /health/live', { url: `${url}/health/live` }, pid],
    ['GET /auth/api/me', meOpts, pid],
  ]);

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
  const loginOpts = {
    url: `${url}/auth/api/login`,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: users[next++ % users.length] }),
      },
    ],
  };
  // A fixed number of logins rather than a time: under a heavy machine load a slice can end before the first
  // of them does, and per CPU-second counts only what completed. They run in `rounds` slices, each followed
  // by a few verifications of the hash alone (its ceiling): the machine's speed drifts within a run, and the
  // logins and the ceiling they are judged against then meet the same stretches of it.
  const loginCount = Number(process.env.BENCH_LOGINS ?? 300);
  // The logins counted are a running service's, not a new process's: V8 compiles a login's functions with
  // its optimising compiler, on threads of the process's own, as each becomes hot, and at 50 logins a second
  // that takes several hundred logins (about 1 ms of those threads' CPU per login over the first 700, half
  // that after 900).
  await load({ ...loginOpts, connections, amount: loginWarmUp });
  ceilingProcess = await startHashCeiling();
  const loginSlices = [];
  const amount = Math.ceil(loginCount / rounds);
  const verificationsPerSlice = 3;
  let argon2CpuMs = 0;
  for (let round = 0; round < rounds; round++) {
    const cpuBefore = cpuSeconds(pid);
    const started = performance.now();
    // autocannon notices the last answer at its next sample: every 100 ms here rather than every second.
    const run = await load({ ...loginOpts, connections, amount, sampleInt: 100 });
    const wallSeconds = (performance.now() - started) / 1000;
    const cpu = cpuBefore === undefined ? undefined : cpuSeconds(pid) - cpuBefore;
    loginSlices.push({ run, wallSeconds, cpu });
    argon2CpuMs += await ceilingProcess.cpuMs(verificationsPerSlice);
  }
  const failedLogins = loginSlices.reduce((a, { run }) => a + run.non2xx + run.errors, 0);
  if (failedLogins > 0) console.warn(`  logins: ${failedLogins} failed`);
  const loginsOk = loginSlices.reduce((a, { run }) => a + run['2xx'], 0);
  const loginCpu = loginSlices.some(({ cpu }) => cpu === undefined)
    ? undefined
    : loginSlices.reduce((a, { cpu }) => a + cpu, 0);
  const logins = {
    rps: loginsOk / loginSlices.reduce((a, { wallSeconds }) => a + wallSeconds, 0),
    perCpu: loginCpu ? loginsOk / loginCpu : undefined,
    p50: median(loginSlices.map(({ run }) => run.latency.p50)),
    p99: Math.max(...loginSlices.map(({ run }) => run.latency.p99)),
  };
  const argon2Ms = argon2CpuMs / (rounds * verificationsPerSlice);

  // Guarded GETs at a modest steady rate, alone and then beside a login storm.
  const stormSeconds = Math.max(5, Math.round(seconds / 2));
  const steady = { ...meOpts, connections: 2, overallRate: 50, duration: stormSeconds };
  const idle = await load(steady);
  // The GETs are timed once the storm is under way. Its start (autocannon opening sixteen connections and
  // sending their first logins) keeps the load generator's own core busy for tens of milliseconds, and the
  // server's core idle; GETs timed across it would count the load generator's delay as the server's.
  // It lasts the lead and the GETs' seconds, and one more, so that it outlasts them.
  const stormRun = load({ ...loginOpts, duration: Math.ceil(STORM_LEAD_MS / 1000) + stormSeconds + 1 });
  await sleep(STORM_LEAD_MS);
  const storm = await load(steady);
  await stormRun;

  const perCpu = (m) => (m.perCpu === undefined ? 'n/a' : m.perCpu.toFixed(0));
  const row = (label, m) =>
    `  ${label.padEnd(36)} ${m.rps.toFixed(0).padStart(7)} req/s   ${perCpu(m).padStart(6)} per CPU-second   p50 ${String(m.p50).padStart(4)} ms   p99 ${String(m.p99).padStart(5)} ms`;
  // The verdicts are on requests per CPU-second of each server: on a shared machine a pinned server does
  // not get its core to itself, and CPU time counts what it used. Wall-clock ratios are printed beside.
  const ratio = (a, b) => (a.perCpu && b.perCpu ? a.perCpu / b.perCpu : a.rps / b.rps);
  const target = (label, value, wall, min) =>
    console.log(
      `  ${label.padEnd(44)} ${value.toFixed(2)}× per CPU-second (${wall.toFixed(2)}× wall)  target >= ${min}: ${verdict(value >= min)}`,
    );
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}; load average ${loadAtStart} at start, ${loadAverage()} at end`,
  );
  console.log(
    `service on ${backend === 'postgres' ? 'PostgreSQL + Redis' : 'embedded PGlite + in-process cache'}; ${pinning ? 'servers on core 0, load generator on core 1' : 'not pinned'}; ` +
      `${seconds} s per route in ${rounds} alternating slices after a warm-up, ${connections} connections; access logs on, to /dev/null`,
  );
  console.log(row('bare Fastify 5, JSON GET, default log', fastify));
  console.log(row('GET /health/live', live));
  console.log(row('GET /auth/api/me (session token)', me));
  console.log(row('POST /auth/api/login (argon2id)', logins));
  target('1. /auth/api/me vs bare Fastify', ratio(me, fastify), me.rps / fastify.rps, 0.4);
  target('2. /health/live vs bare Fastify', ratio(live, fastify), live.rps / fastify.rps, 0.6);
  target('3. /auth/api/me vs /health/live', ratio(me, live), me.rps / live.rps, 0.85);
  const ceiling = 1000 / argon2Ms;
  const loginsPerCpu = logins.perCpu ?? logins.rps;
  console.log(
    `  logins: ${loginsPerCpu.toFixed(1)} per CPU-second  target >= 60: ${verdict(loginsPerCpu >= 60)}`,
  );
  console.log(
    `  argon2id verify alone (m=19456, t=2, p=1): ${argon2Ms.toFixed(1)} ms CPU, ceiling ${ceiling.toFixed(1)} per CPU-second; ` +
      `logins at ${(loginsPerCpu / ceiling).toFixed(2)} of it  target >= 0.8: ${verdict(loginsPerCpu / ceiling >= 0.8)}`,
  );
  const stormRatio = storm.latency.p99 / Math.max(1, idle.latency.p99);
  console.log(
    `  guarded GET at 50 req/s: p99 ${idle.latency.p99} ms idle, ${storm.latency.p99} ms under a login storm: ${stormRatio.toFixed(2)}×  target <= 3: ${verdict(stormRatio <= 3)}`,
  );
} finally {
  ceilingProcess?.stop();
  await service?.close();
  await bare.stop();
}
