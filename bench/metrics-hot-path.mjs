// What the metrics cost: the per-request work (IamMetrics.observeHttp: one map lookup, a counter
// increment and a histogram observation) against an empty call, and a scrape's rendering time
// with a realistic label set. Prints ns per request and ms per scrape, measured in this run.
// Usage: npm run build && node bench/metrics-hot-path.mjs [requests]   (BENCH_DIST=… for another build)
import 'reflect-metadata';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.env.BENCH_DIST ?? 'dist';
const requests = Number(process.argv[2] ?? 2_000_000);
const { IamMetrics } = await import(pathToFileURL(resolve(dist, 'src/metrics/iam-metrics.js')).href);

// 23 route patterns x a few statuses, as the service has.
const routes = Array.from({ length: 23 }, (_, i) => `/auth/api/route${i}/:id`);
const statuses = [200, 201, 204, 400, 401, 403, 404];
const methods = ['GET', 'POST', 'PATCH', 'DELETE'];

function run(fn) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < requests; i++)
    fn(methods[i & 3], routes[i % 23], statuses[i % 7], 0.003 + (i % 50) / 1000);
  return Number(process.hrtime.bigint() - start) / requests;
}

const metrics = new IamMetrics();
let sink = 0;
const empty = (m, r, s, d) => {
  sink += s + d + m.length + r.length;
};
// Warm up both, then measure each twice and keep the better run.
run(empty);
run((m, r, s, d) => metrics.observeHttp(m, r, s, d));
const baseline = Math.min(run(empty), run(empty));
const observed = Math.min(
  run((m, r, s, d) => metrics.observeHttp(m, r, s, d)),
  run((m, r, s, d) => metrics.observeHttp(m, r, s, d)),
);

const scrapes = [];
for (let i = 0; i < 50; i++) {
  const start = process.hrtime.bigint();
  await metrics.render();
  scrapes.push(Number(process.hrtime.bigint() - start) / 1e6);
}
scrapes.sort((a, b) => a - b);
const text = await metrics.render();

console.log(`requests observed:          ${requests.toLocaleString('en')}`);
console.log(`empty call:                 ${baseline.toFixed(1)} ns/request`);
console.log(
  `observeHttp:                ${observed.toFixed(1)} ns/request (${(observed - baseline).toFixed(1)} ns over the empty call)`,
);
console.log(
  `scrape render (${text.split('\n').length} lines): p50 ${scrapes[25].toFixed(2)} ms, p95 ${scrapes[47].toFixed(2)} ms`,
);
if (sink === -1) console.log(sink);
