import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

const DAY_MS = 24 * 3600 * 1000;
const RUN_EVERY_MS = 3600 * 1000;
const FIRST_RUN_AFTER_MS = 60 * 1000;
const PRUNE_BATCH = 5_000;

export interface PruneResult {
  pruned: number;
  throughId: string | null;
}

/**
 * AUDIT_RETENTION_DAYS: removes entries older than that many days, an hour
 * apart (first a minute after boot), in short transactions so writers wait
 * only briefly. Every instance may run it; the chain's lock keeps them apart.
 */
@Injectable()
export class AuditRetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditRetention');
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<PruneResult> | null = null;
  private stopping = false;

  constructor(
    private readonly log: AuditRepository,
    private readonly audit: AuditService,
    @Inject(IAM_OPTIONS) private readonly options: IamOptions,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (!(this.options.auditRetentionDays > 0)) return;
    const tick = () => void this.pruneExpired().catch((err: Error) => this.logger.error(err.message));
    const first = setTimeout(tick, FIRST_RUN_AFTER_MS);
    const every = setInterval(tick, RUN_EVERY_MS);
    first.unref();
    every.unref();
    this.timers.push(first, every);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    await this.running?.catch(() => undefined);
  }

  /** Prunes by the configured retention; does nothing when it is 0 (keep forever). */
  pruneExpired(): Promise<PruneResult> {
    const days = this.options.auditRetentionDays;
    if (!(days > 0)) return Promise.resolve({ pruned: 0, throughId: null });
    return this.pruneBefore(new Date(this.clock.now() - days * DAY_MS));
  }

  /** Removes the entries written before `cutoff` and records that it did. */
  pruneBefore(cutoff: Date): Promise<PruneResult> {
    this.running ??= this.prune(cutoff).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async prune(cutoff: Date): Promise<PruneResult> {
    let pruned = 0;
    let throughId: string | null = null;
    let throughAt: Date | null = null;
    while (!this.stopping) {
      const step = await this.log.pruneStep(cutoff, PRUNE_BATCH);
      if (!step) break;
      pruned += step.count;
      throughId = step.throughId;
      throughAt = step.throughAt;
      if (step.count < PRUNE_BATCH) break;
    }
    if (pruned > 0) {
      await this.audit.record({
        action: 'audit.pruned',
        actor: null,
        target: { type: 'audit', id: throughId, label: 'audit log' },
        outcome: 'success',
        details: {
          pruned,
          throughId,
          throughAt: throughAt?.toISOString(),
          retentionDays: this.options.auditRetentionDays,
          cutoff: cutoff.toISOString(),
        },
      });
      this.logger.log(`removed ${pruned} audit entries older than ${cutoff.toISOString()}`);
      await this.audit.logHead('checkpoint');
    }
    return { pruned, throughId };
  }
}
