import { createSecretKey, KeyObject } from 'node:crypto';
import { type AdminConsoleOptions, resolveAdminConsole } from './admin-console.options.js';
import { deriveAuditKey } from './audit-key.js';
import { deriveMfaKey } from './mfa-key.js';
import { API_PREFIX } from '../common/http/routes.js';
import { EnvSchema } from './env.schema.js';
import type { IamOptions, PermissionDefinition } from './iam-options.js';

/** What a host application writes: the JWT secret, and whatever it wants to differ from the defaults. */
export interface IamOptionsInput {
  jwt: {
    /** At least 32 characters, or a secret KeyObject. */
    secret: string | KeyObject;
    issuer?: string;
    audience?: string;
  };
  sessionTtlSeconds?: number;
  rememberMeTtlSeconds?: number;
  authCacheTtlSeconds?: number;
  lockout?: Partial<IamOptions['lockout']>;
  rateLimit?: Partial<IamOptions['rateLimit']>;
  argon2?: Partial<IamOptions['argon2']>;
  deactivationEndsSessions?: boolean;
  trustProxy?: boolean;
  permissions?: PermissionDefinition[];
  auditRetentionDays?: number;
  /**
   * Keys the audit chain: a string of at least 32 characters (the HMAC key
   * is derived from it), or the derived key itself as a secret KeyObject.
   * Left out, it is derived from jwt.secret, apart from the signing key; give
   * one of its own to be able to change the JWT secret without breaking the chain.
   */
  auditHmacKey?: string | KeyObject;
  /**
   * Encrypts the TOTP secrets at rest: a string of at least 32 characters (the
   * keys are derived from it), or the derived key as a secret KeyObject. Left
   * out, it is derived from jwt.secret, apart from the signing key.
   */
  mfaEncryptionKey?: string | KeyObject;
  /** Created at boot when nobody holds the administrator role; none by default in a host. */
  initialAdmin?: IamOptions['initialAdmin'];
  mountControllers?: boolean;
  globalGuards?: boolean;
  routePrefix?: string;
  metrics?: boolean;
  /** Serve the admin console (off unless given; `{}` serves the built one at /admin). */
  adminConsole?: AdminConsoleOptions | false;
}

const MIN_SECRET_LENGTH = 32;

function secretKey(secret: string | KeyObject): KeyObject {
  if (secret instanceof KeyObject) {
    if (secret.type !== 'secret') throw new Error('IamModule: jwt.secret must be a secret KeyObject (HS256)');
    if ((secret.symmetricKeySize ?? 0) < MIN_SECRET_LENGTH) {
      throw new Error(`IamModule: jwt.secret must hold at least ${MIN_SECRET_LENGTH} bytes`);
    }
    return secret;
  }
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`IamModule: jwt.secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

function whole(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`IamModule: ${name} must be an integer of at least ${min} (got ${String(value)})`);
  }
  return value;
}

/** `/auth/api/` and `auth/api` alike; an empty prefix mounts the routes at the root. */
export function normalizeRoutePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? API_PREFIX).trim().replace(/^\/+|\/+$/g, '');
  const plain = /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(trimmed);
  if (trimmed !== '' && (!plain || trimmed.split('/').some((s) => s === '.' || s === '..'))) {
    throw new Error(`IamModule: routePrefix '${prefix}' is not a plain path`);
  }
  return trimmed;
}

/**
 * A key derived for one purpose (the audit chain, MFA secrets) from the option given, or from the JWT secret
 * when the host gives none. `option` names it in the error a too-short key stops the boot with.
 */
function derivedKey(
  option: string,
  key: string | KeyObject | undefined,
  jwtSecret: KeyObject,
  derive: (secret: string | Buffer) => KeyObject,
): KeyObject {
  if (key === undefined) return derive(jwtSecret.export());
  if (key instanceof KeyObject) {
    if (key.type !== 'secret' || (key.symmetricKeySize ?? 0) < MIN_SECRET_LENGTH) {
      throw new Error(
        `IamModule: ${option} must be a secret KeyObject of at least ${MIN_SECRET_LENGTH} bytes`,
      );
    }
    return key;
  }
  if (typeof key !== 'string' || key.length < MIN_SECRET_LENGTH) {
    throw new Error(`IamModule: ${option} must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  return derive(key);
}

