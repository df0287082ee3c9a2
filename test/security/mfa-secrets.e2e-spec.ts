import type { Response } from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { auditTableText } from '../support/audit.js';
import { loginRequest } from '../support/auth.js';
import { adminToken, bearer, createUserRow, useTestApp } from '../support/harness.js';
import { heldClock, loginMfa, STEP_MS, totpAt, totpConfirm, totpDisable, totpSetup } from '../support/mfa.js';
import { SecretWatch } from '../support/secrets.js';
import { expectError, expectStatus, USERS } from '../support/users.js';

const PASSWORD = 'Test-Passw0rd!';

describe('security: two-factor secrets (ASVS V6.5, V16)', () => {
  const t = useTestApp({ env: { LOG_LEVEL: 'debug', TRUST_PROXY: 'true' } });
  let clock: ReturnType<typeof heldClock>;
  const secrets = new SecretWatch();
  /** Every answer except the two that carry a secret by design (setup, confirm). */
  const answers: Response[] = [];
  /** TOTP and recovery codes sent; six digits are too short for SecretWatch, so they are looked for quoted. */
  const codes: string[] = [];
  const keep = (res: Response) => {
    answers.push(res);
    return res;
  };

  afterEach(() => clock?.restore());

  it('no secret, code or recovery code in any answer, log line or audit entry; the secret is encrypted at rest', async () => {
    clock = heldClock(t);
    const admin = await adminToken(t);
    const user = await createUserRow(t);
    const session = (await loginRequest(t, user.username, PASSWORD)).body.accessToken as string;

    const setup = await totpSetup(t, session, PASSWORD);
    expectStatus(setup, 200);
    const { secret, otpauthUri } = setup.body as { secret: string; otpauthUri: string };
    secrets.add(secret, otpauthUri);

    const wrongFirst = totpAt(secret, clock.now + 20 * STEP_MS);
    codes.push(wrongFirst);
    keep(await totpConfirm(t, session, wrongFirst));
    const first = totpAt(secret, clock.now);
    codes.push(first);
    const confirm = await totpConfirm(t, session, first);
    expectStatus(confirm, 200);
    const recoveryCodes = confirm.body.recoveryCodes as string[];
    secrets.add(...recoveryCodes);

    // The password step answers a challenge; each code, right or wrong, goes through the code step.
    const login = keep(await loginRequest(t, user.username, PASSWORD));
    const mfaToken = login.body.mfaToken as string;
    secrets.add(mfaToken);
    clock.advance();
    const wrong = totpAt(secret, clock.now + 5 * STEP_MS);
    codes.push(wrong);
    expectError(keep(await loginMfa(t, mfaToken, wrong)), 401, 'INVALID_MFA_CODE');
    expectError(keep(await loginMfa(t, mfaToken, 'zzzzz-zzzzz')), 401, 'INVALID_MFA_CODE');
    const right = totpAt(secret, clock.now);
    codes.push(right);
    const signedIn = keep(await loginMfa(t, mfaToken, right));
    expectStatus(signedIn, 200);
    secrets.fromAnswer(signedIn);
    expectError(keep(await loginMfa(t, mfaToken, right)), 401, 'MFA_TOKEN_INVALID');

    const second = keep(await loginRequest(t, user.username, PASSWORD));
    secrets.add(second.body.mfaToken as string);
    expectStatus(keep(await loginMfa(t, second.body.mfaToken as string, recoveryCodes[0])), 200);

    // A malformed code is refused without being echoed.
    const junk = `${secret}${'9'.repeat(40)}`;
    expectError(keep(await loginMfa(t, mfaToken, junk)), 400, 'VALIDATION_FAILED');

    clock.advance();
    const disableWrong = totpAt(secret, clock.now - 3 * STEP_MS);
    codes.push(disableWrong);
    keep(await totpDisable(t, session, PASSWORD, disableWrong));
    keep(await t.http().get(`/auth/api/me`).set(bearer(session)));
    keep(await t.http().get(`${USERS}/${user.id}`).set(bearer(admin.token)));
    keep(await t.http().get(`${USERS}?mfaEnabled=true`).set(bearer(admin.token)));

    // At rest: ciphertext and keyed hashes only.
    const stored = JSON.stringify(
      await t.dataSource.query(
        `SELECT m.*, (SELECT json_agg(c) FROM mfa_recovery_codes c WHERE c.user_id = m.user_id) AS codes,
                (SELECT json_agg(h) FROM mfa_challenges h WHERE h.user_id = m.user_id) AS challenges
           FROM user_mfa m WHERE m.user_id = $1`,
        [user.id],
      ),
    );
    expect(stored).toContain('v1.');
    for (const value of [secret, ...recoveryCodes, mfaToken]) expect(stored).not.toContain(value);

    expectStatus(keep(await t.http().post(`${USERS}/${user.id}/reset-mfa`).set(bearer(admin.token))), 204);

    for (const res of answers) {
      const text = JSON.stringify(res.body) + JSON.stringify(res.headers);
      for (const value of [secret, otpauthUri, ...recoveryCodes]) {
        expect(text.includes(value), `${res.status} ${text.slice(0, 80)} carries a secret`).toBe(false);
      }
      expect(text.includes('otpauth://')).toBe(false);
      for (const code of codes) expect(text.includes(`"${code}"`)).toBe(false);
    }

    await secrets.expectAbsent(t);
    const logs = t.logs.join('\n');
    const audit = await auditTableText(t);
    expect(audit).toContain('auth.mfa_enabled');
    expect(audit).toContain('auth.mfa_failed');
    expect(audit).toContain('auth.recovery_code_used');
    expect(audit).toContain('user.mfa_reset');
    expect(logs.includes('otpauth://')).toBe(false);
    expect(audit.includes('otpauth://')).toBe(false);
    for (const code of codes) {
      expect(logs.includes(`"${code}"`), 'a code in the logs').toBe(false);
      expect(audit.includes(`"${code}"`), 'a code in the audit log').toBe(false);
    }
  });
});
