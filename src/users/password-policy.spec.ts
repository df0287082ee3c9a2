import { describe, expect, it } from 'vitest';
import { commonPasswords } from './common-passwords.js';
import { PasswordPolicy } from './password-policy.js';

const policy = new PasswordPolicy();

describe('PasswordPolicy', () => {
  it('ships a common-password list of at least 10,000 entries', () => {
    expect(commonPasswords().size).toBeGreaterThanOrEqual(10_000);
  });

  it.each(['MySecure2025Pass!', 'Camunda#Analytics99', 'Process@Monitor2024'])(
    "accepts the seed's good password %s",
    (pw) => {
      expect(policy.check(pw, 'jane.doe')).toEqual([]);
    },
  );

  it.each([
    ['password', ['must contain an uppercase letter', 'must contain a digit', 'is too common']],
    ['12345678', ['must contain a lowercase letter', 'must contain an uppercase letter', 'is too common']],
    [
      'admin',
      [
        'must be at least 8 characters',
        'must contain an uppercase letter',
        'must contain a digit',
        'is too common',
      ],
    ],
    ['Password1', ['is too common']],
  ])("refuses the seed's bad password %s, listing every failed rule", (pw, failures) => {
    expect(policy.check(pw, 'jane.doe')).toEqual(failures);
  });

  it('matches the common list ignoring case', () => {
    for (const pw of ['PASSWORD1', 'pAsSwOrD1', 'Qwerty123', 'Welcome1', 'Passw0rd']) {
      expect(policy.check(pw)).toContain('is too common');
    }
  });

  it('refuses a password that contains the username, ignoring case', () => {
    expect(policy.check('SuperJaneDoe2025', 'janedoe')).toEqual(['must not contain the username']);
  });

  it('counts characters, not UTF-16 units, for the length rules', () => {
    expect(policy.check('Aa1😀😀😀😀😀')).toEqual([]);
    expect(policy.check(`Aa1${'😀'.repeat(125)}`)).toEqual([]);
    expect(policy.check(`Aa1${'😀'.repeat(126)}`)).toEqual(['must be at most 128 characters']);
  });

  it('throws WEAK_PASSWORD with one detail per failed rule', () => {
    expect(() => policy.assertAcceptable('Password1', 'x')).toThrowError(
      expect.objectContaining({
        code: 'WEAK_PASSWORD',
        options: { details: [{ field: 'password', message: 'password is too common' }] },
      }),
    );
  });
});
