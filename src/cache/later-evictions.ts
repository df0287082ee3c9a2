/** Starts `run` after `ms`, without keeping the process alive for it. */
export type Scheduler = (run: () => void, ms: number) => void;

const unrefTimer: Scheduler = (run, ms) => {
  setTimeout(run, ms).unref();
};

/** Keys that fall due together share one eviction: a window of this length. */
export const LATER_EVICTION_WINDOW_MS = 500;

/**
 * Evictions repeated a while after the first, so that a reader that filled the cache from a row read
 * before the commit is overwritten too. Keys given within one window of time are evicted together,
 * `delayMs` to `delayMs` + one window after they were given: one eviction (and one invalidation message)
 * for every login or revocation of that window, instead of one each.
 */
export class LaterEvictions {
  private readonly due = new Map<number, Set<string>>();

  constructor(
    private readonly evict: (keys: string[]) => Promise<void>,
    private readonly delayMs: number,
    // The timers run on real time, so the windows do too: a monotonic clock, not the service's Clock,
    // which tests hold still or move by hours.
    private readonly now: () => number = () => performance.now(),
    private readonly schedule: Scheduler = unrefTimer,
  ) {}

  add(keys: readonly string[]): void {
    if (keys.length === 0) return;
    const now = this.now();
    const window = Math.floor(now / LATER_EVICTION_WINDOW_MS);
    let batch = this.due.get(window);
    if (!batch) {
      this.due.set(window, (batch = new Set()));
      // The window's last key is then `delayMs` old; its first at most one window older.
      const at = (window + 1) * LATER_EVICTION_WINDOW_MS + this.delayMs;
      this.schedule(() => this.flush(window), at - now);
    }
    for (const key of keys) batch.add(key);
  }

  /** Keys given and not yet evicted again. */
  get pending(): number {
    let n = 0;
    for (const batch of this.due.values()) n += batch.size;
    return n;
  }

  private flush(window: number): void {
    const batch = this.due.get(window);
    this.due.delete(window);
    // Best effort: what a failure leaves stale lasts no longer than the entries' TTL.
    if (batch?.size) this.evict([...batch]).catch(() => undefined);
  }
}
