// `npm start` on a fresh clone: build once, and again whenever a source file is newer than the build;
// the same for the admin console (web/ into dist/web), where the checkout has one.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const entry = 'dist/service/main.js';

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    const st = statSync(path);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(path) : st.mtimeMs);
  }
  return newest;
}

const stale =
  !existsSync(entry) ||
  Math.max(newestMtime('src'), newestMtime('migrations'), statSync('package.json').mtimeMs) >
    statSync(entry).mtimeMs;

const webEntry = 'dist/web/index.html';
const webStale =
  existsSync('web') &&
  (!existsSync(webEntry) ||
    Math.max(newestMtime('web'), statSync('package.json').mtimeMs) > statSync(webEntry).mtimeMs);

/** Runs a build script; resolves when it succeeded, rejects when it failed. */
function run(script) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${script} failed (${signal ?? `exit code ${code}`})`)),
    );
  });
}

if (stale) process.stdout.write('building champa-iam…\n');
// Both at once: each leaves much of a core idle. JavaScript only (SWC) for the service: declarations and type
// checks come from `npm run build` and `npm run typecheck`.
const builds = [stale && run('scripts/build.mjs'), webStale && run('scripts/build-web.mjs')].filter(Boolean);
const outcomes = await Promise.allSettled(builds);
const failure = outcomes.find((o) => o.status === 'rejected');
if (failure) {
  process.stderr.write(`${failure.reason.message}\n`);
  process.exit(1);
}
