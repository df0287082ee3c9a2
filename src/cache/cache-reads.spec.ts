import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import { CacheKeys } from './cache-keys.js';
import { MemoryAppCache } from './memory-cache.js';

describe('AppCache read tally (the hit ratio of GET /metrics)', () => {
  const cache = new MemoryAppCache(createCache({ stores: [new Keyv()] }));
  afterAll(() => cache.close());

  it('counts reads of cached state as hits and misses, single and batched', async () => {
    await cache.set(CacheKeys.user(1), { active: true }, 60);
    await cache.get(CacheKeys.user(1));
    await cache.get(CacheKeys.user(2));
    await cache.mget([CacheKeys.session('s1'), CacheKeys.user(1), CacheKeys.role('viewer')]);
    expect(cache.reads).toEqual({ hits: 2, misses: 3 });
  });

  it('leaves presence checks out: last-seen markers, brute-force locks, counters', async () => {
    const before = { ...cache.reads };
    await cache.mget([CacheKeys.sessionSeen('s1'), CacheKeys.lock('pair:a:1.2.3.4')]);
    await cache.get(CacheKeys.throttle('all:a:1.2.3.4'));
    expect(cache.reads).toEqual(before);
  });
});
