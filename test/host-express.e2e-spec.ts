import { beforeAll, describe, expect, it } from 'vitest';
import {
  embeddingSuite,
  GuardedReportsController,
  HOST_ADMIN,
  hostLogin,
  hostUser,
  OpenController,
  useHostApp,
} from './support/host.js';
import { parseMetrics, valueOf } from './support/metrics.js';
import { expectRedirect, STUB_TITLE, useStubConsole } from './support/stub-console.js';
import { expectError } from './support/users.js';

embeddingSuite('express');

describe('an express host without global guards, counting requests', () => {
  const host = useHostApp({
    adapter: 'express',
    iam: { globalGuards: false, metrics: true },
    controllers: [GuardedReportsController, OpenController],
  });
  let admin = '';
  let viewer = '';
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    admin = await hostLogin(host, HOST_ADMIN.username, HOST_ADMIN.password);
    const user = await hostUser(host, admin, 'viewer');
    viewer = await hostLogin(host, user.username, user.password);
  });

  it("leaves the host's unguarded routes to the host: 200 without a token", async () => {
    const res = await host.http().get('/open');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ hello: 'world' });
  });

  it('protects a controller the host guards with @UseGuards(AuthenticationGuard, PermissionsGuard)', async () => {
    expectError(await host.http().get('/guarded-reports'), 401, 'UNAUTHENTICATED');
    expectError(await host.http().get('/guarded-reports').set(bearer(viewer)), 403, 'PERMISSION_DENIED');
    const ok = await host.http().get('/guarded-reports').set(bearer(admin));
    expect(ok.status).toBe(200);
    expect(ok.body.for).toBe(HOST_ADMIN.username);
  });

  it('keeps the IAM routes themselves protected: 401 UNAUTHENTICATED, 403 PERMISSION_DENIED', async () => {
    expectError(await host.http().get('/auth/api/users'), 401, 'UNAUTHENTICATED');
    expectError(await host.http().get('/auth/api/users').set(bearer(viewer)), 403, 'PERMISSION_DENIED');
    expect((await host.http().get('/auth/api/users').set(bearer(admin))).status).toBe(200);
  });

  it('counts requests by Express route pattern and status at GET /metrics (health_monitor_data)', async () => {
    expectError(await host.http().get('/metrics'), 401, 'UNAUTHENTICATED');
    expect((await host.http().get('/auth/api/users/424242').set(bearer(admin))).status).toBe(404);
    const res = await host.http().get('/metrics').set(bearer(admin));
    expect(res.status).toBe(200);
    const samples = parseMetrics(res.text);
    const count = (method: string, route: string, status: string) =>
      valueOf(samples, 'http_requests_total', { method, route, status });
    expect(count('GET', '/open', '200')).toBe(1);
    expect(count('GET', '/guarded-reports', '401')).toBe(1);
    expect(count('GET', '/guarded-reports', '403')).toBe(1);
    expect(count('GET', '/auth/api/users/:id', '404')).toBe(1);
    expect(count('POST', '/auth/api/login', '200')).toBe(2);
    expect(valueOf(samples, 'iam_logins_total', { outcome: 'success' })).toBe(2);
    expect(samples.some((s) => (s.labels.route ?? '').includes('424242'))).toBe(false);
  });
});

describe('an express host serving the admin console (adminConsole given)', () => {
  const stub = useStubConsole();
  const host = useHostApp(() => ({ adapter: 'express', iam: { adminConsole: { root: stub.root } } }));

  it('redirects / to /admin/ (302), and /admin to /admin/', async () => {
    expectRedirect(await host.http().get('/'), '/admin/');
    expectRedirect(await host.http().get('/admin'), '/admin/');
  });

  it('answers /admin/ and a deep link with index.html (no-store), without a token', async () => {
    for (const path of ['/admin/', '/admin/users/5']) {
      const res = await host.http().get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type'], path).toMatch(/^text\/html/);
      expect(res.headers['cache-control'], path).toBe('no-store');
      expect(res.text, path).toContain(STUB_TITLE);
    }
  });

  it('serves the hashed bundle immutable, and a missing one as the JSON 404', async () => {
    const res = await host.http().get(`/admin/${stub.bundle}`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await host.http().get('/admin/assets/app-00000000.js');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it("keeps the host's own routes protected", async () => {
    expectError(await host.http().get('/reports'), 401, 'UNAUTHENTICATED');
  });
});

describe('an express host without adminConsole', () => {
  const host = useHostApp({ adapter: 'express' });

  it('serves no console and leaves / to the host: 404 for both', async () => {
    expect((await host.http().get('/admin/')).status).toBe(404);
    expect((await host.http().get('/')).status).toBe(404);
  });
});
