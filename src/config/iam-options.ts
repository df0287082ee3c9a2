import type { KeyObject } from 'node:crypto';
import type { AdminConsole } from './admin-console.options.js';

/** A permission a host application adds to the catalog. */
export interface PermissionDefinition {
  name: string;
  description: string;
  category?: 'administrative' | 'feature';
}

/**
 * Everything the IAM modules need to know, independent of where it came from
 * (the service's environment, or a host application's IamModule.forRoot).
 */
export interface IamOptions {
  jwt: {
    /** HS256 key; a KeyObject keeps jsonwebtoken from re-parsing the secret on every verify. */
    secret: KeyObject;
    issuer: string;
    audience: string;
  };
  sessionTtlSeconds: number;
  rememberMeTtlSeconds: number;
  /** How long the per-request auth state stays in the cache before it is re-read from the database. */
  authCacheTtlSeconds: number;
  lockout: {
    thresholdPerAddress: number;
    thresholdPerUser: number;
    baseSeconds: number;
    maxSeconds: number;
  };
  rateLimit: {
    perMinute: number;
    loginPerMinute: number;
  };
  argon2: {
    memoryCost: number;
    timeCost: number;
    parallelism: number;
  };
  /**
   * Deactivation revokes sessions at once (true) or lets them run out (false).
   * An API token is suspended either way and works again on reactivation.
   */
  deactivationEndsSessions: boolean;
  /** Take the client address from X-Forwarded-For. */
  trustProxy: boolean;
  /** Extra permissions registered by a host application. */
  permissions: PermissionDefinition[];
  /** 0 keeps audit entries forever. */
  auditRetentionDays: number;
  /** The audit chain's HMAC key (derived from AUDIT_HMAC_KEY); never logged. */
  auditHmacKey: KeyObject;
  /** Key material for the TOTP secrets at rest (derived from MFA_ENCRYPTION_KEY); never logged. */
  mfaKey: KeyObject;
  /** Initial administrator, created at boot when nobody holds the administrator role. */
  initialAdmin?: {
    username: string;
    email: string;
    password?: string;
  };
  /** Mount the HTTP controllers (a host may use only the services). */
  mountControllers: boolean;
  /** Register the authentication and permission guards globally. */
  globalGuards: boolean;
  /** Where the HTTP routes are mounted; `auth/api` by default. */
  routePrefix?: string;
  /** Count requests, logins, lockouts, denials and cache use, and serve them at GET /metrics. */
  metrics?: boolean;
  /** The admin console's path and built folder, or false where it is not served. */
  adminConsole?: AdminConsole | false;
}

export const IAM_OPTIONS = Symbol('IAM_OPTIONS');
