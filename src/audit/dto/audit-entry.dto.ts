import { ApiProperty } from '@nestjs/swagger';

export class AuditEntryDto {
  @ApiProperty({ example: 1042, description: 'Increasing; a JSON number (ids stay below 2^53)' })
  id: number;

  @ApiProperty({ example: '2026-01-31T12:00:00.000Z' })
  at: string;

  @ApiProperty({ type: 'integer', nullable: true, example: 1 })
  actorId: number | null;

  @ApiProperty({ type: String, nullable: true, example: 'admin', description: 'As it was at the time' })
  actorUsername: string | null;

  @ApiProperty({ example: 'user.updated' })
  action: string;

  @ApiProperty({ type: String, nullable: true, example: 'user' })
  targetType: string | null;

  @ApiProperty({ type: String, nullable: true, example: '42' })
  targetId: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'jdoe' })
  targetLabel: string | null;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' })
  ip: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Mozilla/5.0' })
  userAgent: string | null;

  @ApiProperty({ enum: ['success', 'failure', 'denied'], example: 'success' })
  outcome: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { changes: { role: { before: 'viewer', after: 'process_analyst' } } },
  })
  details: Record<string, unknown>;
}
