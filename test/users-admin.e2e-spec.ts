import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, bearer, sessionTokenFor, startTestApp, useTestApp } from './support/harness.js';
import { createRoleRow } from './support/roles.js';
import { auditFor, createUser, expectError, expectStatus, uniqueName, USERS } from './support/users.js';

describe('last administrator', () => {
  const t = useTestApp();
  let admin: { userId: number; token: string };
  /** An API user with the administrator role: it holds full_access but cannot log in, so it does not count. */
  let robot: string;
  const as = (token: string) => bearer(token);

  beforeAll(async () => {
    admin = await adminToken(t);
    robot = (
      await createUser(t, admin.token, { isApiUser: true, apiTokenTtlDays: 30, role: 'administrator' })
    ).apiToken!;
  });

  it('the only administrator cannot demote or convert themselves: 409 LAST_ADMINISTRATOR', async () => {
    const self = `${USERS}/${admin.userId}`;
    // nobody deactivates themselves, the last administrator or not
    expectError(
      await t.http().post(`${self}/toggle-status`).set(as(admin.token)),
      400,
      'CANNOT_DEACTIVATE_SELF',
    );
    expectError(
      await t.http().patch(self).set(as(admin.token)).send({ isActive: false }),
      400,
      'CANNOT_DEACTIVATE_SELF',
    );
    expectError(
      await t.http().patch(self).set(as(admin.token)).send({ role: 'viewer' }),
      409,
      'LAST_ADMINISTRATOR',
    );
    expectError(
      await t.http().patch(self).set(as(admin.token)).send({ isApiUser: true, apiTokenTtlDays: 30 }),
      409,
      'LAST_ADMINISTRATOR',
    );
    expectError(await t.http().delete(self).set(as(admin.token)), 400, 'CANNOT_DELETE_SELF');
    const me = await t.http().get(self).set(as(admin.token));
    expect(me.body).toMatchObject({ isActive: true, role: 'administrator', isApiUser: false });
  });

  it('nobody else can delete or deactivate the last administrator either', async () => {
    const target = `${USERS}/${admin.userId}`;
    expectError(await t.http().delete(target).set(as(robot)), 409, 'LAST_ADMINISTRATOR');
    expectError(await t.http().post(`${target}/toggle-status`).set(as(robot)), 409, 'LAST_ADMINISTRATOR');
    expectError(
      await t.http().patch(target).set(as(robot)).send({ role: 'viewer' }),
      409,
      'LAST_ADMINISTRATOR',
    );
    expect((await auditFor(t, admin.userId)).map((a) => a.action)).toEqual(['user.created']);
  });

  it('with a second administrator, one may be deactivated; then the other is the last', async () => {
    const second = await createUser(t, admin.token, { role: 'administrator' });
    const secondToken = await sessionTokenFor(t, second.id);
    expectStatus(await t.http().post(`${USERS}/${admin.userId}/toggle-status`).set(as(robot)), 200);
    expectError(
      await t.http().patch(`${USERS}/${second.id}`).set(as(secondToken)).send({ role: 'viewer' }),
      409,
      'LAST_ADMINISTRATOR',
    );
    expectError(
      await t.http().post(`${USERS}/${second.id}/toggle-status`).set(as(robot)),
      409,
      'LAST_ADMINISTRATOR',
    );
    expectError(await t.http().delete(`${USERS}/${second.id}`).set(as(robot)), 409, 'LAST_ADMINISTRATOR');
    // an inactive administrator does not count: reactivating makes two again
    expectStatus(await t.http().post(`${USERS}/${admin.userId}/toggle-status`).set(as(robot)), 200);
    admin.token = await sessionTokenFor(t, admin.userId);
    expectStatus(await t.http().delete(`${USERS}/${second.id}`).set(as(admin.token)), 204);
  });

  it('any role holding full_access makes an administrator', async () => {
    await createRoleRow(t, ['full_access', 'audit_log_data'], 'superuser');
    const other = await createUser(t, admin.token, { role: 'superuser' });
    const res = await t
      .http()
      .patch(`${USERS}/${admin.userId}`)
      .set(as(robot))
      .send({ role: 'process_analyst' });
    expectStatus(res, 200);
    expectError(
      await t.http().patch(`${USERS}/${other.id}`).set(as(robot)).send({ role: 'viewer' }),
      409,
      'LAST_ADMINISTRATOR',
    );
    expectStatus(
      await t.http().patch(`${USERS}/${admin.userId}`).set(as(robot)).send({ role: 'administrator' }),
      200,
    );
    expectStatus(await t.http().delete(`${USERS}/${other.id}`).set(as(robot)), 204);
  });

  it('two administrators removed at the same moment: exactly one succeeds', async () => {
    const second = await createUser(t, admin.token, { role: 'administrator' });
    for (let round = 0; round < 3; round++) {
      const [a, b] = await Promise.all([
        t.http().post(`${USERS}/${admin.userId}/toggle-status`).set(as(robot)),
        t.http().post(`${USERS}/${second.id}/toggle-status`).set(as(robot)),
      ]);
      const ok = [a, b].filter((r) => r.status === 200);
      const refused = [a, b].filter((r) => r.status !== 200);
      expect(ok).toHaveLength(1);
      expectError(refused[0], 409, 'LAST_ADMINISTRATOR');
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM users WHERE role_name = 'administrator' AND is_active AND NOT is_api_user`,
      );
      expect(n).toBe(1);
      // reactivate whoever was deactivated
      const off = ok[0] === a ? admin.userId : second.id;
      expectStatus(await t.http().post(`${USERS}/${off}/toggle-status`).set(as(robot)), 200);
    }
    const [x, y] = await Promise.all([
      t.http().delete(`${USERS}/${second.id}`).set(as(robot)),
      t.http().patch(`${USERS}/${admin.userId}`).set(as(robot)).send({ role: 'viewer' }),
    ]);
    expect([x.status === 204, y.status === 200].filter(Boolean)).toHaveLength(1);
    const refused = [x, y].find((r) => r.status === 409)!;
    expectError(refused, 409, 'LAST_ADMINISTRATOR');
  });
});

describe('no privilege escalation', () => {
  const t = useTestApp();
  let admin: { userId: number; token: string };
  let userAdmin: string;
  let helpdesk: string;
  let adminApiUserId: number;
  const valid = (role: string) => {
    const username = uniqueName('esc');
    return { username, email: `${username}@example.test`, password: 'MySecure2025Pass!', role };
  };

  beforeAll(async () => {
    admin = await adminToken(t);
    await createRoleRow(t, ['manage_users'], 'user_admin');
    await createRoleRow(t, ['manage_users', 'health_monitor_data', 'model_validation_data'], 'helpdesk');
    userAdmin = await sessionTokenFor(t, (await createUser(t, admin.token, { role: 'user_admin' })).id);
    helpdesk = await sessionTokenFor(t, (await createUser(t, admin.token, { role: 'helpdesk' })).id);
    adminApiUserId = (
      await createUser(t, admin.token, { isApiUser: true, apiTokenTtlDays: 30, role: 'administrator' })
    ).id;
  });

  describe('on create', () => {
    it('refuses a role holding a permission the caller lacks: 403 PRIVILEGE_ESCALATION', async () => {
      for (const role of ['viewer', 'administrator', 'process_analyst', 'helpdesk']) {
        const res = await t.http().post(USERS).set(bearer(userAdmin)).send(valid(role));
        expectError(res, 403, 'PRIVILEGE_ESCALATION');
      }
      for (const role of ['administrator', 'process_analyst', 'process_operator']) {
        const res = await t.http().post(USERS).set(bearer(helpdesk)).send(valid(role));
        expectError(res, 403, 'PRIVILEGE_ESCALATION');
      }
    });

    it('allows a role whose permissions the caller all holds', async () => {
      expectStatus(await t.http().post(USERS).set(bearer(userAdmin)).send(valid('user_admin')), 201);
      expectStatus(await t.http().post(USERS).set(bearer(helpdesk)).send(valid('viewer')), 201);
      expectStatus(await t.http().post(USERS).set(bearer(helpdesk)).send(valid('helpdesk')), 201);
    });

    it('lets full_access grant anything', async () => {
      expectStatus(await t.http().post(USERS).set(bearer(admin.token)).send(valid('administrator')), 201);
    });
  });

  describe('on edit', () => {
    it('refuses to give a user a role holding a permission the caller lacks', async () => {
      const viewer = await createUser(t, admin.token, { role: 'viewer' });
      for (const role of ['administrator', 'process_analyst']) {
        const res = await t.http().patch(`${USERS}/${viewer.id}`).set(bearer(helpdesk)).send({ role });
        expectError(res, 403, 'PRIVILEGE_ESCALATION');
      }
      const after = await t.http().get(`${USERS}/${viewer.id}`).set(bearer(admin.token));
      expect(after.body.role).toBe('viewer');
      expectStatus(
        await t.http().patch(`${USERS}/${viewer.id}`).set(bearer(helpdesk)).send({ role: 'helpdesk' }),
        200,
      );
    });

    it('refuses to act on a user holding a permission the caller lacks (an administrator)', async () => {
      const target = `${USERS}/${admin.userId}`;
      const h = bearer(helpdesk);
      expectError(
        await t.http().patch(target).set(h).send({ email: 'mine@example.test' }),
        403,
        'PRIVILEGE_ESCALATION',
      );
      expectError(await t.http().patch(target).set(h).send({ role: 'viewer' }), 403, 'PRIVILEGE_ESCALATION');
      expectError(await t.http().post(`${target}/reset-password`).set(h), 403, 'PRIVILEGE_ESCALATION');
      expectError(await t.http().post(`${target}/toggle-status`).set(h), 403, 'PRIVILEGE_ESCALATION');
      expectError(await t.http().delete(target).set(h), 403, 'PRIVILEGE_ESCALATION');
      expectError(
        await t.http().post(`${USERS}/${adminApiUserId}/regenerate-token`).set(h),
        403,
        'PRIVILEGE_ESCALATION',
      );
      const me = await t.http().get(target).set(bearer(admin.token));
      expect(me.body).toMatchObject({
        email: 'admin@example.test',
        isActive: true,
        mustChangePassword: false,
      });
      expect((await auditFor(t, admin.userId)).map((a) => a.action)).toEqual(['user.created']);
    });

    it('refuses to act on a peer with other permissions, and allows acting on a lesser user', async () => {
      const analyst = await createUser(t, admin.token, { role: 'process_analyst' });
      expectError(
        await t.http().post(`${USERS}/${analyst.id}/reset-password`).set(bearer(helpdesk)),
        403,
        'PRIVILEGE_ESCALATION',
      );
      const viewer = await createUser(t, admin.token, { role: 'viewer' });
      expectStatus(await t.http().post(`${USERS}/${viewer.id}/reset-password`).set(bearer(helpdesk)), 200);
      expectStatus(await t.http().post(`${USERS}/${viewer.id}/toggle-status`).set(bearer(helpdesk)), 200);
      expectStatus(await t.http().delete(`${USERS}/${viewer.id}`).set(bearer(helpdesk)), 204);
    });

    it('answers 404 before 403 for an unknown user', async () => {
      expectError(
        await t.http().post(`${USERS}/999999/toggle-status`).set(bearer(helpdesk)),
        404,
        'USER_NOT_FOUND',
      );
    });
  });
});

describe('initial administrator with a weak ADMIN_PASSWORD', () => {
  it('is created, but must change the password at first login; the log says why, without the password', async () => {
    const t = await startTestApp({ env: { ADMIN_PASSWORD: 'Password1' } });
    try {
      const [admin] = await t.dataSource.query(
        `SELECT must_change_password FROM users WHERE username = 'admin'`,
      );
      expect(admin.must_change_password).toBe(true);
      const warning = t.logs.find((l) => l.includes('does not meet the password policy'));
      expect(warning).toMatch(/is too common/);
      expect(t.logs.join('\n')).not.toContain('Password1');
      const { token } = await adminToken(t);
      expectError(await t.http().get(USERS).set(bearer(token)), 403, 'PASSWORD_CHANGE_REQUIRED');
    } finally {
      await t.close();
    }
  });
});
