import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { ValidationFailedError } from '../common/errors/domain-error.js';
import { decodeCursor, encodeCursor } from './audit-cursor.js';
import { EXPORT_CONTENT_TYPE, type ExportFormat } from './audit-format.js';
import type { AuditFilters } from './audit-query.js';
import { AuditRepository } from './audit.repository.js';
import type { AuditFilterDto } from './dto/audit-filter.dto.js';
import type { AuditPageDto } from './dto/audit-page.dto.js';
import type { AuditVerifyDto } from './dto/audit-verify.dto.js';
import type { ExportAuditQueryDto } from './dto/export-audit-query.dto.js';
import type { VerifyAuditQueryDto } from './dto/verify-audit-query.dto.js';
import { DEFAULT_AUDIT_PAGE, type ListAuditQueryDto } from './dto/list-audit-query.dto.js';

export interface AuditExport {
  stream: Readable;
  contentType: string;
  filename: string;
}

/** Reading the audit log: pages, exports and the chain check. Nothing here changes an entry. */
@Injectable()
export class AuditLogService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
  ) {}

  async list(query: ListAuditQueryDto): Promise<AuditPageDto> {
    const filters = filtersOf(query);
    const before = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const page = await this.repository.page(filters, before, query.limit ?? DEFAULT_AUDIT_PAGE);
    return {
      items: page.items,
      nextCursor: page.more && page.lastId !== null ? encodeCursor(page.lastId) : null,
    };
  }

  /** The file is named for the service's time of the export (its Clock). */
  export(query: ExportAuditQueryDto): AuditExport {
    const format: ExportFormat = query.format ?? 'csv';
    const filters = filtersOf(query);
    const stamp = new Date(this.clock.now())
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    return {
      // Pulled as the client reads: a slow client slows the queries, never fills memory.
      stream: Readable.from(this.repository.export(filters, format, query.limit), { objectMode: false }),
      contentType: EXPORT_CONTENT_TYPE[format],
      filename: `audit-${stamp}.${format}`,
    };
  }

  verify(query: VerifyAuditQueryDto = {}): Promise<AuditVerifyDto> {
    if (query.expectHead === undefined) return this.repository.verify();
    const [id, hash] = query.expectHead.split(':');
    return this.repository.verify({ id, hash: hash.toLowerCase() });
  }
}

function filtersOf(query: AuditFilterDto): AuditFilters {
  const from = query.from === undefined ? undefined : new Date(query.from);
  const to = query.to === undefined ? undefined : new Date(query.to);
  if (from && to && from.getTime() > to.getTime()) {
    throw new ValidationFailedError([{ field: 'to', message: 'to must not be before from' }]);
  }
  return {
    actor: query.actor,
    action: query.action,
    targetType: query.targetType,
    targetId: query.targetId,
    from,
    to,
  };
}
