import { ApiHideProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Immutable, IsOptionalNotNull } from '../../common/validation.js';
import { API_TOKEN_TTL_MAX, API_TOKEN_TTL_MIN, IsApiTokenTtl } from './validators.js';

export class UpdateUserDto {
  @ApiHideProperty()
  @Immutable('username is immutable')
  username?: never;

  @ApiPropertyOptional({ example: 'jane.doe@example.com', maxLength: 254 })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be a valid e-mail address' })
  email?: string;

  @ApiPropertyOptional({
    example: 'viewer',
    description: 'Name of an existing role; for an API user, one that grants api_access (or full_access)',
  })
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(63)
  role?: string;

  @ApiPropertyOptional({
    description:
      'false deactivates the user (as toggle-status does; never your own account); true reactivates it, and ' +
      "an API user's suspended token works again",
  })
  @IsOptionalNotNull()
  @IsBoolean()
  isActive?: boolean;

  @ApiPropertyOptional({
    description:
      'true turns a regular user into an API user: a token is issued (in this answer only), the password ' +
      'and sessions end, and apiTokenTtlDays is required; the role must grant api_access. false revokes ' +
      'the token for good; the user then has no password until one is reset.',
  })
  @IsOptionalNotNull()
  @IsBoolean()
  isApiUser?: boolean;

  @ApiPropertyOptional({
    example: 90,
    description: `API users only: ${API_TOKEN_TTL_MIN}-${API_TOKEN_TTL_MAX} days, or -1 for never. A changed lifetime applies from the next token (regenerate-token); the current token keeps its expiry.`,
  })
  @IsOptionalNotNull()
  @IsApiTokenTtl()
  apiTokenTtlDays?: number;
}
