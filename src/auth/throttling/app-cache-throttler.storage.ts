import { type ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { AppCache, CacheUnavailableError } from '../../cache/app-cache.js';
import { CacheKeys } from '../../cache/cache-keys.js';
import { Clock } from '../../common/clock.js';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** What this instance knows of one counter in the shared cache, for the window it is in. */
interface Counter {
  /** The shared count as the cache last answered it (every instance's hits up to then). */
  known: number;
  /** Hits admitted here and sent to the cache, not answered yet. */
  inFlight: number;
  /** Hits admitted here and not sent yet. */
  unsent: number;
  /** When the shared counter expires, on this instance's clock; 0 while unknown. */
  windowEndsAt: number;
}

export interface CountingOptions {
  /**
   * Below this share of the limit a caller's request is admitted in process and its hit sent with the
   * next batch; from it on, every request waits for the shared count. Default 0.5.
   */
  fastShare?: number;
  /** Runs a flush of the batched hits; the end of the current event-loop turn by default. */
  schedule?: (flush: () => void) => void;
  /** Counters kept in process before expired ones are swept (and, past it, the oldest dropped). */
  maxCounters?: number;
}

/**
 * Rate-limit counters in the shared cache, so that a limit holds across instances, without a round trip
 * on the request path while a caller is far from its limit.
 *
 * Why this shape. Counting every request with an awaited INCR made the cache's round trip part of every
 * request's latency and CPU. A caller far below its limit cannot be refused whatever the other
 * instances count, so its hit need not be waited for: it is admitted at once and added to the shared
 * counter in one INCRBY per key at the end of the event-loop turn (a batch of all the hits that turn
 * admitted; while one is in flight for a key, the next waits for its answer and carries every hit
 * admitted meanwhile). Near the limit, where the answer depends on the other instances, a request waits
 * for the shared count as before. "Near" is judged on this instance's estimate: the shared count as last
 * answered plus its own hits since; the fast path is taken only while that estimate stays under
 * `fastShare` (half) of the limit.
 *
 * Tolerance. An instance's estimate misses the hits other instances made since its last answer, so
 * while it still takes the fast path the shared count can be higher than it thinks. The first batch
 * it sends corrects the estimate, so past the limit each other instance admits at most the hits for
 * that caller that reach it within one cache round trip plus one event-loop turn (under a millisecond on
 * a loopback Redis), and the hits it has admitted but not yet sent are in the shared count one round
 * trip later. With two instances a limit of N admits at most N plus what the other instance served in that
 * sub-millisecond window; sequential requests are counted exactly. A window is the shared counter's own
 * (from its first hit, as before); once the shared count is past the limit, further requests in that
 * window are refused in process, with Retry-After from the window's known end.
 *
 * While the cache is down each instance counts on its own with the library's in-process store: limits
 * stay in force, per instance, and requests keep being served. Hits of a batch that could not be sent
 * are dropped with the counter, which is read afresh from the cache (or the local store) next time.
 */
export class AppCacheThrottlerStorage implements ThrottlerStorage {
  private readonly local = new ThrottlerStorageService();
  private readonly counters = new Map<string, Counter>();
  private readonly dirty = new Set<string>();
  private flushScheduled = false;
  private readonly fastShare: number;
  private readonly schedule: (flush: () => void) => void;
  private readonly maxCounters: number;

  constructor(
    private readonly cache: AppCache,
    private readonly clock: Clock = new Clock(),
    options: CountingOptions = {},
  ) {
    this.fastShare = options.fastShare ?? 0.5;
    this.schedule = options.schedule ?? ((flush) => setImmediate(flush));
    this.maxCounters = options.maxCounters ?? 100_000;
  }

  async increment(
    key: string,
    ttlMs: number,
    limit: number,
    blockDurationMs: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const windowSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
    const now = this.clock.now();
    let counter = this.counters.get(key);
    if (counter && counter.windowEndsAt !== 0 && counter.windowEndsAt <= now) {
      this.counters.delete(key);
      counter = undefined;
    }
    if (counter && counter.windowEndsAt !== 0) {
      const estimate = counter.known + counter.inFlight + counter.unsent;
      if (counter.known > limit) return this.blocked(estimate, counter.windowEndsAt, now);
      if (estimate + 1 <= limit * this.fastShare) {
        counter.unsent += 1;
        this.markDirty(key);
        return {
          totalHits: estimate + 1,
          timeToExpire: secondsUntil(counter.windowEndsAt, now),
          isBlocked: false,
          timeToBlockExpire: 0,
        };
      }
    }
    try {
      return await this.countShared(key, counter, windowSeconds, limit);
    } catch (err) {
      if (!(err instanceof CacheUnavailableError)) throw err;
      this.counters.delete(key);
      return this.local.increment(key, ttlMs, limit, blockDurationMs, throttlerName);
    }
  }

  /** Sends every batched hit: one INCRBY per counter. Scheduled after each admitted fast-path hit. */
  async flush(): Promise<void> {
    this.flushScheduled = false;
    const keys = [...this.dirty];
    this.dirty.clear();
    await Promise.all(keys.map((key) => this.send(key)));
  }

  /** Counters held in process (for tests and the sweep). */
  get size(): number {
    return this.counters.size;
  }

  /** The request waits for the shared count: the first in a window, and every one near the limit. */
  private async countShared(
    key: string,
    existing: Counter | undefined,
    windowSeconds: number,
    limit: number,
  ): Promise<ThrottlerStorageRecord> {
    const counter = existing ?? this.track(key);
    const by = counter.unsent + 1;
    counter.unsent = 0;
    counter.inFlight += by;
    let total: number;
    try {
      total = await this.cache.incr(CacheKeys.throttle(key), windowSeconds, by);
    } finally {
      this.answered(key, counter, by);
    }
    counter.known = Math.max(counter.known, total);
    const now = this.clock.now();
    if (counter.windowEndsAt === 0) {
      // The counter is new if it holds just this batch; otherwise ask how long it has left, once per window.
      counter.windowEndsAt =
        total === by
          ? now + windowSeconds * 1000
          : now + ((await this.cache.ttl(CacheKeys.throttle(key))) || windowSeconds) * 1000;
    }
    if (total <= limit) {
      return {
        totalHits: total,
        timeToExpire: secondsUntil(counter.windowEndsAt, now),
        isBlocked: false,
        timeToBlockExpire: 0,
      };
    }
    return this.blocked(total, counter.windowEndsAt, now);
  }

  private blocked(totalHits: number, windowEndsAt: number, now: number): ThrottlerStorageRecord {
    const left = secondsUntil(windowEndsAt, now);
    return { totalHits, timeToExpire: left, isBlocked: true, timeToBlockExpire: left };
  }

  private async send(key: string): Promise<void> {
    const counter = this.counters.get(key);
    if (!counter || counter.unsent === 0) return;
    // One INCRBY in flight per counter: what is admitted meanwhile goes in the next one, sent when it answers.
    if (counter.inFlight > 0) return;
    const by = counter.unsent;
    counter.unsent = 0;
    counter.inFlight += by;
    const windowSeconds = Math.max(1, Math.ceil((counter.windowEndsAt - this.clock.now()) / 1000));
    try {
      const total = await this.cache.incr(CacheKeys.throttle(key), windowSeconds, by);
      counter.known = Math.max(counter.known, total);
    } catch {
      // Unsent hits go with the counter; the next request reads the count afresh (see the class comment).
      if (this.counters.get(key) === counter) this.counters.delete(key);
    } finally {
      this.answered(key, counter, by);
    }
  }

  /** A sent batch is answered (or failed): what was admitted while it flew goes next, if the counter is still kept. */
  private answered(key: string, counter: Counter, by: number): void {
    counter.inFlight -= by;
    if (counter.inFlight === 0 && counter.unsent > 0 && this.counters.get(key) === counter)
      this.markDirty(key);
  }

  private markDirty(key: string): void {
    this.dirty.add(key);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.schedule(() => void this.flush());
  }

  private track(key: string): Counter {
    if (this.counters.size >= this.maxCounters) this.sweep();
    const counter: Counter = { known: 0, inFlight: 0, unsent: 0, windowEndsAt: 0 };
    this.counters.set(key, counter);
    return counter;
  }

  /** Drops expired counters, then, if still full, the oldest that have nothing left to send. */
  private sweep(): void {
    const now = this.clock.now();
    for (const [key, counter] of this.counters) {
      if (counter.windowEndsAt !== 0 && counter.windowEndsAt <= now) this.counters.delete(key);
    }
    for (const [key, counter] of this.counters) {
      if (this.counters.size < this.maxCounters) break;
      if (counter.unsent === 0 && counter.inFlight === 0) this.counters.delete(key);
    }
  }
}

function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}
