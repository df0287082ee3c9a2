import { describe, expect, it } from 'vitest';
import { AuditEventEntity } from '../src/audit/audit-event.entity.js';
import { SessionEntity } from '../src/sessions/session.entity.js';
import { RolePermissionsService } from '../src/roles/role-permissions.service.js';
import { RoleEntity } from '../src/roles/role.entity.js';
import { UserEntity } from '../src/users/user.entity.js';
import { changePassword, decodeJwt, login, loginRequest, me } from './support/auth.js';
import {
  ADMIN_PASSWORD,
  ADMIN_USERNAME,
  bearer,
  createUserRow,
  userWithToken,
  useTestApp,
} from './support/harness.js';
import { createRoleRow } from './support/roles.js';
import { expectError, USER_VIEW_KEYS } from './support/users.js';

const PASSWORD = 'Test-Passw0rd!';
const DAY = 24 * 3600;

describe('POST /auth/api/login', () => {
  const t = useTestApp();

  const auditOf = async (action: string) => {
    await t.flushAudit();
    return t.dataSource.getRepository(AuditEventEntity).find({ where: { action }, order: { id: 'ASC' } });
  };

  it('answers a token of 24 hours, the user and a new session row', async () => {
    const user = await createUserRow(t, { role: 'process_analyst' });
    const before = Math.floor(Date.now() / 1000);
    const res = await loginRequest(t, user.username, PASSWORD, { userAgent: 'vitest-agent' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', mustChangePassword: false });
    expect(Object.keys(res.body.user).sort()).toEqual([...USER_VIEW_KEYS].sort());
    expect(res.body.user).toMatchObject({
      id: user.id,
      username: user.username,
      role: 'process_analyst',
      roleDisplayName: 'Process Analyst',
      isActive: true,
      isApiUser: false,
      apiTokenStatus: null,
    });
    expect(res.body.user.lastLoginAt).toBeTruthy();

    const { header, payload } = decodeJwt(res.body.accessToken);
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toMatchObject({
      sub: String(user.id),
      typ: 'session',
      iss: 'champa-iam',
      aud: 'champa-iam',
    });
    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'sid', 'sub', 'typ']);
    expect(Math.abs((payload.exp as number) - (before + DAY))).toBeLessThanOrEqual(5);
    expect(Math.abs(Date.parse(res.body.expiresAt) / 1000 - (before + DAY))).toBeLessThanOrEqual(5);

    const session = await t.dataSource
      .getRepository(SessionEntity)
      .findOneByOrFail({ id: payload.sid as string });
    expect(session).toMatchObject({
      userId: user.id,
      rememberMe: false,
      userAgent: 'vitest-agent',
      revokedAt: null,
    });
    expect(session.ip).toBeTruthy();
    await me(t, res.body.accessToken).expect(200);
  });

  it('keeps a rememberMe session 30 days', async () => {
    const user = await createUserRow(t);
    const before = Math.floor(Date.now() / 1000);
    const res = await loginRequest(t, user.username, PASSWORD, { rememberMe: true });
    expect(res.status).toBe(200);
    const { payload } = decodeJwt(res.body.accessToken);
    expect(Math.abs((payload.exp as number) - (before + 30 * DAY))).toBeLessThanOrEqual(5);
    const session = await t.dataSource
      .getRepository(SessionEntity)
      .findOneByOrFail({ id: payload.sid as string });
    expect(session.rememberMe).toBe(true);
  });

  it('stamps lastLoginAt, clears the failure count, upgrades a weak hash and records auth.login', async () => {
    const user = await createUserRow(t);
    const repo = t.dataSource.getRepository(UserEntity);
    await repo.update(user.id, { failedLoginCount: 3 });
    await login(t, user.username, PASSWORD);
    const row = await repo.findOneByOrFail({ id: user.id });
    expect(row.lastLoginAt).not.toBeNull();
    expect(row.failedLoginCount).toBe(0);
    // Test users are hashed with small parameters: a login stores the configured ones.
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await login(t, user.username, PASSWORD);
    const entries = (await auditOf('auth.login')).filter((e) => e.targetId === String(user.id));
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ actorId: user.id, outcome: 'success', targetType: 'user' });
    expect(JSON.stringify(entries)).not.toContain(PASSWORD);
  });

  it('accepts the username in any case', async () => {
    const user = await createUserRow(t);
    await login(t, user.username.toUpperCase(), PASSWORD);
  });

  it('answers an unknown username exactly like a wrong password', async () => {
    const user = await createUserRow(t);
    const wrong = await loginRequest(t, user.username, 'Wrong-Passw0rd!');
    const unknown = await loginRequest(t, 'nobody_by_this_name', 'Wrong-Passw0rd!');
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.headers['retry-after']).toBeUndefined();
    const failures = await auditOf('auth.login_failed');
    const reasons = failures.map((f) => [f.targetLabel, (f.details as { reason: string }).reason]);
    expect(reasons).toContainEqual([user.username, 'wrong_password']);
    expect(reasons).toContainEqual(['nobody_by_this_name', 'unknown_user']);
    const row = await t.dataSource.getRepository(UserEntity).findOneByOrFail({ id: user.id });
    expect(row.failedLoginCount).toBe(1);
    expect(row.lastFailedLoginAt).not.toBeNull();
  });

  it('refuses an empty password with 401 and a missing one with 400', async () => {
    const user = await createUserRow(t);
    const empty = await loginRequest(t, user.username, '');
    expect(empty.status).toBe(401);
    expect(empty.body.code).toBe('INVALID_CREDENTIALS');
    const missing = await t.http().post('/auth/api/login').send({ username: user.username });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('VALIDATION_FAILED');
    const extra = await t
      .http()
      .post('/auth/api/login')
      .send({ username: user.username, password: PASSWORD, role: 'x' });
    expect(extra.status).toBe(400);
    expect(extra.body.code).toBe('VALIDATION_FAILED');
  });

  /** A wrong password gets the plain 401; only the right one learns of `code` (403), and no session is made. */
  const refusedEvenWithThePassword = async (user: UserEntity, code: string) => {
    expectError(await loginRequest(t, user.username, 'Wrong-Passw0rd!'), 401, 'INVALID_CREDENTIALS');
    const right = await loginRequest(t, user.username, PASSWORD);
    expectError(right, 403, code);
    expect(right.body.accessToken).toBeUndefined();
    expect(await t.dataSource.getRepository(SessionEntity).countBy({ userId: user.id })).toBe(0);
  };

  it('refuses an inactive user: 401 with a wrong password, 403 ACCOUNT_DISABLED with the right one', async () => {
    await refusedEvenWithThePassword(await createUserRow(t, { isActive: false }), 'ACCOUNT_DISABLED');
  });

  it('refuses API users: 401 without a password, 403 INTERACTIVE_LOGIN_NOT_ALLOWED after a correct one', async () => {
    const api = await createUserRow(t, { isApiUser: true });
    const res = await loginRequest(t, api.username, PASSWORD);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
    // An API user that still carries a password hash (e.g. converted from a regular user).
    const converted = await createUserRow(t);
    await t.dataSource
      .getRepository(UserEntity)
      .update(converted.id, { isApiUser: true, apiTokenTtlDays: 30 });
    await refusedEvenWithThePassword(converted, 'INTERACTIVE_LOGIN_NOT_ALLOWED');
  });

  it('logs in the seeded administrator with default argon2 parameters', async () => {
    const token = await login(t, ADMIN_USERNAME, ADMIN_PASSWORD);
    const res = await me(t, token).expect(200);
    expect(res.body.user.username).toBe(ADMIN_USERNAME);
  });

  it('keeps passwords and tokens out of the logs', async () => {
    const user = await createUserRow(t);
    const token = await login(t, user.username, PASSWORD);
    await loginRequest(t, user.username, 'Another-Wr0ng-Secret');
    const all = t.logs.join('\n');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('Another-Wr0ng-Secret');
    expect(all).not.toContain(token);
  });
});

