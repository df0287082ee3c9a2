import { ApiProperty } from '@nestjs/swagger';
import { UserResponseDto } from '../../users/dto/user-response.dto.js';
import { SessionResponseDto } from '../../sessions/dto/session-response.dto.js';

export class MeResponseDto {
  @ApiProperty({ type: UserResponseDto })
  user: UserResponseDto;

  @ApiProperty({
    type: [String],
    example: ['health_monitor_data', 'model_validation_data'],
    description: 'Effective permissions: with full_access, every permission of the catalog',
  })
  permissions: readonly string[];

  @ApiProperty({
    description:
      'The role requires a second factor and the user has none: until one is enrolled, sessions may call ' +
      'only /me, /me/password, /me/mfa/* and /logout',
  })
  mfaEnrollmentRequired: boolean;

  @ApiProperty({ type: SessionResponseDto, nullable: true, description: 'null for an API token' })
  session: SessionResponseDto | null;
}
