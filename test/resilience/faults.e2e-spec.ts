import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheKeys } from '../../src/cache/cache-keys.js';
import { RoleEntity } from '../../src/roles/role.entity.js';
import { UserEntity } from '../../src/users/user.entity.js';
import { login, loginRequest, me } from '../support/auth.js';
import { type Backend, freshDatabase, usingPostgres, usingRedis } from '../support/backends.js';
import {
  adminToken,
  bearer,
  createUserRow,
  sessionTokenFor,
  startTestApp,
  type TestApp,
  userWithToken,
} from '../support/harness.js';
import { callerWith, createRoleRow, ROLES_PATH, setRolePermissions } from '../support/roles.js';
import { expectErrorShape } from '../support/answers.js';
import { eventually } from '../support/eventually.js';
import { type OwnRedis, startOwnRedis } from '../support/own-redis.js';
import { type Relay, startRelay } from '../support/relay.js';
import { expectError, expectStatus, USERS } from '../support/users.js';
import { permissionRemovedHoldsOnNextRequest } from '../support/authorization-change.js';

const PASSWORD = 'Test-Passw0rd!';
const WRONG = 'Wrong-Passw0rd!';

/** Faults need a PostgreSQL and a Redis the test can break; the embedded default has neither. */
const realBackends = usingPostgres && usingRedis;

const ready = async (t: TestApp) => (await t.http().get('/health/ready')).status === 200;

/** A change whose audit entry cannot be written: the whole change is rolled back (ASVS V16.5.3). */
describe('resilience: crash consistency', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await adminToken(t)).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Makes every audit write of `action` fail inside its transaction, as a full disk or a lost lock would. */
  async function failAuditOf(action: string | null): Promise<void> {
    await t.dataSource.query('DROP TRIGGER IF EXISTS audit_fault ON audit_events');
    if (!action) return;
    await t.dataSource.query(`
      CREATE OR REPLACE FUNCTION audit_fault() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.action = TG_ARGV[0] THEN RAISE EXCEPTION 'injected audit failure'; END IF;
        RETURN NEW;
      END $$`);
    await t.dataSource.query(
      `CREATE TRIGGER audit_fault BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_fault('${action}')`,
    );
  }

  const snapshot = async () => ({
    users: await t.dataSource.query(
      `SELECT id, email, role_name, is_active, is_api_user, must_change_password, password_hash, api_token_id FROM users ORDER BY id`,
    ),
    roles: await t.dataSource.query(`SELECT name, display_name, permissions FROM roles ORDER BY name`),
    sessions: await t.dataSource.query(`SELECT id, revoked_at FROM sessions ORDER BY id`),
  });

  it('leaves no change behind when the audit entry of a change fails, and the service answers the next request', async () => {
    const role = await createRoleRow(t, ['portfolio_data']);
    const { user, token } = await userWithToken(t);
    const session = await login(t, user.username, PASSWORD);
    const apiRole = await createRoleRow(t, ['api_access']);
    const apiUser = await createUserRow(t, { isApiUser: true, role: apiRole.name });
    const changes: [string, () => Promise<Response>][] = [
      [
        'user.created',
        () =>
          t
            .http()
            .post(USERS)
            .set(bearer(admin))
            .send({
              username: `cc_${randomBytes(3).toString('hex')}`,
              email: `cc${randomBytes(3).toString('hex')}@example.test`,
              role: 'viewer',
              password: 'MySecure2025Pass!',
            }),
      ],
      [
        'user.updated',
        () =>
          t
            .http()
            .patch(`${USERS}/${user.id}`)
            .set(bearer(admin))
            .send({ email: 'changed@example.test', role: role.name }),
      ],
      ['user.status_changed', () => t.http().post(`${USERS}/${user.id}/toggle-status`).set(bearer(admin))],
      ['user.password_reset', () => t.http().post(`${USERS}/${user.id}/reset-password`).set(bearer(admin))],
      [
        'user.sessions_revoked',
        () => t.http().post(`${USERS}/${user.id}/revoke-sessions`).set(bearer(admin)),
      ],
      [
        'user.token_regenerated',
        () => t.http().post(`${USERS}/${apiUser.id}/regenerate-token`).set(bearer(admin)),
      ],
      ['user.deleted', () => t.http().delete(`${USERS}/${user.id}`).set(bearer(admin))],
      [
        'role.created',
        () =>
          t
            .http()
            .post(ROLES_PATH)
            .set(bearer(admin))
            .send({ name: 'cc_role', displayName: 'CC', permissions: ['portfolio_data'] }),
      ],
      [
        'role.updated',
        () =>
          t
            .http()
            .patch(`${ROLES_PATH}/${role.name}`)
            .set(bearer(admin))
            .send({ permissions: ['diff_tool_data'] }),
      ],
      ['role.deleted', () => t.http().delete(`${ROLES_PATH}/${role.name}`).set(bearer(admin))],
      [
        'auth.password_changed',
        () =>
          t
            .http()
            .post('/auth/api/me/password')
            .set(bearer(session))
            .send({ currentPassword: PASSWORD, newPassword: 'Another-Passw0rd!' }),
      ],
      ['auth.logout', () => t.http().post('/auth/api/logout').set(bearer(session))],
    ];
    for (const [action, change] of changes) {
      const before = await snapshot();
      await failAuditOf(action);
      const res = await change();
      await failAuditOf(null);
      expect(res.status, `${action}: ${res.text}`).toBe(500);
      expectErrorShape(res);
      expect(res.body.code).toBe('INTERNAL_ERROR');
      expect(res.text).not.toContain('injected audit failure');
      expect(await snapshot(), action).toEqual(before);
      // Nothing half-done is visible either: the sessions still work.
      expectStatus(await me(t, token), 200);
      expectStatus(await me(t, session), 200);
    }
  });
});

