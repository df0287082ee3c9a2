import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { describe, expect, it, vi } from 'vitest';
import { RedisAppCache } from './redis-cache.js';

/** A Redis client stand-in over the same store the cache reads: reachable or not, failing or not. */
function fakeRedis() {
  const store = new Keyv();
  const state = { isReady: true, failing: false };
  const handlers = new Map<string, () => void>();
  const client = {
    get isReady() {
      return state.isReady;
    },
    on: (event: string, fn: () => void) => handlers.set(event, fn),
    del: vi.fn(async (keys: string[]) => {
      if (state.failing) throw new Error('connection lost');
      for (const k of keys) await store.delete(k);
      return keys.length;
    }),
  };
  const cache = new RedisAppCache(createCache({ stores: [store] }), client as never, 'p:');
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
    expect(await cache.get('user')).toBeUndefined();
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
