/** How long an entry may be served from process memory, and how many are kept. */
export interface LocalLayerOptions {
  /** 0 turns the layer off. */
  ttlMs: number;
  maxEntries?: number;
  /** Injectable for tests. */
  now?: () => number;
}

interface Entry {
  value: unknown;
  expiresAt: number;
  /** Read since it was stored, or since it was last spared. */
  used: boolean;
}

const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * The caller's auth state kept in process memory for a few seconds, in front
 * of the shared cache: bounded, with a short TTL. Past the bound, the least
 * recently used entries go, as the second-chance (CLOCK) approximation of LRU
 * tells them: a read only marks its entry, and the oldest entry goes unless it
 * was read since it was stored, in which case it moves to the young end once.
 * A hit thus changes no order, which a Map pays for with a delete and an insert.
 *
 * It is only as fresh as the invalidations it hears. While it cannot hear
 * them (the subscription is down, or not confirmed yet) it is deaf: nothing
 * is served from it or stored in it, and it is emptied when it can hear
 * again, since whatever changed meanwhile was never announced to it.
 *
 * A read from the shared cache that was in flight while an invalidation
 * arrived may carry the value from before the change; the epoch tells the
 * layer not to keep it.
 */
export class LocalAuthLayer {
  readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  // A Map keeps insertion order: the oldest entry comes first.
  private readonly entries = new Map<string, Entry>();
  private live: boolean;
  private currentEpoch = 0;
  /** Times the layer went deaf after being live: a test or a scrape can see a drop was noticed. */
  deafSpells = 0;
  readonly stats = { hits: 0, misses: 0 };

  constructor(options: LocalLayerOptions, initiallyLive: boolean) {
    this.ttlMs = Math.max(0, options.ttlMs);
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.now = options.now ?? Date.now;
    this.live = initiallyLive;
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** Whether entries may be served: the layer is on and hears every invalidation. */
  isLive(): boolean {
    return this.enabled && this.live;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Taken before reading the shared cache; store() keeps the value only if nothing was invalidated since. */
  epoch(): number {
    return this.currentEpoch;
  }

  get(key: string): unknown {
    if (!this.isLive()) return undefined;
    const entry = this.entries.get(key);
    if (!entry) {
      this.stats.misses++;
      return undefined;
    }
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      this.stats.misses++;
      return undefined;
    }
    entry.used = true;
    this.stats.hits++;
    return entry.value;
  }

  store(key: string, value: unknown, epoch: number): void {
    if (!this.isLive() || epoch !== this.currentEpoch || value === undefined) return;
    this.entries.delete(key);
    // Room is made before the new entry goes in, so it is never the one to go. Each entry spared loses
    // its mark, so this ends within one pass.
    while (this.entries.size >= this.maxEntries) {
      const [oldest, entry] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(oldest);
      if (entry.used) {
        entry.used = false;
        this.entries.set(oldest, entry);
      }
    }
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs, used: false });
  }

  /** An invalidation, heard from any instance (this one included). */
  drop(keys: readonly string[]): void {
    this.currentEpoch++;
    for (const k of keys) this.entries.delete(k);
  }

  /** The subscription is down (or not confirmed): stop serving and storing. */
  goDeaf(): void {
    this.currentEpoch++;
    if (this.live) this.deafSpells++;
    this.live = false;
    this.entries.clear();
  }

  /** The subscription is confirmed: start afresh, since invalidations may have been missed. */
  goLive(): void {
    this.currentEpoch++;
    this.entries.clear();
    this.live = true;
  }

  clear(): void {
    this.currentEpoch++;
    this.entries.clear();
  }
}
