import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { RoleEntity } from '../../src/roles/role.entity.js';
import { UserEntity } from '../../src/users/user.entity.js';
import { decodeJwt, login, me } from '../support/auth.js';
import {
  ADMIN_USERNAME,
  adminToken,
  bearer,
  createUserRow,
  sessionTokenFor,
  userWithToken,
  useTestApp,
} from '../support/harness.js';
import {
  apiCallerWith,
  callerWith,
  createRoleRow,
  ROLES_PATH,
  setRolePermissions,
} from '../support/roles.js';
import { call, label, type Operation, operationsOf, pathOf } from '../support/openapi.js';
import { SecretWatch } from '../support/secrets.js';
import { expectError, expectStatus, postUser, uniqueName, USERS } from '../support/users.js';
import {
  lesserRoleHoldsOnNextRequest,
  permissionRemovedHoldsOnNextRequest,
} from '../support/authorization-change.js';

/** Open to anonymous callers, on purpose. */
const PUBLIC_ROUTES = [
  'GET /health/live',
  'GET /health/ready',
  'POST /auth/api/login',
  'POST /auth/api/login/mfa',
];
/** Need a caller but no permission: the caller's own account. */
const OWN_ACCOUNT_ROUTES = [
  'DELETE /auth/api/me/sessions/{id}',
  'GET /auth/api/me',
  'GET /auth/api/me/sessions',
  'POST /auth/api/logout',
  'POST /auth/api/me/password',
  'POST /auth/api/me/mfa/totp/setup',
  'POST /auth/api/me/mfa/totp/confirm',
  'DELETE /auth/api/me/mfa',
];
/** What a session that must enrol a second factor may still call. */
const WHILE_MFA_ENROLLMENT_PENDING = [
  'GET /auth/api/me',
  'POST /auth/api/logout',
  'POST /auth/api/me/password',
  'POST /auth/api/me/mfa/totp/setup',
  'POST /auth/api/me/mfa/totp/confirm',
  'DELETE /auth/api/me/mfa',
];
/** What a session with a pending password change may still call. */
const WHILE_PASSWORD_CHANGE_PENDING = [
  'GET /auth/api/me',
  'POST /auth/api/logout',
  'POST /auth/api/me/password',
];

/** Path values that name nothing: a call that gets past the guards answers 400 or 404 and changes nothing. */
function nothingPath(op: Operation): string {
  return pathOf(op, {
    id: op.path.startsWith('/auth/api/me/') ? randomUUID() : 999_999_999,
    name: 'no_such_role',
  });
}

