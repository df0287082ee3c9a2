import { ApiHideProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { PERMISSION_NAME } from '../permissions.js';
import { IsOptionalNotNull } from './optional.js';

// Declared, so the refusal names the rule instead of "property name should not exist".
const Immutable = () =>
  ValidateBy({
    name: 'immutable',
    validator: {
      validate: (value: unknown) => value === undefined,
      defaultMessage: () => 'name is immutable; create a new role instead',
    },
  });

/** Every field optional; a system role accepts displayName and description only. */
export class UpdateRoleDto {
  @ApiHideProperty()
  @Immutable()
  name?: never;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'displayName must not be blank' })
  displayName?: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'An empty string clears it' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({
    type: [String],
    minItems: 1,
    uniqueItems: true,
    description: 'Replaces the whole set: at least one, each known, no duplicates',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique({ message: 'permissions must not contain duplicates' })
  @IsString({ each: true })
  @Matches(PERMISSION_NAME, { each: true, message: `each permission must match ${PERMISSION_NAME.source}` })
  permissions?: string[];
}
