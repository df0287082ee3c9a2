import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, loginRequest, me } from '../support/auth.js';
import { type Backend, freshCache, freshDatabase, usingPostgres, usingRedis } from '../support/backends.js';
import { bearer, createUserRow, sessionTokenFor, startTestApp, type TestApp } from '../support/harness.js';
import { apiCallerWith, ROLES_PATH } from '../support/roles.js';
import { expectError, expectStatus, USERS } from '../support/users.js';
import {
  lesserRoleHoldsOnNextRequest,
  permissionRemovedHoldsOnNextRequest,
} from '../support/authorization-change.js';

const PASSWORD = 'Test-Passw0rd!';
const WRONG = 'Wrong-Passw0rd!';
const RATE_LIMIT = 30;
const THRESHOLD = 5;

if (usingPostgres && usingRedis)
  describe('scale-out: two instances on one PostgreSQL and one Redis', () => {
    let database: Backend;
    let cache: Backend;
    let a: TestApp;
    let b: TestApp;

    beforeAll(async () => {
      database = await freshDatabase();
      cache = await freshCache();
      // What every instance of one deployment shares: the database, the cache and the keys.
      const env = {
        JWT_SECRET: randomBytes(32).toString('hex'),
        AUDIT_HMAC_KEY: randomBytes(32).toString('base64'),
        MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        TRUST_PROXY: 'true',
        RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
        LOCKOUT_THRESHOLD_PER_ADDRESS: String(THRESHOLD),
        LOCKOUT_BASE_SECONDS: '120',
      };
      a = await startTestApp({ database, cache, env });
      b = await startTestApp({ database, cache, env });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await cache?.dispose();
      await database?.dispose();
    });

    /** An administrator of its own per test, so that no test spends another's rate-limit budget. */
    const anAdmin = async () => {
      const admin = await createUserRow(a, { role: 'administrator' });
      return sessionTokenFor(a, admin.id);
    };

    /** A user with a session from a real login on A, already read once on B (so B's view is cached). */
    const userSeenOnB = async () => {
      const user = await createUserRow(a);
      const token = await login(a, user.username, PASSWORD, { ip: `10.9.${user.id % 250}.1` });
      expectStatus(await me(b, token), 200);
      return { user, token };
    };

    it('a token issued by A is accepted by B, and B answers the same caller', async () => {
      const { user, token } = await userSeenOnB();
      const res = await me(a, token);
      expectStatus(res, 200);
      expect(res.body.user.id).toBe(user.id);
      expect((await me(b, token)).body).toEqual(res.body);
    });

    it('revoke-sessions on A: B refuses the sessions on the next request (401 TOKEN_REVOKED)', async () => {
      const admin = await anAdmin();
      const { user, token } = await userSeenOnB();
      expectStatus(await a.http().post(`${USERS}/${user.id}/revoke-sessions`).set(bearer(admin)), 200);
      expectError(await me(b, token), 401, 'TOKEN_REVOKED');
    });

    it('logout on A: B refuses that session on the next request', async () => {
      const { token } = await userSeenOnB();
      expectStatus(await a.http().post('/auth/api/logout').set(bearer(token)), 204);
      expectError(await me(b, token), 401, 'TOKEN_REVOKED');
    });

    it('deactivation on A: B refuses the user on the next request, and refuses the login', async () => {
      const admin = await anAdmin();
      const { user, token } = await userSeenOnB();
      expectStatus(await a.http().post(`${USERS}/${user.id}/toggle-status`).set(bearer(admin)), 200);
      expectError(await me(b, token), 401, 'TOKEN_REVOKED');
      expectError(
        await loginRequest(b, user.username, PASSWORD, { ip: '10.8.0.1' }),
        403,
        'ACCOUNT_DISABLED',
      );
    });

    it('an API user deactivated, then reactivated on A: B suspends, then accepts the same token on the next request', async () => {
      const admin = await anAdmin();
      const { user, token } = await apiCallerWith(a, ['api_access']);
      expectStatus(await me(b, token), 200);
      const toggle = () => a.http().post(`${USERS}/${user.id}/toggle-status`).set(bearer(admin));
      expectStatus(await toggle(), 200);
      expectError(await me(b, token), 401, 'TOKEN_REVOKED');
      expectStatus(await toggle(), 200);
      expectStatus(await me(b, token), 200);
    });

    it('a role change on A: B applies the new role on the next request (403 PERMISSION_DENIED)', async () => {
      await lesserRoleHoldsOnNextRequest({ caller: b, changeOn: a, admin: await anAdmin() });
    });

    it('a role permission edit on A: B applies it on the next request, both ways', async () => {
      const admin = await anAdmin();
      const { listUsers, setPermissions } = await permissionRemovedHoldsOnNextRequest({
        caller: b,
        changeOn: a,
        admin,
      });
      expectStatus(await setPermissions(['manage_users']), 200);
      expectStatus(await listUsers(), 200);
    });

    it('token regeneration on A: B refuses the old API token on the next request, and takes the new one', async () => {
      const admin = await anAdmin();
      const { user, token } = await apiCallerWith(a, ['api_access']);
      expectStatus(await me(b, token), 200);
      const res = await a.http().post(`${USERS}/${user.id}/regenerate-token`).set(bearer(admin));
      expectStatus(res, 200);
      expectError(await me(b, token), 401, 'TOKEN_REVOKED');
      expectStatus(await me(b, res.body.apiToken), 200);
    });

    it('password reset on A: B ends the sessions on the next request and holds the new password to be changed', async () => {
      const admin = await anAdmin();
      const { user, token } = await userSeenOnB();
      const res = await a.http().post(`${USERS}/${user.id}/reset-password`).set(bearer(admin));
      expectStatus(res, 200);
      expectError(await me(b, token), 401, 'TOKEN_REVOKED');
      expectError(
        await loginRequest(b, user.username, PASSWORD, { ip: '10.7.0.1' }),
        401,
        'INVALID_CREDENTIALS',
      );
      const fresh = await loginRequest(b, user.username, res.body.temporaryPassword, { ip: '10.7.0.1' });
      expectStatus(fresh, 200);
      expect(fresh.body.mustChangePassword).toBe(true);
      expectError(
        await a.http().get(ROLES_PATH).set(bearer(fresh.body.accessToken)),
        403,
        'PASSWORD_CHANGE_REQUIRED',
      );
    });

    it('counts failed logins across both: the lock set by failures on A and B holds on both', async () => {
      const user = await createUserRow(a);
      const ip = '10.6.0.1';
      for (const [app, n] of [
        [a, 3],
        [b, 2],
      ] as const) {
        for (let i = 0; i < n; i++) {
          expectError(await loginRequest(app, user.username, WRONG, { ip }), 401, 'INVALID_CREDENTIALS');
        }
      }
      expectError(await loginRequest(a, user.username, PASSWORD, { ip }), 429, 'ACCOUNT_LOCKED');
      expectError(await loginRequest(b, user.username, PASSWORD, { ip }), 429, 'ACCOUNT_LOCKED');
    });

    it('counts one caller’s requests across both against one rate limit (429 RATE_LIMITED with Retry-After)', async () => {
      const user = await createUserRow(a);
      const token = await sessionTokenFor(a, user.id);
      for (let i = 0; i < RATE_LIMIT; i++) expectStatus(await me(i % 2 ? a : b, token), 200);
      for (const app of [a, b]) {
        const res = await me(app, token);
        expectError(res, 429, 'RATE_LIMITED');
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
    });
  });

// The embedded database belongs to one process: the service refuses a second instance rather than share it.
if (!usingPostgres)
  describe('scale-out on the embedded default', () => {
    it('refuses a second instance on the same data folder with a clear message', async () => {
      const first = await startTestApp();
      try {
        const sameFolder: Backend = { env: { DATA_DIR: first.env.DATA_DIR }, dispose: async () => undefined };
        await expect(startTestApp({ database: sameFolder })).rejects.toThrow(
          /is in use by another champa-iam process/,
        );
        expectStatus(await first.http().get('/health/ready'), 200);
      } finally {
        await first.close();
      }
    });
  });
