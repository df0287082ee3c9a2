import { Injectable, Logger, Optional } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { IamMetrics } from '../metrics/iam-metrics.js';
import { UsersRepository } from '../users/users.repository.js';

/** A token's last use is written at most this often. */
export const TOKEN_USE_EVERY_MS = 60_000;
const REMEMBERED_MAX = 100_000;

/**
 * Records that an API token was used: its last-used time, at most once a
 * minute per token, and the count of requests made with a token in its
 * grace. Never on the request path and never failing a request: the write
 * is started and forgotten (a failure is only logged).
 */
@Injectable()
export class ApiTokenUsage {
  private readonly logger = new Logger(ApiTokenUsage.name);
  // token id → when this process last stamped it: spares the statement within the minute.
  private readonly stamped = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly users: UsersRepository,
    private readonly clock: Clock,
    @Optional() private readonly metrics?: IamMetrics,
  ) {}

  used(userId: number, tokenId: string, previous: boolean): void {
    if (previous) this.metrics?.graceTokenRequest();
    const now = this.clock.now();
    const last = this.stamped.get(tokenId);
    if (last !== undefined && now - last < TOKEN_USE_EVERY_MS) return;
    if (this.stamped.size >= REMEMBERED_MAX) this.stamped.clear();
    this.stamped.set(tokenId, now);
    const write = this.users
      .recordTokenUse(userId, tokenId, new Date(now), TOKEN_USE_EVERY_MS)
      .catch((err: unknown) => {
        this.logger.warn(`Could not record an API token's use: ${(err as Error).message}`);
      })
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Waits for the writes started so far (tests and shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