/**
 * Fills every option a host leaves out with the service's own defaults (the
 * same as its environment's), turns a string secret into a KeyObject, and
 * refuses impossible values before anything opens.
 */
export function defineIamOptions(input: IamOptionsInput): IamOptions {
  if (!input?.jwt) throw new Error('IamModule: jwt.secret is required');
  const d = new EnvSchema();
  const jwtSecret = secretKey(input.jwt.secret);
  const options: IamOptions = {
    jwt: {
      secret: jwtSecret,
      issuer: input.jwt.issuer ?? d.JWT_ISSUER,
      audience: input.jwt.audience ?? d.JWT_AUDIENCE,
    },
    sessionTtlSeconds: whole('sessionTtlSeconds', input.sessionTtlSeconds ?? d.SESSION_TTL_SECONDS, 1),
    rememberMeTtlSeconds: whole(
      'rememberMeTtlSeconds',
      input.rememberMeTtlSeconds ?? d.REMEMBER_ME_TTL_SECONDS,
      1,
    ),
    authCacheTtlSeconds: whole(
      'authCacheTtlSeconds',
      input.authCacheTtlSeconds ?? d.AUTH_CACHE_TTL_SECONDS,
      1,
    ),
    lockout: {
      thresholdPerAddress: whole(
        'lockout.thresholdPerAddress',
        input.lockout?.thresholdPerAddress ?? d.LOCKOUT_THRESHOLD_PER_ADDRESS,
        1,
      ),
      thresholdPerUser: whole(
        'lockout.thresholdPerUser',
        input.lockout?.thresholdPerUser ?? d.LOCKOUT_THRESHOLD_PER_USER,
        1,
      ),
      baseSeconds: whole('lockout.baseSeconds', input.lockout?.baseSeconds ?? d.LOCKOUT_BASE_SECONDS, 1),
      maxSeconds: whole('lockout.maxSeconds', input.lockout?.maxSeconds ?? d.LOCKOUT_MAX_SECONDS, 1),
    },
    rateLimit: {
      perMinute: whole('rateLimit.perMinute', input.rateLimit?.perMinute ?? d.RATE_LIMIT_PER_MINUTE, 1),
      loginPerMinute: whole(
        'rateLimit.loginPerMinute',
        input.rateLimit?.loginPerMinute ?? d.RATE_LIMIT_LOGIN_PER_MINUTE,
        1,
      ),
    },
    argon2: {
      // OWASP's floor for argon2id, as the environment enforces.
      memoryCost: whole('argon2.memoryCost', input.argon2?.memoryCost ?? d.ARGON2_MEMORY_KIB, 19456),
      timeCost: whole('argon2.timeCost', input.argon2?.timeCost ?? d.ARGON2_TIME_COST, 2),
      parallelism: whole('argon2.parallelism', input.argon2?.parallelism ?? d.ARGON2_PARALLELISM, 1),
    },
    deactivationEndsSessions: input.deactivationEndsSessions ?? d.DEACTIVATION_ENDS_SESSIONS,
    trustProxy: input.trustProxy ?? d.TRUST_PROXY,
    permissions: [...(input.permissions ?? [])],
    auditRetentionDays: whole('auditRetentionDays', input.auditRetentionDays ?? d.AUDIT_RETENTION_DAYS, 0),
    auditHmacKey: derivedKey('auditHmacKey', input.auditHmacKey, jwtSecret, deriveAuditKey),
    mfaKey: derivedKey('mfaEncryptionKey', input.mfaEncryptionKey, jwtSecret, deriveMfaKey),
    initialAdmin: input.initialAdmin,
    mountControllers: input.mountControllers ?? true,
    globalGuards: input.globalGuards ?? true,
    routePrefix: normalizeRoutePrefix(input.routePrefix),
    metrics: input.metrics ?? false,
    adminConsole: resolveAdminConsole(input.adminConsole),
  };
  if (options.lockout.maxSeconds < options.lockout.baseSeconds) {
    throw new Error('IamModule: lockout.maxSeconds must not be below lockout.baseSeconds');
  }
  return options;
}
