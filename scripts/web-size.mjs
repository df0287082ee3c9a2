// After `vite build`: the console's initial JavaScript (the entry script and what it preloads), gzipped.
// Fails the build when it passes the budget, so the sign-in screen stays quick to load.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 300;
const dir = process.argv[2] ?? 'dist/web';
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const files = [
  ...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g),
].map((m) => m[1].replace(/^.*?\/assets\//, 'assets/'));
let total = 0;
for (const file of new Set(files)) total += gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
const kb = total / 1024;
const verdict = kb <= BUDGET_KB ? 'met' : 'missed';
console.log(
  `admin console initial JavaScript: ${kb.toFixed(1)} KB gzipped (target ≤ ${BUDGET_KB} KB): ${verdict}`,
);
if (verdict === 'missed') process.exit(1);
