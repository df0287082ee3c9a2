import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';

// A date, or a time that says its zone: "2026-01-31T12:00:00" alone would mean the server's local time.
const DATE_OR_ZONED_TIME = /^\d{4}-\d{2}-\d{2}(T.*(Z|[+-]\d{2}(:?\d{2})?))?$/i;
const ISO_MESSAGE = 'must be an ISO-8601 date (2026-01-31) or time with a zone (2026-01-31T12:00:00Z)';

/** The filters shared by the list and the export. */
export class AuditFilterDto {
  @ApiPropertyOptional({
    maxLength: 128,
    example: 'admin',
    description: 'Username of the actor, as recorded',
  })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  actor?: string;

  @ApiPropertyOptional({ maxLength: 64, example: 'user.updated' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  action?: string;

  @ApiPropertyOptional({ maxLength: 32, example: 'user', description: 'user, role, route, …' })
  @ValidateIf((o: AuditFilterDto) => o.targetType !== undefined || o.targetId !== undefined)
  @IsString({ message: 'targetType is required with targetId' })
  @Length(1, 32)
  targetType?: string;

  @ApiPropertyOptional({ maxLength: 128, example: '42', description: 'Only together with targetType' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  targetId?: string;

  @ApiPropertyOptional({
    example: '2026-01-01T00:00:00Z',
    description: 'Entries at or after this time (ISO-8601; a date means 00:00 UTC)',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: `from ${ISO_MESSAGE}` })
  @Matches(DATE_OR_ZONED_TIME, { message: `from ${ISO_MESSAGE}` })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-02-01T00:00:00Z',
    description: 'Entries before this time (exclusive; ISO-8601)',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: `to ${ISO_MESSAGE}` })
  @Matches(DATE_OR_ZONED_TIME, { message: `to ${ISO_MESSAGE}` })
  to?: string;
}
