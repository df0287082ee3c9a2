import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiTokenUsage } from '../src/auth/api-token-usage.js';
import { Clock } from '../src/common/clock.js';
import { adminToken, bearer, createUserRow, sessionTokenFor, useTestApp } from './support/harness.js';
import { parseMetrics, valueOf } from './support/metrics.js';
import { createRoleRow } from './support/roles.js';
import { auditFor, createUser, expectError, expectStatus, USERS } from './support/users.js';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const GRACE_METRIC = 'iam_api_token_grace_requests_total';

describe('API token rotation with a grace, and token usage', () => {
  const t = useTestApp();
  let admin: string;
  const h = () => bearer(admin);
  const apiUser = () => createUser(t, admin, { isApiUser: true, apiTokenTtlDays: 30, role: 'rotation_api' });
  /** A call that needs a working token: answers 200, or the refusal. */
  const call = (token: string) => t.http().get('/auth/api/me').set(bearer(token));
  const regenerate = (id: number, body?: Record<string, unknown>) => {
    const req = t.http().post(`${USERS}/${id}/regenerate-token`).set(h());
    return body === undefined ? req : req.send(body);
  };
  const revokePrevious = (id: number, token = admin) =>
    t.http().post(`${USERS}/${id}/revoke-previous-token`).set(bearer(token));
  const userOf = async (id: number) => (await t.http().get(`${USERS}/${id}`).set(h())).body;
  const toggle = (id: number) => t.http().post(`${USERS}/${id}/toggle-status`).set(h());
  /** Moves the service's clock by `ms` from now, for what follows. */
  const moveClock = (ms: number) => {
    const clock = t.app.get(Clock);
    const at = Date.now() + ms;
    vi.spyOn(clock, 'now').mockImplementation(() => at);
    return at;
  };
  const usageWritten = () => t.app.get(ApiTokenUsage).settled();
  const graceRequests = async () =>
    valueOf(parseMetrics((await t.http().get('/metrics').set(h())).text), GRACE_METRIC);

  beforeAll(async () => {
    admin = (await adminToken(t)).token;
    await createRoleRow(t, ['api_access', 'health_monitor_data'], 'rotation_api');
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('regenerate-token', () => {
    it('without a body or with graceHours 0, the old token fails from the next request', async () => {
      for (const body of [undefined, { graceHours: 0 }]) {
        const api = await apiUser();
        expectStatus(await call(api.apiToken!), 200);
        const res = await regenerate(api.id, body);
        expectStatus(res, 200);
        expect(res.body.previousTokenValidUntil).toBeNull();
        expectError(await call(api.apiToken!), 401, 'TOKEN_REVOKED');
        expectStatus(await call(res.body.apiToken), 200);
        expect((await userOf(api.id)).previousTokenValidUntil).toBeNull();
        const entry = (await auditFor(t, api.id)).at(-1)!;
        expect(entry.action).toBe('user.token_regenerated');
        expect(entry.details).toMatchObject({ graceHours: 0, previousTokenValidUntil: null });
      }
    });

    it('with a grace both tokens work until previousTokenValidUntil, then only the new one', async () => {
      const api = await apiUser();
      const before = Date.now();
      const res = await regenerate(api.id, { graceHours: 24 });
      expectStatus(res, 200);
      expect(Object.keys(res.body).sort()).toEqual(['apiToken', 'expiresAt', 'previousTokenValidUntil']);
      const until = Date.parse(res.body.previousTokenValidUntil);
      expect(until).toBeGreaterThanOrEqual(before + 24 * HOUR);
      expect(until).toBeLessThanOrEqual(Date.now() + 24 * HOUR);
      expectStatus(await call(api.apiToken!), 200);
      expectStatus(await call(res.body.apiToken), 200);
      expect((await userOf(api.id)).previousTokenValidUntil).toBe(res.body.previousTokenValidUntil);
      const entry = (await auditFor(t, api.id)).at(-1)!;
      expect(entry.details).toMatchObject({
        graceHours: 24,
        previousTokenValidUntil: res.body.previousTokenValidUntil,
      });
      expect(JSON.stringify(entry)).not.toContain(res.body.apiToken);

      moveClock(until - Date.now() - 60_000);
      expectStatus(await call(api.apiToken!), 200);
      moveClock(until - Date.now() + 1000);
      expectError(await call(api.apiToken!), 401, 'TOKEN_REVOKED');
      expectStatus(await call(res.body.apiToken), 200);
    });

    it.each([[-1], [169], [1.5], ['24'], [null], [true]])(
      'refuses graceHours %s: 400',
      async (graceHours) => {
        const api = await apiUser();
        const res = await regenerate(api.id, { graceHours });
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['graceHours']);
        expectStatus(await call(api.apiToken!), 200);
      },
    );

    it('refuses an unknown body field, and accepts 168 hours', async () => {
      const api = await apiUser();
      expectError(await regenerate(api.id, { grace: 2 }), 400, 'VALIDATION_FAILED');
      expectStatus(await regenerate(api.id, { graceHours: 168 }), 200);
    });

    it('a second regeneration ends the earlier grace: the first token stops, the second gets the new grace', async () => {
      const api = await apiUser();
      const second = await regenerate(api.id, { graceHours: 24 });
      const third = await regenerate(api.id, { graceHours: 1 });
      expectStatus(third, 200);
      expectError(await call(api.apiToken!), 401, 'TOKEN_REVOKED');
      expectStatus(await call(second.body.apiToken), 200);
      expectStatus(await call(third.body.apiToken), 200);
      expect((await auditFor(t, api.id)).at(-1)!.details).toMatchObject({ earlierGraceEnded: true });
      const fourth = await regenerate(api.id);
      expectError(await call(second.body.apiToken), 401, 'TOKEN_REVOKED');
      expectError(await call(third.body.apiToken), 401, 'TOKEN_REVOKED');
      expectStatus(await call(fourth.body.apiToken), 200);
    });

    it('gives no grace to a suspended token', async () => {
      const api = await apiUser();
      expectStatus(await toggle(api.id), 200);
      const res = await regenerate(api.id, { graceHours: 24 });
      expectStatus(res, 200);
      expect(res.body.previousTokenValidUntil).toBeNull();
      expectStatus(await toggle(api.id), 200);
      expectError(await call(api.apiToken!), 401, 'TOKEN_REVOKED');
      expectStatus(await call(res.body.apiToken), 200);
    });
  });

  describe('revoke-previous-token', () => {
    it('ends the grace early: 204, the old token fails on the next request, the new one works', async () => {
      const api = await apiUser();
      const res = await regenerate(api.id, { graceHours: 24 });
      expectStatus(await call(api.apiToken!), 200);
      expectStatus(await revokePrevious(api.id), 204);
      expectError(await call(api.apiToken!), 401, 'TOKEN_REVOKED');
      expectStatus(await call(res.body.apiToken), 200);
      expect((await userOf(api.id)).previousTokenValidUntil).toBeNull();
      const entry = (await auditFor(t, api.id)).at(-1)!;
      expect(entry.action).toBe('user.previous_token_revoked');
      expect(entry.details).toMatchObject({ previousTokenValidUntil: res.body.previousTokenValidUntil });
      expectError(await revokePrevious(api.id), 409, 'NO_PREVIOUS_TOKEN');
    });

    it('answers 409 without a grace, 400 for a regular user, 404 for nobody', async () => {
      const api = await apiUser();
      expectError(await revokePrevious(api.id), 409, 'NO_PREVIOUS_TOKEN');
      await regenerate(api.id, { graceHours: 1 });
      moveClock(HOUR + 1000);
      expectError(await revokePrevious(api.id), 409, 'NO_PREVIOUS_TOKEN');
      vi.restoreAllMocks();
      const regular = await createUser(t, admin);
      expectError(await revokePrevious(regular.id), 400, 'NOT_AN_API_USER');
      expectError(await revokePrevious(2_000_000_000), 404, 'USER_NOT_FOUND');
      expectError(await revokePrevious(0), 400, 'VALIDATION_FAILED');
    });

    it('needs manage_users, and follows the escalation rule', async () => {
      await createRoleRow(t, ['manage_users', 'api_access', 'health_monitor_data'], 'rotation_user_admin');
      await createRoleRow(t, ['api_access', 'manage_roles'], 'rotation_api_admin');
      const userAdmin = await sessionTokenFor(
        t,
        (await createUserRow(t, { role: 'rotation_user_admin' })).id,
      );
      const viewer = await sessionTokenFor(t, (await createUserRow(t, { role: 'viewer' })).id);
      const strong = await createUser(t, admin, { isApiUser: true, role: 'rotation_api_admin' });
      await regenerate(strong.id, { graceHours: 2 });
      expectError(await revokePrevious(strong.id, viewer), 403, 'PERMISSION_DENIED');
      expectError(await revokePrevious(strong.id, userAdmin), 403, 'PRIVILEGE_ESCALATION');
      expectStatus(await call(strong.apiToken!), 200);
      const weak = await apiUser();
      await regenerate(weak.id, { graceHours: 2 });
      expectStatus(await revokePrevious(weak.id, userAdmin), 204);
    });
  });

  describe('what else ends a grace', () => {
    it('deactivation stops both tokens; reactivation brings back the current one only', async () => {
      const api = await apiUser();
      const res = await regenerate(api.id, { graceHours: 24 });
      expectStatus(await toggle(api.id), 200);
      expectError(await call(api.apiToken!), 401, 'TOKEN_REVOKED');
      expectError(await call(res.body.apiToken), 401, 'TOKEN_REVOKED');
      expect((await auditFor(t, api.id)).at(-1)!.details).toMatchObject({ previousTokenRevoked: true });
      const back = await toggle(api.id);
      expectStatus(back, 200);
      expect(back.body.previousTokenValidUntil).toBeNull();
      expectStatus(await call(res.body.apiToken), 200);
      expectError(await call(api.apiToken!), 401, 'TOKEN_REVOKED');
    });

    it('deactivation through PATCH ends the grace too', async () => {
      const api = await apiUser();
      const res = await regenerate(api.id, { graceHours: 24 });
      expectStatus(await t.http().patch(`${USERS}/${api.id}`).set(h()).send({ isActive: false }), 200);
      expectStatus(await t.http().patch(`${USERS}/${api.id}`).set(h()).send({ isActive: true }), 200);
      expectError(await call(api.apiToken!), 401, 'TOKEN_REVOKED');
      expectStatus(await call(res.body.apiToken), 200);
    });

    it('deletion stops both tokens', async () => {
      const api = await apiUser();
      const res = await regenerate(api.id, { graceHours: 24 });
      expectStatus(await t.http().delete(`${USERS}/${api.id}`).set(h()), 204);
      expectError(await call(api.apiToken!), 401, 'TOKEN_REVOKED');
      expectError(await call(res.body.apiToken), 401, 'TOKEN_REVOKED');
    });
  });

  describe('usage', () => {
    it('stamps each token’s last use at most once a minute, off the request path', async () => {
      const api = await apiUser();
      const fresh = await userOf(api.id);
      expect(fresh).toMatchObject({
        apiTokenLastUsedAt: null,
        previousTokenValidUntil: null,
        previousTokenLastUsedAt: null,
      });

      const t0 = moveClock(0);
      expectStatus(await call(api.apiToken!), 200);
      await usageWritten();
      expect((await userOf(api.id)).apiTokenLastUsedAt).toBe(new Date(t0).toISOString());

      moveClock(30_000);
      expectStatus(await call(api.apiToken!), 200);
      await usageWritten();
      expect((await userOf(api.id)).apiTokenLastUsedAt).toBe(new Date(t0).toISOString());

      const t2 = moveClock(61_000);
      expectStatus(await call(api.apiToken!), 200);
      await usageWritten();
      expect((await userOf(api.id)).apiTokenLastUsedAt).toBe(new Date(t2).toISOString());

      // Regeneration with a grace: the old token's last use moves along; the new one has none yet.
      vi.restoreAllMocks();
      const res = await regenerate(api.id, { graceHours: 24 });
      let view = await userOf(api.id);
      expect(view.apiTokenLastUsedAt).toBeNull();
      expect(view.previousTokenLastUsedAt).toBe(new Date(t2).toISOString());
      const t3 = moveClock(3 * 60_000);
      expectStatus(await call(api.apiToken!), 200);
      expectStatus(await call(res.body.apiToken), 200);
      await usageWritten();
      view = await userOf(api.id);
      expect(view.apiTokenLastUsedAt).toBe(new Date(t3).toISOString());
      expect(view.previousTokenLastUsedAt).toBe(new Date(t3).toISOString());
    });

    it('shows no usage fields for regular users', async () => {
      const regular = await createUser(t, admin);
      expect(await userOf(regular.id)).toMatchObject({
        apiTokenLastUsedAt: null,
        previousTokenValidUntil: null,
        previousTokenLastUsedAt: null,
      });
    });

    it('counts in /metrics only the requests made with a token in its grace', async () => {
      const api = await apiUser();
      const start = await graceRequests();
      expectStatus(await call(api.apiToken!), 200);
      expect(await graceRequests()).toBe(start);
      const res = await regenerate(api.id, { graceHours: 1 });
      expectStatus(await call(res.body.apiToken), 200);
      expect(await graceRequests()).toBe(start);
      expectStatus(await call(api.apiToken!), 200);
      expectStatus(await call(api.apiToken!), 200);
      expect(await graceRequests()).toBe(start + 2);
      moveClock(HOUR + 1000);
      expectError(await call(api.apiToken!), 401, 'TOKEN_REVOKED');
      vi.restoreAllMocks();
      expect(await graceRequests()).toBe(start + 2);
    });
  });

  describe('hygiene', () => {
    const reasonsOf = async (id: number) => {
      const items: { user: { id: number }; reasons: { code: string; message: string }[] }[] = [];
      for (let page = 1; ; page++) {
        const res = await t.http().get(`${USERS}/hygiene`).query({ page, pageSize: 100 }).set(h());
        expectStatus(res, 200);
        items.push(...res.body.items);
        if (page * 100 >= res.body.total) break;
      }
      return items.find((i) => i.user.id === id)?.reasons ?? [];
    };

    it('flags a token unused for 30 days, and not a fresh one', async () => {
      const api = await apiUser();
      expect((await reasonsOf(api.id)).map((r) => r.code)).not.toContain('token_unused');
      await t.dataSource.query(`UPDATE users SET api_token_last_used_at = $2 WHERE id = $1`, [
        api.id,
        new Date(Date.now() - 31 * DAY),
      ]);
      const reason = (await reasonsOf(api.id)).find((r) => r.code === 'token_unused');
      expect(reason?.message).toMatch(/^API token unused for 30 days/);
    });

    it('flags a previous token still in use during its grace', async () => {
      const api = await apiUser();
      await regenerate(api.id, { graceHours: 24 });
      expect((await reasonsOf(api.id)).map((r) => r.code)).not.toContain('previous_token_in_use');
      moveClock(60_000);
      expectStatus(await call(api.apiToken!), 200);
      await usageWritten();
      vi.restoreAllMocks();
      const reason = (await reasonsOf(api.id)).find((r) => r.code === 'previous_token_in_use');
      expect(reason?.message).toMatch(/^Previous token still in use/);
      expectStatus(await revokePrevious(api.id), 204);
      expect((await reasonsOf(api.id)).map((r) => r.code)).not.toContain('previous_token_in_use');
    });
  });
});
