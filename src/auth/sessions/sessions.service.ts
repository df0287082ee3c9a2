import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppCache } from '../../cache/app-cache.js';
import { CacheKeys } from '../../cache/cache-keys.js';
import type { Tx } from '../../database/transaction.js';
import { SessionsRepository } from './sessions.repository.js';

/**
 * Ends sessions: PostgreSQL first, then the cache entries, after the commit.
 * A leaf that both the auth and the users modules use.
 */
@Injectable()
export class SessionsService {
  constructor(
    readonly repository: SessionsRepository,
    private readonly cache: AppCache,
  ) {}

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

  evict(sessionIds: string[]): Promise<void> {
    return this.cache.del(...sessionIds.map((id) => CacheKeys.session(id)));
  }

  findLive(userId: number, manager?: EntityManager) {
    return this.repository.findLive(userId, manager);
  }
}
