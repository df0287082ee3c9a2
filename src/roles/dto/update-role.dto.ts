import { ApiHideProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { Immutable, IsOptionalNotNull } from '../../common/validation.js';
import { IsDescription, IsDisplayName, IsPermissionList } from './role-fields.js';

/** Every field optional; a system role accepts displayName and description only. */
export class UpdateRoleDto {
  @ApiHideProperty()
  @Immutable('name is immutable; create a new role instead')
  name?: never;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptionalNotNull()
  @IsDisplayName()
  displayName?: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'An empty string clears it' })
  @IsOptionalNotNull()
  @IsDescription()
  description?: string;

  @ApiPropertyOptional({
    type: [String],
    minItems: 1,
    uniqueItems: true,
    description: 'Replaces the whole set: at least one, each known, no duplicates',
  })
  @IsOptionalNotNull()
  @IsPermissionList()
  permissions?: string[];

  @ApiPropertyOptional({
    description: 'Users of this role must sign in with a second factor; editable on system roles too',
  })
  @IsOptionalNotNull()
  @IsBoolean()
  requireMfa?: boolean;
}
