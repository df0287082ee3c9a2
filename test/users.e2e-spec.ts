import { describe, expect, it } from 'vitest';
import { PasswordHasher } from '../src/users/password-hasher.js';
import { bearer, sessionTokenFor, useAdmin, useTestApp } from './support/harness.js';
import {
  auditFor,
  createUser,
  expectError,
  expectStatus,
  uniqueName,
  USER_VIEW_KEYS,
  USERS,
} from './support/users.js';

const GOOD_PASSWORD = 'MySecure2025Pass!';

describe('users: create, read, update, delete, reset password', () => {
  const t = useTestApp();
  const admin = useAdmin(t);
  const post = (body: Record<string, unknown>) => t.http().post(USERS).set(bearer(admin.token)).send(body);
  const valid = (overrides: Record<string, unknown> = {}) => {
    const username = uniqueName('c');
    return {
      username,
      email: `${username}@example.test`,
      password: GOOD_PASSWORD,
      role: 'viewer',
      ...overrides,
    };
  };

  describe('POST /users', () => {
    it('creates a regular user: 201 with the user view only, active and interactive by default', async () => {
      const body = valid();
      const res = await post(body);
      expectStatus(res, 201);
      expect(Object.keys(res.body)).toEqual(['user']);
      expect(Object.keys(res.body.user).sort()).toEqual(USER_VIEW_KEYS);
      expect(res.body.user).toMatchObject({
        username: body.username,
        email: body.email,
        role: 'viewer',
        roleDisplayName: 'Viewer',
        isActive: true,
        isApiUser: false,
        apiTokenExpiresAt: null,
        apiTokenStatus: null,
        mustChangePassword: false,
        lastLoginAt: null,
      });
      expect(res.body.user.id).toBeGreaterThan(0);
      expect(JSON.stringify(res.body)).not.toContain('argon2');
      const [row] = await t.dataSource.query(`SELECT password_hash FROM users WHERE id = $1`, [
        res.body.user.id,
      ]);
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(await t.app.get(PasswordHasher).verify(row.password_hash, GOOD_PASSWORD)).toBe(true);
      const audit = await auditFor(t, res.body.user.id);
      expect(audit.map((a) => a.action)).toEqual(['user.created']);
      expect(JSON.stringify(audit)).not.toContain(GOOD_PASSWORD);
    });

    it('creates an inactive user when asked', async () => {
      const res = await post(valid({ isActive: false }));
      expectStatus(res, 201);
      expect(res.body.user.isActive).toBe(false);
    });

    const invalid: [string, Record<string, unknown>, string][] = [
      ['a missing username', { username: undefined }, 'username'],
      ['a username of 2 characters', { username: 'ab' }, 'username'],
      ['a username of 65 characters', { username: 'a'.repeat(65) }, 'username'],
      ['an upper-case username (never silently lowered)', { username: 'Alice' }, 'username'],
      ['a username with a space', { username: 'al ice' }, 'username'],
      ['a username starting with a dot', { username: '.alice' }, 'username'],
      ['a username starting with a dash', { username: '-alice' }, 'username'],
      ['a username with @', { username: 'al@ice' }, 'username'],
      ['a numeric username', { username: 12345 }, 'username'],
      ['a missing email', { email: undefined }, 'email'],
      ['an invalid email', { email: 'not-an-email' }, 'email'],
      ['an email without a domain', { email: 'alice@' }, 'email'],
      ['an email of 255 characters', { email: `${'a'.repeat(64)}@${'b'.repeat(186)}.test` }, 'email'],
      ['a numeric email', { email: 42 }, 'email'],
      ['a missing password for a regular user', { password: undefined }, 'password'],
      ['an empty password', { password: '' }, 'password'],
      ['a numeric password', { password: 12345678 }, 'password'],
      ['a missing role', { role: undefined }, 'role'],
      ['an empty role', { role: '' }, 'role'],
      ['a numeric role', { role: 7 }, 'role'],
      ['a role name of 64 characters', { role: 'r'.repeat(64) }, 'role'],
      ['isActive as a string', { isActive: 'true' }, 'isActive'],
      ['isActive null', { isActive: null }, 'isActive'],
      ['isApiUser as a number', { isApiUser: 1 }, 'isApiUser'],
      ['isApiUser null', { isApiUser: null }, 'isApiUser'],
      ['apiTokenTtlDays for a regular user', { apiTokenTtlDays: 30 }, 'apiTokenTtlDays'],
      ['an unknown field', { isAdmin: true }, 'isAdmin'],
      ['a password hash smuggled in', { passwordHash: 'x' }, 'passwordHash'],
    ];
    it.each(invalid)(
      'refuses %s: 400 VALIDATION_FAILED naming the field',
      async (_name, overrides, field) => {
        const res = await post(valid(overrides));
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      },
    );

    it('accepts usernames at the edges of the rule', async () => {
      for (const username of ['abc', `a${'b'.repeat(63)}`, '0.user_name-x', '9lives']) {
        expectStatus(await post(valid({ username, email: `${username.slice(0, 40)}@edge.test` })), 201);
      }
    });

    it('answers 404 ROLE_NOT_FOUND for a role that does not exist', async () => {
      expectError(await post(valid({ role: 'no_such_role' })), 404, 'ROLE_NOT_FOUND');
    });

    it('answers 409 USERNAME_TAKEN for a taken username', async () => {
      const body = valid();
      expectStatus(await post(body), 201);
      expectError(await post({ ...valid(), username: body.username }), 409, 'USERNAME_TAKEN');
    });

    it('answers 409 EMAIL_TAKEN for a taken e-mail, ignoring case', async () => {
      const body = valid();
      expectStatus(await post(body), 201);
      expectError(await post(valid({ email: body.email.toUpperCase() })), 409, 'EMAIL_TAKEN');
      expectError(await post(valid({ email: 'ADMIN@example.test' })), 409, 'EMAIL_TAKEN');
    });

    it('lets the unique index decide 50 concurrent creations of one username: one 201, 49 409', async () => {
      const username = uniqueName('race');
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          post({ username, email: `${username}.${i}@example.test`, password: GOOD_PASSWORD, role: 'viewer' }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 201)) expectError(r, 409, 'USERNAME_TAKEN');
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE username = $1`, [
        username,
      ]);
      expect(n).toBe(1);
    });

    it('lets the unique index decide concurrent creations of one e-mail in any case: one 201, the rest 409', async () => {
      const email = `${uniqueName('mail')}@example.test`;
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => post(valid({ email: i % 2 ? email.toUpperCase() : email }))),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 201)) expectError(r, 409, 'EMAIL_TAKEN');
    });
  });

  describe('password policy', () => {
    it.each(['MySecure2025Pass!', 'Camunda#Analytics99', 'Process@Monitor2024'])(
      "accepts the seed's good password %s",
      async (password) => {
        expectStatus(await post(valid({ password })), 201);
      },
    );

    it.each(['password', '12345678', 'admin', 'Password1'])(
      "refuses the seed's bad password %s with 400 WEAK_PASSWORD",
      async (password) => {
        const res = await post(valid({ password }));
        expectError(res, 400, 'WEAK_PASSWORD');
        expect(res.body.details.length).toBeGreaterThan(0);
        expect(res.body.details.every((d: { field: string }) => d.field === 'password')).toBe(true);
      },
    );

    it('refuses Password1 because it is a common password, ignoring case', async () => {
      const res = await post(valid({ password: 'Password1' }));
      expectError(res, 400, 'WEAK_PASSWORD');
      expect(res.body.details).toEqual([{ field: 'password', message: 'password is too common' }]);
    });

    it('lists every failed rule at once', async () => {
      const res = await post(valid({ password: 'monkey' }));
      expectError(res, 400, 'WEAK_PASSWORD');
      expect(res.body.details.map((d: { message: string }) => d.message)).toEqual([
        'password must be at least 8 characters',
        'password must contain an uppercase letter',
        'password must contain a digit',
        'password is too common',
      ]);
    });

    it('refuses a password longer than 128 characters', async () => {
      const res = await post(valid({ password: `Aa1${'x'.repeat(126)}` }));
      expectError(res, 400, 'WEAK_PASSWORD');
      expect(res.body.details).toEqual([
        { field: 'password', message: 'password must be at most 128 characters' },
      ]);
    });

    it('refuses a password that contains the username, ignoring case', async () => {
      const res = await post(valid({ username: 'margarethe', password: 'xMargarethe2025' }));
      expectError(res, 400, 'WEAK_PASSWORD');
      expect(res.body.details).toEqual([
        { field: 'password', message: 'password must not contain the username' },
      ]);
    });
  });

  describe('GET /users/:id', () => {
    it('answers the user view', async () => {
      const created = await createUser(t, admin.token);
      const res = await t.http().get(`${USERS}/${created.id}`).set(bearer(admin.token));
      expectStatus(res, 200);
      expect(Object.keys(res.body).sort()).toEqual(USER_VIEW_KEYS);
      expect(res.body).toEqual((created.body as { user: unknown }).user);
    });

    it('answers 404 USER_NOT_FOUND for an unknown id', async () => {
      expectError(await t.http().get(`${USERS}/987654`).set(bearer(admin.token)), 404, 'USER_NOT_FOUND');
    });

    it.each(['abc', '0', '-1', '1.5', '0x10', '1e3', '2147483648', '99999999999999999999', '%20'])(
      'answers 400 VALIDATION_FAILED for the id %s, never a 500',
      async (id) => {
        const res = await t.http().get(`${USERS}/${id}`).set(bearer(admin.token));
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details).toEqual([{ field: 'id', message: 'id must be a positive integer' }]);
      },
    );

    it('validates the id on every route of a user', async () => {
      const h = bearer(admin.token);
      expectError(await t.http().patch(`${USERS}/x`).set(h).send({}), 400, 'VALIDATION_FAILED');
      expectError(await t.http().delete(`${USERS}/x`).set(h), 400, 'VALIDATION_FAILED');
      expectError(await t.http().post(`${USERS}/x/reset-password`).set(h), 400, 'VALIDATION_FAILED');
      expectError(await t.http().post(`${USERS}/x/regenerate-token`).set(h), 400, 'VALIDATION_FAILED');
      expectError(await t.http().post(`${USERS}/x/toggle-status`).set(h), 400, 'VALIDATION_FAILED');
      expectError(await t.http().patch(`${USERS}/987654`).set(h).send({}), 404, 'USER_NOT_FOUND');
      expectError(await t.http().delete(`${USERS}/987654`).set(h), 404, 'USER_NOT_FOUND');
      expectError(await t.http().post(`${USERS}/987654/reset-password`).set(h), 404, 'USER_NOT_FOUND');
      expectError(await t.http().post(`${USERS}/987654/regenerate-token`).set(h), 404, 'USER_NOT_FOUND');
      expectError(await t.http().post(`${USERS}/987654/toggle-status`).set(h), 404, 'USER_NOT_FOUND');
    });

    it('needs authentication and manage_users', async () => {
      expectError(await t.http().get(USERS), 401, 'UNAUTHENTICATED');
      const viewer = await createUser(t, admin.token);
      const token = await sessionTokenFor(t, viewer.id);
      expectError(await t.http().get(`${USERS}/${viewer.id}`).set(bearer(token)), 403, 'PERMISSION_DENIED');
      expectError(await t.http().post(USERS).set(bearer(token)).send(valid()), 403, 'PERMISSION_DENIED');
    });
  });

  describe('PATCH /users/:id', () => {
    const patchUser = (id: number, body: Record<string, unknown>) =>
      t.http().patch(`${USERS}/${id}`).set(bearer(admin.token)).send(body);

    it('changes e-mail, role and status, and audits before and after of what changed', async () => {
      const u = await createUser(t, admin.token);
      const res = await patchUser(u.id, {
        email: `new.${u.username}@example.test`,
        role: 'process_operator',
      });
      expectStatus(res, 200);
      expect(res.body).toMatchObject({
        email: `new.${u.username}@example.test`,
        role: 'process_operator',
        roleDisplayName: 'Process Operator',
      });
      expect(res.body.apiToken).toBeUndefined();
      const audit = await auditFor(t, u.id);
      expect(audit.at(-1)).toMatchObject({
        action: 'user.updated',
        target_label: u.username,
        details: {
          before: { role: 'viewer', email: `${u.username}@example.test` },
          after: { role: 'process_operator', email: `new.${u.username}@example.test` },
        },
      });
    });

    it('takes a new role on the very next request of that user', async () => {
      await t.dataSource.query(
        `INSERT INTO roles (name, display_name, permissions) VALUES ('user_reader', 'User reader', ARRAY['manage_users'])`,
      );
      const u = await createUser(t, admin.token);
      const token = await sessionTokenFor(t, u.id);
      expectError(await t.http().get(USERS).set(bearer(token)), 403, 'PERMISSION_DENIED');
      const res = await patchUser(u.id, { role: 'user_reader' });
      expectStatus(res, 200);
      expectStatus(await t.http().get(USERS).set(bearer(token)), 200);
    });

    it('writes no entry when nothing changes', async () => {
      const u = await createUser(t, admin.token);
      const res = await patchUser(u.id, { role: 'viewer' });
      expectStatus(res, 200);
      expect((await auditFor(t, u.id)).map((a) => a.action)).toEqual(['user.created']);
    });

    it('refuses a username in the body: the username is immutable', async () => {
      const u = await createUser(t, admin.token);
      const res = await patchUser(u.id, { username: 'renamed' });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['username']);
    });

    const invalidPatch: [string, Record<string, unknown>, string][] = [
      ['an invalid email', { email: 'nope' }, 'email'],
      ['a null email', { email: null }, 'email'],
      ['a numeric role', { role: 1 }, 'role'],
      ['isActive as a string', { isActive: 'false' }, 'isActive'],
      ['isApiUser null', { isApiUser: null }, 'isApiUser'],
      ['apiTokenTtlDays for a regular user', { apiTokenTtlDays: 30 }, 'apiTokenTtlDays'],
      ['a password (changed through reset-password only)', { password: GOOD_PASSWORD }, 'password'],
    ];
    it.each(invalidPatch)('refuses %s with 400 VALIDATION_FAILED', async (_name, body, field) => {
      const u = await createUser(t, admin.token);
      const res = await patchUser(u.id, body);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('answers 404 ROLE_NOT_FOUND and 409 EMAIL_TAKEN', async () => {
      const u = await createUser(t, admin.token);
      const other = await createUser(t, admin.token);
      expectError(await patchUser(u.id, { role: 'nope' }), 404, 'ROLE_NOT_FOUND');
      expectError(
        await patchUser(u.id, { email: `${other.username.toUpperCase()}@EXAMPLE.test` }),
        409,
        'EMAIL_TAKEN',
      );
      // the user's own address in another case is not a conflict
      expectStatus(await patchUser(u.id, { email: `${u.username.toUpperCase()}@example.test` }), 200);
    });
  });

  describe('DELETE /users/:id', () => {
    it('deletes: 204, then 404; sessions end; audit entries about the user stay', async () => {
      const u = await createUser(t, admin.token);
      const token = await sessionTokenFor(t, u.id);
      const res = await t.http().delete(`${USERS}/${u.id}`).set(bearer(admin.token));
      expectStatus(res, 204);
      expect(res.text).toBe('');
      expectError(await t.http().get(`${USERS}/${u.id}`).set(bearer(admin.token)), 404, 'USER_NOT_FOUND');
      expectError(await t.http().get('/auth/api/users').set(bearer(token)), 401, 'TOKEN_REVOKED');
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM sessions WHERE user_id = $1`, [
        u.id,
      ]);
      expect(n).toBe(0);
      const audit = await auditFor(t, u.id);
      expect(audit.map((a) => a.action)).toEqual(['user.created', 'user.deleted']);
      expect(audit[1].target_label).toBe(u.username);
      expectError(await t.http().delete(`${USERS}/${u.id}`).set(bearer(admin.token)), 404, 'USER_NOT_FOUND');
    });

    it('refuses to delete yourself: 400 CANNOT_DELETE_SELF', async () => {
      const res = await t.http().delete(`${USERS}/${admin.userId}`).set(bearer(admin.token));
      expectError(res, 400, 'CANNOT_DELETE_SELF');
    });
  });

  describe('POST /users/:id/reset-password', () => {
    it('answers a 12-character temporary password meeting the policy; must change; sessions end', async () => {
      const u = await createUser(t, admin.token);
      const token = await sessionTokenFor(t, u.id);
      const res = await t.http().post(`${USERS}/${u.id}/reset-password`).set(bearer(admin.token));
      expectStatus(res, 200);
      expect(Object.keys(res.body)).toEqual(['temporaryPassword']);
      const pw: string = res.body.temporaryPassword;
      expect(pw).toHaveLength(12);
      expect(pw).toMatch(/[a-z]/);
      expect(pw).toMatch(/[A-Z]/);
      expect(pw).toMatch(/\d/);
      expect(pw).toMatch(/[^A-Za-z0-9]/);
      const [row] = await t.dataSource.query(`SELECT password_hash FROM users WHERE id = $1`, [u.id]);
      expect(await t.app.get(PasswordHasher).verify(row.password_hash, pw)).toBe(true);
      expect(await t.app.get(PasswordHasher).verify(row.password_hash, GOOD_PASSWORD)).toBe(false);
      const user = await t.http().get(`${USERS}/${u.id}`).set(bearer(admin.token));
      expect(user.body.mustChangePassword).toBe(true);
      expectError(await t.http().get(USERS).set(bearer(token)), 401, 'TOKEN_REVOKED');
      const audit = await auditFor(t, u.id);
      expect(audit.at(-1)!.action).toBe('user.password_reset');
      expect(JSON.stringify(audit)).not.toContain(pw);
    });

    it('gives a different password each time', async () => {
      const u = await createUser(t, admin.token);
      const a = await t.http().post(`${USERS}/${u.id}/reset-password`).set(bearer(admin.token));
      const b = await t.http().post(`${USERS}/${u.id}/reset-password`).set(bearer(admin.token));
      expect(a.body.temporaryPassword).not.toBe(b.body.temporaryPassword);
    });

    it('refuses API users: 400 API_USER_HAS_NO_PASSWORD', async () => {
      const api = await createUser(t, admin.token, { isApiUser: true });
      const res = await t.http().post(`${USERS}/${api.id}/reset-password`).set(bearer(admin.token));
      expectError(res, 400, 'API_USER_HAS_NO_PASSWORD');
    });
  });

  it('never logs a password or a token', async () => {
    const res = await post(valid({ password: 'Camunda#Analytics99' }));
    expectStatus(res, 201);
    const all = t.logs.join('\n');
    expect(all).not.toContain('Camunda#Analytics99');
  });
});
