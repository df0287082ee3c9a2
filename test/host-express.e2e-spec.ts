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
