import type { Response } from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RawAuditRow, auditRows } from '../support/audit.js';
import { decodeJwt, loginRequest } from '../support/auth.js';
import {
  ADMIN_PASSWORD,
  adminToken,
  bearer,
  createUserRow,
  type TestApp,
  useTestApp,
} from '../support/harness.js';
import { apiCallerWith, callerWith, createRoleRow, ROLES_PATH } from '../support/roles.js';
import { enrol, totpAt } from '../support/mfa.js';
import { label, operationsOf } from '../support/openapi.js';
import { SecretWatch } from '../support/secrets.js';
import { expectError, expectStatus, uniqueName, USERS } from '../support/users.js';

const PASSWORD = 'Test-Passw0rd!';
const AGENT = 'security-suite/1.0';

describe('security: logging (ASVS V16)', () => {
  const t = useTestApp({ env: { TRUST_PROXY: 'true' } });
  let admin: { userId: number; token: string };
  const secrets = new SecretWatch();
  let mark = 0;

  beforeAll(async () => {
    admin = await adminToken(t);
    secrets.add(admin.token, PASSWORD, ADMIN_PASSWORD);
  });

  /** The entries written since the previous call. */
  async function newEntries(): Promise<RawAuditRow[]> {
    const rows = await auditRows(t, 'id > $1', [mark]);
    if (rows.length) mark = Number(rows[rows.length - 1].id);
    return rows;
  }

  /** Exactly one new entry of `action`, complete: who, what, when, where from, outcome. */
  async function expectEntry(action: string, actorId: number | null, ip: string, outcome = 'success') {
    const rows = (await newEntries()).filter((r) => r.action === action);
    expect(
      rows.map((r) => r.action),
      action,
    ).toEqual([action]);
    const [e] = rows;
    expect(e).toMatchObject({ actor_id: actorId, ip, user_agent: AGENT, outcome });
    expect(e.target_type).not.toBeNull();
    expect(Math.abs(Date.now() - new Date(e.at).getTime())).toBeLessThan(60_000);
    return e;
  }

  const as = (req: ReturnType<ReturnType<TestApp['http']>['get']>, ip: string, token?: string) => {
    req.set('X-Forwarded-For', ip).set('User-Agent', AGENT);
    return token ? req.set(bearer(token)) : req;
  };
  const keep = (res: Response) => {
    secrets.fromAnswer(res);
    return res;
  };

  it('V16.3.1 records a successful and a failed login, with the client', async () => {
    await newEntries();
    const user = await createUserRow(t);
    keep(await loginRequest(t, user.username, PASSWORD, { ip: '198.51.100.1', userAgent: AGENT }));
    const ok = await expectEntry('auth.login', user.id, '198.51.100.1');
    expect(ok.target_id).toBe(String(user.id));
    await loginRequest(t, user.username, 'Wrong-Passw0rd!', { ip: '198.51.100.2', userAgent: AGENT });
    const failed = await expectEntry('auth.login_failed', null, '198.51.100.2', 'failure');
    expect(failed.details).toEqual({ reason: 'wrong_password' });
    await loginRequest(t, uniqueName('nobody'), 'Wrong-Passw0rd!', { ip: '198.51.100.3', userAgent: AGENT });
    expect((await expectEntry('auth.login_failed', null, '198.51.100.3', 'failure')).details).toEqual({
      reason: 'unknown_user',
    });
  });

  it('V16.3.2 records a permission denial: who, which route, what was missing', async () => {
    await newEntries();
    const { user, token } = await callerWith(t, ['portfolio_data']);
    expectError(await as(t.http().get(USERS), '198.51.100.10', token), 403, 'PERMISSION_DENIED');
    const e = await expectEntry('auth.permission_denied', user.id, '198.51.100.10', 'denied');
    expect(e).toMatchObject({ target_type: 'route', target_id: 'GET /auth/api/users' });
    expect(e.details).toMatchObject({ required: ['manage_users'], code: 'PERMISSION_DENIED' });

    const api = await apiCallerWith(t, ['manage_users']);
    secrets.add(api.token);
    expectError(await as(t.http().get(USERS), '198.51.100.11', api.token), 403, 'API_ACCESS_REQUIRED');
    expect(
      (await expectEntry('auth.permission_denied', api.user.id, '198.51.100.11', 'denied')).details,
    ).toMatchObject({
      code: 'API_ACCESS_REQUIRED',
    });
  });

  it('V16.3.2 records a refused privilege escalation as a denial', async () => {
    await newEntries();
    const { user, token } = await callerWith(t, ['manage_users', 'manage_roles']);
    const res = await as(t.http().post(`${USERS}/${admin.userId}/reset-password`), '198.51.100.20', token);
    expectError(res, 403, 'PRIVILEGE_ESCALATION');
    const e = await expectEntry('auth.permission_denied', user.id, '198.51.100.20', 'denied');
    expect(e.details).toMatchObject({ code: 'PRIVILEGE_ESCALATION', required: ['full_access'] });

    const grant = await as(t.http().post(ROLES_PATH), '198.51.100.21', token).send({
      name: uniqueName('esc'),
      displayName: 'Escalation',
      permissions: ['audit_log_data'],
    });
    expectError(grant, 403, 'PRIVILEGE_ESCALATION');
    const g = await expectEntry('auth.permission_denied', user.id, '198.51.100.21', 'denied');
    expect(g.details).toMatchObject({ code: 'PRIVILEGE_ESCALATION', required: ['audit_log_data'] });
  });

  it('V16.3.3 records every administrative change, one entry per change, with the actor: each state-changing route of the document', async () => {
    // Deleting a user or a role last: the other changes act on the same ones.
    const last = (op: { method: string; path: string }) =>
      op.method === 'delete' && !op.path.startsWith('/auth/api/me/') ? 1 : 0;
    const ops = (await operationsOf(t)).filter((op) => op.method !== 'get').sort((a, b) => last(a) - last(b));
    const ip = '198.51.100.30';
    const adminCall = (method: 'post' | 'patch' | 'delete', path: string) =>
      as(t.http()[method](path), ip, admin.token);
    /** An administrator's request, the action it must leave on record, and the administrator as its actor. */
    const byAdmin = (res: Response, action: string) => ({ res, action, actor: admin.userId });
    const role = await createRoleRow(t, ['portfolio_data']);
    const target = await createUserRow(t);
    const apiUser = await apiCallerWith(t, ['api_access']);
    secrets.add(apiUser.token);

    /** A user who signed in and enrolled an authenticator: their session and recovery codes. */
    const enrolled = async () => {
      const u = await createUserRow(t);
      const tk = (await loginRequest(t, u.username, PASSWORD, { ip, userAgent: AGENT })).body.accessToken;
      const { secret, otpauthUri, recoveryCodes } = await enrol(t, u.username, PASSWORD, Date.now(), tk);
      secrets.add(tk, secret, otpauthUri, ...recoveryCodes);
      await newEntries();
      return { u, tk, recoveryCodes };
    };

    // One valid call per state-changing route; a route missing here fails the test.
    const scenarios: Record<string, () => Promise<{ res: Response; action: string; actor: number }>> = {
      'POST /auth/api/login': async () => {
        const u = await createUserRow(t);
        return {
          res: await loginRequest(t, u.username, PASSWORD, { ip, userAgent: AGENT }),
          action: 'auth.login',
          actor: u.id,
        };
      },
      'POST /auth/api/logout': async () => {
        const u = await createUserRow(t);
        const tk = (await loginRequest(t, u.username, PASSWORD, { ip, userAgent: AGENT })).body.accessToken;
        secrets.add(tk);
        await newEntries();
        return {
          res: await as(t.http().post('/auth/api/logout'), ip, tk),
          action: 'auth.logout',
          actor: u.id,
        };
      },
      'POST /auth/api/me/password': async () => {
        const u = await createUserRow(t);
        const tk = (await loginRequest(t, u.username, PASSWORD, { ip, userAgent: AGENT })).body.accessToken;
        secrets.add(tk, 'Brand-New-Passw0rd!');
        await newEntries();
        const res = await as(t.http().post('/auth/api/me/password'), ip, tk).send({
          currentPassword: PASSWORD,
          newPassword: 'Brand-New-Passw0rd!',
        });
        return { res, action: 'auth.password_changed', actor: u.id };
      },
      'DELETE /auth/api/me/sessions/{id}': async () => {
        const u = await createUserRow(t);
        const first = (await loginRequest(t, u.username, PASSWORD, { ip, userAgent: AGENT })).body
          .accessToken;
        const second = (await loginRequest(t, u.username, PASSWORD, { ip, userAgent: AGENT })).body
          .accessToken;
        secrets.add(first, second);
        await newEntries();
        const sid = decodeJwt(second).payload.sid as string;
        return {
          res: await as(t.http().delete(`/auth/api/me/sessions/${sid}`), ip, first),
          action: 'auth.logout',
          actor: u.id,
        };
      },
      'POST /auth/api/me/mfa/totp/confirm': async () => {
        const u = await createUserRow(t);
        const tk = (await loginRequest(t, u.username, PASSWORD, { ip, userAgent: AGENT })).body.accessToken;
        const setup = await as(t.http().post('/auth/api/me/mfa/totp/setup'), ip, tk).send({
          currentPassword: PASSWORD,
        });
        secrets.add(tk, setup.body.secret as string, setup.body.otpauthUri as string);
        await newEntries();
        const res = await as(t.http().post('/auth/api/me/mfa/totp/confirm'), ip, tk).send({
          code: totpAt(setup.body.secret as string, Date.now()),
        });
        secrets.add(...((res.body.recoveryCodes as string[] | undefined) ?? []));
        return { res, action: 'auth.mfa_enabled', actor: u.id };
      },
      'POST /auth/api/login/mfa': async () => {
        const { u, recoveryCodes } = await enrolled();
        const challenge = await loginRequest(t, u.username, PASSWORD, { ip, userAgent: AGENT });
        secrets.add(challenge.body.mfaToken as string);
        const res = await as(t.http().post('/auth/api/login/mfa'), ip).send({
          mfaToken: challenge.body.mfaToken,
          code: recoveryCodes[0],
        });
        secrets.fromAnswer(res);
        return { res, action: 'auth.login', actor: u.id };
      },
      'DELETE /auth/api/me/mfa': async () => {
        const { u, tk, recoveryCodes } = await enrolled();
        const res = await as(t.http().delete('/auth/api/me/mfa'), ip, tk).send({
          currentPassword: PASSWORD,
          code: recoveryCodes[1],
        });
        return { res, action: 'auth.mfa_disabled', actor: u.id };
      },
      'POST /auth/api/users/{id}/reset-mfa': async () => {
        const { u } = await enrolled();
        return byAdmin(await adminCall('post', `${USERS}/${u.id}/reset-mfa`), 'user.mfa_reset');
      },
      'POST /auth/api/users': async () => {
        const username = uniqueName('log');
        const res = await adminCall('post', USERS).send({
          username,
          email: `${username}@example.test`,
          role: 'viewer',
          password: 'MySecure2025Pass!',
        });
        return byAdmin(res, 'user.created');
      },
      'PATCH /auth/api/users/{id}': async () =>
        byAdmin(
          await adminCall('patch', `${USERS}/${target.id}`).send({
            email: `${uniqueName('m')}@example.test`,
          }),
          'user.updated',
        ),
      'POST /auth/api/users/{id}/reset-password': async () =>
        byAdmin(keep(await adminCall('post', `${USERS}/${target.id}/reset-password`)), 'user.password_reset'),
      'POST /auth/api/users/{id}/regenerate-token': async () =>
        byAdmin(
          keep(await adminCall('post', `${USERS}/${apiUser.user.id}/regenerate-token`)),
          'user.token_regenerated',
        ),
      'POST /auth/api/users/{id}/revoke-previous-token': async () => {
        // A grace to end first: a regeneration that keeps the old token working for an hour.
        keep(await adminCall('post', `${USERS}/${apiUser.user.id}/regenerate-token`).send({ graceHours: 1 }));
        await newEntries();
        return byAdmin(
          await adminCall('post', `${USERS}/${apiUser.user.id}/revoke-previous-token`),
          'user.previous_token_revoked',
        );
      },
      'POST /auth/api/users/{id}/toggle-status': async () =>
        byAdmin(await adminCall('post', `${USERS}/${target.id}/toggle-status`), 'user.status_changed'),
      'POST /auth/api/users/{id}/revoke-sessions': async () =>
        byAdmin(await adminCall('post', `${USERS}/${target.id}/revoke-sessions`), 'user.sessions_revoked'),
      'DELETE /auth/api/users/{id}': async () =>
        byAdmin(await adminCall('delete', `${USERS}/${target.id}`), 'user.deleted'),
      'POST /auth/api/roles': async () =>
        byAdmin(
          await adminCall('post', ROLES_PATH).send({
            name: uniqueName('log_role'),
            displayName: 'Log',
            permissions: ['portfolio_data'],
          }),
          'role.created',
        ),
      'PATCH /auth/api/roles/{name}': async () =>
        byAdmin(
          await adminCall('patch', `${ROLES_PATH}/${role.name}`).send({
            permissions: ['portfolio_data', 'diff_tool_data'],
          }),
          'role.updated',
        ),
      'DELETE /auth/api/roles/{name}': async () =>
        byAdmin(await adminCall('delete', `${ROLES_PATH}/${role.name}`), 'role.deleted'),
    };
    // Setting up an authenticator changes nothing a sign-in uses until the confirmation, which is audited.
    const notAudited = ['POST /auth/api/me/mfa/totp/setup'];
    const audited = ops.filter((op) => !notAudited.includes(label(op)));
    expect(audited.map(label).sort()).toEqual(Object.keys(scenarios).sort());
    for (const op of audited) {
      await newEntries();
      const { res, action, actor } = await scenarios[label(op)]();
      expect(res.status, `${label(op)}: ${res.text}`).toBeLessThan(300);
      await expectEntry(action, actor, ip);
    }
  });

  it('V16.4.2 offers no route that changes or deletes an audit entry, and the chain verifies', async () => {
    const ops = await operationsOf(t);
    expect(ops.filter((op) => op.path.startsWith('/auth/api/audit') && op.method !== 'get')).toEqual([]);
    const verify = await t.http().get('/auth/api/audit/verify').set(bearer(admin.token));
    expectStatus(verify, 200);
    expect(verify.body).toMatchObject({ ok: true, firstBrokenId: null });
  });

  it('V16.2.5 writes no password, hash or token to any log line or audit entry during the suite', async () => {
    // A token offered where none is read, and a password as a username (a common slip): still nowhere.
    const slip = 'Slipped-Passw0rd-In-Url!';
    secrets.add(slip);
    await t.http().get(`/auth/api/me?access_token=${admin.token}&password=${slip}`);
    await t.http().get(`/auth/api/users?search=x`).set('Authorization', `Bearer ${admin.token}x`);
    expect(t.logs.length).toBeGreaterThan(10);
    await secrets.expectAbsent(t);
  });
});
