import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsNotEmpty, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation.js';
import {
  API_TOKEN_TTL_MAX,
  API_TOKEN_TTL_MIN,
  IsApiTokenTtl,
  USERNAME_PATTERN,
  USERNAME_RULE,
} from './validators.js';

export class CreateUserDto {
  @ApiProperty({ example: 'jane.doe', pattern: USERNAME_PATTERN.source, description: 'Unique and immutable' })
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username: string;

  @ApiProperty({ example: 'jane.doe@example.com', maxLength: 254, description: 'Unique, ignoring case' })
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be a valid e-mail address' })
  email: string;

  @ApiPropertyOptional({
    example: 'MySecure2025Pass!',
    description:
      'Required for regular users: 8-128 characters with a lowercase letter, an uppercase letter and a digit, ' +
      'not a common password, not containing the username. API users cannot log in: a password sent for one is ' +
      'ignored and never stored.',
  })
  @ValidateIf((o: CreateUserDto) => o.isApiUser !== true || o.password !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'password is required for regular users' })
  password?: string;

  @ApiProperty({
    example: 'process_analyst',
    description:
      'Name of an existing role (404 ROLE_NOT_FOUND); for an API user, one that grants api_access or ' +
      'full_access (400 ROLE_LACKS_API_ACCESS), such as api_user',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(63)
  role: string;

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull()
  @IsBoolean()
  isActive?: boolean;

  @ApiPropertyOptional({
    default: false,
    description: 'An API user calls the API with a token and cannot log in',
  })
  @IsOptionalNotNull()
  @IsBoolean()
  isApiUser?: boolean;

  @ApiPropertyOptional({
    example: 90,
    description: `Required for API users, refused for regular users: ${API_TOKEN_TTL_MIN}-${API_TOKEN_TTL_MAX} days, or -1 for a token that never expires`,
  })
  @ValidateIf((o: CreateUserDto) => o.isApiUser === true || o.apiTokenTtlDays !== undefined)
  @IsApiTokenTtl()
  apiTokenTtlDays?: number;
}
