import { AppCache } from '../cache/app-cache.js';
import { CacheKeys } from '../cache/cache-keys.js';
import type { Clock } from '../common/clock.js';
import type { CachedSession } from '../sessions/session-state.js';
import type { SessionsRepository } from '../sessions/sessions.repository.js';
import type { UsersRepository } from '../users/users.repository.js';
import { type CachedUser, cachedUserOf } from './user-state.js';

/** The caller's state read from PostgreSQL, the truth, on a cache miss, and put back in the cache. */
export class AuthStateLoader {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly cache: AppCache,
    private readonly authCacheTtlSeconds: number,
    private readonly clock: Clock,
  ) {}

  async session(sessionId: string): Promise<CachedSession | null> {
    const row = await this.sessions.findById(sessionId);
    if (!row) return null;
    const state: CachedSession = {
      userId: row.userId,
      expiresAt: row.expiresAt.getTime(),
      revoked: row.revokedAt !== null,
      lastSeenAt: row.lastSeenAt?.getTime() ?? 0,
      createdAt: row.createdAt.getTime(),
      rememberMe: row.rememberMe,
      ip: row.ip,
      userAgent: row.userAgent,
    };
    await this.cache.set(CacheKeys.session(sessionId), state, this.ttlFor(state.expiresAt));
    return state;
  }

  async user(userId: number): Promise<CachedUser | null> {
    const row = await this.users.findAuthUser(userId);
    if (!row) return null;
    const state = cachedUserOf(row);
    await this.cache.set(CacheKeys.user(userId), state, this.authCacheTtlSeconds);
    return state;
  }

  /** No longer than the session itself lives. */
  private ttlFor(expiresAt: number): number {
    const left = Math.ceil((expiresAt - this.clock.now()) / 1000);
    return Math.max(1, Math.min(this.authCacheTtlSeconds, left));
  }
}
