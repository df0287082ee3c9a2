import { ApiProperty } from '@nestjs/swagger';

export class AuditHeadDto {
  @ApiProperty({ example: 1042 })
  id: number;

  @ApiProperty({ example: '3f'.repeat(32), description: 'HMAC-SHA256 under the audit key, hex' })
  hash: string;
}

export class AuditVerifyDto {
  @ApiProperty({
    description:
      'Every entry checked links to the one before and matches its keyed hash (and expectHead, if given, is still in the chain)',
  })
  ok: boolean;

  @ApiProperty({ example: 1042, description: 'Entries checked (up to and including the first broken one)' })
  checked: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: null,
    description:
      'The first entry that was edited, or that follows a removed one; null when nothing breaks or expectHead is gone',
  })
  firstBrokenId: number | null;

  @ApiProperty({
    type: AuditHeadDto,
    nullable: true,
    description:
      'The newest entry (or the last one retention removed); keep it, and pass it later as expectHead. Null for an empty log',
  })
  head: AuditHeadDto | null;
}
