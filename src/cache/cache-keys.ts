/**
 * Every key the product keeps in the cache, in one place, so that the module
 * that changes a thing and the module that caches it agree on its name.
 * The configured prefix (REDIS_KEY_PREFIX) is added by AppCache.
 */
export const CacheKeys = {
  /** Auth state of one session: user id, expiry, revoked. */
  session: (sessionId: string) => `auth:session:${sessionId}`,
  /** Auth state of one user: active, role, API token id, must-change-password. */
  user: (userId: number) => `auth:user:${userId}`,
  /** A role's permission set. */
  role: (roleName: string) => `auth:role:${roleName}`,
  /** Failed logins for one username from one client address. */
  loginFailuresPair: (username: string, address: string) => `bf:pair:${username}:${address}`,
  /** Failed logins for one username from anywhere. */
  loginFailuresUser: (username: string) => `bf:user:${username}`,
  /** How many locks a key has had, to double the wait each time. */
  lockCount: (lockKey: string) => `bf:locks:${lockKey}`,
  /** An active lock; its TTL is the Retry-After. */
  lock: (lockKey: string) => `bf:lock:${lockKey}`,
  /** Rate-limit counters. */
  throttle: (key: string) => `rl:${key}`,
} as const;
