import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { describe, expect, it, vi } from 'vitest';
import { CacheUnavailableError } from './app-cache.js';
import { RedisAppCache, type RedisAppCacheTiming } from './redis-cache.js';

const never = () => new Promise<never>(() => undefined);

/**
 * A Redis stand-in: the store the cache reads and the client's commands, either
 * reachable or not (isReady), failing or not, silent or not (connected, no answer).
 */
function fakeRedis(timing?: RedisAppCacheTiming) {
  const data = new Map<string, unknown>();
  const state = { isReady: true, failing: false, silent: false };
  const answer = <T>(fn: () => T): Promise<T> => {
    if (state.silent) return never();
    if (state.failing) return Promise.reject(new Error('connection lost'));
    return Promise.resolve(fn());
  };
  const store = new Keyv({
    store: {
      get: (k: string) => answer(() => data.get(k)),
      set: (k: string, v: unknown) => answer(() => void data.set(k, v)),
      delete: (k: string) => answer(() => data.delete(k)),
      clear: () => answer(() => data.clear()),
    },
  });
  const handlers = new Map<string, () => void>();
  const client = {
    get isReady() {
      return state.isReady;
    },
    on: (event: string, fn: () => void) => handlers.set(event, fn),
    del: vi.fn((keys: string[]) => answer(() => keys.filter((k) => data.delete(`keyv:${k}`)).length)),
    eval: vi.fn(() => answer(() => 1)),
    pTTL: vi.fn(() => answer(() => 1000)),
    ping: vi.fn(() => answer(() => 'PONG')),
  };
  const cache = new RedisAppCache(createCache({ stores: [store] }), client as never, 'p:', timing);
  return { cache, client, state, emit: (event: string) => handlers.get(event)?.() };
}

describe('RedisAppCache evictions that miss Redis', () => {
  it('never reads an entry whose eviction failed while Redis was cut off, once it answers again', async () => {
    const { cache, client, state } = fakeRedis();
    await cache.set('session', { revoked: false }, 60);
    expect(await cache.get('session')).toEqual({ revoked: false });

    state.isReady = false; // cut off; Redis keeps its data
    await cache.del('session');
    expect(await cache.get('session')).toBeUndefined();

    state.isReady = true; // back, still holding the stale entry
    expect(await cache.get('session')).toBeUndefined();
    expect(client.del).toHaveBeenLastCalledWith(['p:session']);
    await cache.set('session', { revoked: true }, 60);
    expect(await cache.get('session')).toEqual({ revoked: true });
  });

  it('reads nothing while the missed evictions cannot be put through, and retries them', async () => {
    const { cache, state } = fakeRedis();
    await cache.set('user', { role: 'administrator' }, 60);
    state.failing = true;
    await cache.del('user');
    expect(await cache.mget(['user', 'other'])).toEqual([undefined, undefined]);
    state.failing = false;
    expect(await cache.get('user')).toBeUndefined();
    await cache.set('user', { role: 'viewer' }, 60);
    expect(await cache.mget(['user'])).toEqual([{ role: 'viewer' }]);
  });

  it('puts the missed evictions through as soon as Redis is ready again, without waiting for a read', async () => {
    const { cache, client, state, emit } = fakeRedis();
    state.isReady = false;
    await cache.del('a', 'b');
    expect(client.del).not.toHaveBeenCalled();
    state.isReady = true;
    emit('ready');
    await vi.waitFor(() => expect(client.del).toHaveBeenCalledWith(['p:a', 'p:b']));
  });
});

describe('RedisAppCache with a silent Redis (connected, never answering)', () => {
  const timing = { commandDeadlineMs: 30, stallBackoffMs: 200 };

  it('reads a miss, counts fail with CacheUnavailableError, and writes are dropped, each within the deadline', async () => {
    const { cache, state } = fakeRedis(timing);
    await cache.set('k', 1, 60);
    state.silent = true;
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.mget(['k'])).toEqual([undefined]);
    await expect(cache.incr('n', 10)).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(cache.ttl('n')).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(cache.set('k', 2, 60)).resolves.toBeUndefined();
    await expect(cache.ping()).rejects.toBeInstanceOf(CacheUnavailableError);
  });

  it('skips Redis for the backoff once a command missed its deadline, then uses it again', async () => {
    const { cache, client, state } = fakeRedis(timing);
    state.silent = true;
    await expect(cache.incr('n', 10)).rejects.toBeInstanceOf(CacheUnavailableError);
    state.silent = false;
    const calls = client.eval.mock.calls.length;
    await expect(cache.incr('n', 10)).rejects.toBeInstanceOf(CacheUnavailableError);
    expect(client.eval.mock.calls.length).toBe(calls);
    await vi.waitFor(async () => expect(await cache.incr('n', 10)).toBe(1), { timeout: 2_000 });
  });

  it('remembers an eviction that ran past its deadline and puts it through before reading again', async () => {
    const { cache, client, state } = fakeRedis(timing);
    await cache.set('session', { revoked: false }, 60);
    state.silent = true;
    await cache.del('session');
    state.silent = false;
    // Skipped during the backoff: a miss, without a command.
    expect(await cache.get('session')).toBeUndefined();
    expect(client.del).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setTimeout(resolve, timing.stallBackoffMs + 20));
    expect(await cache.get('session')).toBeUndefined();
    expect(client.del).toHaveBeenCalledTimes(2);
    expect(client.del).toHaveBeenLastCalledWith(['p:session']);
  });
});
