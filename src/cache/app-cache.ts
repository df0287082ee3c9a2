import { Logger } from '@nestjs/common';
import { DependencyUnavailableError } from '../common/errors/domain-error.js';
import { isCachedState } from './cache-keys.js';

/**
 * Raised by the operations that cannot fall back silently (counters) when the cache is down. Uncaught, it
 * answers 503 `DEPENDENCY_UNAVAILABLE` like any other unavailable dependency.
 */
export class CacheUnavailableError extends DependencyUnavailableError {
  constructor(cause?: unknown) {
    super('A backing service');
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * The few cache operations the product needs. Reads and writes never throw:
 * a cache outage reads as a miss, so callers fall back to PostgreSQL, which
 * is the truth. Counters throw CacheUnavailableError so that callers can
 * pick their own fallback.
 */
export abstract class AppCache {
  protected readonly logger = new Logger('Cache');

  abstract readonly kind: 'redis' | 'memory';

  /** Reads of cached state answered from the cache, and those that fell through to the database (GET /metrics). */
  readonly reads = { hits: 0, misses: 0 };

  protected tally<T>(key: string, value: T | undefined): T | undefined {
    if (!isCachedState(key)) return value;
    if (value === undefined) this.reads.misses++;
    else this.reads.hits++;
    return value;
  }

  abstract get<T>(key: string): Promise<T | undefined>;
  abstract mget<T>(keys: string[]): Promise<(T | undefined)[]>;
  /**
   * mget that answers at once, with no promise, when this process holds every value (the local auth
   * layer); a promise otherwise. For the per-request auth read, where a promise and its ticks are a
   * measurable share of a request.
   */
  mgetNow<T>(keys: string[]): (T | undefined)[] | Promise<(T | undefined)[]> {
    return this.mget<T>(keys);
  }
  abstract set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  abstract del(...keys: string[]): Promise<void>;
  /** Atomically adds `by` (1) and returns the new value; the key expires ttlSeconds after its first increment. */
  abstract incr(key: string, ttlSeconds: number, by?: number): Promise<number>;
  /** Remaining lifetime in seconds, 0 when the key is absent. */
  abstract ttl(key: string): Promise<number>;
  /** Answers when the cache works; throws otherwise. */
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
