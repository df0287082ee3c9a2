import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity.js';
import { entryHash, GENESIS_HASH, type HashableEntry } from './audit-hash.js';
import type { AuditEntryInput } from './audit.types.js';

// Serializes writers of the chain's tail across connections and instances.
const CHAIN_LOCK_KEY = 7_270_301;

/** Writes audit entries into one hash chain. */
@Injectable()
export class AuditService implements OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private pending = new Set<Promise<unknown>>();

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records an entry inside the caller's transaction (`manager`), so the
   * change and its entry commit or roll back together. Without a manager it
   * runs in a transaction of its own.
   */
  async record(input: AuditEntryInput, manager?: EntityManager): Promise<void> {
    if (!manager) {
      await this.dataSource.transaction((m) => this.insert(input, m));
      return;
    }
    await this.insert(input, manager);
  }

  /**
   * For reads, denials and failed logins: written outside the request's
   * path; a clean shutdown waits for what is still being written.
   */
  recordDetached(input: AuditEntryInput): void {
    const p = this.record(input)
      .catch((err: Error) => this.logger.error(`audit entry '${input.action}' not written: ${err.message}`))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Waits for detached writes (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private async insert(input: AuditEntryInput, manager: EntityManager): Promise<void> {
    const entry: HashableEntry = {
      at: new Date(),
      actorId: input.actor?.id ?? null,
      actorUsername: input.actor?.username ?? null,
      action: input.action,
      targetType: input.target?.type ?? null,
      targetId: input.target?.id == null ? null : String(input.target.id),
      targetLabel: input.target?.label ?? null,
      ip: input.client?.ip ?? null,
      userAgent: input.client?.userAgent ?? null,
      outcome: input.outcome,
      details: input.details ?? {},
    };
    await manager.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK_KEY]);
    const [last] = (await manager.query('SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1')) as {
      hash: string;
    }[];
    const prevHash = last?.hash ?? GENESIS_HASH;
    await manager
      .getRepository(AuditEventEntity)
      .insert({ ...entry, details: entry.details as never, prevHash, hash: entryHash(prevHash, entry) });
  }
}
