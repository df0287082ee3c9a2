import { beforeAll, describe, expect, it } from 'vitest';
import { heldClock } from './support/clock.js';
import { adminToken, bearer, sessionTokenFor, type TestApp, useTestApp } from './support/harness.js';
import { createRoleRow } from './support/roles.js';
import {
  auditFor,
  createUser,
  expectError,
  expectStatus,
  jwtClaims,
  postUser,
  uniqueName,
  USERS,
} from './support/users.js';

const DAY = 24 * 3600 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The suite's administrator token, and its two custom roles: api_user_admin and user_reader. */
async function seed(t: TestApp): Promise<string> {
  await createRoleRow(t, ['api_access', 'manage_users'], 'api_user_admin');
  await createRoleRow(t, ['manage_users'], 'user_reader');
  return (await adminToken(t)).token;
}

describe('API users, their tokens, and deactivation', () => {
  const t = useTestApp();
  let admin: string;
  const h = () => bearer(admin);
  /** An API user whose token may call the users routes (api_access + manage_users). */
  const apiAdmin = (ttl = 30) =>
    createUser(t, admin, { isApiUser: true, apiTokenTtlDays: ttl, role: 'api_user_admin' });
  const canCall = (token: string, id: number) => t.http().get(`${USERS}/${id}`).set(bearer(token));

  beforeAll(async () => {
    admin = await seed(t);
  });

  describe("the service's clock", () => {
    it("an API token's expiry, its status in the view and the check of each call agree at the clock's time", async () => {
      const clock = heldClock(t);
      try {
        const api = await apiAdmin(30);
        const body = api.body as { user: { apiTokenExpiresAt: string }; apiToken: string };
        const token = body.apiToken;
        expect(Date.parse(body.user.apiTokenExpiresAt)).toBe(clock.now + 30 * DAY);
        const status = async () => (await t.http().get(`${USERS}/${api.id}`).set(h())).body.apiTokenStatus;

        clock.advance(30 * DAY - 3600_000);
        expect(await status()).toBe('expiring');
        expectStatus(await canCall(token, api.id), 200);

        clock.advance(3600_000);
        expect(await status()).toBe('expired');
        expectError(await canCall(token, api.id), 401, 'TOKEN_EXPIRED');
      } finally {
        clock.restore();
      }
    });
  });

  describe('creation and the token shown once', () => {
    it('answers the token once: a JWT of type api whose id and expiry alone are stored', async () => {
      const before = Date.now();
      const api = await createUser(t, admin, { isApiUser: true, apiTokenTtlDays: 30 });
      const body = api.body as { user: Record<string, unknown>; apiToken: string };
      expect(Object.keys(body).sort()).toEqual(['apiToken', 'user']);
      expect(body.user).toMatchObject({
        isApiUser: true,
        apiTokenStatus: 'valid',
        mustChangePassword: false,
      });
      const expiresAt = Date.parse(body.user.apiTokenExpiresAt as string);
      expect(expiresAt).toBeGreaterThanOrEqual(before + 30 * DAY);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 30 * DAY);
      const claims = jwtClaims(body.apiToken);
      expect(claims).toMatchObject({ typ: 'api', sub: String(api.id) });
      expect(claims.jti).toMatch(UUID);
      expect(Math.abs((claims.exp as number) * 1000 - expiresAt)).toBeLessThan(2000);
      const [row] = await t.dataSource.query(
        `SELECT password_hash, api_token_id, api_token_expires_at FROM users WHERE id = $1`,
        [api.id],
      );
      expect(row.password_hash).toBeNull();
      expect(row.api_token_id).toBe(claims.jti);
      expect(row.api_token_expires_at.getTime()).toBe(expiresAt);

      // never again: not in the user, not in the list, not in the audit log
      const one = await t.http().get(`${USERS}/${api.id}`).set(h());
      const list = await t.http().get(USERS).query({ search: api.username }).set(h());
      expectStatus(one, 200);
      expectStatus(list, 200);
      expect(one.body.apiToken).toBeUndefined();
      expect(list.body.items).toHaveLength(1);
      for (const text of [one.text, list.text, JSON.stringify(await auditFor(t, api.id))]) {
        expect(text).not.toContain(body.apiToken);
        expect(text).not.toContain(claims.jti as string);
      }
    });

    it('accepts an API user without a password, and ignores one that is sent (never stored)', async () => {
      const a = await createUser(t, admin, { isApiUser: true, apiTokenTtlDays: 30 });
      const b = await createUser(t, admin, {
        isApiUser: true,
        apiTokenTtlDays: 30,
        password: 'Camunda#Analytics99',
      });
      const rows = await t.dataSource.query(
        `SELECT password_hash FROM users WHERE id = ANY($1) ORDER BY id`,
        [[a.id, b.id]],
      );
      expect(rows).toEqual([{ password_hash: null }, { password_hash: null }]);
    });

    it.each([
      [6, 400],
      [7, 201],
      [365, 201],
      [366, 400],
      [-1, 201],
      [0, 400],
      [-2, 400],
      [8.5, 400],
      ['30', 400],
      [null, 400],
    ])('apiTokenTtlDays %s answers %s', async (ttl, status) => {
      const username = uniqueName('ttl');
      const res = await postUser(t, admin, {
        username,
        role: 'api_user',
        isApiUser: true,
        apiTokenTtlDays: ttl,
      });
      if (status === 400) {
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['apiTokenTtlDays']);
        return;
      }
      expectStatus(res, 201);
      const claims = jwtClaims(res.body.apiToken);
      if (ttl === -1) {
        expect(res.body.user.apiTokenExpiresAt).toBeNull();
        expect(res.body.user.apiTokenStatus).toBe('never');
        expect(claims.exp).toBeUndefined();
      } else {
        const left = Date.parse(res.body.user.apiTokenExpiresAt) - Date.now();
        expect(left).toBeGreaterThan((ttl as number) * DAY - 60_000);
        expect(left).toBeLessThanOrEqual((ttl as number) * DAY);
        expect(claims.exp).toBeTypeOf('number');
      }
    });

    it('requires apiTokenTtlDays for an API user: 400 VALIDATION_FAILED', async () => {
      const username = uniqueName('nottl');
      const res = await t
        .http()
        .post(USERS)
        .set(h())
        .send({ username, email: `${username}@example.test`, role: 'viewer', isApiUser: true });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['apiTokenTtlDays']);
    });

    it('reports the token status: valid, expiring under 7 days, expired, never', async () => {
      const api = await createUser(t, admin, { isApiUser: true, apiTokenTtlDays: 30 });
      const statusAt = async (expiresAt: Date | null) => {
        await t.dataSource.query(`UPDATE users SET api_token_expires_at = $2 WHERE id = $1`, [
          api.id,
          expiresAt,
        ]);
        return (await t.http().get(`${USERS}/${api.id}`).set(h())).body.apiTokenStatus;
      };
      expect(await statusAt(new Date(Date.now() + 8 * DAY))).toBe('valid');
      expect(await statusAt(new Date(Date.now() + 7 * DAY + 60_000))).toBe('valid');
      expect(await statusAt(new Date(Date.now() + 7 * DAY - 60_000))).toBe('expiring');
      expect(await statusAt(new Date(Date.now() + 60_000))).toBe('expiring');
      expect(await statusAt(new Date(Date.now() - 60_000))).toBe('expired');
      expect(await statusAt(null)).toBe('never');
    });
  });

  describe('using and regenerating the token', () => {
    it('authenticates with the token; regeneration kills the old one on the next request', async () => {
      const api = await apiAdmin();
      expectStatus(await canCall(api.apiToken!, api.id), 200);
      const res = await t.http().post(`${USERS}/${api.id}/regenerate-token`).set(h());
      expectStatus(res, 200);
      expect(Object.keys(res.body).sort()).toEqual(['apiToken', 'expiresAt', 'previousTokenValidUntil']);
      expect(res.body.previousTokenValidUntil).toBeNull();
      expect(res.body.apiToken).not.toBe(api.apiToken);
      expect(jwtClaims(res.body.apiToken).jti).not.toBe(jwtClaims(api.apiToken!).jti);
      expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now() + 29 * DAY);
      expectError(await canCall(api.apiToken!, api.id), 401, 'TOKEN_REVOKED');
      expectStatus(await canCall(res.body.apiToken, api.id), 200);
      const audit = await auditFor(t, api.id);
      expect(audit.at(-1)!.action).toBe('user.token_regenerated');
      expect(JSON.stringify(audit)).not.toContain(res.body.apiToken);
      expect(JSON.stringify(audit)).not.toContain(jwtClaims(res.body.apiToken).jti as string);
    });

    it('an API user can regenerate its own token, which ends the one it used', async () => {
      const api = await apiAdmin();
      const res = await t.http().post(`${USERS}/${api.id}/regenerate-token`).set(bearer(api.apiToken!));
      expectStatus(res, 200);
      expectError(await canCall(api.apiToken!, api.id), 401, 'TOKEN_REVOKED');
      expectStatus(await canCall(res.body.apiToken, api.id), 200);
    });

    it('regenerates a never-expiring token as never-expiring', async () => {
      const api = await createUser(t, admin, { isApiUser: true, apiTokenTtlDays: -1 });
      const res = await t.http().post(`${USERS}/${api.id}/regenerate-token`).set(h());
      expectStatus(res, 200);
      expect(res.body.expiresAt).toBeNull();
      expect(jwtClaims(res.body.apiToken).exp).toBeUndefined();
    });

    it('refuses regular users: 400 NOT_AN_API_USER', async () => {
      const u = await createUser(t, admin);
      expectError(await t.http().post(`${USERS}/${u.id}/regenerate-token`).set(h()), 400, 'NOT_AN_API_USER');
    });

    it('needs api_access on every call with an API token', async () => {
      // an API user cannot be given a role without it; its role can lose it
      await createRoleRow(t, ['api_access', 'manage_users'], 'api_losing');
      const api = await createUser(t, admin, { isApiUser: true, apiTokenTtlDays: 30, role: 'api_losing' });
      expectStatus(await canCall(api.apiToken!, api.id), 200);
      const cut = await t
        .http()
        .patch('/auth/api/roles/api_losing')
        .set(h())
        .send({ permissions: ['manage_users'] });
      expectStatus(cut, 200);
      expectError(await canCall(api.apiToken!, api.id), 403, 'API_ACCESS_REQUIRED');
    });
  });

  describe('converting users', () => {
    it('turns a regular user into an API user: a token once, no password, sessions end', async () => {
      const u = await createUser(t, admin, { role: 'api_user_admin' });
      const session = await sessionTokenFor(t, u.id);
      const res = await t
        .http()
        .patch(`${USERS}/${u.id}`)
        .set(h())
        .send({ isApiUser: true, apiTokenTtlDays: 90 });
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ isApiUser: true, apiTokenStatus: 'valid' });
      expect(res.body.apiToken).toMatch(/^ey/);
      expect(jwtClaims(res.body.apiToken)).toMatchObject({ typ: 'api', sub: String(u.id) });
      expectError(await t.http().get(USERS).set(bearer(session)), 401, 'TOKEN_REVOKED');
      expectStatus(await canCall(res.body.apiToken, u.id), 200);
      const [row] = await t.dataSource.query(`SELECT password_hash FROM users WHERE id = $1`, [u.id]);
      expect(row.password_hash).toBeNull();
      const again = await t.http().get(`${USERS}/${u.id}`).set(h());
      expect(again.body.apiToken).toBeUndefined();
      expect(again.text).not.toContain(res.body.apiToken);
      const audit = await auditFor(t, u.id);
      expect(audit.at(-1)).toMatchObject({
        action: 'user.updated',
        details: {
          before: { isApiUser: false },
          after: { isApiUser: true, apiTokenTtlDays: 90 },
          tokenIssued: true,
        },
      });
    });

    it('requires apiTokenTtlDays to make an API user: 400 VALIDATION_FAILED', async () => {
      const u = await createUser(t, admin);
      const res = await t.http().patch(`${USERS}/${u.id}`).set(h()).send({ isApiUser: true });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['apiTokenTtlDays']);
    });

    it('turns an API user into a regular one: the token is revoked at once', async () => {
      const api = await apiAdmin();
      const res = await t.http().patch(`${USERS}/${api.id}`).set(h()).send({ isApiUser: false });
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ isApiUser: false, apiTokenStatus: null, apiTokenExpiresAt: null });
      expect(res.body.apiToken).toBeUndefined();
      expectError(await canCall(api.apiToken!, api.id), 401, 'TOKEN_REVOKED');
      const [row] = await t.dataSource.query(
        `SELECT api_token_id, api_token_ttl_days FROM users WHERE id = $1`,
        [api.id],
      );
      expect(row).toEqual({ api_token_id: null, api_token_ttl_days: null });
    });

    it('a new lifetime applies from the next token; the current one keeps its expiry', async () => {
      const api = await apiAdmin(30);
      const before = (await t.http().get(`${USERS}/${api.id}`).set(h())).body.apiTokenExpiresAt;
      const res = await t.http().patch(`${USERS}/${api.id}`).set(h()).send({ apiTokenTtlDays: 7 });
      expectStatus(res, 200);
      expect(res.body.apiTokenExpiresAt).toBe(before);
      expectStatus(await canCall(api.apiToken!, api.id), 200);
      const next = await t.http().post(`${USERS}/${api.id}/regenerate-token`).set(h());
      expect(Date.parse(next.body.expiresAt)).toBeLessThanOrEqual(Date.now() + 7 * DAY);
      expectError(
        await t.http().patch(`${USERS}/${api.id}`).set(h()).send({ apiTokenTtlDays: 366 }),
        400,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('deactivation', () => {
    it('toggle-status ends sessions at once; reactivation does not bring them back', async () => {
      const u = await createUser(t, admin, { role: 'user_reader' });
      const session = await sessionTokenFor(t, u.id);
      expectStatus(await t.http().get(USERS).set(bearer(session)), 200);
      const off = await t.http().post(`${USERS}/${u.id}/toggle-status`).set(h());
      expectStatus(off, 200);
      expect(off.body.isActive).toBe(false);
      expectError(await t.http().get(USERS).set(bearer(session)), 401, 'TOKEN_REVOKED');
      const [{ live }] = await t.dataSource.query(
        `SELECT count(*)::int AS live FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`,
        [u.id],
      );
      expect(live).toBe(0);
      const on = await t.http().post(`${USERS}/${u.id}/toggle-status`).set(h());
      expectStatus(on, 200);
      expect(on.body.isActive).toBe(true);
      expectError(await t.http().get(USERS).set(bearer(session)), 401, 'TOKEN_REVOKED');
      const audit = await auditFor(t, u.id);
      expect(audit.slice(-2)).toMatchObject([
        {
          action: 'user.status_changed',
          details: { before: { isActive: true }, after: { isActive: false } },
        },
        {
          action: 'user.status_changed',
          details: { before: { isActive: false }, after: { isActive: true } },
        },
      ]);
    });

    it('suspends the API token at once; reactivation makes the same token work again', async () => {
      const api = await apiAdmin();
      expectStatus(await canCall(api.apiToken!, api.id), 200);
      const off = await t.http().post(`${USERS}/${api.id}/toggle-status`).set(h());
      expectStatus(off, 200);
      expect(off.body).toMatchObject({ isActive: false, apiTokenStatus: 'valid' });
      expectError(await canCall(api.apiToken!, api.id), 401, 'TOKEN_REVOKED');
      const on = await t.http().post(`${USERS}/${api.id}/toggle-status`).set(h());
      expectStatus(on, 200);
      expect(on.body).toMatchObject({ isActive: true, apiTokenStatus: 'valid' });
      expect(on.body.apiTokenExpiresAt).toBe(off.body.apiTokenExpiresAt);
      expectStatus(await canCall(api.apiToken!, api.id), 200);
      const audit = await auditFor(t, api.id);
      expect(audit.slice(-2)).toMatchObject([
        { action: 'user.status_changed', details: { after: { isActive: false }, tokenSuspended: true } },
        { action: 'user.status_changed', details: { after: { isActive: true } } },
      ]);
      expect(audit.slice(-2).some((a) => 'tokenRevoked' in a.details)).toBe(false);
    });

    it('PATCH isActive false, then true, does the same', async () => {
      const api = await apiAdmin();
      expectStatus(await t.http().patch(`${USERS}/${api.id}`).set(h()).send({ isActive: false }), 200);
      expectError(await canCall(api.apiToken!, api.id), 401, 'TOKEN_REVOKED');
      expectStatus(await t.http().patch(`${USERS}/${api.id}`).set(h()).send({ isActive: true }), 200);
      expectStatus(await canCall(api.apiToken!, api.id), 200);
    });

    it('a token regenerated while suspended: the old one stays dead, the new one works once reactivated', async () => {
      const api = await apiAdmin();
      expectStatus(await t.http().post(`${USERS}/${api.id}/toggle-status`).set(h()), 200);
      const fresh = await t.http().post(`${USERS}/${api.id}/regenerate-token`).set(h());
      expectStatus(fresh, 200);
      expectError(await canCall(fresh.body.apiToken, api.id), 401, 'TOKEN_REVOKED');
      expectStatus(await t.http().post(`${USERS}/${api.id}/toggle-status`).set(h()), 200);
      expectError(await canCall(api.apiToken!, api.id), 401, 'TOKEN_REVOKED');
      expectStatus(await canCall(fresh.body.apiToken, api.id), 200);
    });

    it('a token that expired while suspended stays expired', async () => {
      const api = await apiAdmin();
      expectStatus(await t.http().post(`${USERS}/${api.id}/toggle-status`).set(h()), 200);
      // its stored expiry passes while the user is inactive
      await t.dataSource.query(
        `UPDATE users SET api_token_expires_at = now() - interval '1 minute' WHERE id = $1`,
        [api.id],
      );
      const on = await t.http().post(`${USERS}/${api.id}/toggle-status`).set(h());
      expectStatus(on, 200);
      expect(on.body.apiTokenStatus).toBe('expired');
      expectError(await canCall(api.apiToken!, api.id), 401, 'TOKEN_EXPIRED');
    });

    it('a user turned into an API user while being deactivated gets a token that works once reactivated', async () => {
      const u = await createUser(t, admin, { role: 'user_reader' });
      const res = await t
        .http()
        .patch(`${USERS}/${u.id}`)
        .set(h())
        .send({ isApiUser: true, apiTokenTtlDays: 30, role: 'api_user_admin', isActive: false });
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ isActive: false, isApiUser: true, apiTokenStatus: 'valid' });
      expectError(await canCall(res.body.apiToken, u.id), 401, 'TOKEN_REVOKED');
      expectStatus(await t.http().post(`${USERS}/${u.id}/toggle-status`).set(h()), 200);
      expectStatus(await canCall(res.body.apiToken, u.id), 200);
    });

    it('PATCH isActive=false does the same', async () => {
      const u = await createUser(t, admin, { role: 'user_reader' });
      const session = await sessionTokenFor(t, u.id);
      const res = await t.http().patch(`${USERS}/${u.id}`).set(h()).send({ isActive: false });
      expectStatus(res, 200);
      expect(res.body.isActive).toBe(false);
      expectError(await t.http().get(USERS).set(bearer(session)), 401, 'TOKEN_REVOKED');
    });

    it('a deactivated user can be deactivated no further: toggling flips back', async () => {
      const u = await createUser(t, admin, { isActive: false });
      const res = await t.http().post(`${USERS}/${u.id}/toggle-status`).set(h());
      expectStatus(res, 200);
      expect(res.body.isActive).toBe(true);
    });
  });
});

