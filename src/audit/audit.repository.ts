import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SqlRunner } from './audit-chain.js';
import { exportChunks } from './audit-export.js';
import type { ExportFormat } from './audit-format.js';
import { type AuditEntryView, type AuditFilters, readPage } from './audit-query.js';
import { type ChainVerdict, verifyChain } from './audit-verify.js';

/** Reads the audit log. The SQL lives in the pure audit-*.ts helpers, which the scale bench runs as is. */
@Injectable()
export class AuditRepository {
  private readonly run: SqlRunner;

  constructor(dataSource: DataSource) {
    // Each statement on its own: nothing here holds a connection between queries.
    this.run = (sql, params) => dataSource.query(sql, params);
  }

  page(
    filters: AuditFilters,
    beforeId: string | null,
    limit: number,
  ): Promise<{ items: AuditEntryView[]; lastId: string | null; more: boolean }> {
    return readPage(this.run, filters, beforeId, limit);
  }

  export(filters: AuditFilters, format: ExportFormat): AsyncGenerator<string> {
    return exportChunks(this.run, filters, format);
  }

  verify(): Promise<ChainVerdict> {
    return verifyChain(this.run);
  }
}
