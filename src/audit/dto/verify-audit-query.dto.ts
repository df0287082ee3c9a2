import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { EXPECT_HEAD_PATTERN } from '../audit-head.js';

export class VerifyAuditQueryDto {
  @ApiPropertyOptional({
    pattern: EXPECT_HEAD_PATTERN.source,
    example: `1042:${'3f'.repeat(32)}`,
    description:
      'A head taken earlier (from the log, or the head of a previous verification) as ID:HASH: ' +
      'the chain must still hold it, so removed newest entries or a chain recomputed without the key fail',
  })
  @IsOptional()
  @IsString()
  @Matches(EXPECT_HEAD_PATTERN, {
    message: 'expectHead must be ID:HASH (an entry id, a colon, 64 hex digits)',
  })
  expectHead?: string;
}
