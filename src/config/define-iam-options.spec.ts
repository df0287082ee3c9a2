import { createSecretKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defineIamOptions, normalizeRoutePrefix } from './define-iam-options.js';
import { EnvSchema } from './env.schema.js';

const SECRET = 'x'.repeat(32);

describe('defineIamOptions', () => {
  it("fills every option a host leaves out with the service's own defaults", () => {
    const env = new EnvSchema();
    const options = defineIamOptions({ jwt: { secret: SECRET } });
    expect(options.jwt.issuer).toBe(env.JWT_ISSUER);
    expect(options.sessionTtlSeconds).toBe(env.SESSION_TTL_SECONDS);
    expect(options.rememberMeTtlSeconds).toBe(env.REMEMBER_ME_TTL_SECONDS);
    expect(options.lockout).toEqual({
      thresholdPerAddress: env.LOCKOUT_THRESHOLD_PER_ADDRESS,
      thresholdPerUser: env.LOCKOUT_THRESHOLD_PER_USER,
      baseSeconds: env.LOCKOUT_BASE_SECONDS,
      maxSeconds: env.LOCKOUT_MAX_SECONDS,
    });
    expect(options.argon2.memoryCost).toBe(env.ARGON2_MEMORY_KIB);
    expect(options).toMatchObject({
      permissions: [],
      initialAdmin: undefined,
      mountControllers: true,
      globalGuards: true,
      routePrefix: 'auth/api',
      metrics: false,
    });
  });

  it('keeps what the host sets, part of a group included', () => {
    const options = defineIamOptions({
      jwt: { secret: SECRET, issuer: 'host' },
      lockout: { baseSeconds: 5 },
      permissions: [{ name: 'reports_data', description: 'Reports' }],
      globalGuards: false,
    });
    expect(options.jwt.issuer).toBe('host');
    expect(options.lockout.baseSeconds).toBe(5);
    expect(options.lockout.maxSeconds).toBe(new EnvSchema().LOCKOUT_MAX_SECONDS);
    expect(options.permissions).toEqual([{ name: 'reports_data', description: 'Reports' }]);
    expect(options.globalGuards).toBe(false);
  });

  it('turns a string secret into a KeyObject, and takes a secret KeyObject as it is', () => {
    const fromString = defineIamOptions({ jwt: { secret: SECRET } }).jwt.secret;
    expect(fromString).toBeInstanceOf(KeyObject);
    expect(fromString.export().toString('utf8')).toBe(SECRET);
    const key = createSecretKey(Buffer.alloc(48, 7));
    expect(defineIamOptions({ jwt: { secret: key } }).jwt.secret).toBe(key);
  });

  it('keys the audit chain with its own key, the derived key passed on, or one derived from the JWT secret', () => {
    const own = defineIamOptions({ jwt: { secret: SECRET }, auditHmacKey: 'k'.repeat(32) }).auditHmacKey;
    expect(own).toBeInstanceOf(KeyObject);
    expect(own.symmetricKeySize).toBe(32);
    expect(own.export().equals(Buffer.from('k'.repeat(32)))).toBe(false);
    // what the service's environment mapping hands on stays the same key
    expect(defineIamOptions({ jwt: { secret: SECRET }, auditHmacKey: own }).auditHmacKey).toBe(own);
    const fallback = defineIamOptions({ jwt: { secret: SECRET } }).auditHmacKey;
    expect(fallback.export().equals(own.export())).toBe(false);
    expect(fallback.export().equals(Buffer.from(SECRET))).toBe(false);
    expect(defineIamOptions({ jwt: { secret: SECRET } }).auditHmacKey.export()).toEqual(fallback.export());
    expect(() => defineIamOptions({ jwt: { secret: SECRET }, auditHmacKey: 'short' })).toThrow(
      /auditHmacKey must be at least 32 characters/,
    );
    expect(() =>
      defineIamOptions({ jwt: { secret: SECRET }, auditHmacKey: createSecretKey(Buffer.alloc(16)) }),
    ).toThrow(/auditHmacKey/);
  });

  it('refuses a missing, short or asymmetric secret', () => {
    expect(() => defineIamOptions({} as never)).toThrow(/jwt.secret is required/);
    expect(() => defineIamOptions({ jwt: { secret: 'short' } })).toThrow(/at least 32 characters/);
    expect(() => defineIamOptions({ jwt: { secret: createSecretKey(Buffer.alloc(16)) } })).toThrow(
      /32 bytes/,
    );
    const { privateKey } = generateKeyPairSync('ed25519');
    expect(() => defineIamOptions({ jwt: { secret: privateKey } })).toThrow(/secret KeyObject/);
  });

  it('refuses impossible numbers, naming the option', () => {
    expect(() => defineIamOptions({ jwt: { secret: SECRET }, sessionTtlSeconds: 0 })).toThrow(
      /sessionTtlSeconds/,
    );
    expect(() => defineIamOptions({ jwt: { secret: SECRET }, argon2: { memoryCost: 1024 } })).toThrow(
      /argon2.memoryCost/,
    );
    expect(() =>
      defineIamOptions({ jwt: { secret: SECRET }, lockout: { baseSeconds: 100, maxSeconds: 10 } }),
    ).toThrow(/maxSeconds/);
    expect(() => defineIamOptions({ jwt: { secret: SECRET }, authCacheTtlSeconds: 1.5 })).toThrow(
      /authCacheTtlSeconds/,
    );
  });
});

describe('normalizeRoutePrefix', () => {
  it('takes slashes either side alike, the default when unset, and the root when empty', () => {
    expect(normalizeRoutePrefix(undefined)).toBe('auth/api');
    expect(normalizeRoutePrefix('/iam/v1/')).toBe('iam/v1');
    expect(normalizeRoutePrefix('iam')).toBe('iam');
    expect(normalizeRoutePrefix('/')).toBe('');
  });

  it('refuses anything but a plain path', () => {
    for (const bad of ['iam//v1', 'iam/:id', 'a b', 'iam?x=1', '../up']) {
      expect(() => normalizeRoutePrefix(bad), bad).toThrow(/routePrefix/);
    }
  });
});
