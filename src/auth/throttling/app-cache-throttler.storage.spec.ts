import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import { CacheUnavailableError } from '../../cache/app-cache.js';
import { MemoryAppCache } from '../../cache/memory-cache.js';
import { AppCacheThrottlerStorage } from './app-cache-throttler.storage.js';

describe('AppCacheThrottlerStorage', () => {
  const cache = new MemoryAppCache(createCache({ stores: [new Keyv()] }));
  afterAll(() => cache.close());

  it('allows the limit, then blocks until the window ends', async () => {
    const storage = new AppCacheThrottlerStorage(cache);
    for (let i = 1; i <= 3; i++) {
      expect(await storage.increment('k', 60_000, 3, 60_000, 'default')).toMatchObject({
        totalHits: i,
        isBlocked: false,
      });
    }
    const blocked = await storage.increment('k', 60_000, 3, 60_000, 'default');
    expect(blocked.isBlocked).toBe(true);
    expect(blocked.timeToBlockExpire).toBeGreaterThan(55);
    expect(blocked.timeToBlockExpire).toBeLessThanOrEqual(60);
  });

  it('counts in process while the cache is down, so limits still hold', async () => {
    const down = new MemoryAppCache(createCache({ stores: [new Keyv()] }));
    down.incr = () => Promise.reject(new CacheUnavailableError());
    const storage = new AppCacheThrottlerStorage(down);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await storage.increment('k', 60_000, 2, 60_000, 'default'));
    expect(results.map((r) => r.isBlocked)).toEqual([false, false, true]);
    await down.close();
  });

  it('does not hide other failures', async () => {
    const broken = new MemoryAppCache(createCache({ stores: [new Keyv()] }));
    broken.incr = () => Promise.reject(new TypeError('bug'));
    await expect(
      new AppCacheThrottlerStorage(broken).increment('k', 1000, 1, 1000, 'default'),
    ).rejects.toThrow(TypeError);
    await broken.close();
  });
});
