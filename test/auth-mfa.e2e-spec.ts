import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { login, loginRequest, me } from './support/auth.js';
import {
  adminToken,
  bearer,
  createUserRow,
  sessionTokenFor,
  type TestApp,
  userWithToken,
  useTestApp,
} from './support/harness.js';
import {
  enrol,
  heldClock,
  loginMfa,
  STEP_MS,
  totpAt,
  totpConfirm,
  totpDisable,
  totpSetup,
} from './support/mfa.js';
import { auditFor, expectError, expectStatus, USERS } from './support/users.js';

const PASSWORD = 'Test-Passw0rd!';

/** A password login that must answer the MFA challenge; returns its mfaToken. */
async function challenge(t: TestApp, username: string, ip?: string): Promise<string> {
  const res = await loginRequest(t, username, PASSWORD, { ip });
  expectStatus(res, 200);
  expect(res.body).toMatchObject({ mfaRequired: true });
  expect(res.body.accessToken).toBeUndefined();
  expect(Date.parse(res.body.expiresAt as string)).toBeGreaterThan(Date.now());
  return res.body.mfaToken as string;
}

describe('two-factor sign-in (TOTP with recovery codes)', () => {
  const t = useTestApp({
    env: { TRUST_PROXY: 'true', LOCKOUT_THRESHOLD_PER_ADDRESS: '3', LOCKOUT_THRESHOLD_PER_USER: '50' },
  });
  let admin: { userId: number; token: string };
  let clock: ReturnType<typeof heldClock>;

  beforeAll(async () => {
    admin = await adminToken(t);
  });
  afterEach(() => clock?.restore());

  it('enrols: setup needs the password and is not on until confirmed; confirm answers 10 codes and ends other sessions', async () => {
    clock = heldClock(t);
    const user = await createUserRow(t);
    const session = await login(t, user.username, PASSWORD);
    const other = await login(t, user.username, PASSWORD);

    expectError(await totpSetup(t, session, 'Wrong-Passw0rd!'), 401, 'INVALID_CREDENTIALS');
    expectError(await totpConfirm(t, session, '123456'), 409, 'MFA_SETUP_REQUIRED');
    const setup = await totpSetup(t, session, PASSWORD);
    expectStatus(setup, 200);
    const { secret, otpauthUri } = setup.body as { secret: string; otpauthUri: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(otpauthUri).toContain(`secret=${secret}`);
    expect(otpauthUri).toContain('digits=6');
    expect(otpauthUri).toContain('period=30');

    // Not on yet: a password alone still logs in.
    expect((await loginRequest(t, user.username, PASSWORD)).body.accessToken).toBeDefined();

    expectError(
      await totpConfirm(t, session, totpAt(secret, clock.now + 10 * STEP_MS)),
      401,
      'INVALID_MFA_CODE',
    );
    const confirm = await totpConfirm(t, session, totpAt(secret, clock.now));
    expectStatus(confirm, 200);
    const codes = confirm.body.recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);

    expectStatus(await me(t, session), 200);
    expect((await me(t, session)).body.user.mfaEnabled).toBe(true);
    expectError(await me(t, other), 401, 'TOKEN_REVOKED');

    // The secret is stored encrypted, the recovery codes hashed.
    const [row] = (await t.dataSource.query(`SELECT * FROM user_mfa WHERE user_id = $1`, [
      user.id,
    ])) as Record<string, unknown>[];
    expect(JSON.stringify(row)).not.toContain(secret);
    const stored = JSON.stringify(
      await t.dataSource.query(`SELECT code_hash FROM mfa_recovery_codes WHERE user_id = $1`, [user.id]),
    );
    for (const code of codes) expect(stored).not.toContain(code);

    expectError(await totpSetup(t, session, PASSWORD), 409, 'MFA_ALREADY_ENABLED');
    const actions = (await auditFor(t, user.id)).map((e) => e.action);
    expect(actions).toContain('auth.mfa_enabled');
  });

  it('signs in with a code; the same code is refused the second time (no replay)', async () => {
    clock = heldClock(t);
    const user = await createUserRow(t);
    const { secret } = await enrol(t, user.username, PASSWORD, clock.now);
    clock.advance();

    const code = totpAt(secret, clock.now);
    const ok = await loginMfa(t, await challenge(t, user.username), code);
    expectStatus(ok, 200);
    expect(ok.body).toMatchObject({ tokenType: 'Bearer', mfaEnrollmentRequired: false });
    expectStatus(await me(t, ok.body.accessToken as string), 200);

    expectError(await loginMfa(t, await challenge(t, user.username), code), 401, 'INVALID_MFA_CODE');
    // The previous step's code is older than the one used: refused as well.
    expectError(
      await loginMfa(t, await challenge(t, user.username), totpAt(secret, clock.now - STEP_MS)),
      401,
      'INVALID_MFA_CODE',
    );

    await t.flushAudit();
    const login = (await auditFor(t, user.id)).filter((e) => e.action === 'auth.login').at(-1);
    expect(login?.details).toMatchObject({ mfa: 'totp' });
    expect((await auditFor(t, user.id)).map((e) => e.action)).toContain('auth.mfa_failed');
  });

  it('accepts one step of drift either way, and refuses a code from two steps ago', async () => {
    clock = heldClock(t);
    const user = await createUserRow(t);
    const { secret } = await enrol(t, user.username, PASSWORD, clock.now);
    clock.advance(10 * STEP_MS);

    expectError(
      await loginMfa(t, await challenge(t, user.username), totpAt(secret, clock.now - 2 * STEP_MS)),
      401,
      'INVALID_MFA_CODE',
    );
    expectError(
      await loginMfa(t, await challenge(t, user.username), totpAt(secret, clock.now + 2 * STEP_MS)),
      401,
      'INVALID_MFA_CODE',
    );
    expectStatus(
      await loginMfa(t, await challenge(t, user.username), totpAt(secret, clock.now - STEP_MS)),
      200,
    );
    expectStatus(
      await loginMfa(t, await challenge(t, user.username), totpAt(secret, clock.now + STEP_MS)),
      200,
    );
  });

  it('signs in with a recovery code once; the same recovery code is refused after', async () => {
    clock = heldClock(t);
    const user = await createUserRow(t);
    const { recoveryCodes } = await enrol(t, user.username, PASSWORD, clock.now);

    const ok = await loginMfa(t, await challenge(t, user.username), recoveryCodes[3].toUpperCase());
    expectStatus(ok, 200);
    expectError(
      await loginMfa(t, await challenge(t, user.username), recoveryCodes[3]),
      401,
      'INVALID_MFA_CODE',
    );
    expectStatus(await loginMfa(t, await challenge(t, user.username), recoveryCodes[4]), 200);

    const used = (await auditFor(t, user.id)).filter((e) => e.action === 'auth.recovery_code_used');
    expect(used.map((e) => e.details.remaining)).toEqual([9, 8]);
  });

  it('refuses an mfaToken used already, expired, or unknown', async () => {
    clock = heldClock(t);
    const user = await createUserRow(t);
    const { secret } = await enrol(t, user.username, PASSWORD, clock.now);
    clock.advance();

    const token = await challenge(t, user.username);
    expectStatus(await loginMfa(t, token, totpAt(secret, clock.now)), 200);
    clock.advance();
    expectError(await loginMfa(t, token, totpAt(secret, clock.now)), 401, 'MFA_TOKEN_INVALID');

    const late = await challenge(t, user.username);
    clock.advance(5 * 60_000 + 1_000);
    expectError(await loginMfa(t, late, totpAt(secret, clock.now)), 401, 'MFA_TOKEN_INVALID');
    expectError(await loginMfa(t, 'no-such-token', totpAt(secret, clock.now)), 401, 'MFA_TOKEN_INVALID');
    // A wrong code leaves the token usable for the right one (within its 5 minutes).
    const retry = await challenge(t, user.username);
    expectError(await loginMfa(t, retry, '000000'), 401, 'INVALID_MFA_CODE');
    expectStatus(await loginMfa(t, retry, totpAt(secret, clock.now)), 200);
  });

  it('wrong codes count towards the password lockout: 401 INVALID_MFA_CODE, then 429 even for the right code', async () => {
    clock = heldClock(t);
    const user = await createUserRow(t);
    const { secret } = await enrol(t, user.username, PASSWORD, clock.now);
    clock.advance();
    const ip = '10.77.0.1';
    const token = await challenge(t, user.username, ip);
    for (const wrong of ['000000', '111111', 'aaaaa-bbbbb']) {
      expectError(await loginMfa(t, token, wrong, ip), 401, 'INVALID_MFA_CODE');
    }
    const locked = await loginMfa(t, token, totpAt(secret, clock.now), ip);
    expectError(locked, 429, 'ACCOUNT_LOCKED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The same lock holds for the password step.
    expectError(await loginRequest(t, user.username, PASSWORD, { ip }), 429, 'ACCOUNT_LOCKED');
    await t.flushAudit();
    const actions = (await auditFor(t, user.id)).map((e) => e.action);
    expect(actions.filter((a) => a === 'auth.mfa_failed').length).toBeGreaterThanOrEqual(3);
    expect(actions).toContain('auth.locked');
  });

  it('a role that requires MFA confines a new session to enrolment until it is confirmed', async () => {
    clock = heldClock(t);
    const role = `mfa_role_${Date.now().toString(36)}`;
    const created = await t
      .http()
      .post('/auth/api/roles')
      .set(bearer(admin.token))
      .send({ name: role, displayName: 'Needs MFA', permissions: ['portfolio_data'], requireMfa: true });
    expectStatus(created, 201);
    expect(created.body.requireMfa).toBe(true);
    const user = await createUserRow(t, { role });

    const hygiene = await t.http().get(`${USERS}/hygiene?pageSize=100`).set(bearer(admin.token));
    const item = (hygiene.body.items as { user: { id: number }; reasons: { code: string }[] }[]).find(
      (i) => i.user.id === user.id,
    );
    expect(item?.reasons.map((r) => r.code)).toContain('mfa_not_enrolled');

    const res = await loginRequest(t, user.username, PASSWORD);
    expectStatus(res, 200);
    expect(res.body.mfaEnrollmentRequired).toBe(true);
    const session = res.body.accessToken as string;
    expectError(
      await t.http().get('/auth/api/me/sessions').set(bearer(session)),
      403,
      'MFA_ENROLLMENT_REQUIRED',
    );
    expectStatus(await me(t, session), 200);

    const { secret } = await enrol(t, user.username, PASSWORD, clock.now, session);
    expectStatus(await t.http().get('/auth/api/me/sessions').set(bearer(session)), 200);

    clock.advance();
    expectError(
      await totpDisable(t, session, PASSWORD, totpAt(secret, clock.now)),
      403,
      'MFA_REQUIRED_BY_ROLE',
    );
  });

  it('requireMfa is editable on a system role, and an existing session is confined on its next request', async () => {
    const { user, token } = await userWithToken(t, { role: 'viewer' });
    expectStatus(await t.http().get('/auth/api/me/sessions').set(bearer(token)), 200);
    try {
      const patched = await t
        .http()
        .patch('/auth/api/roles/viewer')
        .set(bearer(admin.token))
        .send({ requireMfa: true });
      expectStatus(patched, 200);
      expect(patched.body).toMatchObject({ requireMfa: true, isSystem: true });
      expectError(
        await t.http().get('/auth/api/me/sessions').set(bearer(token)),
        403,
        'MFA_ENROLLMENT_REQUIRED',
      );
      const listed = await t
        .http()
        .get(`${USERS}?mfaEnabled=false&role=viewer&pageSize=100`)
        .set(bearer(admin.token));
      expect((listed.body.items as { id: number }[]).map((u) => u.id)).toContain(user.id);
    } finally {
      await t.http().patch('/auth/api/roles/viewer').set(bearer(admin.token)).send({ requireMfa: false });
    }
    expectStatus(await t.http().get('/auth/api/me/sessions').set(bearer(token)), 200);
  });

  it('switches off with the password and a current code', async () => {
    clock = heldClock(t);
    const user = await createUserRow(t);
    const { secret, token } = await enrol(t, user.username, PASSWORD, clock.now);
    clock.advance();
    expectError(await totpDisable(t, token, PASSWORD, '000000'), 401, 'INVALID_MFA_CODE');
    expectStatus(await totpDisable(t, token, PASSWORD, totpAt(secret, clock.now)), 204);
    expect((await me(t, token)).body.user.mfaEnabled).toBe(false);
    expect((await loginRequest(t, user.username, PASSWORD)).body.accessToken).toBeDefined();
    expectError(await totpDisable(t, token, PASSWORD, '000000'), 409, 'MFA_NOT_ENABLED');
    expect((await auditFor(t, user.id)).map((e) => e.action)).toContain('auth.mfa_disabled');
  });

  it('an administrator resets a user’s MFA; the list filters by it; a user administrator cannot reset an administrator', async () => {
    clock = heldClock(t);
    const user = await createUserRow(t);
    await enrol(t, user.username, PASSWORD, clock.now);

    const enrolled = await t.http().get(`${USERS}?mfaEnabled=true&pageSize=100`).set(bearer(admin.token));
    expectStatus(enrolled, 200);
    expect((enrolled.body.items as { id: number }[]).map((u) => u.id)).toContain(user.id);
    expect((enrolled.body.items as { mfaEnabled: boolean }[]).every((u) => u.mfaEnabled)).toBe(true);
    expectError(
      await t.http().get(`${USERS}?mfaEnabled=maybe`).set(bearer(admin.token)),
      400,
      'VALIDATION_FAILED',
    );

    expectStatus(await t.http().post(`${USERS}/${user.id}/reset-mfa`).set(bearer(admin.token)), 204);
    const after = await t.http().get(`${USERS}/${user.id}`).set(bearer(admin.token));
    expect(after.body.mfaEnabled).toBe(false);
    expect((await loginRequest(t, user.username, PASSWORD)).body.accessToken).toBeDefined();
    const reset = (await auditFor(t, user.id)).find((e) => e.action === 'user.mfa_reset');
    expect(reset?.details).toMatchObject({ wasEnabled: true });

    const roleName = `user_admin_${Date.now().toString(36)}`;
    await t.dataSource.query(
      `INSERT INTO roles (name, display_name, description, permissions) VALUES ($1, 'User admin', '', $2)`,
      [roleName, ['manage_users', 'health_monitor_data', 'model_validation_data']],
    );
    const userAdmin = await createUserRow(t, { role: roleName });
    const userAdminToken = await sessionTokenFor(t, userAdmin.id);
    expectError(
      await t.http().post(`${USERS}/${admin.userId}/reset-mfa`).set(bearer(userAdminToken)),
      403,
      'PRIVILEGE_ESCALATION',
    );
    expectStatus(await t.http().post(`${USERS}/${user.id}/reset-mfa`).set(bearer(userAdminToken)), 204);
    expectError(
      await t.http().post(`${USERS}/999999/reset-mfa`).set(bearer(admin.token)),
      404,
      'USER_NOT_FOUND',
    );
  });
});
