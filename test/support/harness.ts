import { randomBytes, randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Algorithm, hash } from '@node-rs/argon2';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { DataSource } from 'typeorm';
import { createApp, type CreateAppOptions } from '../../src/app.factory.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { SessionEntity } from '../../src/sessions/session.entity.js';
import { TokenService } from '../../src/tokens/token.service.js';
import { AppCache } from '../../src/cache/app-cache.js';
import { UserEntity } from '../../src/users/user.entity.js';
import { type Backend, freshCache, freshDatabase } from './backends.js';
import { standIn, useFixture } from './fixture.js';

export const ADMIN_USERNAME = 'admin';

// nestjs-pino keeps one request logger per process, bound to the first app's stream:
// every app of a test file therefore logs to this one sink.
const capturedLogs: string[] = [];
const logSink = new PassThrough();
logSink.on('data', (chunk: Buffer) =>
  capturedLogs.push(...chunk.toString('utf8').split('\n').filter(Boolean)),
);
export const ADMIN_PASSWORD = 'Adm1n-Test-Passw0rd!';

// One per test file: an app restarted on the same PostgreSQL database keeps verifying its chain.
const TEST_AUDIT_HMAC_KEY = randomBytes(32).toString('base64');
// Likewise: a restarted app still reads the TOTP secrets it stored.
const TEST_MFA_ENCRYPTION_KEY = randomBytes(32).toString('base64');

export interface TestApp {
  app: NestFastifyApplication;
  http: () => TestAgent;
  dataSource: DataSource;
  cache: AppCache;
  /** Every log line written since this app started, for secret-leak checks. */
  readonly logs: string[];
  env: Record<string, string>;
  /** Waits for detached audit writes. */
  flushAudit(): Promise<void>;
  close(): Promise<void>;
}

/** Sets env vars for the duration of `fn`, then restores them. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export interface StartOptions {
  /** Extra environment for this app (e.g. LOCKOUT_BASE_SECONDS). */
  env?: Record<string, string | undefined>;
  /** Reuse a database / cache (restart tests); by default each app gets fresh ones. */
  database?: Backend;
  cache?: Backend;
  /** Host-registered permissions and extra modules (a test controller), passed to createApp. */
  app?: Pick<CreateAppOptions, 'permissions' | 'extraModules' | 'adminConsole'>;
}

/**
 * Boots the real service (the same createApp, AppModule and migrations as
 * `npm start`) on a fresh database and cache key space.
 */
export async function startTestApp(options: StartOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await freshDatabase());
  const cacheBackend = options.cache ?? (await freshCache());
  const env: Record<string, string> = {
    LOG_LEVEL: 'info',
    ADMIN_USERNAME,
    ADMIN_PASSWORD,
    ADMIN_EMAIL: 'admin@example.test',
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
    ...database.env,
    ...cacheBackend.env,
  };
  if (env.DATABASE_URL) {
    env.JWT_SECRET = randomBytes(32).toString('hex');
    env.AUDIT_HMAC_KEY = TEST_AUDIT_HMAC_KEY;
    env.MFA_ENCRYPTION_KEY = TEST_MFA_ENCRYPTION_KEY;
  }
  const merged = {
    DATABASE_URL: undefined,
    REDIS_URL: undefined,
    JWT_SECRET: undefined,
    AUDIT_HMAC_KEY: undefined,
    MFA_ENCRYPTION_KEY: undefined,
    ...env,
    ...options.env,
  };
  const firstLine = capturedLogs.length;
  const app = await withEnv(merged, async () => {
    const a = await createApp({ ...options.app, logDestination: logSink });
    await a.init();
    await a.getHttpAdapter().getInstance().ready();
    return a;
  });
  const audit = app.get(AuditService);
  return {
    app,
    http: () => request(app.getHttpServer()),
    dataSource: app.get(DataSource),
    cache: app.get(AppCache),
    get logs() {
      return capturedLogs.slice(firstLine);
    },
    env: Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as unknown as Record<
      string,
      string
    >,
    flushAudit: () => audit.flush(),
    close: async () => {
      await app.close();
      if (!options.database) await database.dispose();
      if (!options.cache) await cacheBackend.dispose();
    },
  };
}

