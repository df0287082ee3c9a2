import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

// A TOTP code is 6 digits and a recovery code 11 characters; the bound only keeps junk out.
const CODE_MAX = 64;

export class SetupTotpDto {
  @ApiProperty({ format: 'password', maxLength: 1024 })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword: string;
}

export class ConfirmTotpDto {
  @ApiProperty({ description: 'The 6-digit code the authenticator app shows now', example: '492039' })
  @IsString()
  @MinLength(1)
  @MaxLength(CODE_MAX)
  code: string;
}

export class DisableMfaDto {
  @ApiProperty({ format: 'password', maxLength: 1024 })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword: string;

  @ApiProperty({ description: 'A current 6-digit code, or an unused recovery code', example: '492039' })
  @IsString()
  @MinLength(1)
  @MaxLength(CODE_MAX)
  code: string;
}

export class LoginMfaDto {
  @ApiProperty({ description: 'The mfaToken POST /login answered; lives 5 minutes, works once' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  mfaToken: string;

  @ApiProperty({
    description: 'A 6-digit code from the authenticator app, or one of the recovery codes (each works once)',
    example: '492039',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(CODE_MAX)
  code: string;
}
