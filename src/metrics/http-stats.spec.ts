import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HttpStats } from './http-stats.js';

async function exposition(stats: HttpStats): Promise<string> {
  const registry = new Registry();
  stats.register(registry);
  return registry.metrics();
}

describe('HttpStats', () => {
  it('counts requests per method, route pattern and status', async () => {
    const stats = new HttpStats();
    stats.observe('GET', '/auth/api/users/:id', 200, 0.004);
    stats.observe('GET', '/auth/api/users/:id', 200, 0.02);
    stats.observe('GET', '/auth/api/users/:id', 404, 0.001);
    stats.observe('POST', '/auth/api/login', 401, 0.3);
    const text = await exposition(stats);
    expect(text).toContain('# TYPE http_requests_total counter');
    expect(text).toContain('http_requests_total{method="GET",route="/auth/api/users/:id",status="200"} 2');
    expect(text).toContain('http_requests_total{method="GET",route="/auth/api/users/:id",status="404"} 1');
    expect(text).toContain('http_requests_total{method="POST",route="/auth/api/login",status="401"} 1');
  });

  it('writes a cumulative histogram with +Inf, sum and count', async () => {
    const stats = new HttpStats();
    for (const seconds of [0.004, 0.005, 0.02, 0.3, 30]) stats.observe('GET', '/r', 200, seconds);
    const text = await exposition(stats);
    const bucket = (le: string) =>
      Number(
        new RegExp(
          `http_request_duration_seconds_bucket\\{[^}]*le="${le.replace('+', '\\+')}"\\} (\\S+)`,
        ).exec(text)![1],
      );
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(bucket('0.005')).toBe(2); // a value on a bound counts in that bucket
    expect(bucket('0.01')).toBe(2);
    expect(bucket('0.025')).toBe(3);
    expect(bucket('0.5')).toBe(4);
    expect(bucket('10')).toBe(4);
    expect(bucket('+Inf')).toBe(5);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/r",status="200"\} 5/);
    expect(text).toMatch(
      /http_request_duration_seconds_sum\{method="GET",route="\/r",status="200"\} 30\.329/,
    );
  });

  it('keeps the label set bounded: any unknown method counts as OTHER', async () => {
    const stats = new HttpStats();
    stats.observe('BREW', '/r', 405, 0.001);
    stats.observe('PROPFIND', '/r', 405, 0.001);
    const text = await exposition(stats);
    expect(text).toContain('http_requests_total{method="OTHER",route="/r",status="405"} 2');
    expect(text).not.toContain('BREW');
  });

  it('writes nothing but the headers before the first request', async () => {
    const text = await exposition(new HttpStats());
    expect(text).toContain('# HELP http_requests_total');
    expect(text).not.toMatch(/^http_requests_total/m);
  });
});
