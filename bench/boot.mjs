// Boot time of the service on the embedded default: first start (new data folder: initdb, migrations,
// admin) and restart (same folder), each until /health/ready answers 200; and shutdown time on SIGTERM.
// Beside wall-clock time, the CPU time the service spent until ready (Linux), which a busy machine
// inflates far less than the wall clock.
// Usage: npm run build && node bench/boot.mjs [runs]   (BENCH_DIST=dist by default)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, serviceEntry, startFlags } from './lib/support.mjs';

const runs = Number(process.argv[2] ?? 3);

async function bootOnce(dataDir) {
  const started = performance.now();
  const child = spawn(process.execPath, [...startFlags, serviceEntry()], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      REDIS_URL: '',
      ADMIN_PASSWORD: 'Bench-Passw0rd-123',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let url;
  while (!url) {
    const m = /listening on (http:\/\/[^\s]+:\d+)/.exec(out);
    if (m) url = m[1];
    else if (child.exitCode !== null) throw new Error(out);
    else await new Promise((r) => setTimeout(r, 5));
  }
  for (;;) {
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const ready = performance.now() - started;
  const cpu = cpuMs(child.pid);
  const stopping = performance.now();
  child.kill('SIGTERM');
  await exited;
  return { ready, cpu, shutdown: performance.now() - stopping };
}

/** User + system CPU time of a process so far, in ms (Linux /proc; NaN elsewhere). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

const first = [];
const restart = [];
const shutdown = [];
const firstCpu = [];
const restartCpu = [];
const loadBefore = loadavg()[0];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'champa-iam-boot-'));
  try {
    const a = await bootOnce(dir);
    const b = await bootOnce(dir);
    first.push(a.ready);
    restart.push(b.ready);
    firstCpu.push(a.cpu);
    restartCpu.push(b.cpu);
    shutdown.push(a.shutdown, b.shutdown);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const verdict = (ms, target) => `${fmt(ms)}  (target < ${fmt(target)}: ${ms < target ? 'met' : 'missed'})`;
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}; ${runs} runs, medians; ` +
    `load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`,
);
console.log(`first start to ready:  ${verdict(median(first), 5000)}; CPU ${fmt(median(firstCpu))}`);
console.log(`restart to ready:      ${verdict(median(restart), 2000)}; CPU ${fmt(median(restartCpu))}`);
console.log(`shutdown on SIGTERM:   ${fmt(median(shutdown))}`);
