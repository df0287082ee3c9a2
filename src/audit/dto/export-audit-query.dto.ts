import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { ExportFormat } from '../audit-format.js';
import { AuditFilterDto } from './audit-filter.dto.js';
import { toInt } from './list-audit-query.dto.js';

export const MAX_EXPORT_ROWS = 1_000_000;

export class ExportAuditQueryDto extends AuditFilterDto {
  @ApiPropertyOptional({ enum: ['csv', 'ndjson'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'ndjson'])
  format?: ExportFormat;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_EXPORT_ROWS,
    description: 'At most this many entries, the newest first; every matching entry when left out',
  })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(MAX_EXPORT_ROWS)
  limit?: number;
}
