// `npm test`: unit and e2e suites on the embedded default (PGlite + in-process cache), then again on
// real PostgreSQL + Redis when TEST_DATABASE_URL / TEST_REDIS_URL (or DATABASE_URL / REDIS_URL) are set.
// Ends with one line "N passed, N failed" summed over the runs; exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const extraArgs = process.argv.slice(2);
const pgUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL || process.env.REDIS_URL;

// The suites spawn the built service (second-process and scale-out tests): build it when stale.
const build = spawnSync(process.execPath, ['scripts/build-if-needed.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const runs = [{ name: 'embedded (PGlite + in-process cache)', env: {} }];
if (pgUrl || redisUrl) {
  runs.push({
    name: `PostgreSQL${pgUrl ? '' : ' (not set)'} + Redis${redisUrl ? '' : ' (not set)'}`,
    env: {
      ...(pgUrl ? { TEST_DATABASE_URL: pgUrl } : {}),
      ...(redisUrl ? { TEST_REDIS_URL: redisUrl } : {}),
    },
  });
}

let passed = 0;
let failed = 0;
let broken = false;
const dir = mkdtempSync(join(tmpdir(), 'champa-iam-vitest-'));
for (const [i, run] of runs.entries()) {
  process.stdout.write(`\n=== Test run ${i + 1}/${runs.length}: ${run.name} ===\n`);
  const out = join(dir, `run-${i}.json`);
  // The suites own the backends: they never inherit the shell's DATABASE_URL / REDIS_URL.
  const env = {
    ...process.env,
    DATABASE_URL: '',
    REDIS_URL: '',
    TEST_DATABASE_URL: '',
    TEST_REDIS_URL: '',
    ...run.env,
  };
  const res = spawnSync(
    process.execPath,
    [
      'node_modules/vitest/vitest.mjs',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${out}`,
      ...extraArgs,
    ],
    { stdio: 'inherit', env },
  );
  try {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    if (report.numTotalTests === 0) broken = true;
    if (res.status !== 0 && report.numFailedTests === 0) broken = true; // a suite failed to load
  } catch {
    broken = true;
  }
  if (res.status !== 0) broken = true;
}
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 || broken ? 1 : 0);
