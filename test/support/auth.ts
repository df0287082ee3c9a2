import { randomBytes, randomUUID } from 'node:crypto';
import { createClient } from '@redis/client';
import { expect } from 'vitest';
import { TokenService } from '../../src/tokens/token.service.js';
import { RoleEntity } from '../../src/roles/role.entity.js';
import { UserEntity } from '../../src/users/user.entity.js';
import { usingRedis } from './backends.js';
import { bearer, createUserRow, type TestApp, type UserSeed } from './harness.js';

export interface LoginOptions {
  rememberMe?: boolean;
  /** Client address, sent as X-Forwarded-For (the app must run with TRUST_PROXY=true). */
  ip?: string;
  userAgent?: string;
}

/** POST /auth/api/login; returns the raw response (status, body, headers). */
export function loginRequest(t: TestApp, username: string, password: string, options: LoginOptions = {}) {
  const req = t.http().post('/auth/api/login');
  if (options.ip) req.set('X-Forwarded-For', options.ip);
  if (options.userAgent) req.set('User-Agent', options.userAgent);
  const body: Record<string, unknown> = { username, password };
  if (options.rememberMe !== undefined) body.rememberMe = options.rememberMe;
  return req.send(body);
}

/** Logs in and returns the session token; fails the test unless the login answers 200. */
export async function login(
  t: TestApp,
  username: string,
  password: string,
  options: LoginOptions = {},
): Promise<string> {
  const res = await loginRequest(t, username, password, options);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.accessToken as string;
}

/** Header and payload of a JWT, without checking anything. */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [h, p] = token.split('.');
  const part = (s: string) =>
    JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: part(h), payload: part(p) };
}

/** A role straight in the database (e.g. one holding api_access, which no system role has). */
export async function createRoleRow(t: TestApp, permissions: string[], name?: string): Promise<RoleEntity> {
  const repo = t.dataSource.getRepository(RoleEntity);
  const roleName = name ?? `role_${randomBytes(4).toString('hex')}`;
  return repo.save(
    repo.create({ name: roleName, displayName: roleName, description: '', permissions, isSystem: false }),
  );
}

/** An API user with a current token (the users module issues them the same way). */
export async function apiUserWithToken(
  t: TestApp,
  seed: UserSeed & { expiresAt?: Date | null } = {},
): Promise<{ user: UserEntity; token: string; tokenId: string }> {
  const user = await createUserRow(t, { ...seed, isApiUser: true });
  const tokenId = randomUUID();
  const expiresAt = seed.expiresAt === undefined ? new Date(Date.now() + 30 * 86400_000) : seed.expiresAt;
  await t.dataSource
    .getRepository(UserEntity)
    .update(user.id, { apiTokenId: tokenId, apiTokenExpiresAt: expiresAt });
  return { user, token: t.app.get(TokenService).signApiToken(user.id, tokenId, expiresAt), tokenId };
}

/**
 * Empties this app's cache, as a Redis FLUSHALL or restart would: every key
 * under the test's prefix on Redis; the given keys in process.
 */
export async function flushCache(t: TestApp, keys: string[]): Promise<void> {
  if (usingRedis && t.env.REDIS_URL && t.env.REDIS_KEY_PREFIX) {
    const client = createClient({ url: t.env.REDIS_URL });
    await client.connect();
    for await (const found of client.scanIterator({ MATCH: `${t.env.REDIS_KEY_PREFIX}*`, COUNT: 500 })) {
      if (found.length) await client.del(found);
    }
    await client.close();
    return;
  }
  await t.cache.del(...keys);
}

/** GET /auth/api/me with a token. */
export const me = (t: TestApp, token: string) => t.http().get('/auth/api/me').set(bearer(token));