if (realBackends)
  describe('resilience: Redis faults (real PostgreSQL + a Redis of the test’s own)', () => {
    let redis: OwnRedis;
    let relay: Relay;
    let t: TestApp;
    let admin: string;
    const prefix = `ciam-faults:${randomBytes(3).toString('hex')}:`;

    beforeAll(async () => {
      redis = await startOwnRedis();
      // Through a relay, so a test can cut the network while Redis keeps its data.
      relay = await startRelay(redis.port);
      const cache: Backend = {
        env: { REDIS_URL: `redis://127.0.0.1:${relay.port}`, REDIS_KEY_PREFIX: prefix },
        dispose: async () => undefined,
      };
      t = await startTestApp({
        cache,
        env: {
          LOCKOUT_THRESHOLD_PER_ADDRESS: '3',
          LOCKOUT_THRESHOLD_PER_USER: '3',
          LOCKOUT_BASE_SECONDS: '120',
        },
      });
      admin = (await adminToken(t)).token;
    });
    afterAll(async () => {
      await t?.close();
      await relay?.close();
      await redis?.dispose();
    });

    const cachedKeys = async () => (await redis.command(['KEYS', `${prefix}*`])) as string[];
    const cacheUp = async () => {
      expect(await eventually(() => ready(t)), 'the service did not report ready again').toBe(true);
    };

    it('keeps revoked sessions revoked and valid ones working after FLUSHALL', async () => {
      const user = await createUserRow(t);
      const [a, b, c] = [
        await login(t, user.username, PASSWORD),
        await login(t, user.username, PASSWORD),
        await login(t, user.username, PASSWORD),
      ];
      for (const tk of [a, b, c]) expectStatus(await me(t, tk), 200);
      expectStatus(await t.http().post('/auth/api/logout').set(bearer(a)), 204);
      const { user: other, token: otherToken } = await userWithToken(t);
      expectStatus(await me(t, otherToken), 200);
      expectStatus(await t.http().post(`${USERS}/${other.id}/revoke-sessions`).set(bearer(admin)), 200);
      // What the cache held of the role goes with FLUSHALL: the next request reads the edit from the database.
      await permissionRemovedHoldsOnNextRequest({
        caller: t,
        admin,
        between: async () => {
          expect((await cachedKeys()).length).toBeGreaterThan(0);

          expect(await redis.command(['FLUSHALL'])).toBe('OK');
          expect(await cachedKeys()).toEqual([]);

          expectError(await me(t, a), 401, 'TOKEN_REVOKED');
          expectError(await me(t, otherToken), 401, 'TOKEN_REVOKED');
        },
      });
      expectStatus(await me(t, b), 200);
      expectStatus(await me(t, c), 200);
    });

    describe('Redis unreachable (stopped), then back', () => {
      let user: UserEntity;
      let kept: string;
      let revokedBefore: string;

      beforeAll(async () => {
        user = await createUserRow(t);
        kept = await login(t, user.username, PASSWORD);
        revokedBefore = await login(t, user.username, PASSWORD);
        expectStatus(await me(t, kept), 200);
        expectStatus(await t.http().post('/auth/api/logout').set(bearer(revokedBefore)), 204);
        await redis.stop();
      });

      it('reports the cache down on /health/ready (503 DEPENDENCY_UNAVAILABLE) and stays live', async () => {
        const res = await t.http().get('/health/ready');
        expectError(res, 503, 'DEPENDENCY_UNAVAILABLE');
        expect(res.body.checks.cache.status).toBe('down');
        expect(res.body.checks.database.status).toBe('up');
        expectStatus(await t.http().get('/health/live'), 200);
      });

      it('answers requests and logins from PostgreSQL', async () => {
        expectStatus(await me(t, kept), 200);
        const fresh = await login(t, user.username, PASSWORD);
        expectStatus(await me(t, fresh), 200);
        expectStatus(await t.http().get(USERS).set(bearer(admin)), 200);
      });

      it('keeps revocations: one made before the outage, and one made during it', async () => {
        expectError(await me(t, revokedBefore), 401, 'TOKEN_REVOKED');
        const during = await login(t, user.username, PASSWORD);
        expectStatus(await t.http().post('/auth/api/logout').set(bearer(during)), 204);
        expectError(await me(t, during), 401, 'TOKEN_REVOKED');
      });

      it('still locks out by the database counter, right password included (429 ACCOUNT_LOCKED)', async () => {
        const victim = await createUserRow(t);
        for (let i = 0; i < 3; i++) {
          expectError(await loginRequest(t, victim.username, WRONG), 401, 'INVALID_CREDENTIALS');
        }
        const locked = await loginRequest(t, victim.username, PASSWORD);
        expectError(locked, 429, 'ACCOUNT_LOCKED');
        expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      });

      it('uses the cache again once Redis is back, without a restart', async () => {
        await redis.start();
        await cacheUp();
        expectStatus(await me(t, kept), 200);
        expect(await cachedKeys()).toContain(`${prefix}${CacheKeys.user(user.id)}`);
        expectError(await me(t, revokedBefore), 401, 'TOKEN_REVOKED');
      });
    });

    describe('Redis silent: connections open, no answer (a black hole), then answering again', () => {
      // Without a deadline on each command every request would wait here until the test times out.
      it('answers from PostgreSQL meanwhile, revocations and lockout included, and reports the cache down', async () => {
        await cacheUp();
        const user = await createUserRow(t);
        const session = await login(t, user.username, PASSWORD);
        const other = await login(t, user.username, PASSWORD);
        expectStatus(await me(t, session), 200);
        expectStatus(await me(t, other), 200);

        relay.stall();
        try {
          expectStatus(await me(t, session), 200);
          expectStatus(await t.http().get(USERS).set(bearer(admin)), 200);
          expectStatus(await t.http().post('/auth/api/logout').set(bearer(other)), 204);
          expectError(await me(t, other), 401, 'TOKEN_REVOKED');
          const victim = await createUserRow(t);
          for (let i = 0; i < 3; i++) {
            expectError(await loginRequest(t, victim.username, WRONG), 401, 'INVALID_CREDENTIALS');
          }
          expectError(await loginRequest(t, victim.username, PASSWORD), 429, 'ACCOUNT_LOCKED');
          const res = await t.http().get('/health/ready');
          expectError(res, 503, 'DEPENDENCY_UNAVAILABLE');
          expect(res.body.checks.cache.status).toBe('down');
        } finally {
          relay.resume();
        }
        await cacheUp();
        expectError(await me(t, other), 401, 'TOKEN_REVOKED');
        expectStatus(await me(t, session), 200);
      });
    });

    describe('Redis cut off while it keeps its data (a network partition), then healed', () => {
      it('does not bring back a session revoked, or a permission removed, during the partition', async () => {
        await cacheUp();
        const user = await createUserRow(t);
        const session = await login(t, user.username, PASSWORD);
        const { token: narrowed, role } = await callerWith(t, ['manage_users']);
        // Cached as valid and as permitted.
        expectStatus(await me(t, session), 200);
        expectStatus(await t.http().get(USERS).set(bearer(narrowed)), 200);

        relay.cut();
        expectStatus(await t.http().post(`${USERS}/${user.id}/revoke-sessions`).set(bearer(admin)), 200);
        expectStatus(await setRolePermissions(t, admin, role, ['portfolio_data']), 200);
        expectError(await me(t, session), 401, 'TOKEN_REVOKED');
        expectError(await t.http().get(USERS).set(bearer(narrowed)), 403, 'PERMISSION_DENIED');

        relay.heal();
        await cacheUp();
        expectError(await me(t, session), 401, 'TOKEN_REVOKED');
        expectError(await t.http().get(USERS).set(bearer(narrowed)), 403, 'PERMISSION_DENIED');
      });
    });
  });

