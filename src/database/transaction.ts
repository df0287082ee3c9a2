import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface Tx {
  manager: EntityManager;
  /** Runs once the transaction has committed (cache eviction): never before, so no reader can re-cache old rows. */
  afterCommit(fn: () => unknown): void;
}

/**
 * Runs a change and its audit entry in one transaction. Work inside must use
 * `tx.manager` only: the embedded database has a single connection, and a
 * query through another connection would wait for this one forever.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger('Transaction');

  constructor(private readonly dataSource: DataSource) {}

  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const hooks: (() => unknown)[] = [];
    const result = await this.dataSource.transaction((manager) =>
      work({ manager, afterCommit: (fn) => hooks.push(fn) }),
    );
    for (const hook of hooks) {
      try {
        await hook();
      } catch (err) {
        this.logger.warn(`after-commit step failed: ${(err as Error).message}`);
      }
    }
    return result;
  }
}
