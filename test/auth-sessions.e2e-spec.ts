import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuditEventEntity } from '../src/audit/audit-event.entity.js';
import { SessionEntity } from '../src/sessions/session.entity.js';
import { CacheKeys } from '../src/cache/cache-keys.js';
import { UserEntity } from '../src/users/user.entity.js';
import { IAM_OPTIONS, type IamOptions } from '../src/config/iam-options.js';
import { decodeJwt, flushCache, login, loginRequest, me } from './support/auth.js';
import { heldClock } from './support/clock.js';
import { UNREACHABLE_CACHE } from './support/backends.js';
import {
  adminToken,
  bearer,
  createUserRow,
  type TestApp,
  userWithToken,
  useTestApp,
} from './support/harness.js';
import { createRoleRow } from './support/roles.js';
import { expectError } from './support/users.js';

const PASSWORD = 'Test-Passw0rd!';

const sidOf = (token: string) => decodeJwt(token).payload.sid as string;

async function expectRevoked(t: TestApp, token: string) {
  const res = await me(t, token);
  expect(res.status).toBe(401);
  expect(res.body.code).toBe('TOKEN_REVOKED');
}

describe('logout and revocation', () => {
  const t = useTestApp();

  it('logout ends that session only', async () => {
    const user = await createUserRow(t);
    const a = await login(t, user.username, PASSWORD);
    const b = await login(t, user.username, PASSWORD);
    await me(t, a).expect(200);
    const res = await t.http().post('/auth/api/logout').set(bearer(a));
    expect(res.status).toBe(204);
    await expectRevoked(t, a);
    await me(t, b).expect(200);
    const row = await t.dataSource.getRepository(SessionEntity).findOneByOrFail({ id: sidOf(a) });
    expect(row.revokedAt).not.toBeNull();
    await t.flushAudit();
    const entry = await t.dataSource
      .getRepository(AuditEventEntity)
      .findOneByOrFail({ action: 'auth.logout', targetId: String(user.id) });
    expect(entry).toMatchObject({ actorId: user.id, outcome: 'success' });
    // A second logout with the same token is refused by authentication.
    const again = await t.http().post('/auth/api/logout').set(bearer(a));
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('TOKEN_REVOKED');
  });

  it('revoke-sessions ends every session of the user and records user.sessions_revoked', async () => {
    const { token: admin, userId: adminId } = await adminToken(t);
    const user = await createUserRow(t);
    const tokens = [
      await login(t, user.username, PASSWORD),
      await login(t, user.username, PASSWORD),
      await login(t, user.username, PASSWORD),
    ];
    for (const tk of tokens) await me(t, tk).expect(200);
    const res = await t.http().post(`/auth/api/users/${user.id}/revoke-sessions`).set(bearer(admin));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ revoked: 3 });
    for (const tk of tokens) await expectRevoked(t, tk);
    await me(t, admin).expect(200);
    const list = await t.http().get(`/auth/api/users/${user.id}/sessions`).set(bearer(admin)).expect(200);
    expect(list.body).toEqual([]);
    await t.flushAudit();
    const entry = await t.dataSource
      .getRepository(AuditEventEntity)
      .findOneByOrFail({ action: 'user.sessions_revoked', targetId: String(user.id) });
    expect(entry).toMatchObject({ actorId: adminId, outcome: 'success', details: { revoked: 3 } });
    // The user logs in again normally.
    await login(t, user.username, PASSWORD);
  });

  it('keeps revoked sessions revoked after the cache is flushed', async () => {
    const { token: admin } = await adminToken(t);
    const user = await createUserRow(t);
    const loggedOut = await login(t, user.username, PASSWORD);
    const survivor = await login(t, user.username, PASSWORD);
    await t.http().post('/auth/api/logout').set(bearer(loggedOut)).expect(204);
    const other = await createUserRow(t);
    const otherTokens = [await login(t, other.username, PASSWORD), await login(t, other.username, PASSWORD)];
    await t.http().post(`/auth/api/users/${other.id}/revoke-sessions`).set(bearer(admin)).expect(200);

    await flushCache(t, [
      CacheKeys.session(sidOf(loggedOut)),
      CacheKeys.session(sidOf(survivor)),
      ...otherTokens.map((tk) => CacheKeys.session(sidOf(tk))),
      CacheKeys.user(user.id),
      CacheKeys.user(other.id),
    ]);

    await expectRevoked(t, loggedOut);
    for (const tk of otherTokens) await expectRevoked(t, tk);
    await me(t, survivor).expect(200);
  });

  it('ends sessions of a deactivated user on the next request', async () => {
    const user = await createUserRow(t);
    const token = await login(t, user.username, PASSWORD);
    await me(t, token).expect(200);
    await t.dataSource.getRepository(UserEntity).update(user.id, { isActive: false });
    const { SessionsService } = await import('../src/sessions/sessions.service.js');
    await t.app.get(SessionsService).evictUser(user.id);
    await expectRevoked(t, token);
  });
});

