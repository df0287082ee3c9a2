import { ApiProperty } from '@nestjs/swagger';
import { AuditEntryDto } from './audit-entry.dto.js';

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto], description: 'Newest first' })
  items: AuditEntryDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null at the end',
  })
  nextCursor: string | null;
}
