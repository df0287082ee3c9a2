import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';
import { appendToChain, chainHead, type SqlRunner } from './audit-chain.js';
import { EXPORT_BATCH, exportChunks } from './audit-export.js';
import type { ExportFormat } from './audit-format.js';
import { type PruneStep, pruneStep } from './audit-prune.js';
import { type AuditEntryView, type AuditFilters, readPage } from './audit-query.js';
import { type RekeyResult, rekeyChain } from './audit-rekey.js';
import type { AuditDraft } from './audit-sanitize.js';
import { type ChainVerdict, type ExpectedHead, verifyChain } from './audit-verify.js';

const runnerOf =
  (manager: EntityManager): SqlRunner =>
  (sql, params) =>
    manager.query(sql, params);

/**
 * The only place that queries the audit log: its chain is written, read, re-keyed and pruned here. The SQL
 * lives in the pure audit-*.ts helpers, which the scale bench runs as is.
 */
@Injectable()
export class AuditRepository {
  private readonly run: SqlRunner;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(IAM_OPTIONS) private readonly options: IamOptions,
  ) {
    // Each statement on its own: nothing here holds a connection between queries.
    this.run = (sql, params) => dataSource.query(sql, params);
  }

  /** Whether the database can still be reached (it closes before the audit module's shutdown hooks). */
  get isOpen(): boolean {
    return this.dataSource.isInitialized;
  }

  /**
   * Appends to the chain inside the caller's transaction (`manager`), or in a transaction of its own;
   * the chain's lock is held until that transaction ends.
   */
  append(drafts: readonly AuditDraft[], manager?: EntityManager): Promise<void> {
    if (manager) return appendToChain(runnerOf(manager), this.options.auditHmacKey, drafts);
    return this.dataSource.transaction((m) => appendToChain(runnerOf(m), this.options.auditHmacKey, drafts));
  }

  head(): Promise<{ id: number; hash: string } | null> {
    return chainHead(this.run);
  }

  /** Keys an unkeyed chain once, under the chain's lock; null when there is nothing to do. */
  rekey(): Promise<RekeyResult | null> {
    return this.dataSource.transaction((m) => rekeyChain(runnerOf(m), this.options.auditHmacKey));
  }

  /** Removes up to `batch` entries written before `cutoff`, in one short transaction. */
  pruneStep(cutoff: Date, batch: number): Promise<PruneStep | null> {
    return this.dataSource.transaction((m) =>
      pruneStep(runnerOf(m), this.options.auditHmacKey, cutoff, batch),
    );
  }

  page(
    filters: AuditFilters,
    beforeId: string | null,
    limit: number,
  ): Promise<{ items: AuditEntryView[]; lastId: string | null; more: boolean }> {
    return readPage(this.run, filters, beforeId, limit);
  }

  export(filters: AuditFilters, format: ExportFormat, limit?: number): AsyncGenerator<string> {
    return exportChunks(this.run, filters, format, EXPORT_BATCH, limit);
  }

  verify(expectHead?: ExpectedHead): Promise<ChainVerdict> {
    return verifyChain(this.run, this.options.auditHmacKey, expectHead);
  }
}