/**
 * One app for the tests of the enclosing describe: started before the first
 * of them, closed after the last. The answer stands for that app (it may be
 * passed wherever a TestApp is expected); `options` may be a function, called in
 * that hook, when they depend on something made there (a directory, a server).
 */
export function useTestApp(
  options: StartOptions | (() => StartOptions | Promise<StartOptions>) = {},
): TestApp {
  const { get, stop } = useFixture(
    'the test app',
    async () => startTestApp(typeof options === 'function' ? await options() : options),
    (app) => app.close(),
  );
  return standIn(get, { close: stop });
}

let cheapHash: Promise<string> | undefined;
/** A real argon2id hash with small parameters, so factories stay fast; login still verifies it. */
export function testPasswordHash(password = 'Test-Passw0rd!'): Promise<string> {
  if (password === 'Test-Passw0rd!') {
    cheapHash ??= hash(password, {
      algorithm: Algorithm.Argon2id,
      memoryCost: 1024,
      timeCost: 1,
      parallelism: 1,
    });
    return cheapHash;
  }
  return hash(password, { algorithm: Algorithm.Argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });
}

export interface UserSeed {
  username?: string;
  email?: string;
  role?: string;
  isActive?: boolean;
  isApiUser?: boolean;
  mustChangePassword?: boolean;
  password?: string;
}

/** Inserts a user directly into the test database. */
export async function createUserRow(t: TestApp, seed: UserSeed = {}): Promise<UserEntity> {
  const username = seed.username ?? `user_${randomBytes(4).toString('hex')}`;
  const repo = t.dataSource.getRepository(UserEntity);
  return repo.save(
    repo.create({
      username,
      email: seed.email ?? `${username}@example.test`,
      passwordHash: seed.isApiUser ? null : await testPasswordHash(seed.password),
      roleName: seed.role ?? 'viewer',
      isActive: seed.isActive ?? true,
      isApiUser: seed.isApiUser ?? false,
      apiTokenTtlDays: seed.isApiUser ? 30 : null,
      mustChangePassword: seed.mustChangePassword ?? false,
    }),
  );
}

/** A live session for a user and its bearer token, without going through /login. */
export async function sessionTokenFor(t: TestApp, userId: number, ttlSeconds = 3600): Promise<string> {
  const id = randomUUID();
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  await t.dataSource
    .getRepository(SessionEntity)
    .insert({ id, userId, expiresAt, rememberMe: false, ip: '127.0.0.1', userAgent: 'test' });
  return t.app.get(TokenService).signSession(userId, id, expiresAt);
}

/** A user with the given role and a session token for them. */
export async function userWithToken(
  t: TestApp,
  seed: UserSeed = {},
): Promise<{ user: UserEntity; token: string }> {
  const user = await createUserRow(t, seed);
  return { user, token: await sessionTokenFor(t, user.id) };
}

/** An API user with a current token (the users module issues them the same way). */
export async function apiUserWithToken(
  t: TestApp,
  seed: UserSeed & { expiresAt?: Date | null } = {},
): Promise<{ user: UserEntity; token: string; tokenId: string }> {
  const user = await createUserRow(t, { ...seed, isApiUser: true });
  const tokenId = randomUUID();
  const expiresAt = seed.expiresAt === undefined ? new Date(Date.now() + 30 * 86_400_000) : seed.expiresAt;
  await t.dataSource
    .getRepository(UserEntity)
    .update(user.id, { apiTokenId: tokenId, apiTokenExpiresAt: expiresAt });
  return { user, token: t.app.get(TokenService).signApiToken(user.id, tokenId, expiresAt), tokenId };
}

/** The seeded administrator's id and a session token for it. */
export async function adminToken(t: TestApp): Promise<{ userId: number; token: string }> {
  const admin = await t.dataSource.getRepository(UserEntity).findOneByOrFail({ username: ADMIN_USERNAME });
  // A year long: tests that move the service's clock by hours or weeks keep their administrator signed in.
  return { userId: admin.id, token: await sessionTokenFor(t, admin.id, 365 * 86_400) };
}

/**
 * The seeded administrator of the enclosing describe's app, looked up in a
 * beforeAll hook declared after that app's own; its fields are read in the tests.
 */
export function useAdmin(t: TestApp): { readonly userId: number; readonly token: string } {
  return standIn(useFixture('the administrator', () => adminToken(t)).get);
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
