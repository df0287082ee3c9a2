import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CacheUnavailableError } from '../../cache/app-cache.js';
import { CacheKeys } from '../../cache/cache-keys.js';
import { MemoryAppCache } from '../../cache/memory-cache.js';
import type { Clock } from '../../common/clock.js';
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

/** A clock the test moves, and a flush the test runs: the batching without timers. */
function manual() {
  let now = 1_000_000;
  const pending: (() => void)[] = [];
  return {
    clock: { now: () => now } as Clock,
    schedule: (flush: () => void) => void pending.push(flush),
    advance: (ms: number) => (now += ms),
    scheduled: () => pending.length,
    runScheduled: () => pending.splice(0).forEach((f) => f()),
  };
}

/** A cache whose increments are counted, so a test can see which requests waited for it. */
function countingCache() {
  const cache = new MemoryAppCache(createCache({ stores: [new Keyv()] }));
  const calls: number[] = [];
  const incr = cache.incr.bind(cache);
  cache.incr = (key: string, ttl: number, by = 1) => {
    calls.push(by);
    return incr(key, ttl, by);
  };
  return { cache, calls };
}

const opened: MemoryAppCache[] = [];

/**
 * A storage over a counting cache, with the test's clock and flush. `hit` is
 * one request against `limit` per minute, on this storage or another one
 * over the same cache (a second instance); `shared` reads the shared count.
 */
function scene(maxCounters?: number) {
  const m = manual();
  const { cache, calls } = countingCache();
  opened.push(cache);
  const open = () =>
    new AppCacheThrottlerStorage(cache, m.clock, {
      schedule: m.schedule,
      ...(maxCounters ? { maxCounters } : {}),
    });
  const storage = open();
  const hit = (limit: number, on = storage, key = 'k') => on.increment(key, 60_000, limit, 60_000, 'default');
  const shared = () => cache.incr(CacheKeys.throttle('k'), 60, 0);
  return { m, cache, calls, storage, open, hit, shared };
}

describe('AppCacheThrottlerStorage: counting far from the limit in process', () => {
  afterEach(async () => {
    for (const cache of opened.splice(0)) await cache.close();
  });

  it('waits for the shared count on a caller’s first request, then admits in process and sends the hits in one batch', async () => {
    const { m, calls, storage, hit, shared } = scene();
    await hit(100);
    expect(calls).toEqual([1]);
    for (let i = 0; i < 10; i++) expect((await hit(100)).isBlocked).toBe(false);
    // No request waited; one flush is pending for all ten hits.
    expect(calls).toEqual([1]);
    expect(m.scheduled()).toBe(1);
    await storage.flush();
    expect(calls).toEqual([1, 10]);
    expect(await shared()).toBe(11);
  });

  it('keeps one batch in flight per counter: hits admitted meanwhile go out together when it answers', async () => {
    const { m, cache, calls, storage, hit, shared } = scene();
    await hit(1000);
    await hit(1000);
    // The cache holds its answer to the next batch until the test lets it go.
    const incr = cache.incr.bind(cache);
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const asked: number[] = [];
    cache.incr = async (key: string, ttl: number, by = 1) => {
      asked.push(by);
      await held;
      return incr(key, ttl, by);
    };
    const first = storage.flush();
    // Three turns while that batch waits for its answer: nothing more is sent.
    for (let turn = 0; turn < 3; turn++) {
      await hit(1000);
      m.runScheduled();
    }
    expect(asked).toEqual([1]);
    answer();
    await first;
    // Its answer schedules the next batch, with the three hits of those turns.
    expect(m.scheduled()).toBe(1);
    m.runScheduled();
    await storage.flush();
    expect(asked).toEqual([1, 3]);
    expect(calls).toEqual([1, 1, 3]);
    expect(await shared()).toBe(5);
  });

  it('waits for the shared count from half the limit on, and refuses exactly past the limit', async () => {
    const { calls, hit } = scene();
    const results = [];
    for (let i = 0; i < 11; i++) results.push(await hit(10));
    expect(results.map((r) => r.isBlocked)).toEqual([...Array(10).fill(false), true]);
    expect(results.map((r) => r.totalHits)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // First request, four in process (up to 5 = half of 10), then the batch rides along with the sixth.
    expect(calls).toEqual([1, 5, 1, 1, 1, 1, 1]);
  });

  it('counts the hits of two instances against one limit', async () => {
    const { m, storage: a, open, hit } = scene();
    const b = open();
    const admitted = [];
    for (let i = 0; i < 40; i++) {
      admitted.push(!(await hit(30, i % 2 ? a : b)).isBlocked);
      // The batch of the turn goes out before the next request arrives, as it does between HTTP requests.
      m.runScheduled();
      await Promise.resolve();
    }
    expect(admitted.filter(Boolean)).toHaveLength(30);
    expect(admitted.slice(0, 30).every(Boolean)).toBe(true);
  });

  it('bounds the overshoot by the hits another instance admitted and has not sent', async () => {
    const { storage: a, open, hit } = scene();
    const b = open();
    await hit(10, a);
    await hit(10, b);
    // A admits three more in process, unsent; B counts on the shared store alone.
    for (let i = 0; i < 3; i++) await hit(10, a);
    let admittedByB = 0;
    for (let i = 0; i < 20; i++) if (!(await hit(10, b)).isBlocked) admittedByB++;
    // 10 in all plus A's three unsent hits at most.
    expect(1 + 3 + 1 + admittedByB).toBeLessThanOrEqual(10 + 3);
    await a.flush();
    expect((await hit(10, a)).isBlocked).toBe(true);
  });

  it('refuses in process once the shared count is past the limit, with Retry-After from the window’s end', async () => {
    const { m, calls, hit } = scene();
    for (let i = 0; i < 3; i++) await hit(2);
    const sent = calls.length;
    m.advance(45_000);
    expect(await hit(2)).toMatchObject({ isBlocked: true, timeToBlockExpire: 15 });
    expect(calls).toHaveLength(sent);
  });

  it('starts a new window when the old one has ended', async () => {
    const { m, cache, hit } = scene();
    for (let i = 0; i < 3; i++) await hit(2);
    m.advance(60_000);
    // The shared counter expires on the cache's own clock; here it is dropped as Redis would drop it.
    await cache.del(CacheKeys.throttle('k'));
    expect(await hit(2)).toMatchObject({ isBlocked: false, totalHits: 1 });
  });

  it('drops a counter whose batch could not be sent, and falls back to counting in process', async () => {
    const { cache, storage, hit } = scene();
    await hit(10);
    await hit(10);
    cache.incr = () => Promise.reject(new CacheUnavailableError());
    await storage.flush();
    expect(storage.size).toBe(0);
    const results = [];
    for (let i = 0; i < 11; i++) results.push(await hit(10));
    expect(results.map((r) => r.isBlocked)).toEqual([...Array(10).fill(false), true]);
  });

  it('keeps at most maxCounters, dropping expired ones first', async () => {
    const { storage, hit } = scene(3);
    for (const key of ['a', 'b', 'c', 'd', 'e']) await hit(10, storage, key);
    expect(storage.size).toBeLessThanOrEqual(3);
  });
});
