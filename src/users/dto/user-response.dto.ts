import { ApiProperty } from '@nestjs/swagger';
import { API_TOKEN_STATUSES, type ApiTokenStatus } from '../api-token-status.js';

/** A user as every answer shows it: never a password hash, a token or a token id. */
export class UserResponseDto {
  @ApiProperty({ example: 42, minimum: 1 })
  id: number;

  @ApiProperty({ example: 'jane.doe' })
  username: string;

  @ApiProperty({ example: 'jane.doe@example.com' })
  email: string;

  @ApiProperty({ example: 'process_analyst' })
  role: string;

  @ApiProperty({ example: 'Process Analyst' })
  roleDisplayName: string;

  @ApiProperty()
  isActive: boolean;

  @ApiProperty()
  isApiUser: boolean;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'API users: when the current token expires (null: never, or a regular user)',
  })
  apiTokenExpiresAt: string | null;

  @ApiProperty({
    enum: API_TOKEN_STATUSES,
    nullable: true,
    description: 'valid; expiring (under 7 days left); expired (or revoked); never; null for regular users',
  })
  apiTokenStatus: ApiTokenStatus | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'API users: when the current token was last used (kept to the minute; null: not yet, or a regular user)',
  })
  apiTokenLastUsedAt: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'API users: until when the token replaced by a regeneration with a grace keeps working ' +
      '(null: no previous token works any more, or a regular user)',
  })
  previousTokenValidUntil: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'API users, while previousTokenValidUntil is set: when the previous token was last used ' +
      '(kept to the minute; null otherwise)',
  })
  previousTokenLastUsedAt: string | null;

  @ApiProperty({ description: 'The user must change the password at the next login' })
  mustChangePassword: boolean;

  @ApiProperty({ description: 'The user signs in with a second factor (TOTP); always false for API users' })
  mfaEnabled: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastLoginAt: string | null;
}
