import { type Cache } from 'cache-manager';
import { type createClient } from '@redis/client';
import { AppCache, CacheUnavailableError } from './app-cache.js';

type RedisClient = ReturnType<typeof createClient>;

// INCR and EXPIRE in one step, so a counter can never be left without an expiry.
const INCR_WITH_EXPIRY = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

// DECR only an existing counter: a bare DECR would create a key without an expiry.
const DECR_IF_EXISTS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('DECR', KEYS[1])`;

/**
 * Redis through cache-manager + Keyv for values, and the raw client for
 * counters. The client does not queue commands while disconnected, so an
 * outage answers at once (as a miss) instead of hanging requests.
 */
export class RedisAppCache extends AppCache {
  readonly kind = 'redis' as const;
  private down = false;
  /**
   * Evictions that did not reach Redis (it was unreachable, or the command
   * failed). Redis may still hold those entries when it answers again (a
   * partition, not a restart): until they are deleted, nothing is read from
   * it, so a revocation made meanwhile can never be undone by a stale entry.
   */
  private readonly unevicted = new Set<string>();
  private replaying?: Promise<boolean>;

  constructor(
    private readonly cache: Cache,
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {
    super();
    client.on('error', (err: Error) => this.markDown(err));
    client.on('ready', () => this.markUp());
  }

  async get<T>(key: string): Promise<T | undefined> {
    if (!(await this.readable())) return this.tally(key, undefined);
    return this.tally(key, (await this.cache.get<T>(this.prefix + key).catch(() => undefined)) ?? undefined);
  }

  async mget<T>(keys: string[]): Promise<(T | undefined)[]> {
    if (!(await this.readable())) return keys.map((k) => this.tally<T>(k, undefined));
    const values = await this.cache
      .mget<T>(keys.map((k) => this.prefix + k))
      .catch(() => keys.map(() => undefined));
    return values.map((v, i) => this.tally(keys[i], v ?? undefined));
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    if (!this.client.isReady) return;
    await this.cache.set(this.prefix + key, value, ttlSeconds * 1000).catch(() => undefined);
  }

  async del(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const full = keys.map((k) => this.prefix + k);
    const remember = () => full.forEach((k) => this.unevicted.add(k));
    if (!this.client.isReady) return remember();
    await this.client.del(full).catch(remember);
  }

  async incr(key: string, ttlSeconds: number): Promise<number> {
    if (!this.client.isReady) throw new CacheUnavailableError();
    try {
      const n = await this.client.eval(INCR_WITH_EXPIRY, {
        keys: [this.prefix + key],
        arguments: [String(Math.max(1, Math.ceil(ttlSeconds)))],
      });
      return Number(n);
    } catch (err) {
      throw new CacheUnavailableError(err);
    }
  }

  async decr(key: string): Promise<number> {
    if (!this.client.isReady) throw new CacheUnavailableError();
    try {
      return Number(await this.client.eval(DECR_IF_EXISTS, { keys: [this.prefix + key] }));
    } catch (err) {
      throw new CacheUnavailableError(err);
    }
  }

  async ttl(key: string): Promise<number> {
    if (!this.client.isReady) throw new CacheUnavailableError();
    try {
      const ms = await this.client.pTTL(this.prefix + key);
      return ms > 0 ? Math.ceil(ms / 1000) : 0;
    } catch (err) {
      throw new CacheUnavailableError(err);
    }
  }

  async ping(): Promise<void> {
    if (!this.client.isReady) throw new CacheUnavailableError();
    await Promise.race([
      this.client.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new CacheUnavailableError()), 1_000).unref()),
    ]);
  }

  async close(): Promise<void> {
    try {
      if (this.client.isReady) await this.client.close();
      else if (this.client.isOpen) this.client.destroy();
    } catch {
      this.client.destroy();
    }
  }

  private markDown(err: Error): void {
    if (this.down) return;
    this.down = true;
    this.logger.warn(
      `Redis unreachable (${err.message}); serving every request from PostgreSQL until it returns`,
    );
  }

  /** Whether reads may be answered from Redis: it is reachable and every eviction has reached it. */
  private async readable(): Promise<boolean> {
    if (!this.client.isReady) return false;
    if (this.unevicted.size === 0) return true;
    this.replaying ??= this.replayEvictions().finally(() => (this.replaying = undefined));
    return this.replaying;
  }

  private async replayEvictions(): Promise<boolean> {
    const keys = [...this.unevicted];
    try {
      await this.client.del(keys);
    } catch {
      return false;
    }
    for (const k of keys) this.unevicted.delete(k);
    return this.unevicted.size === 0;
  }

  private markUp(): void {
    // Back: put the missed evictions through now, for the other instances that read these keys too.
    if (this.unevicted.size > 0) void this.readable();
    if (!this.down) return;
    this.down = false;
    this.logger.log('Redis reachable again; cache in use');
  }
}
