import { ApiProperty } from '@nestjs/swagger';
import { UserResponseDto } from './user-response.dto.js';

export class UserListResponseDto {
  @ApiProperty({ type: [UserResponseDto] })
  items: UserResponseDto[];

  @ApiProperty({
    example: 137,
    description:
      'Users matching the filters, over all pages: exact up to 10,000 matches, an estimate beyond (see totalExact)',
  })
  total: number;

  @ApiProperty({
    example: true,
    description: 'true while total is at most 10,000 and exact; false: an estimate',
  })
  totalExact: boolean;

  @ApiProperty({ example: 1 })
  page: number;

  @ApiProperty({ example: 20 })
  pageSize: number;
}
