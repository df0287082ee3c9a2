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
  /** Set while a session's last_seen is fresh, so it is written at most once a minute. */
  sessionSeen: (sessionId: string) => `auth:seen:${sessionId}`,
  /**
   * A copy of the end of a brute-force scope's lock (`pair:<username>:<address>`
   * or `user:<username>`); the lock and its counts live in PostgreSQL.
   */
  lock: (scope: string) => `bf:lock:${scope}`,
  /** Rate-limit counters. */
  throttle: (key: string) => `rl:${key}`,
} as const;

/**
 * Whether a key holds cached state (a session's, a user's, a role's), whose
 * reads make the cache hit ratio; markers and lock records are presence
 * checks, absent most of the time by design.
 */
export function isCachedState(key: string): boolean {
  return key.startsWith('auth:') && !key.startsWith('auth:seen:');
}
