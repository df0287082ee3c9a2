import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';
import type { SqlRunner } from './audit-chain.js';
import { EXPORT_BATCH, exportChunks } from './audit-export.js';
import type { ExportFormat } from './audit-format.js';
import { type AuditEntryView, type AuditFilters, readPage } from './audit-query.js';
import { type ChainVerdict, type ExpectedHead, verifyChain } from './audit-verify.js';

/** Reads the audit log. The SQL lives in the pure audit-*.ts helpers, which the scale bench runs as is. */
@Injectable()
export class AuditRepository {
  private readonly run: SqlRunner;

  constructor(
    dataSource: DataSource,
    @Inject(IAM_OPTIONS) private readonly options: IamOptions,
  ) {
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

  export(filters: AuditFilters, format: ExportFormat, limit?: number): AsyncGenerator<string> {
    return exportChunks(this.run, filters, format, EXPORT_BATCH, limit);
  }

  verify(expectHead?: ExpectedHead): Promise<ChainVerdict> {
    return verifyChain(this.run, this.options.auditHmacKey, expectHead);
  }
}
