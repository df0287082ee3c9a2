import { ApiProperty } from '@nestjs/swagger';
import { UserResponseDto } from '../../users/dto/user-response.dto.js';

export class LoginResponseDto {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`' })
  accessToken: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiProperty({ type: String, format: 'date-time' })
  expiresAt: string;

  @ApiProperty({
    description: 'Until the password is changed, this session may call only /me, /me/password and /logout',
  })
  mustChangePassword: boolean;

  @ApiProperty({
    description:
      'The role requires a second factor and the user has none: until one is enrolled (POST /me/mfa/totp/setup, ' +
      'then /confirm), this session may call only /me, /me/password, /me/mfa/* and /logout',
  })
  mfaEnrollmentRequired: boolean;

  @ApiProperty({ type: UserResponseDto })
  user: UserResponseDto;
}
