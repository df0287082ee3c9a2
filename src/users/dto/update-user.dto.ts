import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { API_TOKEN_TTL_MAX, API_TOKEN_TTL_MIN, IsApiTokenTtl, IsOptionalNotNull } from './validators.js';

/** The username is immutable: sending one is refused like any unknown field. */
export class UpdateUserDto {
  @ApiPropertyOptional({ example: 'jane.doe@example.com', maxLength: 254 })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be a valid e-mail address' })
  email?: string;

  @ApiPropertyOptional({ example: 'viewer', description: 'Name of an existing role' })
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(63)
  role?: string;

  @ApiPropertyOptional({ description: 'false deactivates the user (as toggle-status does)' })
  @IsOptionalNotNull()
  @IsBoolean()
  isActive?: boolean;

  @ApiPropertyOptional({
    description:
      'true turns a regular user into an API user: a token is issued (in this answer only), the password ' +
      'and sessions end, and apiTokenTtlDays is required. false revokes the token; the user then has no ' +
      'password until one is reset.',
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
