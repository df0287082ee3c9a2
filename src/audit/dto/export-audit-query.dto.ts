import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { ExportFormat } from '../audit-format.js';
import { AuditFilterDto } from './audit-filter.dto.js';

export class ExportAuditQueryDto extends AuditFilterDto {
  @ApiPropertyOptional({ enum: ['csv', 'ndjson'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'ndjson'])
  format?: ExportFormat;
}
