import { type ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
import { AppCache, CacheUnavailableError } from '../../cache/app-cache.js';
import { CacheKeys } from '../../cache/cache-keys.js';

/**
 * Rate-limit counters in the shared cache (one atomic INCR per request), so
 * a limit holds across instances. While the cache is down each instance
 * counts on its own with the library's in-process store: limits stay in
 * force, per instance, and requests keep being served.
 */
export class AppCacheThrottlerStorage implements ThrottlerStorage {
  private readonly local = new ThrottlerStorageService();

  constructor(private readonly cache: AppCache) {}

  async increment(
    key: string,
    ttlMs: number,
    limit: number,
    blockDurationMs: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const window = Math.max(1, Math.ceil(ttlMs / 1000));
    const cacheKey = CacheKeys.throttle(key);
    try {
      const totalHits = await this.cache.incr(cacheKey, window);
      if (totalHits <= limit) {
        return { totalHits, timeToExpire: window, isBlocked: false, timeToBlockExpire: 0 };
      }
      // Only a refused request pays for the second round trip.
      const left = (await this.cache.ttl(cacheKey)) || window;
      return { totalHits, timeToExpire: left, isBlocked: true, timeToBlockExpire: left };
    } catch (err) {
      if (!(err instanceof CacheUnavailableError)) throw err;
      return this.local.increment(key, ttlMs, limit, blockDurationMs, throttlerName);
    }
  }
}
