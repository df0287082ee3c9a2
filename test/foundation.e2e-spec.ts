import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RoleEntity } from '../src/roles/role.entity.js';
import { UserEntity } from '../src/users/user.entity.js';
import { freshCache, freshDatabase, UNREACHABLE_CACHE, usingPostgres } from './support/backends.js';
import { ADMIN_USERNAME, adminToken, bearer, startTestApp, useTestApp } from './support/harness.js';
import { runCli } from './support/cli.js';
import { runServiceToExit, type ServiceProcess, startServiceProcess } from './support/process.js';

describe('foundation', () => {
  const t = useTestApp();

  it('boots and reports ready with the database and cache up', async () => {
    const res = await t.http().get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.details.database.status).toBe('up');
    expect(res.body.details.cache.status).toBe('up');
    await t.http().get('/health/live').expect(200, { status: 'ok' });
  });

  it('seeds the four system roles with their fixed permissions, and the starter role api_user', async () => {
    const roles = await t.dataSource.getRepository(RoleEntity).find({ order: { name: 'ASC' } });
    expect(roles.map((r) => [r.name, r.isSystem, [...r.permissions].sort()])).toEqual([
      ['administrator', true, ['full_access']],
      ['api_user', false, ['api_access', 'health_monitor_data']],
      [
        'process_analyst',
        true,
        [
          'ai_analysis_data',
          'bpmn_analysis_data',
          'dmn_analysis_data',
          'extended_dashboard_data',
          'journey_analysis_data',
          'portfolio_data',
        ],
      ],
      ['process_operator', true, ['diff_tool_data', 'health_monitor_data', 'model_validation_data']],
      ['viewer', true, ['health_monitor_data', 'model_validation_data']],
    ]);
  });

  it('refuses to delete a system role even straight in SQL', async () => {
    await expect(t.dataSource.query(`DELETE FROM roles WHERE name = 'viewer'`)).rejects.toThrow(
      /cannot be deleted/,
    );
    await expect(
      t.dataSource.query(`UPDATE roles SET name = 'x_viewer' WHERE name = 'viewer'`),
    ).rejects.toThrow(/immutable/);
  });

  it('runs the migrations down and up again', async () => {
    const ds = t.dataSource;
    const count = ds.migrations.length;
    // Reverting the seed refuses while users hold its roles (the foreign key): start from no users.
    await ds.query('DELETE FROM users');
    for (let i = 0; i < count; i++) await ds.undoLastMigration({ transaction: 'each' });
    const tables = await ds.query(`SELECT to_regclass('public.users') AS users`);
    expect(tables[0].users).toBeNull();
    const ran = await ds.runMigrations({ transaction: 'each' });
    expect(ran).toHaveLength(count);
    // the four system roles and the starter role api_user
    expect(await ds.getRepository(RoleEntity).count()).toBe(5);
    // the data is gone with the down migrations; recreate the admin the way a boot does
    await t.app
      .get((await import('../src/users/bootstrap-admin.service.js')).BootstrapAdminService)
      .onApplicationBootstrap();
  });

  it('answers an unknown route with 404 in the error shape', async () => {
    const res = await t.http().get('/no/such/route').expect(404);
    expect(res.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      code: 'NOT_FOUND',
      message: 'Not found',
    });
  });

  it('answers malformed JSON with 400 VALIDATION_FAILED', async () => {
    const res = await t
      .http()
      .post('/health/live')
      .set('Content-Type', 'application/json')
      .send('{"broken":');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.statusCode).toBe(400);
  });

  it('answers a 2 MB body with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) });
    const res = await t.http().post('/health/live').set('Content-Type', 'application/json').send(big);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('sets security headers and no x-powered-by', async () => {
    const res = await t.http().get('/health/live').expect(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    // HSTS only where the request came over TLS (test/admin-console.e2e-spec.ts checks that side).
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('serves the OpenAPI document with the bearer scheme, and Swagger UI', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('champa-iam');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ui = await t.http().get('/docs').redirects(1);
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('keeps secrets out of the request log line', async () => {
    const { token } = await adminToken(t);
    await t
      .http()
      .get('/health/live?access_token=leaky-query-secret')
      .set(bearer(token))
      .set('Cookie', 'sid=cookie-secret');
    const lines = t.logs.filter((l) => l.includes('"path":"/health/live"'));
    expect(lines.length).toBeGreaterThan(0);
    const line = JSON.parse(lines.at(-1)!);
    expect(line).toMatchObject({ req: { method: 'GET', path: '/health/live' }, res: { statusCode: 200 } });
    expect(line.req.id).toBeTruthy();
    expect(typeof line.responseTime).toBe('number');
    const all = t.logs.join('\n');
    expect(all).not.toContain(token);
    expect(all).not.toContain('leaky-query-secret');
    expect(all).not.toContain('cookie-secret');
  });

  it('creates the initial administrator once, with the configured password', async () => {
    const admins = await t.dataSource
      .getRepository(UserEntity)
      .find({ where: { roleName: 'administrator' } });
    expect(admins).toHaveLength(1);
    expect(admins[0].username).toBe(ADMIN_USERNAME);
    expect(admins[0].mustChangePassword).toBe(false);
    expect(admins[0].passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});

describe('restart and initial administrator', () => {
  it('does not create a second administrator on restart; a generated password must be changed', async () => {
    const database = await freshDatabase();
    const cache = await freshCache();
    try {
      const first = await startTestApp({ database, cache, env: { ADMIN_PASSWORD: undefined } });
      const [admin] = await first.dataSource
        .getRepository(UserEntity)
        .find({ where: { roleName: 'administrator' } });
      expect(admin.mustChangePassword).toBe(true);
      await first.close();
      const second = await startTestApp({ database, cache, env: { ADMIN_PASSWORD: undefined } });
      expect(
        await second.dataSource.getRepository(UserEntity).count({ where: { roleName: 'administrator' } }),
      ).toBe(1);
      await second.close();
    } finally {
      await database.dispose();
      await cache.dispose();
    }
  });
});

describe('readiness without the cache', () => {
  it('answers /health/ready with 503 when Redis is unreachable', async () => {
    const t = await startTestApp({
      env: UNREACHABLE_CACHE,
    });
    try {
      const res = await t.http().get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(res.body.checks.cache.status).toBe('down');
      expect(res.body.checks.database.status).toBe('up');
      await t.http().get('/health/live').expect(200);
    } finally {
      await t.close();
    }
  });
});

// The lock guards the embedded data folder; with PostgreSQL there is no folder to lock.
if (!usingPostgres)
  describe('embedded data folder lock', () => {
    const IN_USE = /is in use by another champa-iam process/;
    // A line of a stack trace, as Node prints it.
    const STACK_LINE = /^\s+at .+/m;

    it('refuses a second process on the same DATA_DIR with its message alone, exit non-zero', async () => {
      const t = await startTestApp();
      try {
        const second = await runServiceToExit({ DATA_DIR: t.env.DATA_DIR, DATABASE_URL: '', REDIS_URL: '' });
        expect(second.code).not.toBe(0);
        expect(second.code).not.toBeNull();
        expect(second.output).toMatch(IN_USE);
        expect(second.output).not.toMatch(STACK_LINE);
        expect(second.output.trim().split('\n')).toHaveLength(1);
      } finally {
        await t.close();
      }
    }, 600_000);

    it('refuses a CLI command on a DATA_DIR in use the same way', async () => {
      const t = await startTestApp();
      try {
        const cli = await runCli(['verify-audit'], { DATA_DIR: t.env.DATA_DIR }, 300_000);
        expect(cli.code).toBe(1);
        expect(cli.stderr).toMatch(IN_USE);
        expect(`${cli.stdout}${cli.stderr}`).not.toMatch(STACK_LINE);
        expect(cli.stderr.trim().split('\n')).toHaveLength(1);
      } finally {
        await t.close();
      }
    }, 600_000);
  });

const cleanExit = (r: { code: number | null; signal: NodeJS.Signals | null }, sent: NodeJS.Signals) =>
  r.code === 0 || (r.code === null && r.signal === sent);

// The service as `npm start` runs it: SIGTERM closes HTTP, the database and the cache, and releases the data folder.
if (!usingPostgres)
  describe('process lifecycle (embedded)', () => {
    it('shuts down cleanly on SIGTERM and SIGINT, releasing DATA_DIR for the next process', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'champa-iam-proc-'));
      let first: ServiceProcess | undefined;
      let second: ServiceProcess | undefined;
      try {
        const env = {
          DATA_DIR: dir,
          ADMIN_PASSWORD: 'Adm1n-Test-Passw0rd!',
          DATABASE_URL: '',
          REDIS_URL: '',
        };
        first = await startServiceProcess(env);
        const ready = await fetch(`${first.url}/health/ready`);
        expect(ready.status).toBe(200);
        // The bundled service describes the same API as the application built from the sources: every
        // schema still named after its class, every route there.
        const served = await (await fetch(`${first.url}/docs-json`)).json();
        const fromSources = await startTestApp();
        try {
          expect(served).toEqual((await fromSources.http().get('/docs-json').expect(200)).body);
        } finally {
          await fromSources.close();
        }
        // Clean: every shutdown hook ran and the process ended on its own (Nest may re-raise the signal).
        expect(cleanExit(await first.stop('SIGTERM'), 'SIGTERM')).toBe(true);
        expect(first.output()).not.toMatch(/"level":50|ERROR/);
        second = await startServiceProcess(env);
        expect((await fetch(`${second.url}/health/ready`)).status).toBe(200);
        expect(cleanExit(await second.stop('SIGINT'), 'SIGINT')).toBe(true);
        expect(second.output()).not.toContain('initial administrator created');
      } finally {
        // Whatever failed above, neither server outlives the test.
        await first?.kill();
        await second?.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 900_000);
  });
