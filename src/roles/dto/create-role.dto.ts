import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { PERMISSION_NAME } from '../permissions.js';
import { IsOptionalNotNull } from './optional.js';

export const ROLE_NAME = /^[a-z][a-z0-9_]{1,62}$/;
const NOT_BLANK = /\S/;
const MAX_PERMISSIONS = 500;

export class CreateRoleDto {
  @ApiProperty({ pattern: ROLE_NAME.source, example: 'report_reader', description: 'Immutable once created' })
  @IsString()
  @Matches(ROLE_NAME, { message: `name must match ${ROLE_NAME.source}` })
  name: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Report Reader' })
  @IsString()
  @Length(1, 100)
  @Matches(NOT_BLANK, { message: 'displayName must not be blank' })
  displayName: string;

  @ApiPropertyOptional({ maxLength: 500, example: 'Reads the process reports' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiProperty({
    type: [String],
    minItems: 1,
    uniqueItems: true,
    example: ['portfolio_data', 'extended_dashboard_data'],
    description: 'At least one, each from GET /auth/api/permissions, no duplicates',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PERMISSIONS)
  @ArrayUnique({ message: 'permissions must not contain duplicates' })
  @IsString({ each: true })
  @Matches(PERMISSION_NAME, { each: true, message: `each permission must match ${PERMISSION_NAME.source}` })
  permissions: string[];
}
