import { describe, expect, it } from 'vitest';
import { generatePassword } from './password-generator.js';
import { PasswordPolicy } from './password-policy.js';

describe('generatePassword', () => {
  it('has the length asked for and every character class, each time', () => {
    for (let i = 0; i < 500; i++) {
      const pw = generatePassword(12);
      expect(pw).toHaveLength(12);
      expect(pw).toMatch(/[a-z]/);
      expect(pw).toMatch(/[A-Z]/);
      expect(pw).toMatch(/[2-9]/);
      expect(pw).toMatch(/[!#$%&*+\-=?@^_]/);
      expect(pw).not.toMatch(/[lo01IO]/);
    }
  });

  it('meets the password policy', () => {
    const policy = new PasswordPolicy();
    for (let i = 0; i < 200; i++) expect(policy.check(generatePassword(12))).toEqual([]);
  });

  it('does not repeat itself', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generatePassword(12)));
    expect(seen.size).toBe(1000);
  });

  it('refuses a length too short for the four classes', () => {
    expect(() => generatePassword(3)).toThrow(RangeError);
  });
});
