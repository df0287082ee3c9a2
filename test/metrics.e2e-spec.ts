import { beforeAll, describe, expect, it } from 'vitest';
import { loginRequest } from './support/auth.js';
import {
  adminToken,
  bearer,
  startTestApp,
  type TestApp,
  userWithToken,
  useTestApp,
} from './support/harness.js';
import { familiesOf, parseMetrics, type Sample, valueOf } from './support/metrics.js';
import { apiCallerWith, callerWith } from './support/roles.js';

const FAMILIES: Record<string, string> = {
  process_cpu_user_seconds_total: 'counter',
  process_resident_memory_bytes: 'gauge',
  nodejs_heap_size_used_bytes: 'gauge',
  nodejs_eventloop_lag_seconds: 'gauge',
  http_requests_total: 'counter',
  http_request_duration_seconds: 'histogram',
  iam_logins_total: 'counter',
  iam_lockouts_total: 'counter',
  iam_permission_denials_total: 'counter',
  iam_cache_hits_total: 'counter',
  iam_cache_misses_total: 'counter',
  iam_cache_hit_ratio: 'gauge',
  iam_active_sessions: 'gauge',
};

describe('GET /metrics', () => {
  const t = useTestApp();
  let admin: { userId: number; token: string };
  let scraperToken = '';

  async function scrape(
    app: TestApp = t,
    token = scraperToken,
  ): Promise<{ text: string; samples: Sample[] }> {
    const res = await app.http().get('/metrics').set(bearer(token));
    expect(res.status, res.text).toBe(200);
    return { text: res.text, samples: parseMetrics(res.text) };
  }

  beforeAll(async () => {
    admin = await adminToken(t);
    // What an operator sets up for Prometheus: a role with health_monitor_data + api_access, and an API user.
    await t
      .http()
      .post('/auth/api/roles')
      .set(bearer(admin.token))
      .send({
        name: 'metrics_reader',
        displayName: 'Metrics reader',
        permissions: ['health_monitor_data', 'api_access'],
      })
      .expect(201);
    const scraper = await t
      .http()
      .post('/auth/api/users')
      .set(bearer(admin.token))
      .send({
        username: 'prometheus_scraper',
        email: 'prometheus@example.test',
        role: 'metrics_reader',
        isApiUser: true,
        apiTokenTtlDays: 90,
      })
      .expect(201);
    scraperToken = scraper.body.apiToken;
  });

  describe('access', () => {
    it('answers 401 UNAUTHENTICATED without a token', async () => {
      const res = await t.http().get('/metrics');
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    it('answers 403 PERMISSION_DENIED to a session without health_monitor_data', async () => {
      const { token } = await callerWith(t, ['portfolio_data']);
      const res = await t.http().get('/metrics').set(bearer(token));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('PERMISSION_DENIED');
    });

    it('answers 403 API_ACCESS_REQUIRED to an API user whose role lacks api_access', async () => {
      const { token } = await apiCallerWith(t, ['health_monitor_data']);
      const res = await t.http().get('/metrics').set(bearer(token));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('API_ACCESS_REQUIRED');
    });

    it('lets the scraper API user in: 200, Prometheus text, never cached', async () => {
      const res = await t.http().get('/metrics').set(bearer(scraperToken));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(() => parseMetrics(res.text)).not.toThrow();
    });
  });

  it('holds every family: process, HTTP, logins, lockouts, denials, cache, sessions', async () => {
    const { text } = await scrape();
    const families = familiesOf(text);
    for (const [name, type] of Object.entries(FAMILIES)) expect(families.get(name), name).toBe(type);
  });

  it('moves with logins by outcome, a lockout, a denial, requests by route pattern and live sessions', async () => {
    const { token: deniedToken } = await callerWith(t, ['portfolio_data']);
    const before = (await scrape()).samples;

    expect((await loginRequest(t, 'admin', 'Wrong-Passw0rd!')).status).toBe(401);
    const ok = await loginRequest(t, 'admin', t.env.ADMIN_PASSWORD);
    expect(ok.status).toBe(200);
    // The fifth failure from one address locks the name there; the next attempt is refused unseen.
    for (let i = 0; i < 5; i++)
      expect((await loginRequest(t, 'metrics_victim', 'Guess-Passw0rd!')).status).toBe(401);
    const locked = await loginRequest(t, 'metrics_victim', 'Guess-Passw0rd!');
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('ACCOUNT_LOCKED');
    const denied = await t.http().get('/metrics').set(bearer(deniedToken));
    expect(denied.status).toBe(403);
    const missing = await t.http().get('/auth/api/users/987654').set(bearer(admin.token));
    expect(missing.status).toBe(404);
    expect((await t.http().get('/no/such/route').set(bearer(admin.token))).status).toBe(404);

    const { samples: after } = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);

    expect(delta('iam_logins_total', { outcome: 'success' })).toBe(1);
    expect(delta('iam_logins_total', { outcome: 'wrong_password' })).toBe(1);
    expect(delta('iam_logins_total', { outcome: 'unknown_user' })).toBe(5);
    expect(delta('iam_logins_total', { outcome: 'locked' })).toBe(1);
    expect(delta('iam_lockouts_total', { scope: 'address' })).toBe(1);
    expect(delta('iam_permission_denials_total', { code: 'PERMISSION_DENIED' })).toBe(1);
    expect(delta('iam_active_sessions')).toBe(1);

    const login = { method: 'POST', route: '/auth/api/login' };
    expect(delta('http_requests_total', { ...login, status: '200' })).toBe(1);
    expect(delta('http_requests_total', { ...login, status: '401' })).toBe(6);
    expect(delta('http_requests_total', { ...login, status: '429' })).toBe(1);
    expect(delta('http_request_duration_seconds_count', { ...login, status: '200' })).toBe(1);
    expect(delta('http_requests_total', { method: 'GET', route: '/metrics', status: '403' })).toBe(1);
    expect(delta('http_requests_total', { method: 'GET', route: '/auth/api/users/:id', status: '404' })).toBe(
      1,
    );
    expect(delta('http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    // By pattern, never by raw URL: the label set cannot grow with what clients send.
    expect(after.some((s) => /987654|no\/such/.test(s.labels.route ?? ''))).toBe(false);

    const reads = delta('iam_cache_hits_total') + delta('iam_cache_misses_total');
    expect(reads).toBeGreaterThan(0);
    const ratio = valueOf(after, 'iam_cache_hit_ratio');
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThanOrEqual(1);
  });

  // Last in this file: passport keeps one 'jwt' strategy per process, so once the second app has
  // booted, only its tokens verify.
  it('keeps a registry per application: another app in this process counts only its own', async () => {
    const mine = (await scrape()).samples;
    expect(valueOf(mine, 'iam_logins_total', { outcome: 'success' })).toBeGreaterThan(0);
    const other = await startTestApp();
    try {
      const { token } = await userWithToken(other, { role: 'viewer' });
      const { samples } = await scrape(other, token);
      expect(valueOf(samples, 'iam_logins_total', { outcome: 'success' })).toBe(0);
      expect(
        valueOf(samples, 'http_requests_total', { method: 'POST', route: '/auth/api/login', status: '200' }),
      ).toBe(0);
      expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });
});
