import { ApiProperty } from '@nestjs/swagger';

export class RevokeSessionsResponseDto {
  @ApiProperty({ example: 3, description: 'How many live sessions were ended' })
  revoked: number;
}
