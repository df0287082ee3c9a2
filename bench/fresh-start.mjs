// A newcomer's first `npm start`: the repository's last commit cloned into a scratch folder, `npm ci` there
// (not timed), then `npm start` timed from its launch to the line that says the service is listening. That
// start builds the service and the console and prepares the embedded database's image before it boots, as
// on any fresh clone. Target: under 12 s.
// Usage: node bench/fresh-start.mjs [runs]   (each run clones and installs afresh)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadAverage, median, verdict } from './lib/support.mjs';

const TARGET_S = 12;
const runs = Number(process.argv[2] ?? 1);
const repo = resolve('.');
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
const seconds = (ms) => (ms / 1000).toFixed(2);

/** `npm start` in `dir` until it says it listens: the build's end and the ready line, in ms from the launch. */
async function timeStart(dir, dataDir) {
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: dir,
    // Its own process group, so the service that npm starts is stopped with it.
    detached: true,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    let built;
    return await new Promise((resolveTimes, reject) => {
      const onData = (data) => {
        out += data;
        // npm announces the start script once the prestart build is done.
        if (built === undefined && /^> \S+ start$/m.test(out)) built = performance.now() - started;
        if (/listening on http/.test(out)) resolveTimes({ built, ready: performance.now() - started });
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => reject(new Error(`npm start ended (${code}) before it listened:\n${out}`)));
    });
  } finally {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    if (child.exitCode === null) await new Promise((r) => child.on('exit', r));
  }
}

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, node ${process.version}; commit ${commit}; ` +
    `load average ${loadAverage()} at start`,
);
const results = [];
for (let i = 0; i < runs; i++) {
  const scratch = mkdtempSync(join(tmpdir(), 'champa-iam-fresh-'));
  try {
    const dir = join(scratch, 'clone');
    execFileSync('git', ['clone', '--quiet', repo, dir]);
    const installStarted = performance.now();
    execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      stdio: 'ignore',
    });
    const install = performance.now() - installStarted;
    const times = await timeStart(dir, join(scratch, 'data'));
    results.push(times.ready);
    console.log(
      `run ${i + 1}: npm ci ${seconds(install)} s (not counted); npm start to listening ${seconds(times.ready)} s ` +
        `(build and image ${seconds(times.built)} s, then the first boot ${seconds(times.ready - times.built)} s)`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
const middle = median(results);
console.log(
  `fresh clone, npm start to listening: ${seconds(middle)} s${runs > 1 ? ` (median of ${runs})` : ''}  ` +
    `target < ${TARGET_S} s: ${verdict(middle < TARGET_S * 1000)}; load average ${loadAverage()} at end`,
);
