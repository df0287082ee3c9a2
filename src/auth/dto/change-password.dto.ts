import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class ChangePasswordDto {
  @ApiProperty({ format: 'password', maxLength: 1024 })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword: string;

  // Length and character rules are the password policy's (WEAK_PASSWORD lists every failed rule).
  @ApiProperty({
    format: 'password',
    description:
      '8-128 characters with a lowercase and an uppercase letter and a digit; not common, not the username',
  })
  @IsString()
  @MaxLength(1024)
  newPassword: string;
}
