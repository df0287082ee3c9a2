import { ApiPropertyOptional } from '@nestjs/swagger';
import { UserResponseDto } from './user-response.dto.js';

/** PATCH's answer: the user, plus the new API token when the change turned them into an API user. */
export class UserWithTokenResponseDto extends UserResponseDto {
  @ApiPropertyOptional({
    description:
      'Only when this change made the user an API user: shown once, never stored, never shown again',
  })
  apiToken?: string;
}