describe('security: access control (ASVS V8, OWASP API1/API3/API5)', () => {
  const t = useTestApp();
  let admin: string;
  let ops: Operation[];
  let catalog: string[];
  const secrets = new SecretWatch();

  beforeAll(async () => {
    admin = (await adminToken(t)).token;
    ops = await operationsOf(t);
    const res = await t.http().get('/auth/api/permissions').set(bearer(admin));
    expectStatus(res, 200);
    catalog = (res.body as { name: string }[]).map((p) => p.name);
    secrets.add(admin);
  });

  const protectedOps = () => ops.filter((op) => !op.isPublic);

  describe('V8.2.1 function-level access, for every route of the OpenAPI document', () => {
    it('documents every route, and only the expected ones as public', () => {
      expect(ops.length).toBeGreaterThanOrEqual(28);
      expect(
        ops
          .filter((op) => op.isPublic)
          .map(label)
          .sort(),
      ).toEqual(PUBLIC_ROUTES.sort());
      expect(
        ops
          .filter((op) => !op.isPublic && op.permissions.length === 0)
          .map(label)
          .sort(),
      ).toEqual(OWN_ACCOUNT_ROUTES.sort());
    });

    it('answers the public routes without a token', async () => {
      for (const op of ops.filter((o) => o.isPublic)) {
        const res = await call(t, op, op.path, op.hasBody ? { body: {} } : {});
        expect([200, 400], `${label(op)}: ${res.status} ${res.text}`).toContain(res.status);
      }
    });

    it('answers every other route with 401 UNAUTHENTICATED without a token, or with a malformed one', async () => {
      for (const op of protectedOps()) {
        const path = nothingPath(op);
        const variants: Record<string, string>[] = [
          {},
          { Authorization: 'Bearer not-a-token' },
          { Authorization: 'Bearer ' },
        ];
        for (const headers of variants) {
          const res = await call(t, op, path, { headers, ...(op.hasBody ? { body: {} } : {}) });
          expectError(res, 401, 'UNAUTHENTICATED');
        }
      }
    });

    it('answers 403 PERMISSION_DENIED to a session holding every permission but the ones a route needs', async () => {
      for (const op of protectedOps().filter((o) => o.permissions.length > 0)) {
        const others = catalog.filter((p) => p !== 'full_access' && !op.permissions.includes(p));
        const { token } = await callerWith(t, others);
        const denied = await call(t, op, nothingPath(op), { token, ...(op.hasBody ? { body: {} } : {}) });
        expectError(denied, 403, 'PERMISSION_DENIED');
      }
    });

    it('lets a session holding just one of the permissions a route needs past the guards', async () => {
      for (const op of protectedOps()) {
        for (const permission of op.permissions.length ? op.permissions : [undefined]) {
          const { token } = await callerWith(t, permission ? [permission] : ['portfolio_data']);
          const res = await call(t, op, nothingPath(op), { token, ...(op.hasBody ? { body: {} } : {}) });
          const where = `${label(op)} with ${permission ?? 'no permission'}: ${res.status} ${res.text.slice(0, 200)}`;
          expect(res.status, where).not.toBe(401);
          expect(
            ['PERMISSION_DENIED', 'API_ACCESS_REQUIRED', 'PASSWORD_CHANGE_REQUIRED'],
            where,
          ).not.toContain(res.body?.code);
          expect(res.status, where).toBeLessThan(500);
        }
      }
    });

    it('answers 403 API_ACCESS_REQUIRED on every route to an API token without api_access, whatever else it holds', async () => {
      const { token } = await apiCallerWith(
        t,
        catalog.filter((p) => p !== 'api_access' && p !== 'full_access'),
      );
      secrets.add(token);
      for (const op of protectedOps()) {
        const res = await call(t, op, nothingPath(op), { token, ...(op.hasBody ? { body: {} } : {}) });
        expectError(res, 403, 'API_ACCESS_REQUIRED');
      }
    });

    it('confines a session with a pending password change to /me, /me/password and /logout (403 PASSWORD_CHANGE_REQUIRED)', async () => {
      const role = await createRoleRow(t, ['full_access']);
      const user = await createUserRow(t, { role: role.name, mustChangePassword: true });
      for (const op of protectedOps().filter((o) => !WHILE_PASSWORD_CHANGE_PENDING.includes(label(o)))) {
        const token = await sessionTokenFor(t, user.id);
        const res = await call(t, op, nothingPath(op), { token, ...(op.hasBody ? { body: {} } : {}) });
        expectError(res, 403, 'PASSWORD_CHANGE_REQUIRED');
      }
    });

    it('confines a session whose role requires MFA, without one, to /me, /me/password, /me/mfa/* and /logout (403 MFA_ENROLLMENT_REQUIRED)', async () => {
      const role = await createRoleRow(t, ['full_access']);
      await t.dataSource.query(`UPDATE roles SET require_mfa = true WHERE name = $1`, [role.name]);
      const user = await createUserRow(t, { role: role.name });
      for (const op of protectedOps().filter((o) => !WHILE_MFA_ENROLLMENT_PENDING.includes(label(o)))) {
        const token = await sessionTokenFor(t, user.id);
        const res = await call(t, op, nothingPath(op), { token, ...(op.hasBody ? { body: {} } : {}) });
        expectError(res, 403, 'MFA_ENROLLMENT_REQUIRED');
      }
    });
  });

  describe('V15.3.3 / V8.2.3 mass assignment: unknown body fields are refused, never stored', () => {
    const EXTRA = [
      'id',
      'isSystem',
      'passwordHash',
      'mustChangePassword',
      'apiTokenId',
      'createdAt',
      'role',
      'permissions',
      'userCount',
      'isAdmin',
    ];

    it('refuses each undocumented field on every route with a body (400 VALIDATION_FAILED naming it)', async () => {
      for (const op of ops.filter((o) => o.hasBody)) {
        const extras = EXTRA.filter((f) => !op.bodyProperties.includes(f));
        expect(extras.length, label(op)).toBeGreaterThan(0);
        for (const field of extras) {
          const token = await sessionTokenFor(t, (await adminToken(t)).userId);
          const res = await call(t, op, nothingPath(op), {
            token,
            body: { [field]: field === 'id' ? 1 : true },
          });
          const where = `${label(op)} +${field}`;
          expectError(res, 400, 'VALIDATION_FAILED');
          expect(res.body.details, where).toContainEqual({
            field,
            message: `property ${field} should not exist`,
          });
        }
      }
    });

    it('refuses a prototype-polluting body (400)', async () => {
      for (const raw of [
        '{"__proto__":{"isAdmin":true}}',
        '{"constructor":{"prototype":{"isAdmin":true}}}',
      ]) {
        const res = await t
          .http()
          .post(ROLES_PATH)
          .set(bearer(admin))
          .set('Content-Type', 'application/json')
          .send(raw);
        expectError(res, 400, 'VALIDATION_FAILED');
      }
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it('stores nothing of a valid request that carries one more field', async () => {
      const target = await createUserRow(t);
      const before = await t.dataSource.getRepository(UserEntity).findOneByOrFail({ id: target.id });

      const patch = await t
        .http()
        .patch(`${USERS}/${target.id}`)
        .set(bearer(admin))
        .send({ email: 'new@example.test', passwordHash: '$argon2id$x', mustChangePassword: true });
      expectError(patch, 400, 'VALIDATION_FAILED');
      const username = uniqueName('ma');
      const create = await postUser(t, admin, {
        username,
        role: 'viewer',
        password: 'MySecure2025Pass!',
        id: 1,
        isSystem: true,
      });
      expectError(create, 400, 'VALIDATION_FAILED');
      const roleName = uniqueName('ma_role');
      const roleCreate = await t
        .http()
        .post(ROLES_PATH)
        .set(bearer(admin))
        .send({ name: roleName, displayName: 'X', permissions: ['portfolio_data'], isSystem: true });
      expectError(roleCreate, 400, 'VALIDATION_FAILED');
      const rolePatch = await t
        .http()
        .patch(`${ROLES_PATH}/viewer`)
        .set(bearer(admin))
        .send({ displayName: 'Viewer 2', isSystem: false });
      expectError(rolePatch, 400, 'VALIDATION_FAILED');

      const after = await t.dataSource.getRepository(UserEntity).findOneByOrFail({ id: target.id });
      expect(after).toEqual(before);
      expect(await t.dataSource.getRepository(UserEntity).findOneBy({ username })).toBeNull();
      expect(await t.dataSource.getRepository(RoleEntity).findOneBy({ name: roleName })).toBeNull();
      expect(await t.dataSource.getRepository(RoleEntity).findOneByOrFail({ name: 'viewer' })).toMatchObject({
        displayName: 'Viewer',
        isSystem: true,
      });
    });

    it('refuses a role or any other field on /me/password, and keeps the password', async () => {
      const user = await createUserRow(t);
      const token = await login(t, user.username, 'Test-Passw0rd!');
      secrets.add(token);
      for (const extra of [
        { role: 'administrator' },
        { isActive: true },
        { username: 'admin' },
        { passwordHash: 'x' },
      ]) {
        const res = await t
          .http()
          .post('/auth/api/me/password')
          .set(bearer(token))
          .send({ currentPassword: 'Test-Passw0rd!', newPassword: 'Another-Passw0rd!', ...extra });
        expectError(res, 400, 'VALIDATION_FAILED');
      }
      expect((await t.dataSource.getRepository(UserEntity).findOneByOrFail({ id: user.id })).roleName).toBe(
        'viewer',
      );
      expectStatus(await me(t, token), 200);
      await login(t, user.username, 'Test-Passw0rd!');
    });
  });

  describe('V8.2.1 / API5 no privilege escalation', () => {
    it('refuses a manage_roles-only caller a role with a permission they lack, on create and on edit (403 PRIVILEGE_ESCALATION)', async () => {
      const { token, role } = await callerWith(t, ['manage_roles', 'portfolio_data']);
      for (const permissions of [['manage_users'], ['full_access'], ['portfolio_data', 'audit_log_data']]) {
        const name = uniqueName('esc');
        expectError(
          await t.http().post(ROLES_PATH).set(bearer(token)).send({ name, displayName: 'E', permissions }),
          403,
          'PRIVILEGE_ESCALATION',
        );
        expect(await t.dataSource.getRepository(RoleEntity).findOneBy({ name })).toBeNull();
      }
      // Their own role, widened by themselves.
      expectError(
        await t
          .http()
          .patch(`${ROLES_PATH}/${role}`)
          .set(bearer(token))
          .send({ permissions: ['manage_roles', 'portfolio_data', 'full_access'] }),
        403,
        'PRIVILEGE_ESCALATION',
      );
      const lesser = await createRoleRow(t, ['portfolio_data']);
      expectError(
        await t
          .http()
          .patch(`${ROLES_PATH}/${lesser.name}`)
          .set(bearer(token))
          .send({ permissions: ['portfolio_data', 'manage_users'] }),
        403,
        'PRIVILEGE_ESCALATION',
      );
      expectError(
        await t
          .http()
          .patch(`${ROLES_PATH}/administrator`)
          .set(bearer(token))
          .send({ displayName: 'Mine now' }),
        403,
        'PRIVILEGE_ESCALATION',
      );
      expect(
        (await t.dataSource.getRepository(RoleEntity).findOneByOrFail({ name: role })).permissions.sort(),
      ).toEqual(['manage_roles', 'portfolio_data']);
      expect(
        (await t.dataSource.getRepository(RoleEntity).findOneByOrFail({ name: lesser.name })).permissions,
      ).toEqual(['portfolio_data']);
    });

    it('refuses a manage_users-only caller to create or edit a user into a role holding more (403 PRIVILEGE_ESCALATION)', async () => {
      const { token, user: self } = await callerWith(t, ['manage_users']);
      const powerful = await createRoleRow(t, ['manage_users', 'manage_roles']);
      for (const role of ['administrator', powerful.name]) {
        const username = uniqueName('esc');
        const res = await t
          .http()
          .post(USERS)
          .set(bearer(token))
          .send({ username, email: `${username}@example.test`, role, password: 'MySecure2025Pass!' });
        expectError(res, 403, 'PRIVILEGE_ESCALATION');
        expect(await t.dataSource.getRepository(UserEntity).findOneBy({ username })).toBeNull();
        expectError(
          await t.http().patch(`${USERS}/${self.id}`).set(bearer(token)).send({ role }),
          403,
          'PRIVILEGE_ESCALATION',
        );
        const lesser = await createUserRow(t);
        expectError(
          await t.http().patch(`${USERS}/${lesser.id}`).set(bearer(token)).send({ role }),
          403,
          'PRIVILEGE_ESCALATION',
        );
        expect(
          (await t.dataSource.getRepository(UserEntity).findOneByOrFail({ id: lesser.id })).roleName,
        ).toBe('viewer');
      }
      expect(
        (await t.dataSource.getRepository(UserEntity).findOneByOrFail({ id: self.id })).roleName,
      ).not.toBe('administrator');
    });

    it('refuses a user administrator every action on an administrator’s account (403 PRIVILEGE_ESCALATION)', async () => {
      const { token } = await callerWith(t, ['manage_users']);
      const adminRow = await t.dataSource
        .getRepository(UserEntity)
        .findOneByOrFail({ username: ADMIN_USERNAME });
      const base = `${USERS}/${adminRow.id}`;
      const attempts = [
        t.http().patch(base).set(bearer(token)).send({ email: 'taken-over@example.test' }),
        t.http().post(`${base}/reset-password`).set(bearer(token)),
        t.http().post(`${base}/toggle-status`).set(bearer(token)),
        t.http().post(`${base}/revoke-sessions`).set(bearer(token)),
        t.http().post(`${base}/regenerate-token`).set(bearer(token)),
        t.http().get(`${base}/sessions`).set(bearer(token)),
        t.http().delete(base).set(bearer(token)),
      ];
      for (const res of await Promise.all(attempts)) expectError(res, 403, 'PRIVILEGE_ESCALATION');
      const after = await t.dataSource.getRepository(UserEntity).findOneByOrFail({ id: adminRow.id });
      expect(after).toMatchObject({
        email: adminRow.email,
        isActive: true,
        passwordHash: adminRow.passwordHash,
        mustChangePassword: false,
      });
      expectStatus(await me(t, admin), 200);
    });
  });

  describe('V8.3.2 a change of authorization holds on the very next request', () => {
    it('a permission removed from the caller’s role', async () => {
      await permissionRemovedHoldsOnNextRequest({ caller: t, admin });
    });

    it('the caller moved to a lesser role', async () => {
      await lesserRoleHoldsOnNextRequest({ caller: t, admin });
    });

    it('api_access removed from an API user’s role', async () => {
      const { token, role } = await apiCallerWith(t, ['api_access', 'manage_roles']);
      secrets.add(token);
      expectStatus(await t.http().get(ROLES_PATH).set(bearer(token)), 200);
      expectStatus(await setRolePermissions(t, admin, role, ['manage_roles']), 200);
      expectError(await t.http().get(ROLES_PATH).set(bearer(token)), 403, 'API_ACCESS_REQUIRED');
    });
  });

  describe('V8.2.2 / API1 object-level access', () => {
    it('never lets a caller read or end another user’s session through /me/sessions', async () => {
      const a = await userWithToken(t);
      const b = await userWithToken(t);
      const bSid = decodeJwt(b.token).payload.sid as string;
      const mine = await t.http().get('/auth/api/me/sessions').set(bearer(a.token));
      expectStatus(mine, 200);
      expect((mine.body as { id: string }[]).map((s) => s.id)).not.toContain(bSid);
      expectError(
        await t.http().delete(`/auth/api/me/sessions/${bSid}`).set(bearer(a.token)),
        404,
        'SESSION_NOT_FOUND',
      );
      expectStatus(await me(t, b.token), 200);
    });

    it('never lets a caller without manage_users read another user, or the list', async () => {
      const a = await userWithToken(t);
      const b = await createUserRow(t);
      expectError(await t.http().get(`${USERS}/${b.id}`).set(bearer(a.token)), 403, 'PERMISSION_DENIED');
      expectError(await t.http().get(`${USERS}/${a.user.id}`).set(bearer(a.token)), 403, 'PERMISSION_DENIED');
      expectError(
        await t.http().get(`${USERS}/${b.id}/sessions`).set(bearer(a.token)),
        403,
        'PERMISSION_DENIED',
      );
    });
  });

  it('V16.2.5 left no password or token in any log line or audit entry', async () => {
    await secrets.expectAbsent(t);
  });
});
