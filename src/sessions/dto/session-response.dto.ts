import { ApiProperty } from '@nestjs/swagger';

/** A live session, as its owner or a user administrator sees it. */
export class SessionResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  expiresAt: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Updated at most once a minute',
  })
  lastSeenAt: string | null;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' })
  ip: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent: string | null;

  @ApiProperty()
  rememberMe: boolean;

  @ApiProperty({ description: 'The session this request was made with' })
  current: boolean;
}