describe('/auth/api/me/sessions', () => {
  const t = useTestApp();

  it('lists only your own live sessions, marking the current one', async () => {
    const alice = await createUserRow(t);
    const bob = await createUserRow(t);
    const a1 = await login(t, alice.username, PASSWORD, { userAgent: 'laptop' });
    const a2 = await login(t, alice.username, PASSWORD, { userAgent: 'phone', rememberMe: true });
    const a3 = await login(t, alice.username, PASSWORD);
    await t.http().post('/auth/api/logout').set(bearer(a3)).expect(204);
    await login(t, bob.username, PASSWORD);

    const res = await t.http().get('/auth/api/me/sessions').set(bearer(a1));
    expect(res.status).toBe(200);
    expect(res.body.map((s: { id: string }) => s.id).sort()).toEqual([sidOf(a1), sidOf(a2)].sort());
    const current = res.body.find((s: { id: string }) => s.id === sidOf(a1));
    expect(current).toMatchObject({ current: true, userAgent: 'laptop', rememberMe: false });
    expect(res.body.find((s: { id: string }) => s.id === sidOf(a2))).toMatchObject({
      current: false,
      userAgent: 'phone',
      rememberMe: true,
    });
    expect(Object.keys(current).sort()).toEqual(
      ['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastSeenAt', 'rememberMe', 'userAgent'].sort(),
    );
  });

  it("lists the sessions live at the service's clock, as the token check judges them", async () => {
    const clock = heldClock(t);
    try {
      const alice = await createUserRow(t);
      const day = await login(t, alice.username, PASSWORD);
      const month = await login(t, alice.username, PASSWORD, { rememberMe: true });
      const ttlMs = t.app.get<IamOptions>(IAM_OPTIONS).sessionTtlSeconds * 1000;
      clock.advance(ttlMs);
      const res = await t.http().get('/auth/api/me/sessions').set(bearer(month)).expect(200);
      expect(res.body.map((s: { id: string }) => s.id)).toEqual([sidOf(month)]);
      expectError(await me(t, day), 401, 'TOKEN_EXPIRED');
    } finally {
      clock.restore();
    }
  });

  it('ends one of your sessions; another user’s id is not found', async () => {
    const alice = await createUserRow(t);
    const bob = await createUserRow(t);
    const a1 = await login(t, alice.username, PASSWORD);
    const a2 = await login(t, alice.username, PASSWORD);
    const b1 = await login(t, bob.username, PASSWORD);
    /** Alice ends a session by its id, from her first one. */
    const end = (sessionId: string) => t.http().delete(`/auth/api/me/sessions/${sessionId}`).set(bearer(a1));

    expectError(await end(sidOf(b1)), 404, 'SESSION_NOT_FOUND');
    await me(t, b1).expect(200);

    expectError(await end(randomUUID()), 404, 'SESSION_NOT_FOUND');

    expectError(await end('not-a-uuid'), 400, 'VALIDATION_FAILED');

    await end(sidOf(a2)).expect(204);
    await expectRevoked(t, a2);
    await me(t, a1).expect(200);

    expectError(await end(sidOf(a2)), 404, 'SESSION_NOT_FOUND');

    // Ending the current session is a logout.
    await end(sidOf(a1)).expect(204);
    await expectRevoked(t, a1);
  });
});

