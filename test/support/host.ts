import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import {
  Controller,
  Get,
  HttpCode,
  type INestApplication,
  Module,
  Param,
  Post,
  type Type,
  UseGuards,
} from '@nestjs/common';
import { APP_FILTER, APP_PIPE, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { beforeAll, describe, expect, it } from 'vitest';
// Everything the host uses comes from the package's public API.
import {
  AllExceptionsFilter,
  AppCacheModule,
  AuditService,
  type AuthContext,
  AuthenticationGuard,
  createValidationPipe,
  CurrentUser,
  IAM_ENTITIES,
  IAM_MIGRATIONS,
  IamModule,
  type IamOptionsInput,
  PermissionsGuard,
  Public,
  RequirePermission,
} from '../../src/index.js';
import { type Backend, freshCache, freshDatabase } from './backends.js';
import { standIn, useFixture } from './fixture.js';
import { expectError } from './users.js';

export const HOST_ADMIN = {
  username: 'hostadmin',
  email: 'hostadmin@example.test',
  password: 'Host-Admin-Passw0rd!',
};
export const REPORTS_PERMISSION = { name: 'reports_data', description: 'Reports' };

/** The host's own controller, protected by the global guards. */
@Controller('reports')
export class ReportsController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequirePermission('reports_data')
  list(@CurrentUser() caller: AuthContext): { reports: string[]; for: string } {
    return { reports: ['q1', 'q2'], for: caller.username };
  }

  // One of the host's own actions, audited into the same chain as the IAM's.
  @Post(':id/export')
  @HttpCode(200)
  @RequirePermission('reports_data')
  async export(@Param('id') id: string, @CurrentUser() caller: AuthContext): Promise<{ exported: string }> {
    await this.audit.record({
      action: 'reports.exported',
      actor: { id: caller.userId, username: caller.username },
      target: { type: 'report', id, label: `Report ${id}` },
      outcome: 'success',
      details: { format: 'csv' },
    });
    return { exported: id };
  }
}

/** The same, for a host without global guards: it applies them itself, per controller. */
@Controller('guarded-reports')
@UseGuards(AuthenticationGuard, PermissionsGuard)
export class GuardedReportsController {
  @Get()
  @RequirePermission('reports_data')
  list(@CurrentUser() caller: AuthContext): { reports: string[]; for: string } {
    return { reports: ['q1'], for: caller.username };
  }
}

/** A host route left open by the host's own choice (no guard applies without global guards). */
@Controller('open')
export class OpenController {
  @Get()
  @Public()
  hello(): { hello: string } {
    return { hello: 'world' };
  }
}

export interface HostApp {
  app: INestApplication;
  http: () => TestAgent;
  close(): Promise<void>;
}

export interface HostOptions {
  adapter: 'express' | 'fastify';
  iam?: Omit<IamOptionsInput, 'jwt'>;
  controllers?: Type[];
  /** Through IamModule.forRootAsync (options from a factory) instead of forRoot. */
  viaFactory?: boolean;
}

/**
 * A host app for the tests of the enclosing describe: started before the
 * first of them, closed after the last. `options` may be a function, called in
 * that hook, when they depend on something made in an earlier one.
 */
export function useHostApp(options: HostOptions | (() => HostOptions)): HostApp {
  const { get, stop } = useFixture(
    'the host app',
    () => startHostApp(typeof options === 'function' ? options() : options),
    (host) => host.close(),
  );
  return standIn(get, { close: stop });
}

/** The host's own connection: PostgreSQL, or a PGlite it opens itself (one connection). */
function connection(database: Backend): { options: TypeOrmModuleOptions; close: () => Promise<void> } {
  const common = {
    type: 'postgres' as const,
    entities: [...IAM_ENTITIES],
    migrations: [...IAM_MIGRATIONS],
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
  };
  if (database.env.DATABASE_URL) {
    return { options: { ...common, url: database.env.DATABASE_URL }, close: async () => undefined };
  }
  const pglite = new PGlite(join(database.env.DATA_DIR, 'pgdata'), { extensions: { pg_trgm } });
  return {
    options: { ...common, extra: { ...createPgConfig(pglite), max: 1, idleTimeoutMillis: 0 } },
    close: () => pglite.close(),
  };
}

/**
 * A small NestJS application of its own on Express or Fastify that embeds
 * champa-iam the way the README shows: its TypeORM connection with the IAM
 * entities and migrations, the cache module, IamModule.forRoot with one
 * permission of its own, and its own controllers.
 */
export async function startHostApp(options: HostOptions): Promise<HostApp> {
  const database = await freshDatabase();
  const cache = await freshCache();
  const db = connection(database);
  const iam: IamOptionsInput = {
    jwt: { secret: randomBytes(32).toString('hex') },
    permissions: [REPORTS_PERMISSION],
    initialAdmin: HOST_ADMIN,
    rateLimit: { perMinute: 100_000, loginPerMinute: 100_000 },
    ...options.iam,
  };
  const { mountControllers, globalGuards, routePrefix, metrics, adminConsole } = iam;
  const shape = { mountControllers, globalGuards, routePrefix, metrics, adminConsole };

  @Module({
    imports: [
      TypeOrmModule.forRoot(db.options),
      AppCacheModule.forRoot({ redisUrl: cache.env.REDIS_URL, keyPrefix: cache.env.REDIS_KEY_PREFIX }),
      options.viaFactory
        ? IamModule.forRootAsync({ ...shape, useFactory: async () => iam })
        : IamModule.forRoot(iam),
    ],
    controllers: options.controllers ?? [ReportsController],
    providers: [
      { provide: APP_FILTER, useClass: AllExceptionsFilter },
      { provide: APP_PIPE, useFactory: createValidationPipe },
    ],
  })
  class HostModule {}

  const adapter = options.adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  const app = await NestFactory.create(HostModule, adapter, { logger: ['error'], abortOnError: false });
  await app.init();
  if (options.adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      await db.close();
      await database.dispose();
      await cache.dispose();
    },
  };
}