describe('GET /auth/api/me', () => {
  const t = useTestApp();

  it('answers the user, the effective permissions and the session', async () => {
    const user = await createUserRow(t, { role: 'viewer' });
    const token = await login(t, user.username, PASSWORD, { userAgent: 'me-agent' });
    const res = await me(t, token);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({
      id: user.id,
      username: user.username,
      role: 'viewer',
      roleDisplayName: 'Viewer',
    });
    expect(res.body.permissions).toEqual(['health_monitor_data', 'model_validation_data']);
    expect(res.body.session).toMatchObject({
      id: decodeJwt(token).payload.sid,
      current: true,
      rememberMe: false,
      userAgent: 'me-agent',
    });
  });

  it('expands full_access to every permission of the catalog', async () => {
    const { token } = await userWithToken(t, { role: 'administrator' });
    const res = await me(t, token).expect(200);
    expect(res.body.permissions).toContain('full_access');
    expect(res.body.permissions).toContain('manage_users');
    expect(res.body.permissions).toContain('api_access');
  });

  it('answers 401 UNAUTHENTICATED without a token', async () => {
    const res = await t.http().get('/auth/api/me');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });

  it('sees a role change on the very next request', async () => {
    const user = await createUserRow(t, { role: 'viewer' });
    const token = await login(t, user.username, PASSWORD);
    await me(t, token).expect(200);
    await t.dataSource.getRepository(UserEntity).update(user.id, { roleName: 'process_operator' });
    // The users module evicts on change; here the row is changed behind its back, so evict as it would.
    const { SessionsService } = await import('../src/sessions/sessions.service.js');
    await t.app.get(SessionsService).evictUser(user.id);
    const res = await me(t, token).expect(200);
    expect(res.body.user.role).toBe('process_operator');
    expect(res.body.permissions).toContain('diff_tool_data');
  });

  it("sees a change of the role's permissions on the very next request", async () => {
    const role = await createRoleRow(t, ['portfolio_data']);
    const user = await createUserRow(t, { role: role.name });
    const token = await login(t, user.username, PASSWORD);
    expect((await me(t, token).expect(200)).body.permissions).toEqual(['portfolio_data']);
    expect((await me(t, token).expect(200)).body.permissions).toEqual(['portfolio_data']);
    await t.dataSource.getRepository(RoleEntity).update(role.name, { permissions: ['diff_tool_data'] });
    // The roles module evicts the role after such a change.
    await t.app.get(RolePermissionsService).evict(role.name);
    expect((await me(t, token).expect(200)).body.permissions).toEqual(['diff_tool_data']);
  });
});

