// `npm start` on a fresh clone: build once, and again whenever a source file is newer than the build;
// the same for the admin console (web/ into dist/web), where the checkout has one.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const entry = 'dist/src/main.js';

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

if (stale) {
  process.stdout.write('building champa-iam…\n');
  // JavaScript only (SWC): declarations and type checks come from `npm run build` and `npm run typecheck`.
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}

const webEntry = 'dist/web/index.html';
const webStale =
  existsSync('web') &&
  (!existsSync(webEntry) ||
    Math.max(newestMtime('web'), statSync('package.json').mtimeMs) > statSync(webEntry).mtimeMs);

if (webStale) execFileSync(process.execPath, ['scripts/build-web.mjs'], { stdio: 'inherit' });
