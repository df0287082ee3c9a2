import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsString, MaxLength } from 'class-validator';
import { PageQuery } from './page.query.js';
import { IsOptionalNotNull, queryBoolean } from '../../common/validation.js';

export const USER_SORTS = ['username', 'createdAt', 'lastLoginAt'] as const;
export type UserSort = (typeof USER_SORTS)[number];
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional({
    maxLength: 254,
    description:
      'Case-insensitive. One or two characters match the start of the username or e-mail; three or more ' +
      'match anywhere in either. % and _ are matched literally, not as wildcards',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(254)
  search?: string;

  @ApiPropertyOptional({ example: 'viewer', description: 'Only users of this role' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(63)
  role?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptionalNotNull()
  @Transform(queryBoolean)
  @IsBoolean({ message: 'isActive must be true or false' })
  isActive?: boolean;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptionalNotNull()
  @Transform(queryBoolean)
  @IsBoolean({ message: 'isApiUser must be true or false' })
  isApiUser?: boolean;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'Only users with (true) or without (false) a second factor',
  })
  @IsOptionalNotNull()
  @Transform(queryBoolean)
  @IsBoolean({ message: 'mfaEnabled must be true or false' })
  mfaEnabled?: boolean;

  @ApiPropertyOptional({
    enum: USER_SORTS,
    default: 'username',
    description: 'lastLoginAt: never logged in last',
  })
  @IsOptionalNotNull()
  @IsIn(USER_SORTS, { message: `sort must be one of ${USER_SORTS.join(', ')}` })
  sort?: UserSort;

  @ApiPropertyOptional({ enum: SORT_ORDERS, default: 'asc' })
  @IsOptionalNotNull()
  @IsIn(SORT_ORDERS, { message: 'order must be asc or desc' })
  order?: SortOrder;
}
