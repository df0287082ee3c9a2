import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptionalNotNull } from '../../common/validation.js';
import { IsBoolean } from 'class-validator';
import { IsDescription, IsDisplayName, IsPermissionList, IsRoleName, ROLE_NAME } from './role-fields.js';

export class CreateRoleDto {
  @ApiProperty({ pattern: ROLE_NAME.source, example: 'report_reader', description: 'Immutable once created' })
  @IsRoleName()
  name: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Report Reader' })
  @IsDisplayName()
  displayName: string;

  @ApiPropertyOptional({ maxLength: 500, example: 'Reads the process reports' })
  @IsOptionalNotNull()
  @IsDescription()
  description?: string;

  @ApiProperty({
    type: [String],
    minItems: 1,
    uniqueItems: true,
    example: ['portfolio_data', 'extended_dashboard_data'],
    description: 'At least one, each from GET /auth/api/permissions, no duplicates',
  })
  @IsPermissionList()
  permissions: string[];

  @ApiPropertyOptional({
    default: false,
    description: 'Users of this role must sign in with a second factor',
  })
  @IsOptionalNotNull()
  @IsBoolean()
  requireMfa?: boolean;
}