describe('deactivation with DEACTIVATION_ENDS_SESSIONS=false', () => {
  const t = useTestApp({ env: { DEACTIVATION_ENDS_SESSIONS: 'false' } });
  let admin: string;
  beforeAll(async () => {
    admin = await seed(t);
  });

  it("lets sessions run out (the seed's behaviour) but refuses the API token while inactive", async () => {
    const u = await createUser(t, admin, { role: 'user_reader' });
    const session = await sessionTokenFor(t, u.id);
    const api = await createUser(t, admin, { isApiUser: true, apiTokenTtlDays: 30, role: 'api_user_admin' });
    expectStatus(await t.http().post(`${USERS}/${u.id}/toggle-status`).set(bearer(admin)), 200);
    expectStatus(await t.http().post(`${USERS}/${api.id}/toggle-status`).set(bearer(admin)), 200);
    expectStatus(await t.http().get(USERS).set(bearer(session)), 200);
    const [{ live }] = await t.dataSource.query(
      `SELECT count(*)::int AS live FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`,
      [u.id],
    );
    expect(live).toBe(1);
    expectError(await t.http().get(USERS).set(bearer(api.apiToken!)), 401, 'TOKEN_REVOKED');
    // not revoked, only refused: reactivation lets the same token work again
    expectStatus(await t.http().post(`${USERS}/${api.id}/toggle-status`).set(bearer(admin)), 200);
    expectStatus(await t.http().get(USERS).set(bearer(api.apiToken!)), 200);
  });
});