describe('/auth/api/users/:id/sessions and revoke-sessions', () => {
  const t = useTestApp();

  it('needs manage_users', async () => {
    const target = await createUserRow(t);
    const { token } = await userWithToken(t, { role: 'viewer' });
    for (const req of [
      t.http().get(`/auth/api/users/${target.id}/sessions`),
      t.http().post(`/auth/api/users/${target.id}/revoke-sessions`),
    ]) {
      const res = await req.set(bearer(token));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('PERMISSION_DENIED');
    }
    const anonymous = await t.http().post(`/auth/api/users/${target.id}/revoke-sessions`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
  });

  it('answers 400 for an id that is not a positive integer and 404 for an unknown one', async () => {
    const { token } = await adminToken(t);
    for (const id of ['abc', '0', '-3', '1.5', '99999999999']) {
      const res = await t.http().post(`/auth/api/users/${id}/revoke-sessions`).set(bearer(token));
      expect(res.status, id).toBe(400);
      expect(res.body.code, id).toBe('VALIDATION_FAILED');
    }
    for (const req of [
      t.http().post('/auth/api/users/987654/revoke-sessions'),
      t.http().get('/auth/api/users/987654/sessions'),
    ]) {
      const res = await req.set(bearer(token));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('USER_NOT_FOUND');
    }
  });

  it('lets a user administrator act on users whose permissions they hold, never on an administrator', async () => {
    const userAdminRole = await createRoleRow(t, [
      'manage_users',
      'health_monitor_data',
      'model_validation_data',
    ]);
    const { token: userAdmin } = await userWithToken(t, { role: userAdminRole.name });
    const viewer = await createUserRow(t, { role: 'viewer' });
    const analyst = await createUserRow(t, { role: 'process_analyst' });
    const admin = await createUserRow(t, { role: 'administrator' });
    const adminSession = await login(t, admin.username, PASSWORD);
    await login(t, viewer.username, PASSWORD);

    const list = await t.http().get(`/auth/api/users/${viewer.id}/sessions`).set(bearer(userAdmin));
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({ current: false });
    const ok = await t.http().post(`/auth/api/users/${viewer.id}/revoke-sessions`).set(bearer(userAdmin));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ revoked: 1 });

    for (const target of [analyst, admin]) {
      for (const req of [
        t.http().post(`/auth/api/users/${target.id}/revoke-sessions`),
        t.http().get(`/auth/api/users/${target.id}/sessions`),
      ]) {
        const res = await req.set(bearer(userAdmin));
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('PRIVILEGE_ESCALATION');
      }
    }
    await me(t, adminSession).expect(200);
  });
});

describe('with Redis unreachable', () => {
  const t = useTestApp({ env: UNREACHABLE_CACHE });

  it('still serves logins and requests from PostgreSQL, and revocations still hold', async () => {
    const user = await createUserRow(t);
    const a = await login(t, user.username, PASSWORD);
    const b = await login(t, user.username, PASSWORD);
    await me(t, a).expect(200);
    await me(t, b).expect(200);
    await t.http().post('/auth/api/logout').set(bearer(a)).expect(204);
    await expectRevoked(t, a);
    await me(t, b).expect(200);

    const { token: admin } = await adminToken(t);
    const res = await t.http().post(`/auth/api/users/${user.id}/revoke-sessions`).set(bearer(admin));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ revoked: 1 });
    await expectRevoked(t, b);

    const wrong = await loginRequest(t, user.username, 'Wrong-Passw0rd!');
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('logs the outage once, not per request', async () => {
    const user = await createUserRow(t);
    const token = await login(t, user.username, PASSWORD);
    for (let i = 0; i < 5; i++) await me(t, token).expect(200);
    const warnings = t.logs.filter((l) => l.includes('Redis unreachable'));
    expect(warnings).toHaveLength(1);
  });
});
