import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuditService } from '../src/audit/audit.service.js';
import { AUDIT_ACTIONS } from '../src/audit/audit.types.js';
import { type RawAuditRow, auditCaller, auditRows, auditTableText } from './support/audit.js';
import {
  ADMIN_PASSWORD,
  ADMIN_USERNAME,
  adminToken,
  bearer,
  createUserRow,
  useTestApp,
} from './support/harness.js';
import { heldClock, STEP_MS, totpAt } from './support/mfa.js';

const API = '/auth/api';
const NEW_ADMIN_PASSWORD = 'Changed-Adm1n-Pw-77';
const ALICE_PASSWORD = 'Al1ce-Coverage-Pw-5';

interface Step {
  ip: string;
  userAgent: string;
}

/**
 * Every action of the HTTP contract, done once through the API: each leaves
 * exactly one entry, complete, and no secret used along the way is anywhere
 * in the table.
 */
describe('audit coverage: every action of the contract', () => {
  const t = useTestApp({
    env: { TRUST_PROXY: 'true', LOCKOUT_THRESHOLD_PER_USER: '3', LOCKOUT_THRESHOLD_PER_ADDRESS: '1000' },
  });
  const secrets: string[] = [ADMIN_PASSWORD, NEW_ADMIN_PASSWORD, ALICE_PASSWORD];
  const seen = new Map<string, RawAuditRow>();
  let lastId = 0;
  let n = 0;

  const step = (): Step => {
    n++;
    return { ip: `203.0.113.${n}`, userAgent: `coverage-agent/${n} (step ${n})` };
  };
  const call = (method: 'get' | 'post' | 'patch' | 'delete', path: string, s: Step, token?: string) => {
    const req = t.http()[method](`${API}${path}`).set('X-Forwarded-For', s.ip).set('User-Agent', s.userAgent);
    return token ? req.set(bearer(token)) : req;
  };

  /** The entries written since the last call; exactly one of `action`, carrying the step's client. */
  async function expectOne(action: string, s: Step): Promise<RawAuditRow> {
    const rows = await auditRows(t, 'id > $1', [lastId]);
    lastId = rows.length ? Number(rows[rows.length - 1].id) : lastId;
    const mine = rows.filter((r) => r.action === action);
    expect(mine, `${action} among ${rows.map((r) => r.action).join(', ')}`).toHaveLength(1);
    const [entry] = mine;
    expect(entry.ip).toBe(s.ip);
    expect(entry.user_agent).toBe(s.userAgent);
    expect(Date.now() - entry.at.getTime()).toBeLessThan(5 * 60_000);
    expect(entry.at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expect(entry.target_type).not.toBeNull();
    expect(entry.outcome).toMatch(/^(success|failure|denied)$/);
    seen.set(action, entry);
    return entry;
  }

  /** The columns of an entry the administrator's successful action on a user leaves. */
  const byAdminOnUser = (adminId: number, userId: number) => ({
    actor_id: adminId,
    actor_username: ADMIN_USERNAME,
    target_type: 'user',
    target_id: String(userId),
    outcome: 'success',
  });

  beforeAll(async () => {
    const rows = await auditRows(t);
    lastId = rows.length ? Number(rows[rows.length - 1].id) : 0;
  });

  it('records logins, failures, locks, password changes, logouts and denials', async () => {
    let s = step();
    const login = await call('post', '/login', s)
      .send({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD })
      .expect(200);
    const session: string = login.body.accessToken;
    secrets.push(session);
    const adminId: number = login.body.user.id;
    expect(await expectOne('auth.login', s)).toMatchObject(byAdminOnUser(adminId, adminId));

    s = step();
    const wrong = await call('post', '/login', s).send({
      username: ADMIN_USERNAME,
      password: 'Not-The-Passw0rd',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    secrets.push('Not-The-Passw0rd');
    expect(await expectOne('auth.login_failed', s)).toMatchObject({
      target_type: 'user',
      target_label: ADMIN_USERNAME,
      outcome: 'failure',
    });

    s = step();
    const victim = 'lock-me-user';
    let locked = false;
    for (let i = 0; i < 6 && !locked; i++) {
      const res = await call('post', '/login', s).send({ username: victim, password: `Guess-${i}-Passw0rd` });
      secrets.push(`Guess-${i}-Passw0rd`);
      if (res.status === 429) {
        expect(res.body.code).toBe('ACCOUNT_LOCKED');
        locked = true;
      } else {
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('INVALID_CREDENTIALS');
      }
    }
    expect(locked).toBe(true);
    expect(await expectOne('auth.locked', s)).toMatchObject({ target_label: victim, outcome: 'failure' });

    s = step();
    await call('post', '/me/password', s, session)
      .send({ currentPassword: ADMIN_PASSWORD, newPassword: NEW_ADMIN_PASSWORD })
      .expect(204);
    expect(await expectOne('auth.password_changed', s)).toMatchObject({
      actor_username: ADMIN_USERNAME,
      target_id: String(adminId),
      outcome: 'success',
    });

    s = step();
    await call('post', '/logout', s, session).expect(204);
    expect(await expectOne('auth.logout', s)).toMatchObject({ actor_id: adminId, outcome: 'success' });

    s = step();
    const { user: viewer, token: viewerToken } = await auditCaller(t, ['health_monitor_data']);
    secrets.push(viewerToken);
    const denied = await call('get', '/users', s, viewerToken);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('PERMISSION_DENIED');
    const denial = await expectOne('auth.permission_denied', s);
    expect(denial).toMatchObject({ actor_id: viewer.id, actor_username: viewer.username, outcome: 'denied' });
    expect(denial.target_id).toMatch(/^GET \/auth\/api\/users/);
    expect(denial.details.required).toEqual(['manage_users']);
  });

  it('records every user and role change with what changed', async () => {
    const { userId: adminId, token } = await adminToken(t);
    secrets.push(token);

    let s = step();
    const created = await call('post', '/users', s, token)
      .send({ username: 'alice', email: 'alice@example.test', password: ALICE_PASSWORD, role: 'viewer' })
      .expect(201);
    const aliceId: number = created.body.user.id;
    expect(await expectOne('user.created', s)).toMatchObject({
      ...byAdminOnUser(adminId, aliceId),
      target_label: 'alice',
    });

    s = step();
    await call('patch', `/users/${aliceId}`, s, token)
      .send({ email: 'alice2@example.test', role: 'process_operator' })
      .expect(200);
    const updated = await expectOne('user.updated', s);
    expect(updated.details).toMatchObject({
      before: { email: 'alice@example.test', role: 'viewer' },
      after: { email: 'alice2@example.test', role: 'process_operator' },
    });

    s = step();
    const reset = await call('post', `/users/${aliceId}/reset-password`, s, token).expect(200);
    secrets.push(reset.body.temporaryPassword);
    expect(await expectOne('user.password_reset', s)).toMatchObject({
      target_id: String(aliceId),
      outcome: 'success',
    });

    s = step();
    await call('post', `/users/${aliceId}/toggle-status`, s, token).expect(200);
    expect((await expectOne('user.status_changed', s)).details).toMatchObject({
      before: { isActive: true },
      after: { isActive: false },
    });

    s = step();
    const revoked = await call('post', `/users/${aliceId}/revoke-sessions`, s, token).expect(200);
    expect(revoked.body).toEqual({ revoked: expect.any(Number) });
    expect(await expectOne('user.sessions_revoked', s)).toMatchObject({ target_id: String(aliceId) });

    const api = await call('post', '/users', step(), token)
      .send({
        username: 'robot',
        email: 'robot@example.test',
        role: 'api_user',
        isApiUser: true,
        apiTokenTtlDays: 30,
      })
      .expect(201);
    secrets.push(api.body.apiToken);
    lastId = Number((await auditRows(t)).at(-1)!.id);

    s = step();
    const regenerated = await call('post', `/users/${api.body.user.id}/regenerate-token`, s, token)
      .send({ graceHours: 2 })
      .expect(200);
    secrets.push(regenerated.body.apiToken);
    expect(await expectOne('user.token_regenerated', s)).toMatchObject({
      target_label: 'robot',
      outcome: 'success',
      details: { graceHours: 2, previousTokenValidUntil: regenerated.body.previousTokenValidUntil },
    });

    s = step();
    await call('post', `/users/${api.body.user.id}/revoke-previous-token`, s, token).expect(204);
    expect(await expectOne('user.previous_token_revoked', s)).toMatchObject({
      target_label: 'robot',
      outcome: 'success',
      details: { previousTokenValidUntil: regenerated.body.previousTokenValidUntil },
    });

    s = step();
    await call('delete', `/users/${aliceId}`, s, token).expect(204);
    expect(await expectOne('user.deleted', s)).toMatchObject({
      target_id: String(aliceId),
      target_label: 'alice',
    });

    s = step();
    await call('post', '/roles', s, token)
      .send({ name: 'report_reader', displayName: 'Report Reader', permissions: ['portfolio_data'] })
      .expect(201);
    expect(await expectOne('role.created', s)).toMatchObject({
      actor_id: adminId,
      target_type: 'role',
      target_id: 'report_reader',
    });

    s = step();
    await call('patch', '/roles/report_reader', s, token)
      .send({ permissions: ['portfolio_data', 'diff_tool_data'] })
      .expect(200);
    expect(JSON.stringify((await expectOne('role.updated', s)).details)).toContain('diff_tool_data');

    s = step();
    await call('delete', '/roles/report_reader', s, token).expect(204);
    expect(await expectOne('role.deleted', s)).toMatchObject({
      target_id: 'report_reader',
      outcome: 'success',
    });
  });

  it('records two-factor enrolment, failures, recovery codes, switching off and a reset', async () => {
    const clock = heldClock(t);
    try {
      const { token: admin } = await adminToken(t);
      const user = await createUserRow(t, { password: ALICE_PASSWORD });
      const login = await call('post', '/login', step()).send({
        username: user.username,
        password: ALICE_PASSWORD,
      });
      const session: string = login.body.accessToken;
      secrets.push(session);
      const setup = await call('post', '/me/mfa/totp/setup', step(), session)
        .send({ currentPassword: ALICE_PASSWORD })
        .expect(200);
      const secret: string = setup.body.secret;
      secrets.push(secret, setup.body.otpauthUri as string);
      lastId = Number((await auditRows(t)).at(-1)!.id);

      let s = step();
      const confirm = await call('post', '/me/mfa/totp/confirm', s, session)
        .send({ code: totpAt(secret, clock.now) })
        .expect(200);
      const codes: string[] = confirm.body.recoveryCodes;
      secrets.push(...codes);
      expect(await expectOne('auth.mfa_enabled', s)).toMatchObject({
        actor_id: user.id,
        target_id: String(user.id),
        outcome: 'success',
      });

      clock.advance();
      const challenge = async () => {
        const res = await call('post', '/login', step()).send({
          username: user.username,
          password: ALICE_PASSWORD,
        });
        secrets.push(res.body.mfaToken as string);
        return res.body.mfaToken as string;
      };
      const mfaToken = await challenge();
      lastId = Number((await auditRows(t)).at(-1)!.id);
      s = step();
      await call('post', '/login/mfa', s)
        .send({ mfaToken, code: totpAt(secret, clock.now + 4 * STEP_MS) })
        .expect(401);
      expect(await expectOne('auth.mfa_failed', s)).toMatchObject({
        target_id: String(user.id),
        outcome: 'failure',
      });

      s = step();
      await call('post', '/login/mfa', s).send({ mfaToken, code: codes[0] }).expect(200);
      expect((await expectOne('auth.recovery_code_used', s)).details).toEqual({ remaining: 9 });

      s = step();
      await call('delete', '/me/mfa', s, session)
        .send({ currentPassword: ALICE_PASSWORD, code: totpAt(secret, clock.now) })
        .expect(204);
      expect(await expectOne('auth.mfa_disabled', s)).toMatchObject({
        actor_id: user.id,
        outcome: 'success',
      });

      s = step();
      await call('post', `/users/${user.id}/reset-mfa`, s, admin).expect(204);
      expect(await expectOne('user.mfa_reset', s)).toMatchObject({
        target_id: String(user.id),
        outcome: 'success',
      });
    } finally {
      clock.restore();
    }
  });

  it('has covered every action of the contract, and the chain holds', async () => {
    const contract = AUDIT_ACTIONS.filter((a) => a !== 'audit.pruned');
    expect([...seen.keys()].sort()).toEqual([...contract].sort());
    const { token } = await adminToken(t);
    const res = await t.http().get(`${API}/audit/verify`).set(bearer(token)).expect(200);
    expect(res.body.ok).toBe(true);
  });

  it('holds no password, hash, token or token id anywhere in the table', async () => {
    const text = await auditTableText(t);
    const users: { password_hash: string | null; api_token_id: string | null }[] = await t.dataSource.query(
      'SELECT password_hash, api_token_id FROM users',
    );
    const all = [
      ...secrets,
      ...secrets.filter((s) => s.split('.').length === 3).flatMap((jwt) => jwt.split('.').slice(1)),
      ...secrets
        .filter((s) => s.split('.').length === 3)
        .map((jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()))
        .flatMap((claims: Record<string, unknown>) =>
          [claims.jti, claims.sid].filter((v): v is string => typeof v === 'string'),
        ),
      ...users.flatMap((u) => [u.password_hash, u.api_token_id]).filter((v): v is string => !!v),
    ];
    expect(all.length).toBeGreaterThan(15);
    for (const secret of all) expect(text.includes(secret), `found a secret in the audit table`).toBe(false);
    expect(text).not.toMatch(/\$argon2/);
  });
});

describe('audit coverage: a change whose audit entry fails is not made', () => {
  const t = useTestApp();
  let token: string;

  beforeAll(async () => {
    ({ token } = await adminToken(t));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
  });

  it('rolls back a role creation and a user update when recording fails', async () => {
    const auditService = t.app.get(AuditService);
    const spy = vi.spyOn(auditService, 'record').mockRejectedValue(new Error('audit store unavailable'));

    const role = await t
      .http()
      .post(`${API}/roles`)
      .set(bearer(token))
      .send({ name: 'never_there', displayName: 'Never There', permissions: ['portfolio_data'] });
    expect(role.status).toBe(500);
    expect(role.body.code).toBe('INTERNAL_ERROR');
    expect(JSON.stringify(role.body)).not.toContain('audit store unavailable');

    spy.mockRestore();
    const missing = await t.http().get(`${API}/roles/never_there`).set(bearer(token)).expect(404);
    expect(missing.body.code).toBe('ROLE_NOT_FOUND');
    expect(await t.dataSource.query(`SELECT 1 FROM roles WHERE name = 'never_there'`)).toHaveLength(0);

    const created = await t
      .http()
      .post(`${API}/users`)
      .set(bearer(token))
      .send({ username: 'bob', email: 'bob@example.test', password: 'B0b-Coverage-Pw-3', role: 'viewer' })
      .expect(201);
    const id: number = created.body.user.id;

    const failing = vi.spyOn(auditService, 'record').mockRejectedValue(new Error('audit store unavailable'));
    const update = await t
      .http()
      .patch(`${API}/users/${id}`)
      .set(bearer(token))
      .send({ email: 'bob2@example.test', role: 'process_operator' });
    expect(update.status).toBe(500);
    expect(update.body.code).toBe('INTERNAL_ERROR');
    const removal = await t.http().delete(`${API}/users/${id}`).set(bearer(token));
    expect(removal.status).toBe(500);
    expect(removal.body.code).toBe('INTERNAL_ERROR');
    failing.mockRestore();

    const after = await t.http().get(`${API}/users/${id}`).set(bearer(token)).expect(200);
    expect(after.body).toMatchObject({ email: 'bob@example.test', role: 'viewer' });
    const entries = await auditRows(t, `target_type = 'user' AND target_id = $1`, [String(id)]);
    expect(entries.map((e) => e.action)).toEqual(['user.created']);
  });
});
