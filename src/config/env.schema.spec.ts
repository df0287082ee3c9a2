import { describe, expect, it } from 'vitest';
import { validateEnv } from './env.schema.js';

describe('validateEnv', () => {
  it('applies the defaults', () => {
    const env = validateEnv({});
    expect(env.PORT).toBe(8088);
    expect(env.DATA_DIR).toBe('./data');
    expect(env.LOCKOUT_THRESHOLD_PER_ADDRESS).toBe(5);
    expect(env.DEACTIVATION_ENDS_SESSIONS).toBe(true);
  });

  it.each([['abc'], ['-1'], ['70000'], ['80.5']])('rejects PORT=%s naming the variable', (port) => {
    expect(() => validateEnv({ PORT: port })).toThrow(/PORT/);
  });

  it('requires JWT_SECRET with DATABASE_URL', () => {
    expect(() => validateEnv({ DATABASE_URL: 'postgres://localhost/x' })).toThrow(/JWT_SECRET is required/);
    expect(
      validateEnv({
        DATABASE_URL: 'postgres://localhost/x',
        JWT_SECRET: 'x'.repeat(32),
        AUDIT_HMAC_KEY: 'k'.repeat(32),
        MFA_ENCRYPTION_KEY: 'm'.repeat(32),
      }).JWT_SECRET,
    ).toHaveLength(32);
  });

  const keys = {
    JWT_SECRET: 'x'.repeat(32),
    AUDIT_HMAC_KEY: 'k'.repeat(32),
    MFA_ENCRYPTION_KEY: 'm'.repeat(32),
  };
  it.each(['AUDIT_HMAC_KEY', 'MFA_ENCRYPTION_KEY'] as const)(
    'requires %s with DATABASE_URL, of at least 32 characters',
    (name) => {
      const { [name]: key, ...others } = keys;
      const pg = { DATABASE_URL: 'postgres://localhost/x', ...others };
      expect(() => validateEnv(pg)).toThrow(new RegExp(`${name} is required`));
      expect(() => validateEnv({ ...pg, [name]: key.slice(1) })).toThrow(
        new RegExp(`${name} must be at least`),
      );
      expect(() => validateEnv({ [name]: 'short' })).toThrow(new RegExp(name));
      expect(validateEnv({ ...pg, [name]: key })[name]).toHaveLength(32);
      expect(validateEnv({})[name]).toBeUndefined();
    },
  );

  it('rejects a short JWT_SECRET and a malformed URL', () => {
    expect(() => validateEnv({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(() => validateEnv({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => validateEnv({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
  });

  it('parses booleans strictly', () => {
    expect(validateEnv({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(validateEnv({ TRUST_PROXY: '0' }).TRUST_PROXY).toBe(false);
    expect(() => validateEnv({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/);
  });

  it('keeps argon2 at or above the OWASP minimum', () => {
    expect(() => validateEnv({ ARGON2_MEMORY_KIB: '1024' })).toThrow(/ARGON2_MEMORY_KIB/);
    expect(() => validateEnv({ ARGON2_TIME_COST: '1' })).toThrow(/ARGON2_TIME_COST/);
  });
});
