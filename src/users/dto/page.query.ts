import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { IsOptionalNotNull, queryInteger } from '../../common/validation.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Far past any real list; keeps the offset an exact integer. */
export const MAX_PAGE = 10_000_000;

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOptionalNotNull()
  @Transform(queryInteger)
  @IsInt({ message: 'page must be an integer of at least 1' })
  @Min(1, { message: 'page must be an integer of at least 1' })
  @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptionalNotNull()
  @Transform(queryInteger)
  @IsInt({ message: `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}` })
  @Min(1, { message: `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}` })
  @Max(MAX_PAGE_SIZE, { message: `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}` })
  pageSize?: number;
}