/** Logs in through the IAM's own POST /auth/api/login, as mounted in the host. */
export async function hostLogin(
  host: HostApp,
  username: string,
  password: string,
  prefix = '/auth/api',
): Promise<string> {
  const res = await host.http().post(`${prefix}/login`).send({ username, password });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}

/** A user made by the host's administrator through the IAM's API, with a password to log in with. */
export async function hostUser(
  host: HostApp,
  adminToken: string,
  role: string,
): Promise<{ username: string; password: string }> {
  const username = `host.${role}.${randomBytes(3).toString('hex')}`;
  const password = 'Marigold-Canoe-73';
  const res = await host
    .http()
    .post('/auth/api/users')
    .set('Authorization', `Bearer ${adminToken}`)
    .send({ username, email: `${username}@example.test`, password, role });
  if (res.status !== 201) throw new Error(`create ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return { username, password };
}

const bearerOf = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * What every host gets, on either adapter: a token from the IAM's login passes or fails on the
 * host's own controller as the roles say, and the host's own action lands in the audit chain.
 */
export function embeddingSuite(adapter: HostOptions['adapter']): void {
  describe(`a ${adapter} host embedding IamModule`, () => {
    const host = useHostApp({ adapter });
    let admin = '';
    let reporter = { username: '', password: '' };
    let viewer = { username: '', password: '' };

    beforeAll(async () => {
      admin = await hostLogin(host, HOST_ADMIN.username, HOST_ADMIN.password);
      const role = await host
        .http()
        .post('/auth/api/roles')
        .set(bearerOf(admin))
        .send({ name: 'reporter', displayName: 'Reporter', permissions: ['reports_data'] });
      expect(role.status, JSON.stringify(role.body)).toBe(201);
      reporter = await hostUser(host, admin, 'reporter');
      viewer = await hostUser(host, admin, 'viewer');
    });

    it("lists the host's permission beside the built-in ones", async () => {
      const res = await host.http().get('/auth/api/permissions').set(bearerOf(admin));
      expect(res.status).toBe(200);
      expect(res.body).toContainEqual({ ...REPORTS_PERMISSION, category: 'feature' });
    });

    it("lets a login token of a role holding reports_data through the host's controller: 200", async () => {
      const token = await hostLogin(host, reporter.username, reporter.password);
      const res = await host.http().get('/reports').set(bearerOf(token));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({ reports: ['q1', 'q2'], for: reporter.username });
    });

    it('refuses a viewer: 403 PERMISSION_DENIED, in the contract error body', async () => {
      const token = await hostLogin(host, viewer.username, viewer.password);
      const res = await host.http().get('/reports').set(bearerOf(token));
      expectError(res, 403, 'PERMISSION_DENIED');
      expect(res.body).toMatchObject({ statusCode: 403 });
    });

    it('refuses a request without a token, or with a forged one: 401 UNAUTHENTICATED', async () => {
      expectError(await host.http().get('/reports'), 401, 'UNAUTHENTICATED');
      const forged = await host.http().get('/reports').set(bearerOf('eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl'));
      expectError(forged, 401, 'UNAUTHENTICATED');
    });

    it('holds a change of the role on the very next request: 403 PERMISSION_DENIED', async () => {
      const token = await hostLogin(host, reporter.username, reporter.password);
      expect((await host.http().get('/reports').set(bearerOf(token))).status).toBe(200);
      const patched = await host
        .http()
        .patch('/auth/api/roles/reporter')
        .set(bearerOf(admin))
        .send({ permissions: ['health_monitor_data'] });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expectError(await host.http().get('/reports').set(bearerOf(token)), 403, 'PERMISSION_DENIED');
      await host
        .http()
        .patch('/auth/api/roles/reporter')
        .set(bearerOf(admin))
        .send({ permissions: ['reports_data'] })
        .expect(200);
    });

    it("audits the host's own action into the same chain, which still verifies", async () => {
      const token = await hostLogin(host, reporter.username, reporter.password);
      const res = await host.http().post('/reports/42/export').set(bearerOf(token));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const page = await host
        .http()
        .get('/auth/api/audit')
        .query({ action: 'reports.exported' })
        .set(bearerOf(admin));
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.items).toHaveLength(1);
      expect(page.body.items[0]).toMatchObject({
        action: 'reports.exported',
        actorUsername: reporter.username,
        targetType: 'report',
        targetId: '42',
        outcome: 'success',
        details: { format: 'csv' },
      });
      const logins = await host
        .http()
        .get('/auth/api/audit')
        .query({ action: 'auth.login' })
        .set(bearerOf(admin));
      expect(logins.body.items.length).toBeGreaterThan(0);
      const verify = await host.http().get('/auth/api/audit/verify').set(bearerOf(admin));
      expect(verify.status).toBe(200);
      expect(verify.body).toMatchObject({ ok: true, firstBrokenId: null });
      expect(verify.body.checked).toBeGreaterThan(1);
    });

    it("validates the IAM's routes by the contract: an unknown field is 400 VALIDATION_FAILED", async () => {
      const res = await host
        .http()
        .post('/auth/api/login')
        .send({ username: reporter.username, password: reporter.password, isAdmin: true });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toContainEqual(expect.objectContaining({ field: 'isAdmin' }));
    });
  });
}
