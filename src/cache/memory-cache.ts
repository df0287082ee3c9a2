import { type Cache } from 'cache-manager';
import { AppCache } from './app-cache.js';

interface Counter {
  value: number;
  expiresAt: number;
}

/** In-process cache for the embedded default: one process, so plain maps are atomic. */
export class MemoryAppCache extends AppCache {
  readonly kind = 'memory' as const;
  private readonly counters = new Map<string, Counter>();
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly cache: Cache) {
    super();
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.tally(key, (await this.cache.get<T>(key)) ?? undefined);
  }

  async mget<T>(keys: string[]): Promise<(T | undefined)[]> {
    return (await this.cache.mget<T>(keys)).map((v, i) => this.tally(keys[i], v ?? undefined));
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    await this.cache.set(key, value, ttlSeconds * 1000);
  }

  async del(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    for (const k of keys) this.counters.delete(k);
    await this.cache.mdel(keys);
  }

  async incr(key: string, ttlSeconds: number, by = 1): Promise<number> {
    const now = Date.now();
    const current = this.counters.get(key);
    if (!current || current.expiresAt <= now) {
      this.counters.set(key, { value: by, expiresAt: now + ttlSeconds * 1000 });
      return by;
    }
    current.value += by;
    return current.value;
  }

  async ttl(key: string): Promise<number> {
    const c = this.counters.get(key);
    if (c) {
      const left = c.expiresAt - Date.now();
      return left > 0 ? Math.ceil(left / 1000) : 0;
    }
    const expires = await this.cache.ttl(key);
    if (!expires) return 0;
    const left = expires - Date.now();
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.counters.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, c] of this.counters) if (c.expiresAt <= now) this.counters.delete(k);
  }
}
