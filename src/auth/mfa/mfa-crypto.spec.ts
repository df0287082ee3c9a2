import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { deriveMfaKey } from '../../config/mfa-key.js';
import { generateRecoveryCode, MfaCrypto, normalizeRecoveryCode } from './mfa-crypto.js';
import { isTotpShaped, newTotpSecret, totpStepOf } from './totp.js';

const crypto = new MfaCrypto(deriveMfaKey('a passphrase of at least thirty-two characters'));

describe('MfaCrypto', () => {
  it('encrypts a secret for one user: another user, another key or an edit does not decrypt it', () => {
    const stored = crypto.encrypt(7, 'JBSWY3DPEHPK3PXP');
    expect(stored).not.toContain('JBSWY3DPEHPK3PXP');
    expect(stored).not.toBe(crypto.encrypt(7, 'JBSWY3DPEHPK3PXP'));
    expect(crypto.decrypt(7, stored)).toBe('JBSWY3DPEHPK3PXP');
    expect(() => crypto.decrypt(8, stored)).toThrow();
    const other = new MfaCrypto(deriveMfaKey('another passphrase of thirty-two characters'));
    expect(() => other.decrypt(7, stored)).toThrow();
    const [v, iv, tag, body] = stored.split('.');
    const flipped = `${v}.${iv}.${tag}.${body.startsWith('A') ? 'B' : 'A'}${body.slice(1)}`;
    expect(() => crypto.decrypt(7, flipped)).toThrow();
  });

  it('hashes recovery codes per user, ignoring case, spaces and dashes', () => {
    const code = generateRecoveryCode();
    expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(normalizeRecoveryCode(` ${code.toUpperCase()} `)).toBe(code.replace('-', ''));
    expect(crypto.hashRecoveryCode(1, code)).toBe(
      crypto.hashRecoveryCode(1, code.toUpperCase().replace('-', ' ')),
    );
    expect(crypto.hashRecoveryCode(1, code)).not.toBe(crypto.hashRecoveryCode(2, code));
  });
});

describe('TOTP', () => {
  const { secret, otpauthUri } = newTotpSecret('jane.doe');
  const at = (ms: number) =>
    TOTP.generate({
      secret: Secret.fromBase32(secret),
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      timestamp: ms,
    });
  const now = Date.UTC(2026, 10, 30, 12, 0, 15);
  const step = Math.floor(now / 30_000);

  it('makes a 160-bit secret and an otpauth URI with the contract parameters', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/champa-iam:jane\.doe\?/);
    for (const p of ['algorithm=SHA1', 'digits=6', 'period=30', `secret=${secret}`])
      expect(otpauthUri).toContain(p);
  });

  it('answers the step of a code within one step either way, and nothing beyond', () => {
    expect(totpStepOf(secret, at(now), now)).toBe(step);
    expect(totpStepOf(secret, at(now - 30_000), now)).toBe(step - 1);
    expect(totpStepOf(secret, at(now + 30_000), now)).toBe(step + 1);
    expect(totpStepOf(secret, at(now - 60_000), now)).toBeNull();
    expect(totpStepOf(secret, at(now + 60_000), now)).toBeNull();
    expect(totpStepOf(secret, 'abcdef', now)).toBeNull();
  });

  it('tells a TOTP code from a recovery code by its shape', () => {
    expect(isTotpShaped('123456')).toBe(true);
    expect(isTotpShaped('123 456')).toBe(true);
    expect(isTotpShaped('k7m2p-x9qrt')).toBe(false);
    expect(isTotpShaped('1234567')).toBe(false);
  });
});
