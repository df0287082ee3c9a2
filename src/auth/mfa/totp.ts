import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as the contract fixes it: SHA-1, 6 digits, 30-second steps, one step of drift either way. */
export const TOTP_PERIOD_SECONDS = 30;
const DIGITS = 6;
const WINDOW = 1;
const ISSUER = 'champa-iam';
const SECRET_BYTES = 20;

const totpOf = (secret: string, label = '') =>
  new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });

/** A new secret (base32, 160 bits) and the URI an authenticator app reads from the QR code. */
export function newTotpSecret(username: string): { secret: string; otpauthUri: string } {
  const secret = new Secret({ size: SECRET_BYTES }).base32;
  return { secret, otpauthUri: totpOf(secret, username).toString() };
}

/** Whether `code` looks like a TOTP code at all (else it may be a recovery code). */
export function isTotpShaped(code: string): boolean {
  return /^\d{6}$/.test(code.replace(/\s/g, ''));
}

/**
 * The time-step `code` belongs to, within one step either way of `now`, or
 * null. The caller accepts it only if the step is later than the last one used.
 */
export function totpStepOf(secret: string, code: string, now: number): number | null {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpOf(secret).validate({ token, timestamp: now, window: WINDOW });
  if (delta === null) return null;
  return Math.floor(now / 1000 / TOTP_PERIOD_SECONDS) + delta;
}
