// Boot time of the service on the embedded default: first start (new data folder: initdb, migrations,
// admin) and restart (same folder), each until /health/ready answers 200; and shutdown time on SIGTERM.
// Usage: npm run build && node bench/boot.mjs [runs]   (BENCH_DIST=dist by default)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const dist = process.env.BENCH_DIST ?? 'dist';
const runs = Number(process.argv[2] ?? 3);

async function bootOnce(dataDir) {
  const started = performance.now();
  const child = spawn(process.execPath, [join(dist, 'src/main.js')], {
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
  const stopping = performance.now();
  child.kill('SIGTERM');
  await exited;
  return { ready, shutdown: performance.now() - stopping };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const first = [];
const restart = [];
const shutdown = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'champa-iam-boot-'));
  try {
    const a = await bootOnce(dir);
    const b = await bootOnce(dir);
    first.push(a.ready);
    restart.push(b.ready);
    shutdown.push(a.shutdown, b.shutdown);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}; ${runs} runs, medians`,
);
console.log(
  `first start to ready:  ${fmt(median(first))}  (target < 5 s: ${(median(first) / 5000).toFixed(2)} of the budget)`,
);
console.log(
  `restart to ready:      ${fmt(median(restart))}  (target < 2 s: ${(median(restart) / 2000).toFixed(2)} of the budget)`,
);
console.log(`shutdown on SIGTERM:   ${fmt(median(shutdown))}`);
