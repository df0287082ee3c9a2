import { AppCache } from '../cache/app-cache.js';
import { CacheKeys } from '../cache/cache-keys.js';
import type { CachedSession } from '../sessions/session-state.js';
import type { SessionsRepository } from '../sessions/sessions.repository.js';

const LAST_SEEN_EVERY_MS = 60_000;
const SEEN_MEMO_MAX = 100_000;

/**
 * A session's last_seen, written at most once a minute per session, off the request path. A marker key
 * of its own (never a rewrite of the cached session, which could put back an entry a revocation just
 * evicted); without the cache, the row's own last_seen keeps the pace.
 */
export class SessionLastSeen {
  // session id → until when (epoch ms) this process need not read the session's last-seen marker: it
  // wrote the marker itself, or read it set. Spares a caller whose state the local layer holds the one
  // shared-cache read per request that the marker would cost. Lost on restart, which costs one read.
  private readonly seenUntil = new Map<string, number>();

  constructor(
    private readonly cache: AppCache,
    private readonly sessions: SessionsRepository,
  ) {}

  /** Whether this request must read the session's marker (and then call `touch` with what it found). */
  markerNeeded(sessionId: string, now: number): boolean {
    return !((this.seenUntil.get(sessionId) ?? 0) > now);
  }

  /** Records a request of the session at `now` (the clock's time), writing last_seen when one is due. */
  touch(sessionId: string, session: CachedSession, seenRecently: boolean, now: number): void {
    if (now - session.lastSeenAt < LAST_SEEN_EVERY_MS) {
      // No write is due before the minute since the last one ends: the marker need not be read till then.
      this.remember(sessionId, session.lastSeenAt + LAST_SEEN_EVERY_MS);
      return;
    }
    if (seenRecently) {
      // Set by another process (or this one before a restart) some time in the last minute: look again in half of it.
      this.remember(sessionId, now + LAST_SEEN_EVERY_MS / 2);
      return;
    }
    this.remember(sessionId, now + LAST_SEEN_EVERY_MS);
    void this.cache.set(CacheKeys.sessionSeen(sessionId), 1, LAST_SEEN_EVERY_MS / 1000);
    this.sessions.touch(sessionId, new Date(now)).catch(() => undefined);
  }

  private remember(sessionId: string, until: number): void {
    if (this.seenUntil.size >= SEEN_MEMO_MAX) this.seenUntil.clear();
    this.seenUntil.set(sessionId, until);
  }
}
