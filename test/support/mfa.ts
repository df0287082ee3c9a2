import { Secret, TOTP } from 'otpauth';
import { login } from './auth.js';
import { bearer, type TestApp } from './harness.js';

export const MFA = '/auth/api/me/mfa';
export const LOGIN_MFA = '/auth/api/login/mfa';
export const STEP_MS = 30_000;

export { heldClock } from './clock.js';

/** The 6-digit code an authenticator app shows at `at` (epoch ms) for `secret`. */
export function totpAt(secret: string, at: number): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp: at,
  });
}

/** POST /me/mfa/totp/setup for the session's user, who proves it with `currentPassword`. */
export const totpSetup = (t: TestApp, session: string, currentPassword: string) =>
  t.http().post(`${MFA}/totp/setup`).set(bearer(session)).send({ currentPassword });

/** POST /me/mfa/totp/confirm with a code from the authenticator. */
export const totpConfirm = (t: TestApp, session: string, code: string) =>
  t.http().post(`${MFA}/totp/confirm`).set(bearer(session)).send({ code });

/** DELETE /me/mfa: switches TOTP off with the password and a code. */
export const totpDisable = (t: TestApp, session: string, currentPassword: string, code: string) =>
  t.http().delete(MFA).set(bearer(session)).send({ currentPassword, code });

export interface Enrolled {
  secret: string;
  otpauthUri: string;
  recoveryCodes: string[];
  token: string;
}

/** Logs in, sets up and confirms TOTP at the clock's current time; answers the secret, codes and session. */
export async function enrol(
  t: TestApp,
  username: string,
  password: string,
  now: number,
  token?: string,
): Promise<Enrolled> {
  const session = token ?? (await login(t, username, password));
  const setup = await totpSetup(t, session, password);
  if (setup.status !== 200) throw new Error(`setup answered ${setup.status} ${JSON.stringify(setup.body)}`);
  const { secret, otpauthUri } = setup.body as { secret: string; otpauthUri: string };
  const confirm = await totpConfirm(t, session, totpAt(secret, now));
  if (confirm.status !== 200)
    throw new Error(`confirm answered ${confirm.status} ${JSON.stringify(confirm.body)}`);
  return { secret, otpauthUri, recoveryCodes: confirm.body.recoveryCodes as string[], token: session };
}

/** POST /login/mfa. */
export function loginMfa(t: TestApp, mfaToken: string, code: string, ip?: string) {
  const req = t.http().post(LOGIN_MFA);
  if (ip) req.set('X-Forwarded-For', ip);
  return req.send({ mfaToken, code });
}
