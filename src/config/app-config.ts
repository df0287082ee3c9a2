import { createSecretKey } from 'node:crypto';
import { resolve } from 'node:path';
import type { EnvSchema } from './env.schema.js';
import type { IamOptions } from './iam-options.js';
import { deriveAuditKey } from './audit-key.js';
import { deriveMfaKey } from './mfa-key.js';
import {
  loadOrCreateAuditHmacKey,
  loadOrCreateJwtSecret,
  loadOrCreateMfaEncryptionKey,
} from './jwt-secret.js';

/** Maps the validated environment to the IAM modules' options. */
export function iamOptionsFromEnv(env: EnvSchema): IamOptions {
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const secret = env.JWT_SECRET ?? loadOrCreateJwtSecret(dataDir);
  const auditSecret = env.AUDIT_HMAC_KEY ?? loadOrCreateAuditHmacKey(dataDir);
  const mfaSecret = env.MFA_ENCRYPTION_KEY ?? loadOrCreateMfaEncryptionKey(dataDir);
  return {
    jwt: {
      secret: createSecretKey(Buffer.from(secret, 'utf8')),
      issuer: env.JWT_ISSUER ?? 'champa-iam',
      audience: env.JWT_AUDIENCE ?? 'champa-iam',
    },
    sessionTtlSeconds: env.SESSION_TTL_SECONDS,
    rememberMeTtlSeconds: env.REMEMBER_ME_TTL_SECONDS,
    authCacheTtlSeconds: env.AUTH_CACHE_TTL_SECONDS,
    lockout: {
      thresholdPerAddress: env.LOCKOUT_THRESHOLD_PER_ADDRESS,
      thresholdPerUser: env.LOCKOUT_THRESHOLD_PER_USER,
      baseSeconds: env.LOCKOUT_BASE_SECONDS,
      maxSeconds: env.LOCKOUT_MAX_SECONDS,
    },
    rateLimit: {
      perMinute: env.RATE_LIMIT_PER_MINUTE,
      loginPerMinute: env.RATE_LIMIT_LOGIN_PER_MINUTE,
    },
    argon2: {
      memoryCost: env.ARGON2_MEMORY_KIB,
      timeCost: env.ARGON2_TIME_COST,
      parallelism: env.ARGON2_PARALLELISM,
    },
    deactivationEndsSessions: env.DEACTIVATION_ENDS_SESSIONS,
    trustProxy: env.TRUST_PROXY,
    permissions: [],
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    auditHmacKey: deriveAuditKey(auditSecret),
    mfaKey: deriveMfaKey(mfaSecret),
    initialAdmin: {
      username: env.ADMIN_USERNAME ?? 'admin',
      email: env.ADMIN_EMAIL ?? 'admin@localhost.localdomain',
      password: env.ADMIN_PASSWORD,
    },
    mountControllers: true,
    globalGuards: true,
  };
}
