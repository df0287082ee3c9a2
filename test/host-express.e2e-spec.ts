import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  embeddingSuite,
  GuardedReportsController,
  HOST_ADMIN,
  type HostApp,
  hostLogin,
  hostUser,
  OpenController,
  startHostApp,
} from './support/host.js';
import { parseMetrics, valueOf } from './support/metrics.js';
import { STUB_TITLE, type StubConsole, stubConsole } from './support/stub-console.js';

embeddingSuite('express');

describe('an express host without global guards, counting requests', () => {
  let host: HostApp;
  let admin = '';
  let viewer = '';
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    host = await startHostApp({
      adapter: 'express',
      iam: { globalGuards: false, metrics: true },
      controllers: [GuardedReportsController, OpenController],
    });
    admin = await hostLogin(host, HOST_ADMIN.username, HOST_ADMIN.password);
    const user = await hostUser(host, admin, 'viewer');
    viewer = await hostLogin(host, user.username, user.password);
  });
  afterAll(async () => {
    await host?.close();
  });

  it("leaves the host's unguarded routes to the host: 200 without a token", async () => {
    const res = await host.http().get('/open');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ hello: 'world' });
  });

  it('protects a controller the host guards with @UseGuards(AuthenticationGuard, PermissionsGuard)', async () => {
    const none = await host.http().get('/guarded-reports');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHENTICATED');
    const denied = await host.http().get('/guarded-reports').set(bearer(viewer));
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('PERMISSION_DENIED');
    const ok = await host.http().get('/guarded-reports').set(bearer(admin));
    expect(ok.status).toBe(200);
    expect(ok.body.for).toBe(HOST_ADMIN.username);
  });

  it('keeps the IAM routes themselves protected: 401 UNAUTHENTICATED, 403 PERMISSION_DENIED', async () => {
    const none = await host.http().get('/auth/api/users');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHENTICATED');
    const denied = await host.http().get('/auth/api/users').set(bearer(viewer));
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('PERMISSION_DENIED');
    expect((await host.http().get('/auth/api/users').set(bearer(admin))).status).toBe(200);
  });

  it('counts requests by Express route pattern and status at GET /metrics (health_monitor_data)', async () => {
    const none = await host.http().get('/metrics');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHENTICATED');
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
  let host: HostApp;
  let stub: StubConsole;

  beforeAll(async () => {
    stub = stubConsole();
    host = await startHostApp({ adapter: 'express', iam: { adminConsole: { root: stub.root } } });
  });
  afterAll(async () => {
    await host?.close();
    stub?.dispose();
  });

  it('redirects / to /admin/ (302), and /admin to /admin/', async () => {
    const root = await host.http().get('/');
    expect(root.status).toBe(302);
    expect(root.headers.location).toBe('/admin/');
    const bare = await host.http().get('/admin');
    expect(bare.status).toBe(302);
    expect(bare.headers.location).toBe('/admin/');
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
    const res = await host.http().get('/reports');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });
});

describe('an express host without adminConsole', () => {
  let host: HostApp;

  beforeAll(async () => {
    host = await startHostApp({ adapter: 'express' });
  });
  afterAll(async () => {
    await host?.close();
  });

  it('serves no console and leaves / to the host: 404 for both', async () => {
    expect((await host.http().get('/admin/')).status).toBe(404);
    expect((await host.http().get('/')).status).toBe(404);
  });
});
