import { describe, expect, it } from 'vitest';
import { PermissionsService, UsersService } from '../src/index.js';
import { embeddingSuite, HOST_ADMIN, hostLogin, useHostApp } from './support/host.js';
import { STUB_TITLE, useStubConsole } from './support/stub-console.js';
import { expectError } from './support/users.js';

embeddingSuite('fastify');

describe('a fastify host using the services only (mountControllers: false)', () => {
  const host = useHostApp({ adapter: 'fastify', iam: { mountControllers: false } });

  it('mounts none of the IAM routes: 404', async () => {
    for (const [method, path] of [
      ['post', '/auth/api/login'],
      ['get', '/auth/api/users'],
      ['get', '/auth/api/roles'],
      ['get', '/auth/api/audit/verify'],
    ] as const) {
      expectError(await host.http()[method](path), 404, 'NOT_FOUND', path);
    }
  });

  it("still guards the host's routes (401 UNAUTHENTICATED) and serves the services", async () => {
    expectError(await host.http().get('/reports'), 401, 'UNAUTHENTICATED');
    const users = await host.app.get(UsersService).list({ search: HOST_ADMIN.username });
    expect(users.items.map((u) => u.username)).toEqual([HOST_ADMIN.username]);
    const permissions = host.app.get(PermissionsService);
    expect(await permissions.userHasPermission(users.items[0].id, 'reports_data')).toBe(true);
    expect(await permissions.userHasPermission(424242, 'reports_data')).toBe(false);
  });
});

describe('a fastify host configured by a factory, with its own route prefix and console path', () => {
  const stub = useStubConsole('iam/console');
  const host = useHostApp(() => ({
    adapter: 'fastify',
    viaFactory: true,
    iam: {
      routePrefix: '/iam/v1/',
      adminConsole: { path: 'iam/console', root: stub.root, redirectRoot: false },
    },
  }));

  it('serves the console at its path, and leaves / to the host', async () => {
    const page = await host.http().get('/iam/console/users/5');
    expect(page.status).toBe(200);
    expect(page.text).toContain(STUB_TITLE);
    // The console's API calls follow the routes to where the host mounted them.
    expect(page.text).toContain('<meta name="champa-iam-api-prefix" content="/iam/v1" />');
    const bundle = await host.http().get(`/iam/console/${stub.bundle}`);
    expect(bundle.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await host.http().get('/iam/console/assets/none.js')).status).toBe(404);
    expect((await host.http().get('/')).status).toBe(404);
  });

  it('mounts the IAM routes under the prefix, and nowhere else', async () => {
    expectError(await host.http().post('/auth/api/login').send(HOST_ADMIN), 404, 'NOT_FOUND');
    const res = await host
      .http()
      .post('/iam/v1/login')
      .send({ username: HOST_ADMIN.username, password: HOST_ADMIN.password });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const me = await host
      .http()
      .get('/iam/v1/me')
      .set({ Authorization: `Bearer ${res.body.accessToken}` });
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe(HOST_ADMIN.username);
  });

  it('lets a token from the prefixed login through the host controller (200), and refuses none (401)', async () => {
    const token = await hostLogin(host, HOST_ADMIN.username, HOST_ADMIN.password, '/iam/v1');
    const ok = await host
      .http()
      .get('/reports')
      .set({ Authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expectError(await host.http().get('/reports'), 401, 'UNAUTHENTICATED');
  });
});
