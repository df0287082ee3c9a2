import type { Metric, MetricValue, Registry } from 'prom-client';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

interface Series {
  labels: { method: string; route: string; status: string };
  count: number;
  sum: number;
  /** Per bucket, not cumulative: the request path touches one slot; the scrape adds them up. */
  perBucket: Float64Array;
}

type Labels = Record<string, string | number>;

/**
 * HTTP request counts and durations by method, route pattern and status.
 * prom-client builds and hashes a label string on every observation; here a
 * request costs three map lookups, a bucket search and three additions, with
 * no allocation once its series exists. The registry reads the figures at
 * scrape time through two collector objects in prom-client's metric shape.
 */
export class HttpStats {
  private readonly byRoute = new Map<string, Map<string, Map<number, Series>>>();

  observe(rawMethod: string, route: string, status: number, seconds: number): void {
    // Bounded label values: any other method (a client may send anything) counts as OTHER.
    const method = HTTP_METHODS.has(rawMethod) ? rawMethod : 'OTHER';
    let byMethod = this.byRoute.get(route);
    if (!byMethod) this.byRoute.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) {
      series = {
        labels: { method, route, status: String(status) },
        count: 0,
        sum: 0,
        perBucket: new Float64Array(BUCKETS.length),
      };
      byStatus.set(status, series);
    }
    series.count++;
    series.sum += seconds;
    let i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]) i++;
    if (i < BUCKETS.length) series.perBucket[i]++;
  }

  register(registry: Registry): void {
    registry.registerMetric(
      this.collector(
        'http_requests_total',
        'HTTP requests answered, by method, route pattern and status',
        'counter',
        () => this.all().map((s) => ({ labels: s.labels, value: s.count })),
      ),
    );
    registry.registerMetric(
      this.collector(
        'http_request_duration_seconds',
        'Time from receiving a request to answering it, by method, route pattern and status',
        'histogram',
        () => this.all().flatMap((s) => histogramValues(s)),
      ),
    );
  }

  private all(): Series[] {
    const out: Series[] = [];
    for (const byMethod of this.byRoute.values()) {
      for (const byStatus of byMethod.values()) out.push(...byStatus.values());
    }
    return out;
  }

  private collector(
    name: string,
    help: string,
    type: 'counter' | 'histogram',
    values: () => MetricValue<string>[],
  ): Metric {
    const get = async () => ({ name, help, type, aggregator: 'sum' as const, values: values() });
    return { name, help, type, get, reset: () => this.byRoute.clear() } as unknown as Metric;
  }
}

function histogramValues(s: Series): (MetricValue<string> & { metricName: string })[] {
  const name = 'http_request_duration_seconds';
  const out: (MetricValue<string> & { metricName: string })[] = [];
  let cumulative = 0;
  for (let i = 0; i < BUCKETS.length; i++) {
    cumulative += s.perBucket[i];
    out.push({
      metricName: `${name}_bucket`,
      labels: { ...s.labels, le: BUCKETS[i] } as Labels,
      value: cumulative,
    });
  }
  out.push({ metricName: `${name}_bucket`, labels: { ...s.labels, le: '+Inf' } as Labels, value: s.count });
  out.push({ metricName: `${name}_sum`, labels: s.labels, value: s.sum });
  out.push({ metricName: `${name}_count`, labels: s.labels, value: s.count });
  return out;
}
