import { ApiProperty } from '@nestjs/swagger';

export class AuditVerifyDto {
  @ApiProperty({ description: 'Every entry checked links to the one before and matches its hash' })
  ok: boolean;

  @ApiProperty({ example: 1042, description: 'Entries checked (up to and including the first broken one)' })
  checked: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: null,
    description: 'The first entry that was edited, or that follows a removed one',
  })
  firstBrokenId: number | null;
}
