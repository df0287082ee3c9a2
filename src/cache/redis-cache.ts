import { type Cache } from 'cache-manager';
import { type createClient } from '@redis/client';
import { AppCache, CacheUnavailableError } from './app-cache.js';

type RedisClient = ReturnType<typeof createClient>;

// INCR and EXPIRE in one step, so a counter can never be left without an expiry.
const INCR_WITH_EXPIRY = `
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if n == tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

export interface RedisAppCacheTiming {
  /** How long one command may take before it counts as failed (default 1000 ms). */
  commandDeadlineMs?: number;
  /** After a command missed its deadline, how long every operation skips Redis (default 2000 ms). */
  stallBackoffMs?: number;
}

/**
 * Redis through cache-manager + Keyv for values, and the raw client for
 * counters. The client does not queue commands while disconnected, so an
 * outage answers at once (as a miss) instead of hanging requests; a Redis
 * that is connected but silent (a black-holed network, a stuck server) is
 * given a deadline per command, then skipped for a while, so requests are
 * answered from PostgreSQL instead of waiting for it.
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
  private readonly deadlineMs: number;
  private readonly backoffMs: number;
  private stalledUntil = 0;
  private stalled = false;

  constructor(
    private readonly cache: Cache,
    private readonly client: RedisClient,
    private readonly prefix: string,
    timing: RedisAppCacheTiming = {},
  ) {
    super();
    this.deadlineMs = timing.commandDeadlineMs ?? 1_000;
    this.backoffMs = timing.stallBackoffMs ?? 2_000;
    client.on('error', (err: Error) => this.markDown(err));
    client.on('ready', () => this.markUp());
  }

  async get<T>(key: string): Promise<T | undefined> {
    if (!(await this.readable())) return this.tally(key, undefined);
    const value = await this.withDeadline(this.cache.get<T>(this.prefix + key)).catch(() => undefined);
    return this.tally(key, value ?? undefined);
  }

  async mget<T>(keys: string[]): Promise<(T | undefined)[]> {
    if (!(await this.readable())) return keys.map((k) => this.tally<T>(k, undefined));
    const values = await this.withDeadline(this.cache.mget<T>(keys.map((k) => this.prefix + k))).catch(() =>
      keys.map(() => undefined),
    );
    return values.map((v, i) => this.tally(keys[i], v ?? undefined));
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    if (!this.usable()) return;
    await this.withDeadline(this.cache.set(this.prefix + key, value, ttlSeconds * 1000)).catch(
      () => undefined,
    );
  }

  async del(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const full = keys.map((k) => this.prefix + k);
    const remember = () => full.forEach((k) => this.unevicted.add(k));
    if (!this.usable()) return remember();
    await this.withDeadline(this.client.del(full)).catch(remember);
  }

  async incr(key: string, ttlSeconds: number, by = 1): Promise<number> {
    if (!this.usable()) throw new CacheUnavailableError();
    try {
      const n = await this.withDeadline(
        this.client.eval(INCR_WITH_EXPIRY, {
          keys: [this.prefix + key],
          arguments: [String(Math.max(1, Math.ceil(ttlSeconds))), String(by)],
        }),
      );
      return Number(n);
    } catch (err) {
      throw new CacheUnavailableError(err);
    }
  }

  async ttl(key: string): Promise<number> {
    if (!this.usable()) throw new CacheUnavailableError();
    try {
      const ms = await this.withDeadline(this.client.pTTL(this.prefix + key));
      return ms > 0 ? Math.ceil(ms / 1000) : 0;
    } catch (err) {
      throw new CacheUnavailableError(err);
    }
  }

  async ping(): Promise<void> {
    if (!this.client.isReady) throw new CacheUnavailableError();
    // Not skipped while stalled: readiness is how an operator sees the stall end.
    await this.withDeadline(this.client.ping());
  }

  async close(): Promise<void> {
    try {
      if (this.client.isReady) {
        // A graceful close waits for the answers in flight, which a silent Redis never sends.
        const closed = this.client.close().then(() => true);
        const late = new Promise<false>((resolve) =>
          setTimeout(() => resolve(false), this.deadlineMs).unref(),
        );
        if (!(await Promise.race([closed, late]))) this.client.destroy();
      } else if (this.client.isOpen) this.client.destroy();
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
    if (!this.usable()) return false;
    if (this.unevicted.size === 0) return true;
    this.replaying ??= this.replayEvictions().finally(() => (this.replaying = undefined));
    return this.replaying;
  }

  private async replayEvictions(): Promise<boolean> {
    const keys = [...this.unevicted];
    try {
      await this.withDeadline(this.client.del(keys));
    } catch {
      return false;
    }
    for (const k of keys) this.unevicted.delete(k);
    return this.unevicted.size === 0;
  }

  /** Connected, and not skipped after a command that missed its deadline. */
  private usable(): boolean {
    return this.client.isReady && Date.now() >= this.stalledUntil;
  }

  /** The command's answer, or CacheUnavailableError once the deadline passes (then Redis is skipped a while). */
  private async withDeadline<T>(command: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let answered = false;
    const deadline = new Promise<never>((_, reject) => {
      // Timers run before I/O in the event loop: after a long pause of the loop, an answer already
      // received would lose to the timer. setImmediate lets that I/O be read first.
      timer = setTimeout(
        () =>
          setImmediate(() => {
            if (answered) return;
            this.markStalled();
            reject(new CacheUnavailableError(new Error('Redis did not answer in time')));
          }),
        this.deadlineMs,
      );
      timer.unref();
    });
    const answer = command.finally(() => (answered = true));
    try {
      const value = await Promise.race([answer, deadline]);
      if (this.stalled) {
        this.stalled = false;
        this.logger.log('Redis answers again; cache in use');
      }
      return value;
    } finally {
      clearTimeout(timer);
    }
  }

  private markStalled(): void {
    this.stalledUntil = Date.now() + this.backoffMs;
    if (this.stalled) return;
    this.stalled = true;
    this.logger.warn(
      `Redis did not answer within ${this.deadlineMs} ms; serving requests from PostgreSQL until it does`,
    );
  }

  private markUp(): void {
    // Back: put the missed evictions through now, for the other instances that read these keys too.
    if (this.unevicted.size > 0) void this.readable();
    if (!this.down) return;
    this.down = false;
    this.logger.log('Redis reachable again; cache in use');
  }
}
