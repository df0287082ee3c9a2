import { EventEmitter } from 'node:events';
import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { describe, expect, it } from 'vitest';
import { type Publisher, RedisInvalidations, type Subscriber } from './invalidation-bus.js';
import { LayeredAppCache } from './layered-cache.js';
import { LocalAuthLayer } from './local-layer.js';
import { MemoryAppCache } from './memory-cache.js';

const clock = () => {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('LocalAuthLayer', () => {
  it('serves an entry until its TTL, then misses', () => {
    const c = clock();
    const layer = new LocalAuthLayer({ ttlMs: 5_000, now: c.now }, true);
    layer.store('auth:user:1', { id: 1 }, layer.epoch());
    c.advance(4_999);
    expect(layer.get('auth:user:1')).toEqual({ id: 1 });
    c.advance(1);
    expect(layer.get('auth:user:1')).toBeUndefined();
  });

  it('keeps at most maxEntries, dropping the least recently used', () => {
    const layer = new LocalAuthLayer({ ttlMs: 5_000, maxEntries: 2 }, true);
    layer.store('a', 1, layer.epoch());
    layer.store('b', 2, layer.epoch());
    expect(layer.get('a')).toBe(1); // a is now the most recent
    layer.store('c', 3, layer.epoch());
    expect(layer.size).toBe(2);
    expect(layer.get('b')).toBeUndefined();
    expect([layer.get('a'), layer.get('c')]).toEqual([1, 3]);
  });

  it('spares a read entry once: unread since, it goes before the ones read after it', () => {
    const layer = new LocalAuthLayer({ ttlMs: 5_000, maxEntries: 3 }, true);
    for (const key of ['a', 'b', 'c']) layer.store(key, key, layer.epoch());
    layer.get('a');
    layer.get('b');
    layer.store('d', 'd', layer.epoch()); // a and b are spared (and unmarked), c goes
    expect(layer.get('c')).toBeUndefined();
    layer.get('b');
    layer.store('e', 'e', layer.epoch()); // a, unread since it was spared, goes; b was read again
    expect(layer.get('a')).toBeUndefined();
    expect([layer.get('b'), layer.get('d'), layer.get('e')]).toEqual(['b', 'd', 'e']);
    expect(layer.size).toBe(3);
  });

  it('stays within its bound when every entry was read', () => {
    const layer = new LocalAuthLayer({ ttlMs: 5_000, maxEntries: 2 }, true);
    layer.store('a', 1, layer.epoch());
    layer.store('b', 2, layer.epoch());
    layer.get('a');
    layer.get('b');
    layer.store('c', 3, layer.epoch());
    expect(layer.size).toBe(2);
    expect(layer.get('c')).toBe(3);
  });

  it('does not keep a value read before an invalidation that arrived meanwhile', () => {
    const layer = new LocalAuthLayer({ ttlMs: 5_000 }, true);
    const epoch = layer.epoch();
    layer.drop(['auth:session:s']);
    layer.store('auth:session:s', { revoked: false }, epoch);
    expect(layer.get('auth:session:s')).toBeUndefined();
  });

  it('neither serves nor stores while deaf, and starts empty when live again', () => {
    const layer = new LocalAuthLayer({ ttlMs: 5_000 }, true);
    layer.store('k', 1, layer.epoch());
    layer.goDeaf();
    expect(layer.isLive()).toBe(false);
    expect(layer.deafSpells).toBe(1);
    layer.store('k', 2, layer.epoch());
    expect(layer.get('k')).toBeUndefined();
    layer.goLive();
    expect(layer.size).toBe(0);
    expect(layer.get('k')).toBeUndefined();
  });

  it('is off with a TTL of 0', () => {
    const layer = new LocalAuthLayer({ ttlMs: 0 }, true);
    layer.store('k', 1, layer.epoch());
    expect(layer.isLive()).toBe(false);
    expect(layer.get('k')).toBeUndefined();
  });
});

/** A subscriber and a publisher on one in-memory channel, with a switch to cut the subscriber. */
class FakeRedis extends EventEmitter implements Subscriber, Publisher {
  isReady = false;
  private listener?: (m: string) => void;
  published: string[] = [];
  subscribe(_channel: string, listener: (m: string) => void): Promise<unknown> {
    this.listener = listener;
    return Promise.resolve();
  }
  async publish(_channel: string, message: string): Promise<unknown> {
    this.published.push(message);
    if (this.isReady) this.listener?.(message);
    return 1;
  }
  up(): void {
    this.isReady = true;
    this.emit('ready');
  }
  cut(): void {
    this.isReady = false;
    this.emit('error', new Error('killed'));
  }
  destroy(): void {
    this.isReady = false;
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

async function setup() {
  const redis = new FakeRedis();
  const inner = new MemoryAppCache(createCache({ stores: [new Keyv()] }));
  const layer = new LocalAuthLayer({ ttlMs: 5_000 }, false);
  const bus = new RedisInvalidations(layer, redis, redis, 'p:auth:invalidate', 60_000);
  const cache = new LayeredAppCache(inner, layer, bus);
  await settle();
  return { redis, inner, layer, cache };
}

describe('LayeredAppCache over an invalidation channel', () => {
  it('stays bypassed until its own probe comes back through the subscription', async () => {
    const { redis, inner, cache } = await setup();
    expect(cache.localLayerLive).toBe(false);
    await inner.set('auth:user:1', { active: true }, 60);
    expect(await cache.get('auth:user:1')).toEqual({ active: true });
    await inner.set('auth:user:1', { active: false }, 60);
    expect(await cache.get('auth:user:1')).toEqual({ active: false }); // nothing was kept while deaf
    redis.up();
    await settle();
    expect(cache.localLayerLive).toBe(true);
    await cache.close();
  });

  it('serves from memory when live, and an announced change drops the entry', async () => {
    const { redis, inner, cache } = await setup();
    redis.up();
    await settle();
    await inner.set('auth:session:s', { revoked: false }, 60);
    expect(await cache.get('auth:session:s')).toEqual({ revoked: false });
    await inner.set('auth:session:s', { revoked: true }, 60); // another instance's write, not announced
    expect(await cache.get('auth:session:s')).toEqual({ revoked: false });
    // Another instance's eviction, announced on the channel.
    await inner.del('auth:session:s');
    await redis.publish('p:auth:invalidate', JSON.stringify({ keys: ['auth:session:s'] }));
    expect(await cache.get('auth:session:s')).toBeUndefined();
    await cache.close();
  });

  it('answers mgetNow at once only when it holds every key, and never while deaf', async () => {
    const { redis, inner, cache } = await setup();
    await inner.set('auth:user:1', { id: 1 }, 60);
    await inner.set('auth:session:s', { revoked: false }, 60);
    const keys = ['auth:session:s', 'auth:user:1'];
    const deaf = cache.mgetNow(keys);
    expect(deaf).toBeInstanceOf(Promise); // bypassed: the shared cache answers
    expect(await deaf).toEqual([{ revoked: false }, { id: 1 }]);
    redis.up();
    await settle();
    const partly = cache.mgetNow(keys); // nothing held yet: one read of the shared cache fills the layer
    expect(partly).toBeInstanceOf(Promise);
    expect(await partly).toEqual([{ revoked: false }, { id: 1 }]);
    expect(cache.mgetNow(keys)).toEqual([{ revoked: false }, { id: 1 }]);
    const withMarker = cache.mgetNow([...keys, 'auth:seen:s']); // markers are never held locally
    expect(withMarker).toBeInstanceOf(Promise);
    expect(await withMarker).toEqual([{ revoked: false }, { id: 1 }, undefined]);
    redis.isReady = false;
    await inner.set('auth:session:s', { revoked: true }, 60);
    const dropped = cache.mgetNow(keys);
    expect(dropped).toBeInstanceOf(Promise);
    expect(await dropped).toEqual([{ revoked: true }, { id: 1 }]);
    await cache.close();
  });

  it('announces its own evictions of auth state, not of counters', async () => {
    const { redis, cache } = await setup();
    redis.up();
    await settle();
    redis.published = [];
    await cache.del('auth:user:7', 'rl:x');
    expect(redis.published.map((m) => JSON.parse(m))).toEqual([{ keys: ['auth:user:7'] }]);
    await cache.close();
  });

  it('sends an eviction and its announcement together, the eviction first', async () => {
    const { redis, inner, cache } = await setup();
    redis.up();
    await settle();
    const sent: string[] = [];
    let answerDel!: () => void;
    inner.del = (...keys: string[]) => {
      sent.push(`del ${keys.join(' ')}`);
      return new Promise<void>((resolve) => (answerDel = resolve));
    };
    const publish = redis.publish.bind(redis);
    redis.publish = (channel: string, message: string) => {
      sent.push(`publish ${message}`);
      return publish(channel, message);
    };
    let done = false;
    const evicted = cache.del('auth:user:7').then(() => (done = true));
    // Both are out before the shared cache answered the eviction: one round trip, in this order.
    expect(sent).toEqual(['del auth:user:7', 'publish {"keys":["auth:user:7"]}']);
    await settle();
    expect(done).toBe(false);
    answerDel();
    await evicted;
    await cache.close();
  });

  it('never serves from memory once the subscription drops, even before its event', async () => {
    const { redis, inner, layer, cache } = await setup();
    redis.up();
    await settle();
    await inner.set('auth:session:s', { revoked: false }, 60);
    await cache.get('auth:session:s');
    redis.isReady = false; // the socket is gone; the error event has not been delivered yet
    await inner.set('auth:session:s', { revoked: true }, 60);
    expect(await cache.get('auth:session:s')).toEqual({ revoked: true });
    expect(cache.localLayerLive).toBe(false);
    redis.cut();
    expect(layer.deafSpells).toBe(1);
    redis.up();
    await settle();
    expect(cache.localLayerLive).toBe(true);
    expect(layer.size).toBe(0);
    expect(await cache.get('auth:session:s')).toEqual({ revoked: true });
    await cache.close();
  });

  it('ignores a probe that is not its own, and garbage', async () => {
    const { redis, cache } = await setup();
    redis.isReady = true;
    await redis.publish('p:auth:invalidate', JSON.stringify({ probe: 'someone-else' }));
    await redis.publish('p:auth:invalidate', 'not json');
    expect(cache.localLayerLive).toBe(false);
    await cache.close();
  });
});

describe('RedisInvalidations with a silent Redis', () => {
  it('answers an announcement after the publish deadline and stops serving locally', async () => {
    const redis = new FakeRedis();
    const layer = new LocalAuthLayer({ ttlMs: 5_000 }, false);
    // The probe goes through; announcements are swallowed without an answer, as by a black-holed Redis.
    const silent = {
      publish: (channel: string, message: string) =>
        message.includes('"keys"') ? new Promise<unknown>(() => undefined) : redis.publish(channel, message),
    };
    const bus = new RedisInvalidations(layer, silent, redis, 'p:auth:invalidate', 60_000, 5);
    await settle();
    redis.up();
    await settle();
    expect(bus.hearing()).toBe(true);
    await bus.announce(['auth:session:s']);
    expect(bus.hearing()).toBe(false);
    await bus.close();
  });
});
