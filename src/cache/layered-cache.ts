import { AppCache } from './app-cache.js';
import { isCachedState } from './cache-keys.js';
import type { Invalidations } from './invalidation-bus.js';
import type { LocalAuthLayer } from './local-layer.js';

/**
 * The shared cache with the local auth layer in front of it, for cached auth
 * state only (sessions, users, role permissions); counters, markers and locks
 * go straight through. Only what the shared cache answered is kept locally,
 * never what a caller writes after a database read: that write may race an
 * eviction, which the shared cache's second eviction repairs and the local
 * layer then hears.
 */
export class LayeredAppCache extends AppCache {
  readonly kind: 'redis' | 'memory';

  constructor(
    readonly inner: AppCache,
    readonly layer: LocalAuthLayer,
    private readonly invalidations: Invalidations,
  ) {
    super();
    this.kind = inner.kind;
    // One tally for both layers: a local hit is a cache hit.
    (this as { reads: AppCache['reads'] }).reads = inner.reads;
  }

  /** Whether the local layer serves reads now (on, and hearing every invalidation). */
  get localLayerLive(): boolean {
    return this.layer.enabled && this.invalidations.hearing();
  }

  async get<T>(key: string): Promise<T | undefined> {
    return (await this.mget<T>([key]))[0];
  }

  async mget<T>(keys: string[]): Promise<(T | undefined)[]> {
    return this.mgetNow<T>(keys);
  }

  override mgetNow<T>(keys: string[]): (T | undefined)[] | Promise<(T | undefined)[]> {
    if (!this.localLayerLive) return this.inner.mget<T>(keys);
    const values: (T | undefined)[] = new Array<T | undefined>(keys.length);
    let missing: string[] | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const value = isCachedState(key) ? (this.layer.get(key) as T | undefined) : undefined;
      values[i] = value;
      if (value === undefined) (missing ??= []).push(key);
    }
    if (!missing) {
      this.reads.hits += keys.length;
      return values;
    }
    this.reads.hits += keys.length - missing.length;
    return this.fetchMissing(keys, values, missing);
  }

  /** Fills the gaps from the shared cache, keeping what it answers unless an invalidation came meanwhile. */
  private async fetchMissing<T>(
    keys: string[],
    values: (T | undefined)[],
    missing: string[],
  ): Promise<(T | undefined)[]> {
    const epoch = this.layer.epoch();
    const fetched = await this.inner.mget<T>(missing);
    let j = 0;
    for (let i = 0; i < keys.length; i++) {
      if (values[i] !== undefined) continue;
      const value = fetched[j++];
      values[i] = value;
      if (value !== undefined && isCachedState(keys[i]!)) this.layer.store(keys[i]!, value, epoch);
    }
    return values;
  }

  set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    return this.inner.set(key, value, ttlSeconds);
  }

  /**
   * Evicts, and announces the auth state among the keys to the other
   * instances. The announcement must reach them after the shared cache lost
   * the keys, so that an instance re-reading on it finds them gone. Both are
   * sent at once, eviction first, on the one connection the shared cache and
   * the announcements share (withLocalLayer): Redis applies a connection's
   * commands in order, so the order holds, at the cost of one round trip.
   */
  async del(...keys: string[]): Promise<void> {
    const state = keys.filter(isCachedState);
    if (state.length === 0) return this.inner.del(...keys);
    this.layer.drop(state);
    await Promise.all([this.inner.del(...keys), this.invalidations.announce(state)]);
  }

  incr(key: string, ttlSeconds: number, by = 1): Promise<number> {
    return this.inner.incr(key, ttlSeconds, by);
  }

  ttl(key: string): Promise<number> {
    return this.inner.ttl(key);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  async close(): Promise<void> {
    await this.invalidations.close();
    await this.inner.close();
  }
}
