import { ApiProperty } from '@nestjs/swagger';
import { HYGIENE_REASONS, type HygieneReasonCode } from '../user-hygiene.js';
import { UserResponseDto } from './user-response.dto.js';

export class HygieneReasonDto {
  @ApiProperty({ enum: HYGIENE_REASONS })
  code: HygieneReasonCode;

  @ApiProperty({ example: 'Never logged in; created 45 days ago' })
  message: string;
}

export class HygieneItemDto {
  @ApiProperty({ type: UserResponseDto })
  user: UserResponseDto;

  @ApiProperty({ type: [HygieneReasonDto] })
  reasons: HygieneReasonDto[];
}

export class HygieneResponseDto {
  @ApiProperty({ type: [HygieneItemDto] })
  items: HygieneItemDto[];

  @ApiProperty({ description: 'Accounts to review, over all pages' })
  total: number;

  @ApiProperty()
  page: number;

  @ApiProperty()
  pageSize: number;
}
