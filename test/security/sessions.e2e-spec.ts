import { describe, expect, it } from 'vitest';
import { CacheKeys } from '../../src/cache/cache-keys.js';
import { IAM_OPTIONS, type IamOptions } from '../../src/config/iam-options.js';
import { changePassword, decodeJwt, LENIENT_LOCKOUT, loginRequest, me } from '../support/auth.js';
import { bearer, createUserRow, sessionTokenFor, useTestApp } from '../support/harness.js';
import { createRoleRow } from '../support/roles.js';
import { heldClock } from '../support/clock.js';
import { signJwt } from '../support/jwt.js';
import { useWatchedAdmin } from '../support/secrets.js';
import { expectError, expectStatus, USERS } from '../support/users.js';

const PASSWORD = 'Test-Passw0rd!';
const DAY = 86_400_000;

describe('security: sessions (ASVS V7)', () => {
  const t = useTestApp({ env: LENIENT_LOCKOUT });
  const { secrets, admin } = useWatchedAdmin(t, PASSWORD);

  const loginAs = async (username: string, password = PASSWORD, rememberMe?: boolean) => {
    const res = secrets.fromAnswer(await loginRequest(t, username, password, { rememberMe }));
    expectStatus(res, 200);
    return res;
  };

  /** A user with two live sessions from real logins, each already read once (so their state is cached). */
  const userWithTwoSessions = async () => {
    const user = await createUserRow(t);
    const a = (await loginAs(user.username)).body.accessToken as string;
    const b = (await loginAs(user.username)).body.accessToken as string;
    expectStatus(await me(t, a), 200);
    expectStatus(await me(t, b), 200);
    return { user, a, b };
  };

  it('V7.2.4 issues a new session and token at every login, never reusing one', async () => {
    const user = await createUserRow(t);
    const tokens = [];
    for (let i = 0; i < 3; i++) tokens.push((await loginAs(user.username)).body.accessToken as string);
    expect(new Set(tokens).size).toBe(3);
    const sids = tokens.map((tk) => decodeJwt(tk).payload.sid);
    expect(new Set(sids).size).toBe(3);
    for (const sid of sids)
      expect(sid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The token carries no permission or role: those are read per request.
    expect(Object.keys(decodeJwt(tokens[0]).payload).sort()).toEqual([
      'aud',
      'exp',
      'iat',
      'iss',
      'sid',
      'sub',
      'typ',
    ]);
  });

  it('V7.4.1 logout ends that session on the next request (401 TOKEN_REVOKED), and only that one', async () => {
    const { a, b } = await userWithTwoSessions();
    expectStatus(await t.http().post('/auth/api/logout').set(bearer(a)), 204);
    expectError(await me(t, a), 401, 'TOKEN_REVOKED');
    expectError(await t.http().post('/auth/api/logout').set(bearer(a)), 401, 'TOKEN_REVOKED');
    expectStatus(await me(t, b), 200);
  });

  it('V7.4.5 revoke-sessions by an administrator ends every session on the next request', async () => {
    const { user, a, b } = await userWithTwoSessions();
    const res = await t.http().post(`${USERS}/${user.id}/revoke-sessions`).set(bearer(admin.token));
    expectStatus(res, 200);
    expect(res.body).toEqual({ revoked: 2 });
    expectError(await me(t, a), 401, 'TOKEN_REVOKED');
    expectError(await me(t, b), 401, 'TOKEN_REVOKED');
  });

  it('V7.4.2 deactivation ends every session on the next request, and a reactivation does not revive them', async () => {
    const { user, a, b } = await userWithTwoSessions();
    expectStatus(await t.http().post(`${USERS}/${user.id}/toggle-status`).set(bearer(admin.token)), 200);
    expectError(await me(t, a), 401, 'TOKEN_REVOKED');
    expectError(await me(t, b), 401, 'TOKEN_REVOKED');
    expectStatus(await t.http().post(`${USERS}/${user.id}/toggle-status`).set(bearer(admin.token)), 200);
    expectError(await me(t, a), 401, 'TOKEN_REVOKED');
    expectError(await me(t, b), 401, 'TOKEN_REVOKED');
  });

  it('V7.4.2 deletion ends every session on the next request', async () => {
    const { user, a, b } = await userWithTwoSessions();
    expectStatus(await t.http().delete(`${USERS}/${user.id}`).set(bearer(admin.token)), 204);
    expectError(await me(t, a), 401, 'TOKEN_REVOKED');
    expectError(await me(t, b), 401, 'TOKEN_REVOKED');
  });

  it('V7.4.3 a password change ends every other session on the next request; this one stays', async () => {
    const { a, b } = await userWithTwoSessions();
    const next = 'Changed-Passw0rd!';
    secrets.add(next);
    expectStatus(await changePassword(t, a, { currentPassword: PASSWORD, newPassword: next }), 204);
    expectError(await me(t, b), 401, 'TOKEN_REVOKED');
    expectStatus(await me(t, a), 200);
  });

  it('V7.4.3 an administrator password reset ends every session on the next request', async () => {
    const { user, a, b } = await userWithTwoSessions();
    const res = await t.http().post(`${USERS}/${user.id}/reset-password`).set(bearer(admin.token));
    expectStatus(res, 200);
    secrets.fromAnswer(res);
    expectError(await me(t, a), 401, 'TOKEN_REVOKED');
    expectError(await me(t, b), 401, 'TOKEN_REVOKED');
  });

  it('V7.5.2 a user ends one of their own sessions; another user’s session id is not found (404)', async () => {
    const { a, b } = await userWithTwoSessions();
    const other = await userWithTwoSessions();
    const otherSid = decodeJwt(other.a).payload.sid as string;
    expectError(
      await t.http().delete(`/auth/api/me/sessions/${otherSid}`).set(bearer(a)),
      404,
      'SESSION_NOT_FOUND',
    );
    expectStatus(await me(t, other.a), 200);
    const bSid = decodeJwt(b).payload.sid as string;
    expectStatus(await t.http().delete(`/auth/api/me/sessions/${bSid}`).set(bearer(a)), 204);
    expectError(await me(t, b), 401, 'TOKEN_REVOKED');
    expectStatus(await me(t, a), 200);
  });

  it('V7.4.2 an API token is suspended by a deactivation and restored by a reactivation; a conversion ends it, and a conversion back does not revive it', async () => {
    const role = await createRoleRow(t, ['api_access']);
    const created = await t
      .http()
      .post(USERS)
      .set(bearer(admin.token))
      .send({
        username: `api${Date.now().toString(36)}`,
        email: `api${Date.now().toString(36)}@example.test`,
        role: role.name,
        isApiUser: true,
        apiTokenTtlDays: 30,
      });
    expectStatus(created, 201);
    secrets.fromAnswer(created);
    const { id } = created.body.user as { id: number };
    const token = created.body.apiToken as string;
    expectStatus(await me(t, token), 200);
    const toggle = () => t.http().post(`${USERS}/${id}/toggle-status`).set(bearer(admin.token));
    expectStatus(await toggle(), 200);
    expectError(await me(t, token), 401, 'TOKEN_REVOKED');
    expectStatus(await toggle(), 200);
    expectStatus(await me(t, token), 200);
    expectStatus(
      await t.http().patch(`${USERS}/${id}`).set(bearer(admin.token)).send({ isApiUser: false }),
      200,
    );
    expectError(await me(t, token), 401, 'TOKEN_REVOKED');
    const back = await t
      .http()
      .patch(`${USERS}/${id}`)
      .set(bearer(admin.token))
      .send({ isApiUser: true, apiTokenTtlDays: 30 });
    expectStatus(back, 200);
    secrets.fromAnswer(back);
    expectError(await me(t, token), 401, 'TOKEN_REVOKED');
    expectStatus(await me(t, back.body.apiToken), 200);
  });

  describe('V7.3.2 session lifetime', () => {
    it('is 24 hours by default and 30 days with rememberMe, in the answer, the token and the session', async () => {
      const user = await createUserRow(t);
      for (const [rememberMe, days] of [
        [undefined, 1],
        [false, 1],
        [true, 30],
      ] as const) {
        const before = Date.now();
        const res = await loginAs(user.username, PASSWORD, rememberMe);
        const expiresAt = Date.parse(res.body.expiresAt);
        expect(Math.abs(expiresAt - (before + days * DAY)), `rememberMe ${rememberMe}`).toBeLessThan(60_000);
        const exp = decodeJwt(res.body.accessToken).payload.exp as number;
        expect(Math.abs(exp * 1000 - expiresAt)).toBeLessThan(2_000);
        const mine = await me(t, res.body.accessToken);
        expectStatus(mine, 200);
        expect(Math.abs(Date.parse(mine.body.session.expiresAt) - expiresAt)).toBeLessThan(2_000);
      }
    });

    it('V9.2.1 refuses a token past its exp (401 TOKEN_EXPIRED), even for a live session', async () => {
      const user = await createUserRow(t);
      const token = (await loginAs(user.username)).body.accessToken as string;
      const { payload } = decodeJwt(token);
      const secret = (t.app.get(IAM_OPTIONS) as IamOptions).jwt.secret.export();
      const now = Math.floor(Date.now() / 1000);
      const expired = signJwt(
        { alg: 'HS256', typ: 'JWT' },
        { ...payload, iat: now - 7200, exp: now - 5 },
        secret,
      );
      expectError(await me(t, expired), 401, 'TOKEN_EXPIRED');
      expectStatus(await me(t, token), 200);
    });

    it('V7.3.2 refuses a session past its expiry in the database even while its token is unexpired (401 TOKEN_EXPIRED)', async () => {
      const user = await createUserRow(t);
      const token = await sessionTokenFor(t, user.id, 3600);
      expectStatus(await me(t, token), 200);
      const sid = decodeJwt(token).payload.sid as string;
      await t.dataSource.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [
        sid,
      ]);
      await t.cache.del(CacheKeys.session(sid));
      expectError(await me(t, token), 401, 'TOKEN_EXPIRED');
    });
  });

  it("V7.3.2 ends a login's session when the service's clock passes its lifetime, cached state or not", async () => {
    const clock = heldClock(t);
    try {
      const user = await createUserRow(t);
      const token = (await loginAs(user.username)).body.accessToken as string;
      const ttlMs = t.app.get<IamOptions>(IAM_OPTIONS).sessionTtlSeconds * 1000;
      expectStatus(await me(t, token), 200);
      clock.advance(ttlMs - 1000);
      expectStatus(await me(t, token), 200);
      clock.advance(1000);
      expectError(await me(t, token), 401, 'TOKEN_EXPIRED');
    } finally {
      clock.restore();
    }
  });

  it('V16.2.5 left no password or token in any log line or audit entry', async () => {
    await secrets.expectAbsent(t);
  });
});
