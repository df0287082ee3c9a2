// Resident memory of the service under the guard load: authenticated GET /auth/api/me for a given time,
// the service's RSS sampled every second. Prints the peak and the last sample against the targets:
// < 250 MB on PostgreSQL + Redis, < 450 MB on the embedded default.
//
// Usage: npm run build && node bench/rss.mjs [seconds, default 300]
//   BENCH_BACKEND=postgres|embedded|both   default both, one after the other
//   BENCH_CONNECTIONS=<n>                  concurrent connections (default 16)
//   BENCH_DATABASE_URL, BENCH_REDIS_URL    as for auth-throughput.mjs
import {
  ADMIN_PASSWORD,
  load,
  loadAverage,
  loginAs,
  pinLoadGenerator,
  requireBuild,
  rssMb,
  startService,
  verdict,
} from './lib/support.mjs';

const seconds = Number(process.argv[2] ?? 300);
const which = process.env.BENCH_BACKEND ?? 'both';
const backends = which === 'both' ? ['postgres', 'embedded'] : [which];
const TARGET_MB = { postgres: 250, embedded: 450 };

requireBuild();
pinLoadGenerator();

for (const backend of backends) {
  const loadAtStart = loadAverage();
  const service = await startService(backend);
  try {
    const token = await loginAs(service.url, 'admin', ADMIN_PASSWORD);
    const atStart = rssMb(service.pid);
    let peak = atStart ?? 0;
    let last = atStart;
    const timer = setInterval(() => {
      last = rssMb(service.pid);
      if (last !== undefined) peak = Math.max(peak, last);
    }, 1000);
    const r = await load({
      url: `${service.url}/auth/api/me`,
      headers: { authorization: `Bearer ${token}` },
      connections: Number(process.env.BENCH_CONNECTIONS ?? 16),
      duration: seconds,
    });
    clearInterval(timer);
    const bad = r.non2xx + r.errors + r.timeouts;
    console.log(
      `${backend === 'postgres' ? 'PostgreSQL + Redis' : 'embedded PGlite'}: ${seconds} s of GET /auth/api/me, ${r['2xx']} answered (${bad} failed), ` +
        `load average ${loadAtStart} at start, ${loadAverage()} at end`,
    );
    console.log(
      `  RSS ${atStart?.toFixed(0)} MB after the boot, peak ${peak.toFixed(0)} MB, last ${last?.toFixed(0)} MB  ` +
        `target < ${TARGET_MB[backend]} MB: ${verdict(peak < TARGET_MB[backend])}`,
    );
  } finally {
    await service.close();
  }
}
