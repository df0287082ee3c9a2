// `npm start` on a fresh clone: build once, and again whenever a source file is newer than the build.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const entry = 'dist/src/main.js';

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
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
  process.stdout.write('Building champa-iam...\n');
  // JavaScript only (SWC): declarations and type checks come from `npm run build` and `npm run typecheck`.
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
