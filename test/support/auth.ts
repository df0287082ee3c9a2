import { createClient } from '@redis/client';
import { expect } from 'vitest';
import { usingRedis } from './backends.js';
import { bearer, type TestApp } from './harness.js';

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

/** Lockout thresholds out of reach, for a suite that sends many wrong passwords for its own reasons. */
export const LENIENT_LOCKOUT = { LOCKOUT_THRESHOLD_PER_ADDRESS: '100', LOCKOUT_THRESHOLD_PER_USER: '100' };

/** POST /auth/api/me/password with `body` as it stands; anonymous when `token` is undefined. */
export function changePassword(t: TestApp, token: string | undefined, body: Record<string, unknown>) {
  const req = t.http().post('/auth/api/me/password');
  if (token) req.set(bearer(token));
  return req.send(body);
}

/** GET /auth/api/me with a token. */
export const me = (t: TestApp, token: string) => t.http().get('/auth/api/me').set(bearer(token));
