import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditQueue } from './audit-queue.js';
import { draftOf } from './audit-sanitize.js';
import { AuditRepository } from './audit.repository.js';
import type { AuditEntryInput } from './audit.types.js';

/** Writes audit entries into one hash chain. */
@Injectable()
export class AuditService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private readonly queue: AuditQueue;

  constructor(private readonly log: AuditRepository) {
    this.queue = new AuditQueue({
      write: (batch) => this.log.append(batch),
      onError: (message) => this.logger.error(message),
    });
  }

  // Before any other module's bootstrap hook can write an entry.
  async onModuleInit(): Promise<void> {
    const result = await this.log.rekey();
    if (!result) return;
    this.logger.log(`audit chain keyed: ${result.rekeyed} existing entries re-hashed`);
    if (result.firstBrokenId !== null) {
      this.logger.warn(
        `the audit chain was already broken at entry ${result.firstBrokenId} before it was keyed`,
      );
    }
  }

  /**
   * Logs the chain's head (id:hash, as verify's expectHead takes it), so a
   * copy lives outside the database: a later verification against it shows
   * removed newest entries, or a chain recomputed without the key.
   */
  async logHead(when: string): Promise<void> {
    try {
      const head = await this.log.head();
      if (!head) return;
      this.logger.log(`audit chain head at ${when}: ${head.id}:${head.hash}`);
    } catch (err) {
      this.logger.warn(`audit chain head at ${when} not read: ${(err as Error).message}`);
    }
  }

  /**
   * Records an entry inside the caller's transaction (`manager`), so the
   * change and its entry commit or roll back together. Call it as the last
   * statement of the transaction: it holds the chain's lock until the commit.
   * Without a manager it runs in a transaction of its own.
   */
  async record(input: AuditEntryInput, manager?: EntityManager): Promise<void> {
    await this.log.append([draftOf(input)], manager);
  }

  /**
   * For reads, denials and failed logins: queued and written in batches off
   * the request's path. The input is copied at once, so the caller may reuse it.
   */
  recordDetached(input: AuditEntryInput): void {
    this.queue.push(draftOf(input));
  }

  /** Waits until every detached entry recorded so far is written (tests, shutdown). */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  // The data source closes in the shutdown phase, before this module's own
  // hook runs: the queue is written out while the database is still there.
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
    if (this.log.isOpen) await this.logHead('shutdown');
  }

  async onApplicationShutdown(): Promise<void> {
    this.queue.stop();
    if (this.queue.size === 0) return;
    if (this.log.isOpen) {
      await this.flush();
      return;
    }
    this.logger.error(`${this.queue.size} audit entries recorded during shutdown were not written`);
  }
}
