import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppCache } from '../cache/app-cache.js';
import { CacheKeys } from '../cache/cache-keys.js';
import { LaterEvictions } from '../cache/later-evictions.js';
import { Clock } from '../common/clock.js';
import type { Tx } from '../database/transaction.js';
import { SessionsRepository } from './sessions.repository.js';

/**
 * A request that read a row just before the commit may still write its
 * stale copy to the cache just after the eviction; a second eviction a
 * moment later closes that window. The second evictions of one half-second
 * go together (LaterEvictions).
 */
const SECOND_EVICTION_MS = 2_000;

/**
 * Ends sessions: PostgreSQL first, then the cache entries, after the commit.
 * A leaf that both the auth and the users modules use.
 */
@Injectable()
export class SessionsService {
  private readonly later: LaterEvictions;

  constructor(
    readonly repository: SessionsRepository,
    private readonly cache: AppCache,
    private readonly clock: Clock,
  ) {
    this.later = new LaterEvictions((keys) => this.cache.del(...keys), SECOND_EVICTION_MS);
  }

  /** Revokes every live session of a user inside `tx`; returns how many. */
  async revokeAllForUser(userId: number, tx: Tx, exceptSessionId?: string): Promise<number> {
    const ids = await this.repository.revokeAllForUser(userId, tx.manager, exceptSessionId);
    tx.afterCommit(() => this.evict(ids));
    return ids.length;
  }

  async revokeOne(sessionId: string, userId: number, tx: Tx): Promise<boolean> {
    const done = await this.repository.revoke(sessionId, userId, tx.manager);
    if (done) tx.afterCommit(() => this.evict([sessionId]));
    return done;
  }

  /** Drops sessions' cached state (call after the commit that changed them). */
  evict(sessionIds: string[]): Promise<void> {
    return this.evictKeys(sessionIds.map((id) => CacheKeys.session(id)));
  }

  /**
   * Drops a user's cached auth state (call after the commit that changed the
   * user: role, activity, password, token, must-change-password, profile).
   */
  evictUser(userId: number): Promise<void> {
    return this.evictKeys([CacheKeys.user(userId)]);
  }

  findLive(userId: number, manager?: EntityManager) {
    return this.repository.findLive(userId, new Date(this.clock.now()), manager);
  }

  private async evictKeys(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.cache.del(...keys);
    this.later.add(keys);
  }
}
