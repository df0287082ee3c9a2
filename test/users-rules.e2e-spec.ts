import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from './support/backends.js';
import {
  adminToken,
  bearer,
  sessionTokenFor,
  startTestApp,
  type TestApp,
  useAdmin,
  useTestApp,
} from './support/harness.js';
import { createRoleRow, ROLES_PATH } from './support/roles.js';
import {
  auditFor,
  createUser,
  expectError,
  expectStatus,
  postUser,
  uniqueName,
  USERS,
} from './support/users.js';

/** The rules of the product docs: reversible deactivation, no self-deactivation, API users need api_access. */
describe('users: the rules the product docs state', () => {
  const t = useTestApp();
  const admin = useAdmin(t);
  const h = () => bearer(admin.token);
  const me = (token: string) => t.http().get('/auth/api/me').set(bearer(token));
  const toggle = (id: number, token = admin.token) =>
    t.http().post(`${USERS}/${id}/toggle-status`).set(bearer(token));
  const patch = (id: number, body: Record<string, unknown>, token = admin.token) =>
    t.http().patch(`${USERS}/${id}`).set(bearer(token)).send(body);

  beforeAll(async () => {
    await createRoleRow(t, ['manage_users'], 'rules_user_admin');
  });

  describe('the starter role api_user', () => {
    it('exists after the first boot: API User, api_access and health_monitor_data, not a system role', async () => {
      const res = await t.http().get(`${ROLES_PATH}/api_user`).set(h());
      expectStatus(res, 200);
      expect(res.body).toMatchObject({
        name: 'api_user',
        displayName: 'API User',
        isSystem: false,
        warnings: [],
      });
      expect([...res.body.permissions].sort()).toEqual(['api_access', 'health_monitor_data']);
    });

    it("serves the docs' example as written: prometheus_scraper with role api_user reads /metrics", async () => {
      const res = await postUser(t, admin.token, {
        username: 'prometheus_scraper',
        email: 'prometheus@example.test',
        role: 'api_user',
        isApiUser: true,
        apiTokenTtlDays: 365,
      });
      expectStatus(res, 201);
      expectStatus(await me(res.body.apiToken), 200);
      expectStatus(await t.http().get('/metrics').set(bearer(res.body.apiToken)), 200);
    });
  });

  describe('nobody deactivates themselves', () => {
    it('toggle-status on your own account: 400 CANNOT_DEACTIVATE_SELF, and nothing changes', async () => {
      const self = await createUser(t, admin.token, { role: 'rules_user_admin' });
      const token = await sessionTokenFor(t, self.id);
      expectError(await toggle(self.id, token), 400, 'CANNOT_DEACTIVATE_SELF');
      expectError(await toggle(admin.userId), 400, 'CANNOT_DEACTIVATE_SELF');
      expectStatus(await me(token), 200);
      expect((await auditFor(t, self.id)).map((a) => a.action)).toEqual(['user.created']);
    });

    it('PATCH isActive:false on your own account: 400 CANNOT_DEACTIVATE_SELF; isActive:true is no change', async () => {
      const self = await createUser(t, admin.token, { role: 'rules_user_admin' });
      const token = await sessionTokenFor(t, self.id);
      expectError(await patch(self.id, { isActive: false }, token), 400, 'CANNOT_DEACTIVATE_SELF');
      expectError(
        await patch(self.id, { isActive: false, email: `${uniqueName()}@example.test` }, token),
        400,
        'CANNOT_DEACTIVATE_SELF',
      );
      const same = await patch(self.id, { isActive: true }, token);
      expectStatus(same, 200);
      expect(same.body.isActive).toBe(true);
      expectStatus(await me(token), 200);
    });

    it('another user administrator still may', async () => {
      const other = await createUser(t, admin.token, { role: 'rules_user_admin' });
      const off = await toggle(other.id);
      expectStatus(off, 200);
      expect(off.body.isActive).toBe(false);
    });
  });

  describe('an API user needs a role granting api_access', () => {
    it('creating one with a role that lacks it: 400 ROLE_LACKS_API_ACCESS, nothing created', async () => {
      const username = uniqueName('api');
      const res = await postUser(t, admin.token, {
        username,
        role: 'process_operator',
        isApiUser: true,
        apiTokenTtlDays: 30,
      });
      expectError(res, 400, 'ROLE_LACKS_API_ACCESS');
      expect(res.body.message).toContain('api_access');
      const list = await t.http().get(USERS).query({ search: username }).set(h());
      expect(list.body.items).toEqual([]);
    });

    it('full_access or api_access will do; a regular user may have any role', async () => {
      await createUser(t, admin.token, { isApiUser: true, role: 'administrator' });
      const custom = await createRoleRow(t, ['api_access']);
      await createUser(t, admin.token, { isApiUser: true, role: custom.name });
      await createUser(t, admin.token, { role: 'process_operator' });
    });

    it('giving an API user such a role: 400 ROLE_LACKS_API_ACCESS, the token keeps working', async () => {
      const api = await createUser(t, admin.token, { isApiUser: true });
      expectError(await patch(api.id, { role: 'viewer' }), 400, 'ROLE_LACKS_API_ACCESS');
      expectStatus(await me(api.apiToken!), 200);
      const custom = await createRoleRow(t, ['api_access', 'portfolio_data']);
      const moved = await patch(api.id, { role: custom.name });
      expectStatus(moved, 200);
      expect(moved.body.role).toBe(custom.name);
    });

    it('turning a user into an API user with such a role, or with one at once: 400 ROLE_LACKS_API_ACCESS', async () => {
      const u = await createUser(t, admin.token, { role: 'viewer' });
      const session = await sessionTokenFor(t, u.id);
      const convert = { isApiUser: true, apiTokenTtlDays: 30 };
      expectError(await patch(u.id, convert), 400, 'ROLE_LACKS_API_ACCESS');
      expectError(await patch(u.id, { ...convert, role: 'process_analyst' }), 400, 'ROLE_LACKS_API_ACCESS');
      // refused before anything changed: still a regular user with a live session
      expectStatus(await me(session), 200);
      const ok = await patch(u.id, { ...convert, role: 'api_user' });
      expectStatus(ok, 200);
      expect(ok.body).toMatchObject({ isApiUser: true, role: 'api_user' });
      expectStatus(await me(ok.body.apiToken), 200);
    });

    it('a role edit that cuts API users off is allowed, and the role warns how many it cuts off', async () => {
      const role = await createRoleRow(t, ['api_access', 'health_monitor_data']);
      const a = await createUser(t, admin.token, { isApiUser: true, role: role.name });
      await createUser(t, admin.token, { isApiUser: true, role: role.name });
      await createUser(t, admin.token, { role: role.name });
      const res = await t
        .http()
        .patch(`${ROLES_PATH}/${role.name}`)
        .set(h())
        .send({ permissions: ['health_monitor_data'] });
      expectStatus(res, 200);
      expect(res.body.warnings).toHaveLength(1);
      expect(res.body.warnings[0]).toMatch(/\b2 API user\(s\)/);
      expect(res.body.warnings[0]).toContain('api_access');
      const one = await t.http().get(`${ROLES_PATH}/${role.name}`).set(h());
      expect(one.body.warnings).toEqual(res.body.warnings);
      const list = await t.http().get(ROLES_PATH).set(h());
      expect(list.body.find((r: { name: string }) => r.name === role.name).warnings).toEqual(
        res.body.warnings,
      );
      // the next request already knows
      expectError(await me(a.apiToken!), 403, 'API_ACCESS_REQUIRED');
      const back = await t
        .http()
        .patch(`${ROLES_PATH}/${role.name}`)
        .set(h())
        .send({ permissions: ['health_monitor_data', 'api_access'] });
      expectStatus(back, 200);
      expect(back.body.warnings).toEqual([]);
      expectStatus(await me(a.apiToken!), 200);
    });
  });

  describe('username is immutable', () => {
    it('PATCH with a username: 400 VALIDATION_FAILED naming the rule on the field', async () => {
      const u = await createUser(t, admin.token);
      for (const username of [uniqueName(), u.username, null]) {
        const res = await patch(u.id, { username });
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details).toEqual([{ field: 'username', message: 'username is immutable' }]);
      }
      expect((await t.http().get(`${USERS}/${u.id}`).set(h())).body.username).toBe(u.username);
    });
  });
});

describe('the starter role api_user is an ordinary role', () => {
  it('is editable and deletable, and a deleted one stays deleted after a restart', async () => {
    const database = await freshDatabase();
    let t: TestApp | undefined;
    try {
      t = await startTestApp({ database });
      const admin = bearer((await adminToken(t)).token);
      const path = `${ROLES_PATH}/api_user`;
      const edited = await t.http().patch(path).set(admin).send({ displayName: 'Scrapers' });
      expectStatus(edited, 200);
      expect(edited.body.displayName).toBe('Scrapers');
      expectStatus(await t.http().delete(path).set(admin), 204);
      await t.close();
      t = undefined;
      t = await startTestApp({ database });
      const gone = await t
        .http()
        .get(path)
        .set(bearer((await adminToken(t)).token));
      expectError(gone, 404, 'ROLE_NOT_FOUND');
    } finally {
      await t?.close();
      await database.dispose();
    }
  }, 240_000);
});
