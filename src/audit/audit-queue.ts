import type { AuditDraft } from './audit-sanitize.js';

export interface AuditQueueOptions {
  /** Writes one batch in one transaction, in order. */
  write: (batch: AuditDraft[]) => Promise<void>;
  onError: (message: string) => void;
  /** How long an entry may wait for company before its batch is written. */
  delayMs?: number;
  maxBatch?: number;
  /** Beyond this many waiting entries (the database is down), new ones are refused and counted. */
  maxQueued?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
}

interface Queued {
  draft: AuditDraft;
  attempts: number;
}

/**
 * Entries written off the request path (reads, denials, failed logins):
 * gathered for a few milliseconds or up to a batch, then written in one
 * transaction, one batch at a time, so the chain keeps their order. A batch
 * that fails is retried entry by entry (one bad entry cannot sink the rest),
 * and what still fails waits for a later attempt.
 */
export class AuditQueue {
  private readonly queue: Queued[] = [];
  private draining: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dropped = 0;
  private readonly delayMs: number;
  private readonly maxBatch: number;
  private readonly maxQueued: number;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;

  constructor(private readonly options: AuditQueueOptions) {
    this.delayMs = options.delayMs ?? 5;
    this.maxBatch = options.maxBatch ?? 200;
    this.maxQueued = options.maxQueued ?? 50_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 1_000;
  }

  get size(): number {
    return this.queue.length;
  }

  push(draft: AuditDraft): void {
    if (this.queue.length >= this.maxQueued) {
      if (this.dropped++ % 1000 === 0) {
        this.options.onError(`audit queue full (${this.maxQueued}): entry '${draft.action}' not recorded`);
      }
      return;
    }
    this.queue.push({ draft, attempts: 0 });
    if (this.draining) return;
    if (this.queue.length >= this.maxBatch) this.schedule(0);
    else if (!this.timer) this.schedule(this.delayMs);
  }

  /** Writes everything waiting now, retries included; resolves when the queue is empty. */
  async flush(): Promise<void> {
    for (;;) {
      this.clearTimer();
      if (this.draining) await this.draining;
      else if (this.queue.length > 0) await this.drain();
      else return;
    }
  }

  /** Stops the timers; what is left waits for flush(). */
  stop(): void {
    this.clearTimer();
  }

  private schedule(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.drain();
    }, ms);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private drain(): Promise<void> {
    this.draining ??= this.drainLoop().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drainLoop(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      const failed = await this.writeBatch(batch);
      if (failed.length === 0) continue;
      const retry = failed.filter((q) => ++q.attempts < this.maxAttempts);
      const given = failed.length - retry.length;
      if (given > 0) {
        this.options.onError(
          `${given} audit entr${given === 1 ? 'y' : 'ies'} given up after ${this.maxAttempts} attempts`,
        );
      }
      // Back at the front: they keep their place before later entries.
      this.queue.unshift(...retry);
      if (this.queue.length > 0) this.schedule(this.retryDelayMs);
      return;
    }
  }

  private async writeBatch(batch: Queued[]): Promise<Queued[]> {
    try {
      await this.options.write(batch.map((q) => q.draft));
      return [];
    } catch (err) {
      if (batch.length === 1) {
        this.options.onError(`audit entry '${batch[0].draft.action}' not written: ${(err as Error).message}`);
        return batch;
      }
    }
    const failed: Queued[] = [];
    for (const q of batch) {
      try {
        await this.options.write([q.draft]);
      } catch (err) {
        this.options.onError(`audit entry '${q.draft.action}' not written: ${(err as Error).message}`);
        failed.push(q);
      }
    }
    return failed;
  }
}
