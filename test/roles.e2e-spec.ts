import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, createUserRow, useAdmin, userWithToken, useTestApp } from './support/harness.js';
import {
  apiCallerWith,
  auditEntriesFor,
  callerWith,
  createRoleRow,
  itIsOpenToRoleOrUserManagers,
  ROLES_PATH,
  SYSTEM_ROLES,
  uniqueName,
} from './support/roles.js';

describe('roles API', () => {
  let roleAdmin: string; // manage_roles only
  let userAdmin: string; // manage_users only
  const t = useTestApp();
  const admin = useAdmin(t);

  beforeAll(async () => {
    roleAdmin = (await callerWith(t, ['manage_roles'])).token;
    userAdmin = (await callerWith(t, ['manage_users'])).token;
    // the listing counts at least this one user of the viewer role
    await createUserRow(t, { role: 'viewer' });
  });

  const patchRole = (name: string, token: string) =>
    t.http().patch(`${ROLES_PATH}/${name}`).set(bearer(token));

  const newRole = (over: Record<string, unknown> = {}) => ({
    name: uniqueName(),
    displayName: 'Portfolio Reader',
    description: 'Reads the portfolio',
    permissions: ['portfolio_data'],
    ...over,
  });

  describe('GET /auth/api/roles', () => {
    it('lists the roles with their user counts, system roles first', async () => {
      const res = await t.http().get(ROLES_PATH).set(bearer(admin.token)).expect(200);
      expect(res.body.slice(0, 4).map((r: { name: string }) => r.name)).toEqual(SYSTEM_ROLES);
      const administrator = res.body[0];
      expect(administrator).toEqual({
        name: 'administrator',
        displayName: 'Administrator',
        description: expect.any(String),
        permissions: ['full_access'],
        requireMfa: false,
        isSystem: true,
        userCount: 1,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        warnings: [],
      });
      const viewerRole = res.body.find((r: { name: string }) => r.name === 'viewer');
      expect(viewerRole.userCount).toBeGreaterThanOrEqual(1);
    });

    itIsOpenToRoleOrUserManagers(t, ROLES_PATH, 'viewer');
  });

  describe('GET /auth/api/roles/:name', () => {
    it('answers one role to manage_roles', async () => {
      const res = await t.http().get(`${ROLES_PATH}/process_operator`).set(bearer(roleAdmin)).expect(200);
      expect(res.body).toMatchObject({
        name: 'process_operator',
        displayName: 'Process Operator',
        permissions: ['health_monitor_data', 'diff_tool_data', 'model_validation_data'],
        isSystem: true,
        userCount: 0,
        warnings: [],
      });
    });

    it('counts the users of a role, active or not', async () => {
      const role = await createRoleRow(t, ['portfolio_data']);
      await createUserRow(t, { role: role.name });
      await createUserRow(t, { role: role.name, isActive: false });
      const res = await t.http().get(`${ROLES_PATH}/${role.name}`).set(bearer(admin.token)).expect(200);
      expect(res.body.userCount).toBe(2);
    });

    it('is not open to manage_users alone (403 PERMISSION_DENIED)', async () => {
      const res = await t.http().get(`${ROLES_PATH}/viewer`).set(bearer(userAdmin)).expect(403);
      expect(res.body.code).toBe('PERMISSION_DENIED');
      expect(res.body.message).toBe('Missing permission: manage_roles');
    });

    it('refuses an anonymous caller (401 UNAUTHENTICATED)', async () => {
      const res = await t.http().get(`${ROLES_PATH}/viewer`).expect(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    it.each(['no_such_role', 'Viewer', 'x'.repeat(100), '%00', 'a%00b', '%F0%9F%98%80'])(
      'answers 404 ROLE_NOT_FOUND for %j',
      async (name) => {
        const res = await t.http().get(`${ROLES_PATH}/${name}`).set(bearer(admin.token)).expect(404);
        expect(res.body.code).toBe('ROLE_NOT_FOUND');
      },
    );
  });

  describe('POST /auth/api/roles', () => {
    it('creates a role (201) and answers it', async () => {
      const body = newRole({ permissions: ['portfolio_data', 'ai_analysis_data'] });
      const res = await t.http().post(ROLES_PATH).set(bearer(admin.token)).send(body).expect(201);
      expect(res.body).toEqual({
        ...body,
        requireMfa: false,
        isSystem: false,
        userCount: 0,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        warnings: [],
      });
      const read = await t.http().get(`${ROLES_PATH}/${body.name}`).set(bearer(admin.token)).expect(200);
      expect(read.body).toEqual(res.body);
    });

    it('defaults the description to empty', async () => {
      const { description: _omit, ...body } = newRole();
      const res = await t.http().post(ROLES_PATH).set(bearer(admin.token)).send(body).expect(201);
      expect(res.body.description).toBe('');
    });

    it('warns, without blocking, when user administration meets operational access', async () => {
      const body = newRole({ permissions: ['manage_users', 'portfolio_data', 'api_access'] });
      const res = await t.http().post(ROLES_PATH).set(bearer(admin.token)).send(body).expect(201);
      expect(res.body.warnings).toEqual([
        'Separation of duty: user administration (manage_users) is combined with operational access ' +
          '(portfolio_data); consider separate roles',
      ]);
      const list = await t.http().get(ROLES_PATH).set(bearer(admin.token)).expect(200);
      expect(list.body.find((r: { name: string }) => r.name === body.name).warnings).toHaveLength(1);
    });

    it('refuses an existing name (409 ROLE_EXISTS), system roles included', async () => {
      const body = newRole();
      await t.http().post(ROLES_PATH).set(bearer(admin.token)).send(body).expect(201);
      const again = await t.http().post(ROLES_PATH).set(bearer(admin.token)).send(body).expect(409);
      expect(again.body.code).toBe('ROLE_EXISTS');
      const system = await t
        .http()
        .post(ROLES_PATH)
        .set(bearer(admin.token))
        .send(newRole({ name: 'viewer' }))
        .expect(409);
      expect(system.body.code).toBe('ROLE_EXISTS');
    });

    it('lets exactly one of several concurrent creates of one name win', async () => {
      const body = newRole();
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => t.http().post(ROLES_PATH).set(bearer(admin.token)).send(body)),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
      expect(answers.filter((r) => r.status === 409).every((r) => r.body.code === 'ROLE_EXISTS')).toBe(true);
    });

    it('is not open to manage_users (403 PERMISSION_DENIED)', async () => {
      const res = await t.http().post(ROLES_PATH).set(bearer(userAdmin)).send(newRole()).expect(403);
      expect(res.body.code).toBe('PERMISSION_DENIED');
    });

    it('refuses an anonymous caller (401 UNAUTHENTICATED)', async () => {
      const res = await t.http().post(ROLES_PATH).send(newRole()).expect(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    it.each([
      { field: 'name', body: { name: undefined } },
      { field: 'name', body: { name: 'Reports' } },
      { field: 'name', body: { name: '1reports' } },
      { field: 'name', body: { name: 'r' } },
      { field: 'name', body: { name: 'reports-data' } },
      { field: 'name', body: { name: 'r'.repeat(64) } },
      { field: 'name', body: { name: 42 } },
      { field: 'displayName', body: { displayName: undefined } },
      { field: 'displayName', body: { displayName: '' } },
      { field: 'displayName', body: { displayName: '   ' } },
      { field: 'displayName', body: { displayName: 'd'.repeat(101) } },
      { field: 'displayName', body: { displayName: null } },
      { field: 'displayName', body: { displayName: 'a\u0000b' } },
      { field: 'displayName', body: { displayName: 'line\nbreak' } },
      { field: 'description', body: { description: 'd'.repeat(501) } },
      { field: 'description', body: { description: null } },
      { field: 'description', body: { description: 7 } },
      { field: 'description', body: { description: 'a\u0000b' } },
      { field: 'permissions', body: { permissions: undefined } },
      { field: 'permissions', body: { permissions: [] } },
      { field: 'permissions', body: { permissions: 'portfolio_data' } },
      { field: 'permissions', body: { permissions: ['portfolio_data', 'portfolio_data'] } },
      { field: 'permissions', body: { permissions: [1] } },
      { field: 'permissions', body: { permissions: ['Portfolio Data'] } },
      { field: 'isSystem', body: { isSystem: true } },
    ])('refuses a bad $field (400 VALIDATION_FAILED): $body', async ({ field, body }) => {
      const res = await t.http().post(ROLES_PATH).set(bearer(admin.token)).send(newRole(body)).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('accepts line breaks and tabs in a description', async () => {
      const body = newRole({ description: 'first line\n\tsecond line\r\n' });
      const res = await t.http().post(ROLES_PATH).set(bearer(admin.token)).send(body).expect(201);
      expect(res.body.description).toBe(body.description);
    });

    it('accepts the longest name and displayName and description', async () => {
      const body = newRole({
        name: `r${'x'.repeat(62)}`,
        displayName: 'd'.repeat(100),
        description: 'e'.repeat(500),
      });
      await t.http().post(ROLES_PATH).set(bearer(admin.token)).send(body).expect(201);
    });

    it('refuses unknown permissions, naming them (400 VALIDATION_FAILED)', async () => {
      const res = await t
        .http()
        .post(ROLES_PATH)
        .set(bearer(admin.token))
        .send(newRole({ permissions: ['portfolio_data', 'no_such_thing', 'other_thing'] }))
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.message).toBe('Unknown permissions: no_such_thing, other_thing');
      expect(res.body.details).toEqual([
        { field: 'permissions', message: 'Unknown permissions: no_such_thing, other_thing' },
      ]);
    });

    it('writes nothing for a refused create', async () => {
      const body = newRole({ permissions: ['nope_nope'] });
      await t.http().post(ROLES_PATH).set(bearer(admin.token)).send(body).expect(400);
      await t.http().get(`${ROLES_PATH}/${body.name}`).set(bearer(admin.token)).expect(404);
    });
  });

  describe('no privilege escalation', () => {
    it('refuses a manage_roles-only caller a role with manage_users (403 PRIVILEGE_ESCALATION)', async () => {
      const body = newRole({ permissions: ['manage_users'] });
      const res = await t.http().post(ROLES_PATH).set(bearer(roleAdmin)).send(body).expect(403);
      expect(res.body.code).toBe('PRIVILEGE_ESCALATION');
      expect(res.body.message).toBe(
        'Privilege escalation: cannot grant permissions you do not hold: manage_users',
      );
      await t.http().get(`${ROLES_PATH}/${body.name}`).set(bearer(admin.token)).expect(404);
    });

    it('names every missing permission, full_access included', async () => {
      const res = await t
        .http()
        .post(ROLES_PATH)
        .set(bearer(roleAdmin))
        .send(newRole({ permissions: ['manage_roles', 'full_access', 'audit_log_data'] }))
        .expect(403);
      expect(res.body.code).toBe('PRIVILEGE_ESCALATION');
      expect(res.body.message).toMatch(/: audit_log_data, full_access$/);
    });

    it('lets a caller create a role from permissions they hold', async () => {
      const { token } = await callerWith(t, ['manage_roles', 'portfolio_data', 'ai_analysis_data']);
      await t
        .http()
        .post(ROLES_PATH)
        .set(bearer(token))
        .send(newRole({ permissions: ['portfolio_data', 'manage_roles'] }))
        .expect(201);
    });

    it('refuses to add a permission the caller lacks to a role', async () => {
      const { token } = await callerWith(t, ['manage_roles', 'portfolio_data']);
      const role = await createRoleRow(t, ['portfolio_data']);
      const res = await patchRole(role.name, token)
        .send({ permissions: ['portfolio_data', 'manage_users'] })
        .expect(403);
      expect(res.body.code).toBe('PRIVILEGE_ESCALATION');
      expect(res.body.message).toMatch(/manage_users$/);
      await patchRole(role.name, token).send({ displayName: 'Still mine' }).expect(200);
    });

    it('refuses to edit or delete a role holding a permission the caller lacks', async () => {
      const role = await createRoleRow(t, ['manage_users']);
      const edit = await patchRole(role.name, roleAdmin).send({ displayName: 'Mine now' }).expect(403);
      expect(edit.body.code).toBe('PRIVILEGE_ESCALATION');
      expect(edit.body.message).toBe(
        'Privilege escalation: cannot edit a role holding permissions you do not hold: manage_users',
      );
      const removal = await t.http().delete(`${ROLES_PATH}/${role.name}`).set(bearer(roleAdmin)).expect(403);
      expect(removal.body.code).toBe('PRIVILEGE_ESCALATION');
      await t.http().get(`${ROLES_PATH}/${role.name}`).set(bearer(admin.token)).expect(200);
    });

    it('refuses a manage_roles-only caller to touch the administrator role', async () => {
      const res = await patchRole('administrator', roleAdmin).send({ description: 'taken over' }).expect(403);
      expect(res.body.code).toBe('PRIVILEGE_ESCALATION');
      expect(res.body.message).toMatch(/full_access$/);
    });
  });

  describe('PATCH /auth/api/roles/:name', () => {
    it('edits displayName, description and permissions', async () => {
      const role = await createRoleRow(t, ['portfolio_data']);
      const res = await patchRole(role.name, admin.token)
        .send({ displayName: 'Analysts', description: 'Look at things', permissions: ['ai_analysis_data'] })
        .expect(200);
      expect(res.body).toMatchObject({
        name: role.name,
        displayName: 'Analysts',
        description: 'Look at things',
        permissions: ['ai_analysis_data'],
        isSystem: false,
      });
      expect(new Date(res.body.updatedAt).getTime()).toBeGreaterThanOrEqual(role.updatedAt.getTime());
    });

    it('clears the description with an empty string', async () => {
      const role = await createRoleRow(t, ['portfolio_data']);
      await t.dataSource.query(`UPDATE roles SET description = 'x' WHERE name = $1`, [role.name]);
      const res = await patchRole(role.name, admin.token).send({ description: '' }).expect(200);
      expect(res.body.description).toBe('');
    });

    it('refuses a name in the body: names are immutable (400 VALIDATION_FAILED)', async () => {
      const role = await createRoleRow(t, ['portfolio_data']);
      for (const name of ['renamed_role', role.name, null]) {
        const res = await patchRole(role.name, admin.token)
          .send({ name, displayName: 'Renamed' })
          .expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(res.body.details).toEqual([
          { field: 'name', message: 'name is immutable; create a new role instead' },
        ]);
      }
      const read = await t.http().get(`${ROLES_PATH}/${role.name}`).set(bearer(admin.token)).expect(200);
      expect(read.body.displayName).toBe(role.displayName);
    });

    it.each([
      { field: 'displayName', body: { displayName: '' } },
      { field: 'displayName', body: { displayName: ' ' } },
      { field: 'displayName', body: { displayName: 'd'.repeat(101) } },
      { field: 'displayName', body: { displayName: null } },
      { field: 'displayName', body: { displayName: 'tab\there' } },
      { field: 'description', body: { description: 'd'.repeat(501) } },
      { field: 'description', body: { description: null } },
      { field: 'description', body: { description: '\u0000' } },
      { field: 'permissions', body: { permissions: [] } },
      { field: 'permissions', body: { permissions: null } },
      { field: 'permissions', body: { permissions: ['portfolio_data', 'portfolio_data'] } },
      { field: 'permissions', body: { permissions: [true] } },
      { field: 'isSystem', body: { isSystem: false } },
    ])('refuses a bad $field (400 VALIDATION_FAILED): $body', async ({ field, body }) => {
      const role = await createRoleRow(t, ['portfolio_data']);
      const res = await patchRole(role.name, admin.token).send(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('refuses unknown permissions, naming them (400 VALIDATION_FAILED)', async () => {
      const role = await createRoleRow(t, ['portfolio_data']);
      const res = await patchRole(role.name, admin.token)
        .send({ permissions: ['portfolio_data', 'ghost_data'] })
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.message).toBe('Unknown permissions: ghost_data');
    });

    it.each(['no_such_role', '%00'])('answers 404 ROLE_NOT_FOUND for %j', async (name) => {
      const res = await patchRole(name, admin.token).send({ displayName: 'x' }).expect(404);
      expect(res.body.code).toBe('ROLE_NOT_FOUND');
    });

    it('is not open to manage_users (403 PERMISSION_DENIED)', async () => {
      const res = await patchRole('viewer', userAdmin).send({ displayName: 'x' }).expect(403);
      expect(res.body.code).toBe('PERMISSION_DENIED');
    });

    it('refuses an anonymous caller (401 UNAUTHENTICATED)', async () => {
      const res = await t.http().patch(`${ROLES_PATH}/viewer`).send({ displayName: 'x' }).expect(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('system roles', () => {
    it('keep their permissions (403 SYSTEM_ROLE)', async () => {
      for (const name of SYSTEM_ROLES) {
        const res = await patchRole(name, admin.token)
          .send({ permissions: ['portfolio_data'] })
          .expect(403);
        expect(res.body.code).toBe('SYSTEM_ROLE');
      }
      const viewerRole = await t.http().get(`${ROLES_PATH}/viewer`).set(bearer(admin.token)).expect(200);
      expect(viewerRole.body.permissions).toEqual(['health_monitor_data', 'model_validation_data']);
    });

    it('accept their own permission set again, in any order', async () => {
      const res = await patchRole('viewer', admin.token)
        .send({ permissions: ['model_validation_data', 'health_monitor_data'] })
        .expect(200);
      expect(res.body.permissions).toEqual(['health_monitor_data', 'model_validation_data']);
    });

    it('may get a new displayName and description', async () => {
      const res = await patchRole('process_analyst', admin.token)
        .send({ displayName: 'Analyst', description: 'Analyses' })
        .expect(200);
      expect(res.body).toMatchObject({ name: 'process_analyst', displayName: 'Analyst', isSystem: true });
    });

    it('are never deleted (403 SYSTEM_ROLE)', async () => {
      for (const name of SYSTEM_ROLES) {
        const res = await t.http().delete(`${ROLES_PATH}/${name}`).set(bearer(admin.token)).expect(403);
        expect(res.body.code).toBe('SYSTEM_ROLE');
        expect(res.body.message).toBe(`System role '${name}' cannot be deleted`);
      }
    });
  });

  describe('DELETE /auth/api/roles/:name', () => {
    it('deletes an unused custom role (204)', async () => {
      const role = await createRoleRow(t, ['portfolio_data']);
      await t.http().delete(`${ROLES_PATH}/${role.name}`).set(bearer(admin.token)).expect(204);
      const res = await t.http().get(`${ROLES_PATH}/${role.name}`).set(bearer(admin.token)).expect(404);
      expect(res.body.code).toBe('ROLE_NOT_FOUND');
    });

    it('refuses a role with users, word for word (409 ROLE_IN_USE)', async () => {
      const role = await createRoleRow(t, ['portfolio_data']);
      const one = await createUserRow(t, { role: role.name });
      const two = await createUserRow(t, { role: role.name, isActive: false });
      const res = await t.http().delete(`${ROLES_PATH}/${role.name}`).set(bearer(admin.token)).expect(409);
      expect(res.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        code: 'ROLE_IN_USE',
        message: 'Cannot delete role. 2 user(s) are assigned to this role',
      });
      await t.dataSource.query('DELETE FROM users WHERE id = ANY($1)', [[one.id, two.id]]);
      await t.http().delete(`${ROLES_PATH}/${role.name}`).set(bearer(admin.token)).expect(204);
    });

    it('says 1 user(s) for one user', async () => {
      const role = await createRoleRow(t, ['portfolio_data']);
      await createUserRow(t, { role: role.name });
      const res = await t.http().delete(`${ROLES_PATH}/${role.name}`).set(bearer(admin.token)).expect(409);
      expect(res.body.code).toBe('ROLE_IN_USE');
      expect(res.body.message).toBe('Cannot delete role. 1 user(s) are assigned to this role');
    });

    it('never lets a delete and a concurrent assignment of the role both succeed', async () => {
      for (let i = 0; i < 5; i++) {
        const role = await createRoleRow(t, ['portfolio_data']);
        const [removal, assignment] = await Promise.allSettled([
          t.http().delete(`${ROLES_PATH}/${role.name}`).set(bearer(admin.token)),
          createUserRow(t, { role: role.name }),
        ]);
        if (removal.status === 'rejected') throw removal.reason;
        if (assignment.status === 'fulfilled') {
          expect(removal.value.status).toBe(409);
          expect(removal.value.body.code).toBe('ROLE_IN_USE');
        } else {
          expect(removal.value.status).toBe(204);
          expect(String(assignment.reason)).toMatch(/foreign key/);
        }
      }
    });

    it.each(['no_such_role', '%00'])('answers 404 ROLE_NOT_FOUND for %j', async (name) => {
      const res = await t.http().delete(`${ROLES_PATH}/${name}`).set(bearer(admin.token)).expect(404);
      expect(res.body.code).toBe('ROLE_NOT_FOUND');
    });

    it('is not open to manage_users (403 PERMISSION_DENIED)', async () => {
      const role = await createRoleRow(t, ['portfolio_data']);
      const res = await t.http().delete(`${ROLES_PATH}/${role.name}`).set(bearer(userAdmin)).expect(403);
      expect(res.body.code).toBe('PERMISSION_DENIED');
    });

    it('refuses an anonymous caller (401 UNAUTHENTICATED)', async () => {
      const res = await t.http().delete(`${ROLES_PATH}/viewer`).expect(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('a change holds on the very next request', () => {
    it('a user whose role loses a permission is refused on the next request, and let in once it is back', async () => {
      const { token, role } = await callerWith(t, ['manage_roles']);
      await t.http().get(ROLES_PATH).set(bearer(token)).expect(200);
      await t.http().get(ROLES_PATH).set(bearer(token)).expect(200);
      await patchRole(role, admin.token)
        .send({ permissions: ['portfolio_data'] })
        .expect(200);
      const refused = await t.http().get(ROLES_PATH).set(bearer(token)).expect(403);
      expect(refused.body.code).toBe('PERMISSION_DENIED');
      await patchRole(role, admin.token)
        .send({ permissions: ['manage_users'] })
        .expect(200);
      await t.http().get(ROLES_PATH).set(bearer(token)).expect(200);
    });
  });

  describe('the guard', () => {
    it('requires api_access, in addition, with an API token (403 API_ACCESS_REQUIRED)', async () => {
      const without = await apiCallerWith(t, ['manage_roles']);
      const res = await t.http().get(ROLES_PATH).set(bearer(without.token)).expect(403);
      expect(res.body.code).toBe('API_ACCESS_REQUIRED');
      const withIt = await apiCallerWith(t, ['manage_roles', 'api_access']);
      await t.http().get(ROLES_PATH).set(bearer(withIt.token)).expect(200);
      const onlyApi = await apiCallerWith(t, ['api_access']);
      const denied = await t.http().get(ROLES_PATH).set(bearer(onlyApi.token)).expect(403);
      expect(denied.body.code).toBe('PERMISSION_DENIED');
    });

    it('confines a session that must change its password (403 PASSWORD_CHANGE_REQUIRED)', async () => {
      const { token } = await userWithToken(t, { role: 'administrator', mustChangePassword: true });
      const res = await t.http().get(ROLES_PATH).set(bearer(token)).expect(403);
      expect(res.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
    });

    it('writes a denial to the audit log as auth.permission_denied', async () => {
      const { user, token } = await callerWith(t, ['portfolio_data']);
      await t.http().delete(`${ROLES_PATH}/viewer`).set(bearer(token)).expect(403);
      const rows = await auditEntriesFor(t, 'route', 'DELETE /auth/api/roles/:name');
      const mine = rows.filter((r) => r.actor_id === user.id);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        action: 'auth.permission_denied',
        outcome: 'denied',
        details: { required: ['manage_roles'], code: 'PERMISSION_DENIED', via: 'session' },
      });
    });
  });

  describe('audit', () => {
    it('records role.created, role.updated and role.deleted with what changed', async () => {
      const body = newRole({ permissions: ['portfolio_data'] });
      await t.http().post(ROLES_PATH).set(bearer(admin.token)).send(body).expect(201);
      await patchRole(body.name, admin.token)
        .send({ displayName: 'Renamed', description: body.description, permissions: ['ai_analysis_data'] })
        .expect(200);
      await t.http().delete(`${ROLES_PATH}/${body.name}`).set(bearer(admin.token)).expect(204);
      const rows = await auditEntriesFor(t, 'role', body.name);
      expect(rows.map((r) => r.action)).toEqual(['role.created', 'role.updated', 'role.deleted']);
      for (const row of rows) {
        expect(row).toMatchObject({ actor_id: admin.userId, actor_username: 'admin', outcome: 'success' });
      }
      expect(rows[0].details).toEqual({
        after: {
          displayName: body.displayName,
          description: body.description,
          permissions: ['portfolio_data'],
          requireMfa: false,
        },
      });
      expect(rows[1].details).toEqual({
        before: { displayName: body.displayName, permissions: ['portfolio_data'] },
        after: { displayName: 'Renamed', permissions: ['ai_analysis_data'] },
      });
      expect(rows[1].target_label).toBe('Renamed');
      expect(rows[2].details).toEqual({
        before: {
          displayName: 'Renamed',
          description: body.description,
          permissions: ['ai_analysis_data'],
          requireMfa: false,
        },
      });
    });

    it('records nothing for an edit that changes nothing, or a refused one', async () => {
      const role = await createRoleRow(t, ['portfolio_data']);
      await patchRole(role.name, admin.token)
        .send({ displayName: role.displayName, permissions: ['portfolio_data'] })
        .expect(200);
      await patchRole(role.name, admin.token).send({}).expect(200);
      await createUserRow(t, { role: role.name });
      await t.http().delete(`${ROLES_PATH}/${role.name}`).set(bearer(admin.token)).expect(409);
      expect(await auditEntriesFor(t, 'role', role.name)).toEqual([]);
    });
  });
});
