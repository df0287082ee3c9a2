// The cost of one access-log line, as the service writes it on every request: the previous setup
// (path redaction with wildcards over every log object, synchronous writes) against the current one
// (the serializers pick the fields, asynchronous writes), both to /dev/null, in alternating slices so
// that load drift hits both alike. Prints µs of CPU per line for each and their ratio.
// Usage: npm run build && node bench/access-log.mjs [lines per slice]   (BENCH_DIST=dist by default)
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { median } from './lib/support.mjs';

const dist = resolve(process.env.BENCH_DIST ?? 'dist');
const LINES = Number(process.argv[2] ?? 50_000);
const SLICES = 6;
const { loggerParams } = await import(pathToFileURL(resolve(dist, 'src/common/logging.js')).href);

const params = loggerParams('info', false).pinoHttp;
const serializers = params.serializers;
// The redaction the service used before: header paths and wildcards over every object.
const REDACT_BEFORE = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.temporaryPassword',
  '*.accessToken',
  '*.apiToken',
  '*.token',
  '*.passwordHash',
];

const syncOut = pino.destination({ dest: '/dev/null', sync: true });
const asyncOut = pino.destination({ dest: '/dev/null', sync: false });
await new Promise((r) => asyncOut.once('ready', r));
const before = {
  log: pino({ serializers, redact: { paths: REDACT_BEFORE, censor: '[redacted]' } }, syncOut),
  out: syncOut,
};
const after = { log: pino({ serializers }, asyncOut), out: asyncOut };

// What pino-http logs when a response finishes.
const req = {
  id: '7f1c2d3e-0000-4000-8000-000000000000',
  method: 'GET',
  url: '/auth/api/me',
  headers: { authorization: 'Bearer x.y.z', 'user-agent': 'bench/1.0', accept: 'application/json' },
};
const res = { statusCode: 200, headers: { 'content-type': 'application/json' } };

// Timed until every line is written, so the asynchronous writes are paid for inside the slice.
async function slice({ log, out }) {
  const t0 = process.cpuUsage();
  for (let i = 0; i < LINES; i++) log.info({ req, res, responseTime: 1 }, 'request completed');
  await new Promise((r) => out.flush(r));
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / LINES;
}

const us = { before: [], after: [] };
for (let i = 0; i < SLICES; i++) {
  us.before.push(await slice(before));
  us.after.push(await slice(after));
}
const b = median(us.before);
const a = median(us.after);
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}; load average ${loadavg()[0].toFixed(1)}; ` +
    `${SLICES} slices of ${LINES} lines each, medians`,
);
console.log(`before (wildcard redaction, synchronous):   ${b.toFixed(2)} µs CPU per line`);
console.log(`after (serializers only, asynchronous):    ${a.toFixed(2)} µs CPU per line`);
console.log(
  `after / before: ${(a / b).toFixed(2)}  (this change's goal ≤ 0.5: ${a / b <= 0.5 ? 'met' : 'missed'})`,
);
