import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'jane.doe', maxLength: 128 })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  username: string;

  // An empty password is a wrong password (401), not a malformed request.
  @ApiProperty({ example: 'correct horse Battery 9', format: 'password', maxLength: 1024 })
  @IsString()
  @MaxLength(1024)
  password: string;

  @ApiPropertyOptional({ description: 'Keep the session for 30 days instead of 24 hours', default: false })
  @IsOptional()
  @IsBoolean()
  rememberMe?: boolean;
}