if (realBackends)
  describe('resilience: PostgreSQL unreachable (real PostgreSQL + Redis)', () => {
    let t: TestApp;
    let database: Backend, dbName: string;
    // Tokens: the administrator's, a user's session read once, and one of that user's sessions nothing has read.
    let admin: string, session: string, uncached: string, username: string;

    const superuser = async <T>(sql: string): Promise<T[]> => {
      const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await client.connect();
      try {
        return (await client.query(sql)).rows as T[];
      } finally {
        await client.end();
      }
    };
    const cutOff = async () => {
      await superuser(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
      await superuser(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbName}' AND pid <> pg_backend_pid()`,
      );
    };
    const restore = () => superuser(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);

    beforeAll(async () => {
      database = await freshDatabase();
      dbName = new URL(database.env.DATABASE_URL).pathname.slice(1);
      t = await startTestApp({ database });
      admin = (await adminToken(t)).token;
      const user = await createUserRow(t);
      username = user.username;
      session = await login(t, username, PASSWORD);
      expectStatus(await me(t, session), 200);
      // A live session nothing has read yet: its state is in PostgreSQL only.
      uncached = await sessionTokenFor(t, user.id);
      expectStatus(await t.http().get(USERS).set(bearer(admin)), 200);
    });
    afterAll(async () => {
      await restore().catch(() => undefined);
      await t?.close();
      await database?.dispose();
    });

    it('answers 503 DEPENDENCY_UNAVAILABLE, never 500, while the database refuses connections', async () => {
      await cutOff();
      try {
        const answers: [string, Response][] = [
          ['ready', await t.http().get('/health/ready')],
          ['login', await loginRequest(t, username, PASSWORD)],
          ['list users', await t.http().get(USERS).set(bearer(admin))],
          [
            'create role',
            await t
              .http()
              .post(ROLES_PATH)
              .set(bearer(admin))
              .send({ name: 'never_made', displayName: 'N', permissions: ['portfolio_data'] }),
          ],
          ['a session not in the cache', await me(t, uncached)],
          ['audit', await t.http().get('/auth/api/audit').set(bearer(admin))],
        ];
        for (const [what, res] of answers) {
          expect(res.status, `${what}: ${res.status} ${res.text}`).not.toBe(500);
          if (res.status >= 400) expectErrorShape(res);
        }
        for (const [what, res] of answers) {
          expect({ what, status: res.status, code: res.body.code }).toEqual({
            what,
            status: 503,
            code: 'DEPENDENCY_UNAVAILABLE',
          });
        }
        expect(answers[0][1].body.checks.database.status).toBe('down');
        expect(answers[1][1].headers['retry-after']).toBeDefined();
        // What the cache already knows keeps working: the caller's own state.
        expectStatus(await me(t, session), 200);
      } finally {
        await restore();
      }
    });

    it('recovers by itself once the database is back', async () => {
      expect(await eventually(() => ready(t)), 'not ready again').toBe(true);
      const fresh = await login(t, username, PASSWORD);
      expectStatus(await me(t, fresh), 200);
      expectStatus(await t.http().get(USERS).set(bearer(admin)), 200);
      expect(await t.dataSource.getRepository(RoleEntity).findOneBy({ name: 'never_made' })).toBeNull();
    });
  });
