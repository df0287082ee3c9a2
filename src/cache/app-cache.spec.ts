import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheUnavailableError } from './app-cache.js';
import { createRedisClient, keyvRedisStore } from './cache.module.js';
import { MemoryAppCache } from './memory-cache.js';
import { RedisAppCache } from './redis-cache.js';

const redisUrl = process.env.TEST_REDIS_URL;

describe('MemoryAppCache', () => {
  const cache = new MemoryAppCache(createCache({ stores: [new Keyv()] }));
  afterAll(() => cache.close());

  it('gets, sets, deletes and reads several keys', async () => {
    await cache.set('a', { n: 1 }, 60);
    await cache.set('b', 2, 60);
    expect(await cache.mget(['a', 'b', 'c'])).toEqual([{ n: 1 }, 2, undefined]);
    await cache.del('a', 'b');
    expect(await cache.get('a')).toBeUndefined();
  });

  it('counts atomically with an expiry from the first increment', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => cache.incr('counter', 30)));
    expect([...results].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await cache.ttl('counter')).toBeGreaterThan(25);
    await cache.del('counter');
    expect(await cache.incr('counter', 30)).toBe(1);
  });
});

/** A RedisAppCache on its own client, under the given key prefix. */
async function redisAppCache(url: string, prefix: string) {
  const client = await createRedisClient(url);
  return {
    client,
    cache: new RedisAppCache(createCache({ stores: [await keyvRedisStore(client)] }), client, prefix),
  };
}

describe('RedisAppCache while Redis is unreachable', () => {
  let cache: RedisAppCache;
  beforeAll(async () => {
    ({ cache } = await redisAppCache('redis://127.0.0.1:1', 'x:'));
  });
  afterAll(() => cache.close());

  it('reads as a miss, writes are dropped, counters throw CacheUnavailableError', async () => {
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.mget(['k', 'l'])).toEqual([undefined, undefined]);
    await expect(cache.set('k', 1, 10)).resolves.toBeUndefined();
    await expect(cache.del('k')).resolves.toBeUndefined();
    await expect(cache.incr('k', 10)).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(cache.ping()).rejects.toBeInstanceOf(CacheUnavailableError);
  });
});

if (redisUrl)
  describe('RedisAppCache on Redis', () => {
    const prefix = `ciam-spec:${Date.now().toString(36)}:`;
    let client: Awaited<ReturnType<typeof createRedisClient>>;
    let cache: RedisAppCache;
    beforeAll(async () => {
      ({ client, cache } = await redisAppCache(redisUrl, prefix));
      for (let i = 0; i < 100 && !client.isReady; i++) await new Promise((r) => setTimeout(r, 20));
    });
    afterAll(async () => {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length) await client.del(keys);
      await cache.close();
    });

    it('stores each key under exactly the prefix, so a raw delete evicts it', async () => {
      await cache.set('auth:role:x', ['a'], 60);
      expect(await client.exists(`${prefix}auth:role:x`)).toBe(1);
      expect(await cache.get('auth:role:x')).toEqual(['a']);
      await cache.del('auth:role:x');
      expect(await cache.get('auth:role:x')).toBeUndefined();
      expect(await client.keys(`*auth:role:x`)).toEqual([]);
    });

    it('counts atomically, with the expiry set once', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => cache.incr('bf:n', 30)));
      expect(Math.max(...results)).toBe(50);
      expect(new Set(results).size).toBe(50);
      const ttl = await cache.ttl('bf:n');
      expect(ttl).toBeGreaterThan(25);
      expect(ttl).toBeLessThanOrEqual(30);
      await cache.ping();
    });
  });