describe('must change password', () => {
  const t = useTestApp();

  it('confines the session to /me, /me/password and /logout until the password is changed', async () => {
    const user = await createUserRow(t, { role: 'administrator', mustChangePassword: true });
    const res = await loginRequest(t, user.username, PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body.mustChangePassword).toBe(true);
    const token = res.body.accessToken as string;

    const meRes = await me(t, token);
    expect(meRes.status).toBe(200);
    expect(meRes.body.user.mustChangePassword).toBe(true);
    for (const path of ['/auth/api/me/sessions', `/auth/api/users/${user.id}/sessions`]) {
      expectError(await t.http().get(path).set(bearer(token)), 403, 'PASSWORD_CHANGE_REQUIRED', path);
    }

    const changed = await changePassword(t, token, {
      currentPassword: PASSWORD,
      newPassword: 'Brand-New-Passw0rd',
    });
    expect(changed.status).toBe(204);
    const after = await me(t, token).expect(200);
    expect(after.body.user.mustChangePassword).toBe(false);
    await t.http().get('/auth/api/me/sessions').set(bearer(token)).expect(200);
  });

  it('lets a confined session log out', async () => {
    const user = await createUserRow(t, { mustChangePassword: true });
    const token = await login(t, user.username, PASSWORD);
    await t.http().post('/auth/api/logout').set(bearer(token)).expect(204);
    const res = await me(t, token);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('TOKEN_REVOKED');
  });
});

describe('POST /auth/api/me/password', () => {
  const t = useTestApp();

  const change = (token: string, body: Record<string, unknown>) => changePassword(t, token, body);

  it('needs the current password', async () => {
    const user = await createUserRow(t);
    const token = await login(t, user.username, PASSWORD);
    const res = await change(token, {
      currentPassword: 'Wrong-Passw0rd!',
      newPassword: 'Brand-New-Passw0rd',
    });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
    // The session is still good.
    await me(t, token).expect(200);
    await login(t, user.username, PASSWORD);
  });

  it('applies the password policy, listing every failed rule', async () => {
    const user = await createUserRow(t);
    const token = await login(t, user.username, PASSWORD);
    const weak = await change(token, { currentPassword: PASSWORD, newPassword: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.code).toBe('WEAK_PASSWORD');
    expect(weak.body.details.length).toBeGreaterThan(1);
    expect(weak.body.details[0].field).toBe('newPassword');
    const withName = await change(token, { currentPassword: PASSWORD, newPassword: `X1${user.username}Yz` });
    expect(withName.status).toBe(400);
    expect(withName.body.code).toBe('WEAK_PASSWORD');
    const same = await change(token, { currentPassword: PASSWORD, newPassword: PASSWORD });
    expect(same.status).toBe(400);
    expect(same.body.code).toBe('WEAK_PASSWORD');
    const missing = await change(token, { currentPassword: PASSWORD });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('VALIDATION_FAILED');
  });

  it('changes the password, keeps this session, revokes the others and records auth.password_changed', async () => {
    const user = await createUserRow(t);
    const mine = await login(t, user.username, PASSWORD);
    const other1 = await login(t, user.username, PASSWORD);
    const other2 = await login(t, user.username, PASSWORD);
    const res = await change(mine, { currentPassword: PASSWORD, newPassword: 'Brand-New-Passw0rd' });
    expect(res.status).toBe(204);

    await me(t, mine).expect(200);
    for (const other of [other1, other2]) {
      const gone = await me(t, other);
      expect(gone.status).toBe(401);
      expect(gone.body.code).toBe('TOKEN_REVOKED');
    }
    const old = await loginRequest(t, user.username, PASSWORD);
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('INVALID_CREDENTIALS');
    await login(t, user.username, 'Brand-New-Passw0rd');

    await t.flushAudit();
    const entry = await t.dataSource
      .getRepository(AuditEventEntity)
      .findOneByOrFail({ action: 'auth.password_changed', targetId: String(user.id) });
    expect(entry).toMatchObject({ actorId: user.id, outcome: 'success' });
    expect(entry.details).toEqual({ otherSessionsRevoked: 2 });
    expect(JSON.stringify(entry)).not.toContain('Brand-New-Passw0rd');
  });
});
